"""Topics: a bilingual keyword taxonomy, per-sentence topics, per-article shares.

The taxonomy lives in ``lib/analysis/data/topics.csv`` (columns of the schema table
``topics_taxonomy``). Keywords are ``|``-separated; a ``|`` inside
parentheses belongs to a regex and does not split.

English keywords are **regex fragments**, matched case-insensitively on
diacritic-folded text (Gülen == Gulen, Erdoğan == Erdogan). Each fragment is
wrapped in word boundaries and may take a plural or possessive ending
(``S-400s``, ``NATO's``, ``refugees``), so ``aid`` never matches inside
``said``. Write ``(?-i:UN)`` for a keyword that must keep its case, and a
lookaround for a context that must be excluded (``(?<!military )aid``).

Arabic keywords are **plain forms**, matched on camel-tools-normalised text
through :func:`lib.text.arabic.term_pattern`, which tolerates proclitics (و ف ب ل
ك ال لل). On top of that, this module:

* lets a single word of at least :data:`AR_MIN_STEM_FOR_SUFFIXES` letters
  take sound endings and pronoun suffixes (لاجئ → اللاجئين، سفير → سفيرنا);
* lets an indefinite phrase also match its definite forms (دفاع جوي →
  الدفاع الجوي; منظومة صواريخ → منظومة الصواريخ);
* lets a hyphen match a hyphen, a space or nothing (إس-400 == إس -400 ==
  إس 400), and a digit match its Arabic-Indic form.

Evidence is always a verbatim substring of the sentence: Arabic matches are
mapped back from normalised text with ``normalise_with_offsets(...).span``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lib import schema
from lib.errors import CoverageError, SchemaError
from lib.text.arabic import normalise, normalise_with_offsets, term_pattern
from lib.text.fold import fold

TAXONOMY_PATH = Path(__file__).parent / "data" / "topics.csv"

#: Languages with keywords in the taxonomy; any other language gets no topics.
TOPIC_LANGUAGES = ("en", "ar")

#: Separator of several matched strings in one evidence cell.
EVIDENCE_SEPARATOR = " | "

#: Plural and possessive endings an English keyword may take: S-400s,
#: NATO's, Kurds', missiles. The apostrophe is only taken with its s, so a
#: closing quote after a keyword never becomes part of the evidence.
EN_SUFFIX = r"(?:e?s)?(?:['’]s)?"

#: Arabic single words shorter than this (normalised, without the article)
#: take no endings: short stems plus endings collide with unrelated words
#: (أمن + ين = أمين "secretary"), while four-letter stems rarely do.
AR_MIN_STEM_FOR_SUFFIXES = 4

#: Pronoun suffixes allowed after an Arabic keyword of that length: حليفنا،
#: اجتماعهم، سفيرها. ``ه`` is already among term_pattern's nisba endings.
#: The first-person ي is left out: it would turn nouns into adjectives
#: (اجتماع "meeting" + ي = اجتماعي "social").
AR_PRONOUN_SUFFIXES = "ها|هم|هما|هن|نا|كم"

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_AR_HYPHEN = r"\s*[" + re.escape(_DASHES) + r"]?\s*"
_ARABIC_INDIC = {str(d): f"[{d}{chr(0x0660 + d)}{chr(0x06F0 + d)}]" for d in range(10)}


class TaxonomyError(CoverageError):
    """The topic taxonomy file is missing, malformed or has a bad keyword."""


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The taxonomy table and, per language, one compiled matcher per topic.

    ``eq=False`` keeps identity hashing: a frozen dataclass with the default
    ``eq=True`` would hash its DataFrame field and fail.
    """

    table: pd.DataFrame
    matchers: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]

    @property
    def topic_ids(self) -> list[str]:
        return list(self.table["topic_id"])


# --- keyword lists -------------------------------------------------------------------


