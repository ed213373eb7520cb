"""What every view shares: the two dyads, labels, filters, how differences are presented, number formats.

Only articles with ``status == "ok"`` and a dyad of ``us-turkey`` or
``russia-turkey`` enter a comparison. Articles about both relationships
(``both``) would put the same words on both sides of every difference, so
they are listed on the Articles page but counted in neither column.

Small corpora are the normal case here (the seed corpus has 2 US–Turkey and
3 Russia–Turkey articles), so every number carries the count of articles it
rests on, and intervals come from resampling whole articles, never sentences
(``lib.views.intervals``): sentences of one article are not independent evidence.

Numbers shown to people are formatted here, once: a typographic minus
(−0.20), whole percentages without a space (27%), languages by name
(English, not en).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.schema import index_in, isin  # noqa: F401 (isin: the views import it from here)
from lib.views.keys import kept

# --- dyads ----------------------------------------------------------------------------

#: The two relationships compared, in the order they are shown (left, right).
FOCAL_DYADS = ("us-turkey", "russia-turkey")
DYAD_LABELS = {"us-turkey": "US–Turkey", "russia-turkey": "Russia–Turkey", "both": "Both", "other": "Other"}
LANGUAGE_LABELS = {"en": "English", "ar": "Arabic"}
#: Shown wherever an article's source is missing (seed files rarely state one).
UNKNOWN_SOURCE = "(unknown source)"
UNKNOWN_DATE = "(no date)"

#: Entities that define a dyad (the two countries): they are mentioned in
#: every article by construction, so a finding about them says nothing.
DYAD_DEFINING_ENTITIES = frozenset({"turkey", "united-states", "russia"})

# --- evidence thresholds ----------------------------------------------------------

#: Fewer articles than this on a side and no resampling interval is given:
#: with 1 or 2 articles the "interval" is just the articles' own values.
MIN_ARTICLES_FOR_INTERVAL = 3
#: Resamples for bootstrap intervals: 2,000 keeps the 5th/95th percentiles
#: stable to about ±0.01 on tone and runs in milliseconds on 10,000 articles.
N_BOOT = 2000
#: Most resampled article draws per interval (resamples × articles): above
#: N_BOOT × n = this budget, fewer resamples are drawn (never below
#: MIN_BOOT). With thousands of articles the interval is narrow and 300
#: resamples place its ends within a small fraction of its width, in well
#: under a second.
BOOT_BUDGET = 2_000_000
MIN_BOOT = 300
#: Two-sided 90 % interval: with a handful of articles a 95 % one spans most
#: of the scale and reads as "nothing known", which is also what 90 % says
#: when it is that wide.
INTERVAL_LEVEL = 0.90
#: Below this many articles on either side a finding says it is tentative.
FEW_ARTICLES = 10

# --- filtering ----------------------------------------------------------------------------


def source_label(source: object) -> str:
    """The source as shown: missing sources read "(unknown source)"."""
    if source is None or source is pd.NA or (isinstance(source, float) and math.isnan(source)):
        return UNKNOWN_SOURCE
    text = str(source).strip()
    return text or UNKNOWN_SOURCE


def mapped(values: pd.Series, fn: Callable[[object], str]) -> pd.Series:
    """``values.map(fn)`` for a labelling ``fn``, called once per distinct value instead of once
    per row (a column of 10,000 articles holds a handful of languages or sources)."""
    codes, uniques = pd.factorize(values)  # a missing value is coded -1: the last label
    labels = np.array([*(fn(u) for u in uniques), fn(None)], dtype=object)
    out = pd.Series(labels[codes], index=values.index)
    return out.astype(values.dtype) if isinstance(values.dtype, pd.StringDtype) else out


def source_labels(articles: pd.DataFrame) -> pd.Series:
    return mapped(articles["source"], source_label).astype("string")


def filter_articles(
    articles: pd.DataFrame,
    *,
    languages: Iterable[str] | None = None,
    date_range: tuple[str | None, str | None] | None = None,
    sources: Iterable[str] | None = None,
    include_undated: bool = True,
) -> list[str]:
    """Ids of the articles that match every given filter (None = no filter).

    ``date_range`` is ``(first, last)`` as ISO dates, either end open when
    None; it applies to dated articles, and undated ones are kept unless
    ``include_undated`` is False. ``sources`` matches the shown label, so
    ``"(unknown source)"`` selects articles without a source.
    """
    keep = pd.Series(True, index=articles.index)
    if languages is not None:
        keep &= articles["language"].isin(list(languages)).fillna(False).astype(bool)
    if date_range is not None:
        first, last = date_range
        dates = articles["date"].astype("string").str.slice(0, 10)
        dated = dates.notna()
        in_range = pd.Series(True, index=articles.index)
        if first:
            in_range &= (dates >= str(first)).fillna(False).astype(bool)
        if last:
            in_range &= (dates <= str(last)).fillna(False).astype(bool)
        keep &= (dated & in_range) | (~dated & include_undated)
    elif not include_undated:
        keep &= articles["date"].notna()
    if sources is not None:
        keep &= source_labels(articles).isin(list(sources)).fillna(False).astype(bool)
    return articles.loc[keep, "article_id"].astype(str).tolist()


def date_span(articles: pd.DataFrame) -> tuple[str | None, str | None]:
    """Earliest and latest ISO date among the articles (None when no dates)."""
    dates = articles["date"].dropna().astype(str).str.slice(0, 10)
    if dates.empty:
        return None, None
    return str(dates.min()), str(dates.max())


def source_options(articles: pd.DataFrame) -> list[str]:
    """Every source label present, most articles first."""
    return source_labels(articles).value_counts().index.astype(str).tolist()


def text_column(texts: Sequence[str], which: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A text column whose row i is ``texts[which[i]]``, taken from a text array of the few
    ``texts`` (dyads, labels, a note): thousands of rows are not converted from Python strings one
    by one, as a column of repeated strings would be."""
    return pd.array(list(texts), dtype="str").take(np.asarray(which, dtype=np.intp))


