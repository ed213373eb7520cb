"""Every chart of the dashboard, with one colour per dyad.

Each function takes a table from a view in ``lib.views`` and returns a chart
whose title and axis labels stand alone in a screenshot or an exported
PNG/SVG (the title names the dyad, the measure and its scale). The charts
Compare draws on every filter change (articles, tone, tone bands, entities,
topics, who is quoted, terms) are Vega-Lite specs written as dicts
(``lib.output.vl``: the same specs as Altair's, in about 60 % of the time); the
others are Altair charts. Both have ``to_dict()`` and ``properties()``.
US–Turkey and Russia–Turkey always have the same two colours
(``DYAD_COLORS``). Charts that a page can click carry a point selection
named ``SELECT_PARAM`` on the field the page drills down by.

Arabic labels (terms, names) are plain Unicode strings: browsers' canvas
and SVG text, and vl-convert's exporter, lay out and shape Arabic
themselves, so no reshaping or reversing is done here (that would break
them). The font list puts an Arabic face beside the Latin one so the glyphs
come from a font that has them.
"""

from __future__ import annotations

import copy

import altair as alt
import pandas as pd

from lib.output import chart_data, vl
from lib.views.common import (
    DIFF_COLUMNS,
    DYAD_LABELS,
    FOCAL_DYADS,
    INTERVAL_LEVEL,
    LANGUAGE_LABELS,
    SUPPORTED_LEGEND,
    SUPPORTED_MARK,
    interval_text,
    signed,
)

chart_data.enable()  # charts' data become Vega-Lite values as Altair's transformer makes them, faster

# --- shared look --------------------------------------------------------------------------

#: Okabe–Ito blue and vermillion: told apart with every common colour-vision
#: deficiency and in greyscale print, and never used for tone (lib.output.highlight).
DYAD_COLORS = {"us-turkey": "#0072B2", "russia-turkey": "#D55E00"}
OTHER_COLOR = "#999999"
FONT = "Noto Sans, Noto Sans Arabic, Noto Naskh Arabic, Helvetica, Arial, sans-serif"
#: Long enough for "Human rights and rule of law (Kavala, …)" without clipping
#: the shorter labels; longer ones end in "…", full text in the tooltip.
LABEL_LIMIT = 260
#: Name of the click selection on charts a page can drill down from.
SELECT_PARAM = "pick"
TONE_DOMAIN = (-1.0, 1.0)
#: Bars in a ranked chart: more are unreadable at half the page width.
MAX_BARS = 12


def _dyad_scale() -> dict:
    """The colour scale keyed on the dyad's display label (US–Turkey, Russia–Turkey)."""
    return {"domain": [DYAD_LABELS[d] for d in FOCAL_DYADS], "range": [DYAD_COLORS[d] for d in FOCAL_DYADS]}


def dyad_scale() -> alt.Scale:
    """``_dyad_scale`` for an Altair chart."""
    return alt.Scale(**_dyad_scale())


def _dyad_color(field: str = "dyad_label", *, legend: bool = True, title: str = "Dyad") -> dict:
    return vl.field(f"{field}:N", scale=_dyad_scale(), title=title, legend={"orient": "top"} if legend else None)


def dyad_color(field: str = "dyad_label", *, legend: bool = True, title: str = "Dyad") -> alt.Color:
    """``_dyad_color`` for an Altair chart."""
    return alt.Color(**_dyad_color(field, legend=legend, title=title))


#: A text mark drawn in white with a white outline, beneath the same text: a halo that keeps a
#: label readable where it crosses a rule or a line (on the page's beige as on an export's white).
LABEL_HALO = {"color": "white", "stroke": "white", "strokeWidth": 5, "strokeOpacity": 0.9, "strokeJoin": "round"}

