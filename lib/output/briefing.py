"""The one-page briefing of a Compare view, as PNG and PDF.

The briefing is one Vega-Lite ``vconcat`` spec — a title that stands alone,
what it covers (outlets, dates, articles per side and language), the key
charts, the findings, a methods line and a provenance footer — laid out on
exactly one A4 portrait page or one 16:9 slide, rendered to PNG and PDF by
vl-convert with the export font (``lib.output.exports``). It renders the
Compare view object itself (``lib.views.compare``), so the briefing and the
page never disagree.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from lib.output.exports import (
    EXPORT_FONT,
    PNG_SCALE,
    Provenance,
    chars_per_line,
    chart_spec,
    provenance,
    register_fonts,
    text_block,
    wrapped,
)
from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    FOCAL_DYADS,
    SUPPORTED_LEGEND,
    date_span,
    focal_articles,
    source_options,
)
from lib.views.compare import CompareView, compare_view
from lib.views.findings import basis

#: Page sizes in PDF points (vl-convert draws 1 CSS pixel as 1 point): A4
#: portrait for print, 16:9 (PowerPoint's widescreen, 13.33 × 7.5 in) for slides.
PAGE_SIZES = {"a4": (595, 842), "slide": (960, 540)}
BRIEFING_PADDING = 22
#: Width of the A4 briefing's content (kept for callers that size to it).
BRIEFING_WIDTH = PAGE_SIZES["a4"][0] - 2 * BRIEFING_PADDING
#: Axis labels in the briefing: long topic names end in "…" sooner than on screen.
BRIEFING_LABEL_LIMIT = 150
#: The Vega-Lite version the charts are written for (Altair's): vl-convert
#: compiles a spec by the version its $schema names, and v5 lays out the
#: paired bars (yOffset) of a v6 chart differently.
BRIEFING_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
#: Bars per ranked chart in the briefing: the page must stay one page.
BRIEFING_TOP = 6
#: Font size of chart titles in the briefing (subtitles 2 points smaller).
BRIEFING_TITLE_SIZE = 11
#: Height of one pair of bars (both dyads) in a briefing chart, in points.
BRIEFING_BAR_PAIR = 16
METHODS_LINE = (
    "Methods: English sentence tone by VADER, Arabic by the project's lexicon method (each −1..+1; compare within a language); "
    "entities from a gazetteer plus NER; topics from a bilingual keyword taxonomy; distinctive words by log-odds with an "
    "informative prior (Monroe et al. 2008); intervals from resampling articles; "
    f"{SUPPORTED_LEGEND}."
)


#: Room left of a chart's plot for its axis labels. Every text block starts
#: this far left of the plots (concatenated views align their plots), so the
#: page is exactly its width whatever the labels.
BRIEFING_LEFT = BRIEFING_LABEL_LIMIT + 16


def _as_subspec(chart: Any, datasets: dict, index: int, *, width: int, shrink: int = 0) -> dict:
    """A chart's spec without its top-level-only keys, datasets hoisted, selections renamed, sized to ``width``."""
    spec = chart_spec(chart)
    datasets.update(spec.pop("datasets", {}))
    for key in ("$schema", "config", "background", "autosize", "padding"):
        spec.pop(key, None)
    names = [p["name"] for p in spec.get("params", []) if "select" in p]
    for name in names:  # two charts' "pick" selections would clash in one view
        spec = _rename_param(spec, name, f"{name}_{index}")
    if "mark" in spec or "layer" in spec:
        spec["width"] = max(120, width - BRIEFING_LEFT - shrink)
    title = spec.get("title")
    if isinstance(title, dict):  # titles wrap to the column (a line wider than the page would widen it)
        title = dict(title)
        per = chars_per_line(width - BRIEFING_LEFT - shrink, BRIEFING_TITLE_SIZE, bold=True)
        title["text"] = textwrap.wrap(str(title.get("text", "")), per) or [""]
        subtitle = title.get("subtitle")
        if isinstance(subtitle, (str, list)):  # a list is one line each (charts.py): wrap every one
            per = chars_per_line(width - BRIEFING_LEFT - shrink, BRIEFING_TITLE_SIZE - 2)
            title["subtitle"] = [
                w for line in ([subtitle] if isinstance(subtitle, str) else subtitle) for w in textwrap.wrap(str(line), per)
            ]
        spec["title"] = title
    return spec