def split_keywords(value: str) -> list[str]:
    """Split a ``|``-separated keyword cell; ``|`` inside (...) or [...] does not split."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    escaped = False
    for ch in value or "":
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


# --- English ---------------------------------------------------------------------------


def english_pattern(fragment: str) -> str:
    """Regex for one English keyword fragment: word-bounded, plural/possessive allowed."""
    return rf"(?<!\w)(?:{fragment}){EN_SUFFIX}(?!\w)"


# --- Arabic ----------------------------------------------------------------------------


def _definite_variants(form: str) -> list[str]:
    """An indefinite phrase and its definite forms (adjective and idafa agreement)."""
    words = form.split()
    if len(words) < 2 or any(normalise(w).startswith("ال") for w in words):
        return [form]
    every = " ".join("ال" + w for w in words)
    last = " ".join([*words[:-1], "ال" + words[-1]])
    return [form, every, last]


def arabic_pattern(form: str) -> str:
    """Regex (for normalised text) matching one Arabic keyword form."""
    norm = normalise(form).strip()
    single = len(norm.split()) == 1
    stem = norm[2:] if norm.startswith("ال") and len(norm) > 3 else norm
    flexible = single and len(stem) >= AR_MIN_STEM_FOR_SUFFIXES and stem.isalpha()
    pattern = term_pattern(form, adjective=flexible, suffixes=AR_PRONOUN_SUFFIXES if flexible else "")
    pattern = pattern.replace(re.escape("-"), _AR_HYPHEN)
    return re.sub(r"\d", lambda m: _ARABIC_INDIC[m.group()], pattern)


# --- loading ---------------------------------------------------------------------------


_REGEX_SYNTAX_RE = re.compile(r"\(\?<?[!=][^)]*\)|\(\?-?i:|\\[sdwb]|[()?:\[\]\\|*+]")


def literal_length(fragment: str) -> int:
    """Roughly how many characters a keyword fragment matches (lookarounds and syntax dropped)."""
    return len(_REGEX_SYNTAX_RE.sub("", fragment))


def _longest_first(keywords: list[str], *, key) -> list[str]:
    # Alternation takes the first branch that matches: try longer keywords
    # first, so "missile defense" wins over "missile" and "aid convoys" over
    # "aid" as evidence.
    return sorted(keywords, key=key, reverse=True)


def _compile(topic_id: str, language: str, patterns: list[str]) -> re.Pattern[str]:
    try:
        return re.compile("|".join(patterns), re.IGNORECASE)
    except re.error as exc:
        raise TaxonomyError(f"topic {topic_id!r}: a {language} keyword is not a valid regex ({exc}); fix it in topics.csv") from exc


def build_taxonomy(table: pd.DataFrame) -> Taxonomy:
    """Check a taxonomy table and compile its matchers."""
    try:
        table = schema.validate("topics_taxonomy", table)
    except SchemaError as exc:
        raise TaxonomyError(str(exc)) from exc
    ids = table["topic_id"]
    if ids.isna().any() or (ids.str.strip() == "").any():
        raise TaxonomyError("every topic needs a topic_id")
    dup = sorted(ids[ids.duplicated()].unique())
    if dup:
        raise TaxonomyError(f"topic ids must be unique; repeated: {dup}")
    en: list[tuple[str, re.Pattern[str]]] = []
    ar: list[tuple[str, re.Pattern[str]]] = []
    for row in table.itertuples(index=False):
        kw_en = split_keywords("" if pd.isna(row.keywords_en) else row.keywords_en)
        kw_ar = split_keywords("" if pd.isna(row.keywords_ar) else row.keywords_ar)
        if not kw_en or not kw_ar:
            raise TaxonomyError(f"topic {row.topic_id!r} needs keywords in both English and Arabic")
        for kw in kw_en:
            _compile(row.topic_id, "English", [english_pattern(kw)])  # names the bad keyword's topic
        kw_en = _longest_first(kw_en, key=literal_length)
        en.append((row.topic_id, _compile(row.topic_id, "English", [english_pattern(k) for k in kw_en])))
        variants = _longest_first([v for k in kw_ar for v in _definite_variants(k)], key=lambda v: len(normalise(v)))
        ar_patterns = [arabic_pattern(v) for v in variants]
        ar.append((row.topic_id, _compile(row.topic_id, "Arabic", ar_patterns)))
    return Taxonomy(table=table, matchers={"en": tuple(en), "ar": tuple(ar)})


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Taxonomy:
    del mtime_ns  # part of the cache key only: an edited file is read again
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return build_taxonomy(table)


def load_taxonomy_table(path: str | Path | None = None) -> pd.DataFrame:
    """The taxonomy as a checked table, without compiling its matchers (for pages that
    only label topics: reading the CSV takes milliseconds, compiling most of a second)."""
    p = Path(path) if path is not None else TAXONOMY_PATH
    try:
        table = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        return schema.validate("topics_taxonomy", table)
    except OSError as exc:
        raise TaxonomyError(f"topic taxonomy {p} cannot be read: {exc.strerror or exc}") from exc
    except SchemaError as exc:
        raise TaxonomyError(str(exc)) from exc


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and compile the taxonomy (cached per file and modification time)."""
    p = Path(path) if path is not None else TAXONOMY_PATH
    try:
        stat = p.resolve().stat()
    except OSError as exc:
        raise TaxonomyError(f"topic taxonomy {p} cannot be read: {exc.strerror or exc}") from exc
    return _load_cached(str(p.resolve()), stat.st_mtime_ns)