def focal_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Analysed articles of the two compared dyads: made once per articles table and shared
    (``keys.kept``; a view asks for them a dozen times), so never change the frame returned."""
    return kept(articles, "focal articles", lambda: articles[(articles["status"] == "ok") & articles["dyad"].isin(FOCAL_DYADS)])


#: The article columns the comparison reads: filtering a few columns instead of the whole
#: articles table (texts, titles, reasons, files… each an Arrow array) is most of a large corpus's time.
VIEW_ARTICLE_COLUMNS = ["article_id", "status", "dyad", "language", "n_words", "source", "share_negative", "share_positive"]


def table_columns(corpus, name: str, cols: list[str]) -> pd.DataFrame:
    """Columns ``cols`` (with ``article_id``) of table ``name`` of ``corpus``: a ``Corpus``
    subset filters only these columns (not, say, every article's text)."""
    pick = getattr(corpus, "columns", None)
    return pick(name, cols) if callable(pick) else corpus[name][cols]


def whole(corpus):
    """The corpus ``corpus`` is a subset of (``Corpus.whole``; any other mapping: itself). A view
    that keeps only its own articles' rows may read these tables instead: the same result,
    without filtering hundreds of thousands of rows first."""
    of = getattr(corpus, "whole", None)
    return of() if callable(of) else corpus


def article_summary(corpus, name: str) -> pd.DataFrame:
    """The article summary ``name`` (``rollups.ARTICLE_SUMMARIES``) of ``corpus``: the
    one a ``Corpus`` keeps (and filters for a subset), else made from the tables."""
    keep = getattr(corpus, "article_summary", None)
    return keep(name) if callable(keep) else rollups.ARTICLE_SUMMARIES[name](corpus)


# --- differences between the two relationships ---------------------------------------------

#: Columns every paired view carries for the difference between the sides
#: (always US–Turkey minus Russia–Turkey, FOCAL_DYADS[0] − FOCAL_DYADS[1]):
#: the difference, its resampling interval, whether the interval excludes
#: zero, and a note a person can read.
DIFF_COLUMNS = ["diff", "diff_low", "diff_high", "diff_supported", "diff_note"]
#: What a difference column means, for table header tooltips.
DIFF_HELP = (
    "US–Turkey minus Russia–Turkey; the 90% interval comes from resampling each side's articles "
    "(Poisson bootstrap, 2,000 resamples, fewer on large corpora), and the difference is supported when the interval excludes zero"
)
#: How a chart marks a supported difference, the subtitle line that explains
#: it (short enough for a chart at 800 px), and the sentence for captions.
SUPPORTED_MARK = "◆"
SUPPORTED_LEGEND = f"{SUPPORTED_MARK} marks a difference whose {INTERVAL_LEVEL:.0%} interval excludes zero"
SUPPORTED_EXPLAINED = (
    f"{SUPPORTED_MARK} difference supported: the {INTERVAL_LEVEL:.0%} interval of the difference (from resampling articles) excludes zero"
)


def supported_label(supported: object, low: object) -> str:
    """ "◆ yes", "no", or "no interval" (too few articles, or not tested) for a table cell."""
    if _missing(low):
        return "no interval"
    return f"{SUPPORTED_MARK} yes" if bool(supported) else "no"


def dyad_wide(rows: pd.DataFrame, index: str | list[str], value: str) -> pd.DataFrame:
    """Items × dyads: ``value`` of each item's row on each side (the first, where several), items
    with no value on either side left out — ``pivot_table(aggfunc="first")`` in half the time."""
    keys = [index] if isinstance(index, str) else list(index)
    return rows.groupby([*keys, "dyad"])[value].first().unstack("dyad").dropna(how="all")


def difference_table(
    rows: pd.DataFrame,
    *,
    key: str,
    label: str,
    label_header: str,
    value: str,
    unit: str,
    scale: float = 1.0,
    diff_unit: str | None = None,
    absent: float | None = None,
) -> pd.DataFrame:
    """One row per item of a paired view (item × dyad ``rows`` with DIFF_COLUMNS), with headers a person reads:
    the item, each side's ``value`` and the difference (US–Turkey − Russia–Turkey) with its interval
    (× ``scale``), whether the difference is supported, the measure (``unit``) and its basis. Items keep the order of ``rows``; an item
    a side has no row for gets ``absent`` there (0 for a count-based share; None: missing)."""
    a, b = (DYAD_LABELS[d] for d in FOCAL_DYADS)
    measure = unit if diff_unit is None else f"{unit} (difference in {diff_unit})"
    cols = [label_header, a, b, f"{a} − {b}", "90% interval, low", "90% interval, high", "Supported", "Measure", "Basis"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    wide = dyad_wide(rows, key, value).reindex(columns=list(FOCAL_DYADS))
    if absent is not None:
        wide = wide.fillna(absent)
    first = rows.drop_duplicates(key).set_index(key)
    values = [
        first[label].astype(str),
        wide[FOCAL_DYADS[0]].reindex(first.index).astype(float) * scale,
        wide[FOCAL_DYADS[1]].reindex(first.index).astype(float) * scale,
        first["diff"].astype(float) * scale,
        first["diff_low"].astype(float) * scale,
        first["diff_high"].astype(float) * scale,
        pd.Series([supported_label(x, lo) for x, lo in zip(first["diff_supported"], first["diff_low"], strict=True)], index=first.index),
        pd.Series(measure, index=first.index),
        first["diff_note"].astype(str),
    ]
    return pd.DataFrame(dict(zip(cols, values, strict=True))).reset_index(drop=True)


def interval_text(low: object, high: object, digits: int = 2, *, percent: bool = False) -> str:
    """ "−0.31 to −0.05" (or in percentage points, "+4 to +21 points"); "no interval" when missing."""
    if _missing(low) or _missing(high):
        return "no interval"
    scale, digits = (100.0, max(digits - 1, 1) if digits > 1 else 1) if percent else (1.0, digits)
    ends = [_nonzero_signed(float(x) * scale, digits) for x in (low, high)]
    return f"{ends[0]} to {ends[1]}" + (" points" if percent else "")


def _nonzero_signed(x: float, digits: int) -> str:
    """``signed(x, digits)``, with up to two more digits when it would round a non-zero bound to "0.00"
    (an interval that excludes zero must not read "0.00 to +0.13")."""
    for d in (digits, digits + 1, digits + 2):
        text = signed(x, d)
        if x == 0 or text.strip("0.") != "":
            return text
    return text


# --- one number format ----------------------------------------------------------------------

MINUS = "\u2212"
#: Shown for a number that cannot be given (no scored sentence, no article).
MISSING = "–"


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def signed(x: float | None, digits: int = 2) -> str:
    """A signed number with a typographic minus (−0.20, +0.13); "–" when missing."""
    if _missing(x):
        return MISSING
    text = f"{float(x):+.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"  # no "−0.00" or "+0.00"
    return text.replace("-", MINUS)


def pct(x: float | None, digits: int = 0) -> str:
    """A share as a percentage (0.274 → "27%"); "–" when missing."""
    if _missing(x):
        return MISSING
    return f"{float(x) * 100:.{digits}f}%"


def number(x: float | None, digits: int = 1) -> str:
    """A plain number with thousands separators and a typographic minus."""
    if _missing(x):
        return MISSING
    return f"{float(x):,.{digits}f}".replace("-", MINUS)


# --- right-to-left cells ------------------------------------------------------------------------

#: U+061C ARABIC LETTER MARK: an invisible, strong right-to-left character.
#: Streamlit's table grid draws each cell on a canvas and picks the cell's
#: direction (and alignment) from its first strong character, so an Arabic
#: sentence that starts with "S-400" or a number is laid out left to right
#: with its full stop on the wrong side. A leading ALM makes the whole cell
#: right to left and right-aligned, as ``dir="rtl"`` does in HTML. (Checked
#: in Chromium: a leading U+200F RLM or an RLI…PDI isolate does not change
#: the grid's choice; ALM, being an Arabic-block letter, does.)
ARABIC_LETTER_MARK = "\u061c"
#: U+200E LEFT-TO-RIGHT MARK: the grid's left-to-right choice for a cell. An
#: Arabic cell that must hug the *left* edge of its column (the words before a
#: keyword, in a right-to-left keyword-in-context table) starts with it: the
#: grid then anchors the text at the left, where the words nearest the keyword
#: are drawn, and cuts an overflow on the right (the grid cannot left-align a
#: cell it lays out right to left: it draws it off the left edge).
LEFT_TO_RIGHT_MARK = "\u200e"
_DIRECTION_MARKS = (ARABIC_LETTER_MARK, LEFT_TO_RIGHT_MARK, "\u200f")
_RTL_LETTER_RE = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def is_rtl_text(text: object) -> bool:
    """Whether ``text`` is mostly right-to-left letters (Arabic, Hebrew…)."""
    if not isinstance(text, str):
        return False
    return len(_RTL_LETTER_RE.findall(text)) > len(_LTR_LETTER_RE.findall(text))


def rtl_cell(text: object) -> object:
    """A table cell as the grid should lay it out: mostly-Arabic text gets a leading
    ARABIC LETTER MARK (read right to left, right-aligned); anything else is unchanged."""
    if is_rtl_text(text) and not str(text).startswith(_DIRECTION_MARKS):
        return ARABIC_LETTER_MARK + str(text)
    return text


def left_anchored_cell(text: object) -> object:
    """A table cell the grid draws from the left edge even when it is Arabic (LEFT_TO_RIGHT_MARK)."""
    if isinstance(text, str) and text and not text.startswith(_DIRECTION_MARKS):
        return LEFT_TO_RIGHT_MARK + text
    return text


def language_label(code: object) -> str:
    """A language code as a name (en → English); "(unknown)" when missing."""
    if code is None or code is pd.NA or (isinstance(code, float) and math.isnan(code)):
        return "(unknown)"
    return LANGUAGE_LABELS.get(str(code), str(code))


def articles_phrase(n: int) -> str:
    """ "1 article", "3 articles"."""
    return f"{n} article" if n == 1 else f"{n} articles"


# --- titles -------------------------------------------------------------------------------------

#: Characters of an untitled article's lead used as its title.
LEAD_TITLE_CHARS = 80
_SPACE_RE = re.compile(r"\s+")


def display_title(title: object, file: object = None, *, text: object = None) -> str:
    """An article's title; when the text gives none, its lead ("Ankara said on Monday …"),
    else "(untitled) <file name>"."""
    if title is not None and title is not pd.NA and not (isinstance(title, float)) and str(title).strip():
        return str(title).strip()
    if isinstance(text, str) and text.strip():
        lead = _SPACE_RE.sub(" ", text.strip())
        if len(lead) <= LEAD_TITLE_CHARS:
            return lead
        cut = lead[:LEAD_TITLE_CHARS].rsplit(" ", 1)[0] or lead[:LEAD_TITLE_CHARS]
        return cut.rstrip(" ,;:.") + " …"
    name = "" if file is None or file is pd.NA or isinstance(file, float) else str(file).replace("\\", "/").rsplit("/", 1)[-1]
    return f"(untitled) {name}".strip()


def titles(articles: pd.DataFrame) -> pd.Series:
    """Display titles of ``articles`` (indexed like it)."""
    text = articles["text"] if "text" in articles.columns else pd.Series(None, index=articles.index, dtype="object")
    file = articles["file"] if "file" in articles.columns else pd.Series(None, index=articles.index, dtype="object")
    return pd.Series(
        [display_title(t, f, text=x) for t, f, x in zip(articles["title"], file, text, strict=True)], index=articles.index, dtype="object"
    )


# --- shared helpers -----------------------------------------------------------------------------


def entity_names(entities: pd.DataFrame) -> pd.DataFrame:
    """Entities indexed by id: name_en, name_ar, type, affiliation (made once per entities table,
    shared: never mutate it)."""

    def make() -> pd.DataFrame:
        e = entities[["entity_id", "name_en", "name_ar", "type", "affiliation"]].drop_duplicates("entity_id")
        return e.set_index("entity_id")

    return kept(entities, "entity_names", make)


#: Columns of every table of sentences behind a number (entity, topic, period…).
EVIDENCE_COLUMNS = [
    "article_id",
    "title",
    "dyad",
    "dyad_label",
    "language",
    "language_label",
    "sentence_id",
    "start",
    "text",
    "tone",
    "tone_method",
]


def with_article(sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Sentences joined to their article's display title, dyad and language."""
    a = articles[["article_id", "dyad", "language"]].assign(title=titles(articles))
    out = sentences.merge(a, on="article_id", how="inner")
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS).fillna(out["dyad"])
    out["language_label"] = out["language"].map(language_label)
    if "start" not in out.columns:
        out["start"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out