#: The shared fonts, title, axis, legend and view configuration (with the view size
#: Altair's default theme adds).
CONFIG = {
    "font": FONT,
    "title": {
        "fontSize": 14,
        "fontStyle": "normal",
        "subtitleFontStyle": "normal",
        "anchor": "start",
        "subtitleFontSize": 11,
        "subtitleColor": "#444",
    },
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 12,
        "labelFontStyle": "normal",
        "titleFontStyle": "normal",
        "labelLimit": LABEL_LIMIT,
        "grid": True,
        "gridOpacity": 0.4,
    },
    "legend": {"labelFontSize": 11, "titleFontSize": 11},
    "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
}


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the shared fonts, title and axis configuration (to ``chart`` itself: Altair's
    ``configure_*`` methods copy a layered chart, all its layers, once per call)."""
    chart.config = alt.Config(**copy.deepcopy(CONFIG))
    return chart


def _title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    """``vl.title`` for an Altair chart (a list: one line each, so a long explanation wraps at 800 px)."""
    return alt.TitleParams(**vl.title(text, subtitle))


# --- differences the data support -------------------------------------------------------------

#: Room on the right of a paired bar chart for the mark beside the longest bar.
MARK_PAD_PX = 18


def with_difference_text(d: pd.DataFrame, *, percent: bool = False, digits: int = 2) -> pd.DataFrame:
    """``d`` (with the views' DIFF_COLUMNS) plus the text its tooltips show: the difference
    (US–Turkey − Russia–Turkey), its interval, and whether it is supported."""
    if not set(DIFF_COLUMNS) <= set(d.columns):
        d = d.assign(**{c: pd.NA for c in DIFF_COLUMNS if c not in d.columns})
    supported = d["diff_supported"].astype("boolean").fillna(False).astype(bool)

    def diff_text(x: object) -> str:
        if x is None or x is pd.NA or pd.isna(x):
            return "–"
        return f"{signed(float(x) * 100, 1)} points" if percent else signed(x, digits)

    return d.assign(
        diff_supported=supported,
        diff_text=d["diff"].map(diff_text),
        diff_interval=[interval_text(lo, hi, digits, percent=percent) for lo, hi in zip(d["diff_low"], d["diff_high"], strict=True)],
        diff_flag=[f"{SUPPORTED_MARK} yes: the interval excludes zero" if ok else "no" for ok in supported],
    )


def _diff_tooltips() -> list[dict]:
    a, b = (DYAD_LABELS[x] for x in FOCAL_DYADS)
    return [
        vl.tooltip("diff_text:N", f"{a} − {b}"),
        vl.tooltip("diff_interval:N", f"{INTERVAL_LEVEL:.0%} interval of the difference"),
        vl.tooltip("diff_flag:N", "Difference supported"),
        vl.tooltip("diff_note:N", "Basis"),
    ]


def _supported_marks(*, key: str, x: dict, y: dict, tooltip: list) -> dict:
    """A ◆ just past the longer bar of each pair whose difference is supported (a layer over the
    bars' data, with their order and offsets, so it sits beside its bar at any width)."""
    field = x["field"]
    return {
        "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4, "fontSize": 13, "color": "#111"},
        "encoding": {"y": y, "yOffset": _dyad_offset(), "x": vl.field(f"{field}:Q"), "text": {"value": SUPPORTED_MARK}, "tooltip": tooltip},
        "transform": [
            {"joinaggregate": [{"op": "max", "field": field, "as": "longest"}], "groupby": [key]},
            {"filter": f"datum.diff_supported && datum['{field}'] == datum.longest"},
        ],
    }


#: Pixels a chart's title, subtitle and x axis take. Streamlit sizes charts
#: with Vega's "fit" autosize, where the height covers them as well as the
#: plot, so a chart of n bars needs this much on top of its bars.
CHROME_PX = 90


#: One more subtitle line (the paired charts explain their ◆ in a second line).
SUBTITLE_LINE_PX = 14


def _height(n: int, per: int = 22, minimum: int = 60) -> int:
    return CHROME_PX + max(minimum, per * n)


# --- articles -------------------------------------------------------------------------------


def _dyad_language_tooltips(*more: dict) -> list[dict]:
    """Tooltip lines: the row's dyad and language, then ``more``."""
    return [vl.tooltip("dyad_label:N", "Dyad"), vl.tooltip("language_label:N", "Language"), *more]


def _dyad_offset() -> dict:
    """The offset channel that puts a pair's two bars side by side, US–Turkey first."""
    return vl.field("dyad_label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS])


def article_compare_chart(counts: pd.DataFrame) -> vl.Spec:
    """Articles of both dyads by language and source, side by side on one scale."""
    d = counts.assign(group=counts["language_label"] + " · " + counts["source_label"])
    n = d.groupby("dyad_label")["n_articles"].sum().to_dict()
    sub = "; ".join(f"{DYAD_LABELS[x]}: {n.get(DYAD_LABELS[x], 0)}" for x in FOCAL_DYADS)
    order = d.groupby("group")["n_articles"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    return vl.chart(
        d,
        config=CONFIG,
        title=vl.title("Articles by dyad, language and source", f"Articles in all — {sub}"),
        mark={"type": "bar"},
        encoding={
            "y": vl.field("group:N", title=None, sort=order),
            "yOffset": _dyad_offset(),
            "x": vl.field("n_articles:Q", title="Articles", axis={"tickMinStep": 1, "format": "d"}),
            "color": _dyad_color(),
            "tooltip": _dyad_language_tooltips(vl.tooltip("source_label:N", "Source"), vl.tooltip("n_articles:Q", "Articles")),
        },
        height=_height(len(order), 30),
    )


# --- tone -----------------------------------------------------------------------------------


#: Pixels between a tone row's rightmost mark and its ◆: room for the value label ("+0.16").
TONE_MARK_DX = 40


def tone_summary_chart(summary: pd.DataFrame, *, legend_line: bool = True) -> vl.Spec:
    """Mean sentence tone per dyad and language with its resampling interval (where there is one).

    One row per language (each is scored by its own method), the two dyads
    in each row, on one −1..+1 scale. ◆ marks a language whose difference is
    supported; ``legend_line=False`` leaves its explanation out of the
    subtitle (the briefing states it once for every chart).
    """
    d = with_difference_text(summary[summary["n_sentences"] > 0])
    d["basis"] = d["label"] + ": " + d["interval_note"]
    d["tone_text"] = d["tone"].map(signed)
    y = vl.field("language_label:N", title=None, sort=list(LANGUAGE_LABELS.values()), axis={"labelFontWeight": "bold"})
    base = {"y": y, "yOffset": vl.field("label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]), "color": _dyad_color("label")}
    tooltip = [
        vl.tooltip("label:N", "Dyad"),
        vl.tooltip("language_label:N", "Language"),
        vl.tooltip("tone:Q", "Mean sentence tone", format="+.2f"),
        vl.tooltip("tone_low:Q", "Interval low", format="+.2f"),
        vl.tooltip("tone_high:Q", "Interval high", format="+.2f"),
        vl.tooltip("n_articles:Q", "Articles"),
        vl.tooltip("n_sentences:Q", "Scored sentences"),
        vl.tooltip("tone_method:N", "Method"),
        vl.tooltip("basis:N", "Basis"),
        *_diff_tooltips()[:3],
    ]
    x_scale = {"domain": list(TONE_DOMAIN)}
    rule = {
        "data": d,
        "mark": {"type": "rule", "strokeWidth": 3},
        "encoding": {**base, "x": vl.field("tone_low:Q", scale=x_scale), "x2": vl.field("tone_high"), "tooltip": tooltip},
    }
    point = {
        "data": d,
        "mark": {"type": "point", "filled": True, "size": 120},
        "encoding": {
            **base,
            "x": vl.field("tone:Q", title="Mean sentence tone (−1 = negative, +1 = positive)", scale=x_scale),
            "tooltip": tooltip,
        },
    }
    label = {
        "data": d,
        "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 11, "color": "#222"},
        "encoding": {**base, "x": vl.field("tone:Q"), "text": vl.field("tone_text:N")},
    }
    # the same labels outlined in white beneath them: a value near 0 sits on the dashed zero line,
    # and one inside its interval on the interval's line, which hid its minus sign
    halo = {**label, "mark": {**label["mark"], **LABEL_HALO}, "encoding": {k: v for k, v in label["encoding"].items() if k != "color"}}
    zero = {
        "data": pd.DataFrame({"x": [0.0]}),
        "mark": {"type": "rule", "color": "#888", "strokeDash": [4, 3]},
        "encoding": {"x": vl.field("x:Q")},
    }
    # one ◆ per language row whose difference is supported, just past the row's rightmost
    # interval end or value label (TONE_MARK_DX clears a label like "+0.16")
    edge = d.assign(edge=d[["tone", "tone_high"]].max(axis=1)).groupby("language")["edge"].max()
    supported = d[d["diff_supported"]].drop_duplicates("language")
    supported = supported.assign(edge=supported["language"].map(edge))
    mark = {
        "data": supported,
        "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": TONE_MARK_DX, "fontSize": 14, "color": "#111"},
        "encoding": {
            "y": y,
            "x": vl.field("edge:Q", scale=x_scale),
            "text": {"value": SUPPORTED_MARK},
            "tooltip": [vl.tooltip("language_label:N", "Language"), *_diff_tooltips()],
        },
    }
    n_rows = max(1, d["language"].nunique())
    return vl.layer(
        [zero, rule, point, halo, label, mark],
        config=CONFIG,
        title=vl.title(
            "Mean sentence tone, by dyad within each language",
            [
                "−1 = negative, +1 = positive. English: VADER; Arabic: lexicon method; compare within a row. Line: 90% interval",
                SUPPORTED_LEGEND if legend_line else None,
            ],
        ),
        height=CHROME_PX + SUBTITLE_LINE_PX * legend_line + 70 * n_rows,
    )


def tone_histogram(bins: pd.DataFrame, *, language: str) -> vl.Spec:
    """Distribution of sentence tone in one language's articles, both dyads side by side (from ``tone.tone_bins``).

    One chart per language (each is scored by its own method). Bars are the
    share of the dyad's scored sentences, so a side with more articles does
    not look more of everything.
    """
    d = bins[bins["language"] == language].copy()
    totals = d.groupby(["dyad", "language"])["n_sentences"].transform("sum")
    d["share"] = d["n_sentences"] / totals.where(totals > 0)
    d["bin_label"] = d["bin_start"].map(lambda x: signed(x, 1)) + " to " + d["bin_end"].map(lambda x: signed(x, 1))
    order = d.drop_duplicates("bin_start").sort_values("bin_start")["bin_label"].tolist()
    n = d.groupby(["dyad", "language"])["n_sentences"].sum()
    sub = "; ".join(
        f"{DYAD_LABELS[dy]} {LANGUAGE_LABELS[lang]}: {n[(dy, lang)]} sentences"
        for dy in FOCAL_DYADS
        for lang in LANGUAGE_LABELS
        if n.get((dy, lang), 0)
    )
    return vl.chart(
        d,
        config=CONFIG,
        title=vl.title(
            f"Sentence tone in {LANGUAGE_LABELS.get(language, language)} articles, by dyad",
            f"Share of the dyad's scored sentences in each band. {sub}" if sub else "No scored sentences",
        ),
        mark={"type": "bar"},
        encoding={
            "x": vl.field("bin_label:N", title="Sentence tone (−1 = negative, +1 = positive)", sort=order, axis={"labelAngle": -40}),
            "xOffset": _dyad_offset(),
            "y": vl.field("share:Q", title="Share of sentences", axis={"format": "%"}),
            "color": _dyad_color(),
            "tooltip": _dyad_language_tooltips(
                vl.tooltip("bin_label:N", "Tone"),
                vl.tooltip("n_sentences:Q", "Sentences"),
                vl.tooltip("share:Q", "Share of the dyad's sentences", format=".0%"),
            ),
        },
        height=CHROME_PX + 120,
    )


def tone_distribution_chart(tones: pd.DataFrame, *, language: str) -> alt.Chart:
    """Box plots of sentence tone by dyad in one language's articles (each language its own method)."""
    return styled(
        alt.Chart(
            tones[tones["language"] == language],
            title=_title(
                f"Spread of sentence tone in {LANGUAGE_LABELS.get(language, language)} articles, by dyad",
                "Boxes: quartiles; whiskers: 1.5 × IQR; each language is scored by its own method",
            ),
        )
        .mark_boxplot(size=22, extent=1.5)
        .encode(
            y=alt.Y("dyad_label:N", title=None, sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("tone:Q", title="Sentence tone", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("language_label:N", title="Language"),
                alt.Tooltip("tone:Q", format="+.2f"),
            ],
        )
        .properties(height=CHROME_PX + 70)
    )


def entity_tone_chart(entity_tone: pd.DataFrame, *, language: str) -> alt.Chart:
    """Tone toward each entity in each dyad's coverage, in one language's articles (dots sized by sentences).

    ``entity_tone`` is ``entities.entity_tone_by_language``: never pooled across languages.
    """
    d = entity_tone[entity_tone["tone"].notna() & (entity_tone["language"] == language)]
    order = d.groupby("name")["n_tone_sentences"].sum().sort_values(ascending=False).index.tolist()
    return styled(
        alt.Chart(
            d,
            title=_title(
                f"Tone toward each entity in {LANGUAGE_LABELS.get(language, language)} articles, by dyad",
                "Mean tone of the sentences naming it, −1 = negative, +1 = positive; dot size: sentences behind the mean",
            ),
        )
        .mark_circle(opacity=0.85)
        .encode(
            y=alt.Y("name:N", title=None, sort=order),
            x=alt.X("tone:Q", title="Mean tone of sentences naming the entity", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            color=dyad_color(),
            size=alt.Size("n_tone_sentences:Q", title="Sentences", scale=alt.Scale(range=[30, 400])),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("language_label:N", title="Language"),
                alt.Tooltip("tone:Q", title="Tone", format="+.2f"),
                alt.Tooltip("n_tone_sentences:Q", title="Sentences"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["entity_id"]))
        .properties(height=_height(len(order), 24))
    )


# --- entities -------------------------------------------------------------------------------


def _tone_tooltips() -> list[dict]:
    return [vl.tooltip(f"tone_{lang}:Q", f"Tone toward it ({label})", format="+.2f") for lang, label in LANGUAGE_LABELS.items()]


def _paired_bars(
    d: pd.DataFrame, *, key: str, x: dict, y: dict, tooltip: list, title: dict, rows: int, row_px: int, legend_line: bool
) -> vl.Spec:
    """Both dyads' bars per item (``key``, clickable) with ◆ where the difference is supported."""
    bars = {"mark": {"type": "bar"}, "encoding": {"y": y, "yOffset": _dyad_offset(), "x": x, "color": _dyad_color(), "tooltip": tooltip}}
    return vl.layer(
        [bars, _supported_marks(key=key, x=x, y=y, tooltip=tooltip)],
        config=CONFIG,
        data=d,
        params=[{"name": SELECT_PARAM, "select": {"type": "point", "fields": [key]}}],
        title=title,
        height=_height(rows, row_px) + SUBTITLE_LINE_PX * legend_line,
        padding={"left": 5, "top": 5, "bottom": 5, "right": MARK_PAD_PX},
    )


def entity_compare_chart(rates: pd.DataFrame, *, top: int = MAX_BARS, subtitle: str | None = None, legend_line: bool = True) -> vl.Spec:
    """Mentions per 1,000 words of each entity in both dyads, side by side; ◆ marks a supported difference."""
    keep = rates.groupby("entity_id")["per_1000_words"].max().nlargest(top).index
    d = with_difference_text(rates[rates["entity_id"].isin(keep)], digits=1)
    tooltip = [
        vl.tooltip("name:N", "Entity"),
        vl.tooltip("dyad_label:N", "Dyad"),
        vl.tooltip("per_1000_words:Q", "Per 1,000 words", format=".1f"),
        vl.tooltip("n_mentions:Q", "Mentions"),
        vl.tooltip("share_articles:Q", "Share of the dyad's articles", format=".0%"),
        *_tone_tooltips(),
        *_diff_tooltips(),
    ]
    return _paired_bars(
        d,
        key="entity_id",
        x=vl.field("per_1000_words:Q", title="Mentions per 1,000 words"),
        y=vl.field("name:N", title=None, sort={"field": "per_1000_words", "op": "max", "order": "descending"}),
        tooltip=tooltip,
        title=vl.title("Entities by dyad: mentions per 1,000 words", [subtitle, SUPPORTED_LEGEND if legend_line else None]),
        rows=d["entity_id"].nunique(),
        row_px=34,
        legend_line=legend_line,
    )


def cooccurrence_chart(pairs: pd.DataFrame, *, top: int = MAX_BARS) -> alt.Chart:
    """Entity pairs named in the same sentence, per dyad."""
    d = pairs.assign(pair=pairs["name_a"] + " + " + pairs["name_b"])
    keep = d.groupby("pair")["n_sentences"].sum().nlargest(top).index
    d = d[d["pair"].isin(keep)]
    return styled(
        alt.Chart(d, title=_title("Entities named together: sentences naming both, by dyad"))
        .mark_bar()
        .encode(
            y=alt.Y("pair:N", title=None, sort=alt.EncodingSortField("n_sentences", op="sum", order="descending")),
            yOffset=alt.YOffset("dyad_label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("n_sentences:Q", title="Sentences naming both", axis=alt.Axis(tickMinStep=1, format="d")),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("pair:N", title="Pair"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(d["pair"].nunique(), 30))
    )


# --- topics ---------------------------------------------------------------------------------


def topic_compare_chart(shares: pd.DataFrame, *, legend_line: bool = True) -> vl.Spec:
    """Topic shares of both dyads side by side; ◆ marks a supported difference."""
    keep = shares.groupby("topic_id")["share"].max()
    d = with_difference_text(shares[shares["topic_id"].isin(keep[keep > 0].index)], percent=True)
    tooltip = [
        vl.tooltip("label:N", "Topic"),
        vl.tooltip("dyad_label:N", "Dyad"),
        vl.tooltip("share:Q", "Share of sentences", format=".0%"),
        vl.tooltip("n_sentences:Q", "Sentences"),
        vl.tooltip("n_articles:Q", "Articles"),
        *_diff_tooltips(),
    ]
    return _paired_bars(
        d,
        key="topic_id",
        x=vl.field("share:Q", title="Share of the dyad's sentences", axis={"format": "%"}),
        y=vl.field("short_label:N", title=None, sort={"field": "share", "op": "max", "order": "descending"}),
        tooltip=tooltip,
        title=vl.title(
            "Topics by dyad: share of sentences", ["A sentence can have several topics", SUPPORTED_LEGEND if legend_line else None]
        ),
        rows=d["topic_id"].nunique(),
        row_px=34,
        legend_line=legend_line,
    )


# --- who speaks -----------------------------------------------------------------------------


def speaker_compare_chart(speakers: pd.DataFrame, *, by: str = "speaker", top: int = 8) -> vl.Spec:
    """Quotes of both dyads by speaker (or the speaker's country), as shares of each dyad's quotes; ◆ marks a supported difference."""
    what = "speaker" if by == "speaker" else "speaker's country"
    keep = speakers.groupby("group_label")["share"].max().sort_values(ascending=False, kind="stable").head(top).index.tolist()
    d = with_difference_text(speakers[speakers["group_label"].isin(keep)], percent=True)
    n = speakers.drop_duplicates("dyad").set_index("dyad_label")["dyad_quotes"].to_dict()
    sub = "; ".join(f"{DYAD_LABELS[x]}: {n.get(DYAD_LABELS[x], 0)} quotes" for x in FOCAL_DYADS) + "; anonymous sources counted"
    tooltip = [
        vl.tooltip("dyad_label:N", "Dyad"),
        vl.tooltip("group_label:N", what.capitalize()),
        vl.tooltip("n_quotes:Q", "Quotes"),
        vl.tooltip("share:Q", "Share of the dyad's quotes", format=".0%"),
        vl.tooltip("n_anonymous:Q", "Of them anonymous"),
        vl.tooltip("n_articles:Q", "Articles"),
        *_diff_tooltips(),
    ]
    return _paired_bars(
        d,
        key="group",
        x=vl.field("share:Q", title="Share of the dyad's quotes", axis={"format": "%"}),
        y=vl.field("group_label:N", title=None, sort=keep),
        tooltip=tooltip,
        title=vl.title(f"Who is quoted, by {what}: share of each dyad's quotes", [sub, SUPPORTED_LEGEND]),
        rows=len(keep),
        row_px=30,
        legend_line=True,
    )


# --- distinguishing terms -------------------------------------------------------------------


def term_compare_chart(terms: pd.DataFrame, *, top: int = 10) -> vl.Spec:
    """The words that most distinguish each dyad's coverage, on one diverging scale.

    Bars to the left lean Russia–Turkey, to the right US–Turkey (z-score of
    the log-odds ratio); pale bars are not reliable differences.
    """
    a = terms[terms["z"] > 0].nlargest(top, "z")
    b = terms[terms["z"] < 0].nsmallest(top, "z")
    d = pd.concat([a, b], ignore_index=True)
    lang = LANGUAGE_LABELS.get(d["language"].iloc[0], "") if len(d) else ""
    order = d.sort_values("z", ascending=False)["display"].tolist()
    return vl.chart(
        d,
        config=CONFIG,
        title=vl.title(
            f"Words that set the two dyads apart, in {lang}",
            "← leans Russia–Turkey · leans US–Turkey →  Length: z-score of the log-odds ratio (Monroe et al. 2008); pale: not reliable (|z| < 1.96)",
        ),
        mark={"type": "bar"},
        encoding={
            "y": vl.field("display:N", title=None, sort=order),
            "x": vl.field("z:Q", title="How strongly the word leans to one side (z-score)"),
            "color": _dyad_color("favours_label", title="Leans towards"),
            "opacity": {"condition": {"test": "abs(datum.z) >= 1.96", "value": 1.0}, "value": 0.45},
            "tooltip": [
                vl.tooltip("display:N", "Word"),
                vl.tooltip("z:Q", "z (+ = US–Turkey)", format="+.2f"),
                vl.tooltip("count_a:Q", "Count, US–Turkey"),
                vl.tooltip("count_b:Q", "Count, Russia–Turkey"),
            ],
        },
        params=[{"name": SELECT_PARAM, "select": {"type": "point", "fields": ["display"]}}],
        height=_height(len(d), 20),
    )


#: A label is dropped when another, stronger one starts this close (in
#: fractions of the square-root-scaled axes): labels 11 px high and up to
#: ~80 px wide would overlap on a 420-px plot.
LABEL_GAP_X = 0.2
LABEL_GAP_Y = 0.045


def _non_colliding_labels(d: pd.DataFrame, *, top: float, n_labels: int) -> pd.Series:
    """The strongest terms' labels, strongest first, skipping any that would overlap one already placed."""
    out = pd.Series("", index=d.index, dtype=object)
    placed: list[tuple[float, float]] = []
    for idx, row in d[d["rank"] <= n_labels / 2].sort_values("abs_z", ascending=False).iterrows():
        x, y = (row["per_1000_a"] / top) ** 0.5, (row["per_1000_b"] / top) ** 0.5
        if all(abs(x - px) > LABEL_GAP_X or abs(y - py) > LABEL_GAP_Y for px, py in placed):
            placed.append((x, y))
            out[idx] = row["display"]
    return out


def scattertext_chart(terms: pd.DataFrame, *, n_labels: int = 12) -> alt.LayerChart:
    """Terms placed by their rate in each dyad (Scattertext-style), the strongest labelled.

    x: rate per 1,000 terms in US–Turkey coverage, y: in Russia–Turkey
    coverage (square-root scales, so rare terms spread out). Terms above the
    diagonal lean Russia–Turkey, below it US–Turkey; colour is the dyad the
    z-score favours, opacity its strength.
    """
    d = terms.copy()
    d["abs_z"] = d["z"].abs()
    d["rank"] = d.groupby("favours")["abs_z"].rank(ascending=False, method="first")
    lang = LANGUAGE_LABELS.get(d["language"].iloc[0], "") if len(d) else ""
    top = float(max(d["per_1000_a"].max(), d["per_1000_b"].max(), 1.0)) if len(d) else 1.0
    d["label"] = _non_colliding_labels(d, top=top, n_labels=n_labels)
    sx = alt.Scale(type="sqrt", domain=[0, top])
    color = dyad_color("favours_label", title="Leans towards")
    tooltip = [
        alt.Tooltip("display:N", title="Term"),
        alt.Tooltip("count_a:Q", title="Count, US–Turkey"),
        alt.Tooltip("count_b:Q", title="Count, Russia–Turkey"),
        alt.Tooltip("per_1000_a:Q", title="Per 1,000 terms, US–Turkey", format=".1f"),
        alt.Tooltip("per_1000_b:Q", title="Per 1,000 terms, Russia–Turkey", format=".1f"),
        alt.Tooltip("z:Q", title="z (+ = US–Turkey)", format="+.2f"),
    ]
    base = alt.Chart(d).encode(
        x=alt.X("per_1000_a:Q", title="Rate in US–Turkey coverage (per 1,000 terms, √ scale)", scale=sx),
        y=alt.Y("per_1000_b:Q", title="Rate in Russia–Turkey coverage (per 1,000 terms, √ scale)", scale=sx),
    )
    points = base.mark_circle(size=45).encode(
        color=color, opacity=alt.Opacity("abs_z:Q", scale=alt.Scale(domain=[0, 2.5], range=[0.25, 1.0]), legend=None), tooltip=tooltip
    )
    points = points.add_params(alt.selection_point(name=SELECT_PARAM, fields=["display"]))
    labels = base.mark_text(align="left", dx=5, dy=-4, fontSize=11).encode(
        text=alt.Text("label:N"), color=alt.Color("favours_label:N", scale=dyad_scale(), legend=None)
    )
    diag = (
        alt.Chart(pd.DataFrame({"a": [0.0, top], "b": [0.0, top]}))
        .mark_line(color="#aaa", strokeDash=[4, 3])
        .encode(x=alt.X("a:Q"), y=alt.Y("b:Q"))
    )
    return styled(
        alt.layer(
            diag,
            points,
            labels,
            title=_title(
                f"Distinguishing {lang} terms: rate in each dyad's coverage",
                "Labelled: strongest log-odds z-scores (Monroe et al. 2008); dashed line: equal rates",
            ),
            height=CHROME_PX + 420,
        )
    )


# --- over time ------------------------------------------------------------------------------


def _period_axis(view_labels: dict, title: str) -> alt.X:
    order = list(view_labels.values())
    # label every period when they are few; otherwise let Vega thin the labels out
    return alt.X("period_label:N", title=title, sort=order, axis=alt.Axis(labelAngle=-45, labelOverlap=len(order) > 24))


def timeline_articles_chart(volume: pd.DataFrame, labels: dict, *, granularity: str) -> alt.Chart:
    """Articles per period, both dyads side by side; click a period for its sentences."""
    n = volume.groupby("dyad")["n_articles"].sum().to_dict()
    sub = "; ".join(f"{DYAD_LABELS[d]}: {n.get(d, 0)} dated articles" for d in FOCAL_DYADS) + "; click a period for its sentences"
    return styled(
        alt.Chart(volume, title=_title(f"Articles per {granularity}, by dyad", sub))
        .mark_bar()
        .encode(
            x=_period_axis(labels, granularity.capitalize()),
            xOffset=alt.XOffset(**_dyad_offset()),
            y=alt.Y("n_articles:Q", title="Articles", axis=alt.Axis(tickMinStep=1, format="d")),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("period_label:N", title=granularity.capitalize()),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["period"]))
        .properties(height=CHROME_PX + 160)
    )


def timeline_tone_chart(tone: pd.DataFrame, labels: dict, *, granularity: str, language: str) -> alt.LayerChart:
    """Mean sentence tone per period and dyad in one language's articles (dots sized by sentences), on a time axis."""
    tone = tone[tone["language"] == language]
    periods = list(labels)
    x = alt.X(
        "period:T",
        title=granularity.capitalize(),
        scale=alt.Scale(domain=[periods[0], periods[-1]]) if periods else alt.Undefined,
        axis=alt.Axis(format="%Y-%m-%d" if granularity != "month" else "%Y-%m", labelAngle=-40),
    )
    base = alt.Chart().encode(
        x=x,
        y=alt.Y("tone:Q", title="Mean sentence tone", scale=alt.Scale(domain=list(TONE_DOMAIN))),
        color=dyad_color(),
    )
    tooltip = [
        alt.Tooltip("period_label:N", title=granularity.capitalize()),
        alt.Tooltip("dyad_label:N", title="Dyad"),
        alt.Tooltip("language_label:N", title="Language"),
        alt.Tooltip("tone:Q", title="Mean sentence tone", format="+.2f"),
        alt.Tooltip("n_sentences:Q", title="Sentences"),
        alt.Tooltip("n_articles:Q", title="Articles"),
    ]
    zero = alt.Chart().mark_rule(color="#888", strokeDash=[4, 3]).encode(y=alt.datum(0))
    line = base.mark_line(opacity=0.6)
    dots = base.mark_circle(opacity=0.9).encode(
        size=alt.Size("n_sentences:Q", title="Sentences", scale=alt.Scale(range=[20, 300])), tooltip=tooltip
    )
    return styled(
        alt.layer(
            zero,
            line,
            dots,
            data=tone,
            title=_title(
                f"Mean sentence tone per {granularity} in {LANGUAGE_LABELS.get(language, language)} articles, by dyad",
                "−1 = negative, +1 = positive; dot size: sentences behind the mean",
            ),
            height=CHROME_PX + 150,
        )
    )


# --- by outlet ------------------------------------------------------------------------------


def outlet_articles_chart(volume: pd.DataFrame, outlets: list[str]) -> alt.Chart:
    """Articles per outlet, both dyads side by side."""
    return styled(
        alt.Chart(volume, title=_title("Articles per outlet, by dyad", f"{len(outlets)} outlets, most articles first"))
        .mark_bar()
        .encode(
            y=alt.Y("outlet:N", title=None, sort=outlets),
            yOffset=_dyad_offset(),
            x=alt.X("n_articles:Q", title="Articles", axis=alt.Axis(tickMinStep=1, format="d")),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(len(outlets), 30))
    )


def outlet_tone_chart(tone: pd.DataFrame, outlets: list[str], *, language: str) -> alt.Chart:
    """Mean sentence tone per outlet and dyad in one language's articles."""
    tone = tone[tone["language"] == language]
    shown = [o for o in outlets if o in set(tone["outlet"])]
    return styled(
        alt.Chart(
            tone,
            title=_title(
                f"Mean sentence tone per outlet in {LANGUAGE_LABELS.get(language, language)} articles, by dyad",
                "−1 = negative, +1 = positive; dot size: sentences behind the mean",
            ),
        )
        .mark_circle(opacity=0.9)
        .encode(
            y=alt.Y("outlet:N", title=None, sort=shown),
            x=alt.X("tone:Q", title="Mean sentence tone", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            color=dyad_color(),
            size=alt.Size("n_sentences:Q", title="Sentences", scale=alt.Scale(range=[30, 300])),
            tooltip=[
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("language_label:N", title="Language"),
                alt.Tooltip("tone:Q", title="Mean sentence tone", format="+.2f"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(len(shown), 26))
    )


def outlet_topic_chart(topics: pd.DataFrame, outlets: list[str], *, dyad: str) -> alt.Chart:
    """Topic mix per outlet in one dyad's articles: share of the outlet's sentences on each leading topic.

    The same topics, in the same order and on the same colour scale, for both dyads.
    """
    order = topics.drop_duplicates("topic_id")["topic"].tolist()
    topics = topics[topics["dyad"] == dyad]
    shown = [o for o in outlets if o in set(topics["outlet"])]
    return styled(
        alt.Chart(
            topics,
            title=_title(f"{DYAD_LABELS[dyad]}: topic mix per outlet", "Share of the outlet's sentences in these articles on each topic"),
        )
        .mark_rect()
        .encode(
            x=alt.X("topic:N", title=None, sort=order, axis=alt.Axis(labelAngle=-40, labelLimit=140)),
            y=alt.Y("outlet:N", title=None, sort=shown),
            color=alt.Color("share:Q", title="Share", scale=alt.Scale(scheme="greys", domain=[0, 1]), legend=alt.Legend(format="%")),
            tooltip=[
                alt.Tooltip("outlet:N", title="Outlet"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("share:Q", title="Share of sentences", format=".0%"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
            ],
        )
        .properties(height=_height(len(shown), 24))
    )