# --- assigning -------------------------------------------------------------------------


def _evidence(pieces: list[str]) -> str:
    return EVIDENCE_SEPARATOR.join(dict.fromkeys(pieces))


def _topics_en(text: str, matchers) -> list[tuple[str, str]]:
    folded = fold(text)
    out = []
    for topic_id, rx in matchers:
        pieces = [text[m.start() : m.end()] for m in rx.finditer(folded) if m.end() > m.start()]
        if pieces:
            out.append((topic_id, _evidence(pieces)))
    return out


def _topics_ar(text: str, matchers) -> list[tuple[str, str]]:
    norm = normalise_with_offsets(text)
    out = []
    for topic_id, rx in matchers:
        pieces = []
        for m in rx.finditer(norm.text):
            if m.end() > m.start():
                s, e = norm.span(m.start(), m.end())
                pieces.append(text[s:e])
        if pieces:
            out.append((topic_id, _evidence(pieces)))
    return out


def assign_topics(texts: list[str], language: str, *, taxonomy: Taxonomy) -> list[list[tuple[str, str]]]:
    """Per sentence, the ``(topic_id, evidence)`` pairs of every topic it matches.

    Evidence is the distinct matched strings, in order, joined by ``" | "``;
    each is a verbatim substring of the sentence. Languages other than
    English and Arabic get no topics.
    """
    if language not in TOPIC_LANGUAGES:
        return [[] for _ in texts]
    matchers = taxonomy.matchers[language]
    assign = _topics_en if language == "en" else _topics_ar
    return [assign(t if isinstance(t, str) else "", matchers) for t in texts]


# --- shares ----------------------------------------------------------------------------


def topic_shares(sentence_topics: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article and topic: sentences carrying it and their share of the article.

    ``share`` = distinct sentences with the topic / the article's sentences,
    so it lies in [0, 1]. Raises SchemaError when a topic row names a
    sentence that ``sentences`` does not have.
    """
    if sentence_topics.empty:
        return schema.empty("topics")
    keys = ["article_id", "sentence_id"]
    for name, df in (("sentence_topics", sentence_topics), ("sentences", sentences)):
        missing = [c for c in keys if c not in df.columns]
        if missing:
            raise SchemaError(f"{name}: missing columns {missing}")
    known = sentences[keys].drop_duplicates()
    tagged = sentence_topics[[*keys, "topic_id"]].drop_duplicates()
    orphans = tagged.merge(known, on=keys, how="left", indicator=True)
    orphans = orphans[orphans["_merge"] == "left_only"]
    if not orphans.empty:
        first = orphans.iloc[0]
        raise SchemaError(
            f"sentence_topics names {len(orphans)} sentence(s) missing from sentences, "
            f"e.g. article {first['article_id']!r} sentence {first['sentence_id']!r}"
        )
    totals = known.groupby("article_id").size().rename("n_total")
    counts = tagged.groupby(["article_id", "topic_id"]).size().rename("n_sentences").reset_index()
    counts = counts.merge(totals, left_on="article_id", right_index=True)
    counts["share"] = counts["n_sentences"] / counts["n_total"]
    counts = counts.sort_values(["article_id", "share", "topic_id"], ascending=[True, False, True])
    return schema.validate("topics", counts.drop(columns="n_total"))