def _rename_param(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: (new if k in ("param", "name") and v == old else _rename_param(v, old, new)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_param(v, old, new) for v in node]
    return node


@dataclass(frozen=True)
class BriefingText:
    """The words of a briefing: a title that stands alone, what it covers, findings, provenance."""

    title: str
    scope: list[str]  # outlets, date span, counts per side and language, filters
    findings: list[str]
    footer: list[str]  # methods and provenance


def _config(size: int) -> dict:
    return {
        "font": EXPORT_FONT,
        "view": {"stroke": None},
        "concat": {"spacing": 10},
        "axis": {"labelFontSize": size - 1, "titleFontSize": size - 1, "labelLimit": BRIEFING_LABEL_LIMIT},
        "legend": {"labelFontSize": size - 1, "titleFontSize": size - 1},
        "title": {"fontSize": BRIEFING_TITLE_SIZE, "subtitleFontSize": BRIEFING_TITLE_SIZE - 2, "anchor": "start"},
        "header": {"labelFontSize": size},
    }


def _compose(text: BriefingText, chart_objs: Sequence[Any], *, layout: str, shrink: int = 0) -> dict:
    page_w, _ = PAGE_SIZES[layout]
    inner = page_w - 2 * BRIEFING_PADDING
    size = 10 if layout == "a4" else 11
    datasets: dict = {}

    def words(width: int, left: int) -> list[dict]:
        return [
            text_block(["Findings"], width=width, size=size + 2, weight="bold", left=left),
            text_block(
                wrapped(text.findings, width=width, size=size, bullet="• ") or ["No findings: the corpus needs articles on both dyads."],
                width=width,
                size=size,
                left=left,
            ),
        ]

    L = BRIEFING_LEFT
    head = [
        text_block(wrapped([text.title], width=inner, size=15, bold=True), width=inner, size=15, weight="bold", left=L),
        text_block(wrapped(text.scope, width=inner, size=size), width=inner, size=size, color="#333", left=L),
    ]
    foot = text_block(wrapped(text.footer, width=inner, size=size - 2), width=inner, size=size - 2, color="#555", left=L)
    if layout == "a4":
        body = [_as_subspec(c, datasets, i, width=inner, shrink=shrink) for i, c in enumerate(chart_objs)] + words(inner, L)
        parts = [*head, *body, foot]
    else:  # slide: charts on the left, findings on the right
        gap = 18
        left_w = int(inner * 0.55)
        right_w = inner - left_w - gap
        left = {
            "vconcat": [_as_subspec(c, datasets, i, width=left_w, shrink=shrink) for i, c in enumerate(chart_objs)]
            or [text_block([""], width=left_w, left=L)]
        }
        right = {"vconcat": words(right_w, 0)}
        parts = [*head, {"hconcat": [left, right], "spacing": gap}, foot]
    spec = {
        "$schema": BRIEFING_SCHEMA,
        "vconcat": parts,
        "spacing": 8,
        "padding": BRIEFING_PADDING,
        "background": "white",
        # Each chart keeps its own legend (merged legends are dropped in a vconcat).
        "resolve": {
            "legend": {"color": "independent"},
            "scale": {"color": "independent", "x": "independent", "y": "independent", "xOffset": "independent", "yOffset": "independent"},
        },
        "config": _config(size),
    }
    if datasets:
        spec["datasets"] = datasets
    return spec


def _svg_size(spec: dict) -> tuple[float, float]:
    import vl_convert as vlc

    register_fonts()
    svg = vlc.vegalite_to_svg(spec)
    m = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


MORE_FINDINGS = " (more findings on the Compare page)"
#: Findings kept before a chart is dropped to fit the page: tone, the two leading topics, one entity.
BRIEFING_MIN_FINDINGS = 4


def fit_page(text: BriefingText, chart_objs: Sequence[Any], *, layout: str = "a4") -> dict:
    """The briefing spec laid out on exactly one page of ``layout`` (``a4`` or ``slide``).

    The spec is measured (rendered to SVG); while it is taller than the page,
    findings beyond the first BRIEFING_MIN_FINDINGS are cut from the end
    (saying so), then the last chart is dropped, then more findings; a blank
    block then fills the page to its exact height.
    """
    page_w, page_h = PAGE_SIZES[layout]
    charts_left = list(chart_objs)
    findings = list(text.findings)
    shrink = 0
    for _ in range(len(chart_objs) + len(findings) + 4):
        spec = _compose(BriefingText(text.title, text.scope, findings, text.footer), charts_left, layout=layout, shrink=shrink)
        w, h = _svg_size(spec)
        if w > page_w + 0.5:  # a chart's labels made the page wider: narrow the charts
            shrink += int(w - page_w) + 1
            continue
        if h <= page_h:
            break
        if len(findings) > BRIEFING_MIN_FINDINGS:  # keep the key charts: cut the later findings first
            findings = findings[:-1]
            if not findings[-1].endswith(MORE_FINDINGS):
                findings[-1] = findings[-1] + MORE_FINDINGS
        elif len(charts_left) > 1:
            charts_left.pop()
        elif len(findings) > 1:
            findings = findings[:-1]
            if not findings[-1].endswith(MORE_FINDINGS):
                findings[-1] = findings[-1] + MORE_FINDINGS
        elif charts_left:
            charts_left.pop()
        else:
            break
    gap = int(page_h - h)
    if gap > 0:  # fill the page to its exact height, above the footer
        spacer = {"width": 1, "height": max(1, gap - spec["spacing"]), "mark": "point", "data": {"values": []}}
        spec["vconcat"].insert(len(spec["vconcat"]) - 1, spacer)
    return spec


def briefing_spec(
    *, title: str, charts: Sequence[Any], findings: Sequence[str], prov: Provenance, subtitle: str | None = None, layout: str = "a4"
) -> dict:
    """One Vega-Lite spec on one page: title, scope, key charts, plain-language findings, provenance footer."""
    text = BriefingText(title, [subtitle] if subtitle else [], list(findings), [METHODS_LINE, *prov.lines()])
    return fit_page(text, charts, layout=layout)


def briefing_png(spec: dict, *, scale: float = PNG_SCALE) -> bytes:
    import vl_convert as vlc

    register_fonts()
    return vlc.vegalite_to_png(spec, scale=scale)


def briefing_pdf(spec: dict) -> bytes:
    import vl_convert as vlc

    register_fonts()
    return vlc.vegalite_to_pdf(spec)


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF (counts page objects; enough for the PDFs made here)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def briefing_charts(view: CompareView, *, top: int = BRIEFING_TOP) -> list:
    """The key Compare charts, drawn from the Compare view itself: tone by dyad and language, topics, entities."""
    from lib.output import charts  # imported when a briefing is made: Altair is not needed to draw a page's text

    out = []
    tone = view.summary.tone
    if not tone.empty and (tone["n_sentences"] > 0).any():
        out.append(charts.tone_summary_chart(tone, legend_line=False).properties(height=34 * max(1, tone["language"].nunique())))
    shares = view.topics.shares
    if not shares.empty and shares["share"].max() > 0:
        keep = shares.groupby("topic_id")["share"].max().nlargest(top).index
        out.append(
            charts.topic_compare_chart(shares[shares["topic_id"].isin(keep)], legend_line=False).properties(
                height=BRIEFING_BAR_PAIR * len(keep)
            )
        )
    rates = view.entity_rates[~view.entity_rates["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    if not rates.empty:
        n = min(top, rates["entity_id"].nunique())
        out.append(
            charts.entity_compare_chart(
                rates, top=top, subtitle="The two countries of each relationship left out", legend_line=False
            ).properties(height=BRIEFING_BAR_PAIR * n)
        )
    return out


def _span_text(articles: pd.DataFrame) -> str:
    first, last = date_span(focal_articles(articles))
    undated = int(focal_articles(articles)["date"].isna().sum())
    span = f"{first} to {last}" if first else "no dated articles"
    return span + (f" ({undated} undated)" if undated else "")


def briefing_text(view: CompareView, articles: pd.DataFrame, *, scope: str, prov: Provenance) -> BriefingText:
    """The words of the briefing of ``view`` (made from ``articles``, the filtered corpus)."""
    focal = focal_articles(articles)
    first, last = date_span(focal)
    period = f", {first[:7]} to {last[:7]}" if first and last and first[:7] != last[:7] else (f", {first[:7]}" if first else "")
    title = f"How English and Arabic news covered US–Turkey and Russia–Turkey relations{period}"
    outlets = source_options(focal)
    shown = ", ".join(outlets[:8]) + (f" and {len(outlets) - 8} more" if len(outlets) > 8 else "")
    per = []
    tone = view.summary.tone
    for d in FOCAL_DYADS:
        rows = tone[tone["dyad"] == d]
        langs = ", ".join(f"{r.language_label} {r.n_articles}" for r in rows.itertuples() if r.n_articles)
        per.append(f"{DYAD_LABELS[d]} {int((focal['dyad'] == d).sum())} ({langs or 'none'})")
    n = {d: int((focal["dyad"] == d).sum()) for d in FOCAL_DYADS}
    common_basis = f" ({basis(n)})"
    scope_lines = [
        f"Articles: {'; '.join(per)}. Articles on both relationships ({view.summary.n_both}) are counted in neither.",
        f"Outlets ({len(outlets)}): {shown or 'none'}. Dates: {_span_text(articles)}.",
        f"Selection: {scope}. Unless a finding says otherwise, it is {basis(n)}.",
    ]
    # the volume finding repeats the first scope line; a finding on all articles need not repeat their count
    found = [f.text.replace(common_basis, "") for f in view.findings if f.kind != "volume"]
    return BriefingText(title, scope_lines, found, [METHODS_LINE, *prov.lines()])


def briefing_for_view(
    view: CompareView,
    articles: pd.DataFrame,
    *,
    fingerprint: str,
    pipeline_version: str,
    scope: str = "all articles",
    layout: str = "a4",
    now: datetime | None = None,
) -> dict:
    """The one-page briefing of a Compare view (``articles``: the filtered corpus it was made from)."""
    prov = provenance(articles, fingerprint=fingerprint, pipeline_version=pipeline_version, now=now)
    return fit_page(briefing_text(view, articles, scope=scope, prov=prov), briefing_charts(view), layout=layout)


def briefing_for(
    corpus: Mapping[str, pd.DataFrame] | Any,
    *,
    fingerprint: str,
    pipeline_version: str,
    scope: str = "all articles",
    layout: str = "a4",
    now: datetime | None = None,
) -> dict:
    """The briefing spec of a corpus (or of a filtered part of it, named by ``scope``)."""
    view = compare_view(corpus)
    return briefing_for_view(
        view, corpus["articles"], fingerprint=fingerprint, pipeline_version=pipeline_version, scope=scope, layout=layout, now=now
    )
