"""An article's cleaned text as HTML: entity highlights and sentence tone colours.

Article text is untrusted (anyone can upload a file), so every piece of it,
and every attribute value built from the tables, goes through
``html.escape``: ``<script>`` or ``<img onerror=…>`` in an article comes out
as text. The only markup in the output is the markup built here.

Arabic articles are wrapped in ``dir="rtl" lang="ar"`` so the browser lays
them out right to left and shapes the letters; every other language gets
``dir="ltr"``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd

#: Tone colours, a diverging pair kept apart from the two dyad colours
#: (blue and orange in lib.output.charts) so that tone never reads as a dyad.
NEGATIVE_RGB = (197, 27, 125)  # magenta (ColorBrewer PiYG)
POSITIVE_RGB = (77, 146, 33)  # green (ColorBrewer PiYG)
#: Background opacity at |tone| = 1. Text stays readable (contrast ≥ 4.5:1 on
#: black text) up to about 0.45; 0.4 leaves a margin.
MAX_ALPHA = 0.40
#: Below this |tone| a sentence gets no background: VADER calls |compound| <
#: 0.05 neutral.
NEUTRAL_BAND = 0.05

RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he"})

ARTICLE_CSS = """
<style>
.cov-article { white-space: pre-wrap; line-height: 1.7; font-size: 1.02rem; padding: 0.6rem 0.9rem;
  border: 1px solid #ddd; border-radius: 6px; background: #fff; color: #111; }
.cov-article[dir="rtl"] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", serif; font-size: 1.15rem; text-align: right; }
.cov-article .cov-s { border-radius: 3px; }
.cov-article .cov-focus { outline: 3px solid #1f4e79; outline-offset: 2px; }
.cov-article mark.cov-ent { background: #fff3b0; border-bottom: 2px solid #b58900; padding: 0 1px; color: inherit; }
.cov-article mark.cov-ent.cov-sel { background: #ffd54f; border-bottom: 3px solid #7a5c00; font-weight: 600; }
.cov-legend { font-size: 0.85rem; color: #333; margin: 0.3rem 0 0.6rem 0; }
.cov-legend span { padding: 1px 6px; border-radius: 3px; margin-right: 6px; }
</style>
""".strip()


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute (None → '')."""
    if text is None or text is pd.NA:
        return ""
    return html.escape(str(text), quote=True)


def tone_background(tone: float | None) -> str:
    """CSS background for a sentence tone (−1..1); '' for neutral or missing."""
    if tone is None or tone is pd.NA or pd.isna(tone):
        return ""
    t = max(-1.0, min(1.0, float(tone)))
    if abs(t) < NEUTRAL_BAND:
        return ""
    r, g, b = NEGATIVE_RGB if t < 0 else POSITIVE_RGB
    return f"background-color: rgba({r}, {g}, {b}, {abs(t) * MAX_ALPHA:.3f});"


def _tone_title(tone: float | None, method: object) -> str:
    if tone is None or tone is pd.NA or pd.isna(tone):
        return "no tone score for this sentence"
    label = f"sentence tone {float(tone):+.2f}".replace("-", "−")
    return f"{label} ({method})" if method is not None and method is not pd.NA and str(method) else label


def _spans(mentions: pd.DataFrame, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """Non-overlapping mention spans clipped to [lo, hi), earliest and longest first."""
    if mentions.empty:
        return []
    m = mentions[(mentions["start"] < hi) & (mentions["end"] > lo)]
    rows = sorted(
        ((max(int(r.start), lo), min(int(r.end), hi), str(r.entity_id), str(r.label)) for r in m.itertuples(index=False)),
        key=lambda x: (x[0], -(x[1] - x[0])),
    )
    out: list[tuple[int, int, str, str]] = []
    last = lo
    for s, e, eid, label in rows:
        if s >= last and e > s:
            out.append((s, e, eid, label))
            last = e
    return out


def _marked(text: str, lo: int, hi: int, spans: list[tuple[int, int, str, str]], selected: set[str]) -> str:
    parts = []
    pos = lo
    for s, e, eid, label in spans:
        parts.append(esc(text[pos:s]))
        cls = "cov-ent cov-sel" if eid in selected else "cov-ent"
        parts.append(f'<mark class="{cls}" data-entity="{esc(eid)}" title="{esc(label)}">{esc(text[s:e])}</mark>')
        pos = e
    parts.append(esc(text[pos:hi]))
    return "".join(parts)


def article_html(
    text: str,
    *,
    language: str | None,
    sentences: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    entity_names: dict[str, str] | None = None,
    selected: Iterable[str] = (),
    focus_sentence: int | None = None,
) -> str:
    """HTML of ``text`` with sentence tone backgrounds and entity ``<mark>``s.

    Every sentence is a ``<span id="s<sentence_id>">`` (a link can point at
    it); ``focus_sentence`` is outlined.

    ``sentences`` (start, end, tone, tone_method) and ``mentions`` (start,
    end, entity_id) hold offsets into ``text``; overlapping mentions keep the
    earlier, longer one. ``selected`` entity ids get a stronger highlight.
    Everything taken from ``text`` or the tables is escaped.
    """
    lang = (language or "").lower()
    direction = "rtl" if lang in RTL_LANGUAGES else "ltr"
    names = entity_names or {}
    sel = set(selected)
    m = mentions if mentions is not None else pd.DataFrame(columns=["start", "end", "entity_id"])
    m = m[["start", "end", "entity_id"]].dropna().astype({"start": int, "end": int}).copy()
    m["label"] = [names.get(e, e) for e in m["entity_id"].astype(str)]
    s = sentences if sentences is not None else pd.DataFrame(columns=["start", "end", "tone", "tone_method"])
    s = s.sort_values("start") if len(s) else s
    n = len(text)
    parts: list[str] = []
    pos = 0
    for r in s.itertuples(index=False):
        start, end = max(int(r.start), pos), min(int(r.end), n)
        if end <= start:
            continue
        parts.append(_marked(text, pos, start, _spans(m, pos, start), sel))
        tone = getattr(r, "tone", None)
        style = tone_background(tone)
        title = _tone_title(tone, getattr(r, "tone_method", None))
        sid = getattr(r, "sentence_id", None)
        id_attr = "" if sid is None or pd.isna(sid) else f' id="s{int(sid)}"'
        cls = (
            "cov-s cov-focus"
            if focus_sentence is not None and sid is not None and not pd.isna(sid) and int(sid) == focus_sentence
            else "cov-s"
        )
        parts.append(
            f'<span class="{cls}"{id_attr} style="{esc(style)}" title="{esc(title)}">{_marked(text, start, end, _spans(m, start, end), sel)}</span>'
        )
        pos = end
    parts.append(_marked(text, pos, n, _spans(m, pos, n), sel))
    lang_attr = esc(lang or "und")
    return f'{ARTICLE_CSS}<div class="cov-article" dir="{direction}" lang="{lang_attr}">{"".join(parts)}</div>'


def plain_html(text: object, *, tag: str = "p", style: str = "", element_id: str | None = None, language: str | None = None) -> str:
    """``text`` as an HTML element of plain text: escaped, never read as markdown
    (so a URL or ``[x](…)`` in a title or a source is shown, not linked).
    Arabic (and other right-to-left languages) get ``dir="rtl"``."""
    if tag not in ("p", "div", "span", "h2", "h3", "h4"):
        raise ValueError(f"plain_html: unsupported tag {tag!r}")
    attrs = f' id="{esc(element_id)}"' if element_id else ""
    if language and language.lower() in RTL_LANGUAGES:
        attrs += f' dir="rtl" lang="{esc(language)}"'
    if style:
        attrs += f' style="{esc(style)}"'
    return f"<{tag}{attrs}>{esc(text)}</{tag}>"


def legend_html() -> str:
    """A one-line key to the tone colours and entity highlights."""
    neg = tone_background(-0.8)
    pos = tone_background(0.8)
    return (
        f'{ARTICLE_CSS}<div class="cov-legend">'
        f'<span style="{neg}">negative sentence</span>'
        f'<span style="{pos}">positive sentence</span>'
        '<span style="border:1px solid #ccc">neutral or not scored</span>'
        '<mark class="cov-ent" style="background:#fff3b0;border-bottom:2px solid #b58900">entity</mark> '
        "(darker background = stronger tone; hover a sentence for its score)</div>"
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: object) -> str:
    """Text safe to put inside Streamlit markdown: every markdown character escaped."""
    if text is None or text is pd.NA:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
