"""The one place pages get analysed data from (cached at the data edge).

``get_corpus()`` is the analysed corpus. Its folder is the project's
``seeds/`` unless the environment variable ``COVERAGE_CORPUS_DIR`` names
another folder of article files (the browser tests point it at a corpus
with hostile text; a deployment can point it at its own articles). The
variable is read when the corpus is loaded, never at import time.

The ``*_view`` functions are cached wrappers of ``lib.compare``: each takes
the sidebar ``Filters`` and returns the small tables a page draws, keyed by
the corpus folder and the filters, so changing a page or a filter back and
forth costs a cache lookup.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import compare
from lib.pipeline import SEEDS_DIR, Corpus, analyze_paths, load_resources
from ui.state import Filters

#: Environment variable naming the folder of article files the app shows.
CORPUS_DIR_ENV = "COVERAGE_CORPUS_DIR"
#: Cached filtered views kept per function: a few filter combinations per
#: user for a handful of users; each entry is a few small tables.
VIEW_CACHE_ENTRIES = 64


def corpus_dir() -> str:
    """The folder the corpus is read from (``$COVERAGE_CORPUS_DIR``, else seeds/)."""
    return os.environ.get(CORPUS_DIR_ENV) or str(SEEDS_DIR)


@st.cache_resource(show_spinner="Loading language models…")
def get_resources():
    """Models and tables, loaded once per server process (never mutated)."""
    return load_resources()


@st.cache_data(show_spinner="Analysing articles…", max_entries=4)
def _corpus_tables(folder: str) -> dict:
    return analyze_paths([Path(folder)], resources=get_resources()).tables


def get_corpus() -> Corpus:
    """The analysed corpus the dashboard shows."""
    return Corpus(_corpus_tables(corpus_dir()))


# --- cached views (lib.compare on the filtered corpus) ------------------------------------------


def _subset(folder: str, fkey: tuple) -> Corpus:
    corpus = Corpus(_corpus_tables(folder))
    return corpus.subset(Filters(*fkey).article_ids(corpus.articles))


def _terms(sub: Corpus, language: str) -> pd.DataFrame | str:
    """Distinguishing terms, or the reason there are none (an empty-state message)."""
    try:
        return compare.distinguishing_terms(sub["sentences"], sub.articles, language=language)
    except compare.TooFewForTerms as exc:
        return str(exc)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _compare_view(folder: str, fkey: tuple) -> dict:
    sub = _subset(folder, fkey)
    a, s = sub.articles, sub["sentences"]
    return {
        "n_articles": len(a),
        "n_focal": len(compare.focal_articles(a)),
        "n_both": int(((a["dyad"] == "both") & (a["status"] == "ok")).sum()),
        "summary": compare.dyad_summary(a, s),
        "counts": compare.article_counts(a),
        "tones": compare.sentence_tones(a, s),
        "rates": compare.entity_rates(a, sub["mentions"], sub["entity_tone"], sub["entities"], top=8),
        "shares": compare.topic_shares_by_dyad(a, s, sub["sentence_topics"], sub["topics_taxonomy"]),
        "speakers": compare.speakers_by_dyad(a, sub["quotes"], sub["entities"], by="speaker"),
        "countries": compare.speakers_by_dyad(a, sub["quotes"], sub["entities"], by="country"),
        "terms": {lang: _terms(sub, lang) for lang in compare.LANGUAGE_LABELS},
        "findings": compare.findings(sub),
    }


def compare_view(filters: Filters) -> dict:
    """Everything the Compare page draws, for the filtered corpus."""
    return _compare_view(corpus_dir(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _articles_view(folder: str, fkey: tuple) -> pd.DataFrame:
    sub = _subset(folder, fkey)
    return compare.article_table(sub.articles, sub["mentions"], sub["entities"], sub["topics"], sub["topics_taxonomy"])


def articles_view(filters: Filters) -> pd.DataFrame:
    """The article list (every status, every dyad) for the filtered corpus."""
    return _articles_view(corpus_dir(), filters.key())


def article_detail(article_id: str) -> dict | None:
    """One article's row, sentences, mentions, boilerplate and entity names (None if unknown)."""
    c = get_corpus()
    a = c.articles[c.articles["article_id"] == article_id]
    if a.empty:
        return None
    pick = {name: c[name][c[name]["article_id"] == article_id] for name in ("sentences", "mentions", "boilerplate", "quotes")}
    names = c["entities"].set_index("entity_id")["name_en"].dropna().astype(str).to_dict()
    return {"article": a.iloc[0], **pick, "entity_names": names}


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _entities_view(folder: str, fkey: tuple) -> dict:
    sub = _subset(folder, fkey)
    a = sub.articles
    return {
        "n_focal": len(compare.focal_articles(a)),
        "rates": compare.entity_rates(a, sub["mentions"], sub["entity_tone"], sub["entities"]),
        "pairs": compare.entity_cooccurrence(a, sub["mentions"], sub["entities"]),
    }


def entities_view(filters: Filters) -> dict:
    """Entity × dyad rates and co-occurrences for the filtered corpus."""
    return _entities_view(corpus_dir(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _entity_sentences(folder: str, fkey: tuple, entity_id: str) -> pd.DataFrame:
    sub = _subset(folder, fkey)
    return compare.entity_sentences(sub.articles, sub["sentences"], sub["mentions"], entity_id=entity_id)


def entity_sentences(filters: Filters, entity_id: str) -> pd.DataFrame:
    return _entity_sentences(corpus_dir(), filters.key(), entity_id)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topics_view(folder: str, fkey: tuple) -> dict:
    sub = _subset(folder, fkey)
    a, s = sub.articles, sub["sentences"]
    return {
        "n_focal": len(compare.focal_articles(a)),
        "shares": compare.topic_shares_by_dyad(a, s, sub["sentence_topics"], sub["topics_taxonomy"]),
        "taxonomy": sub["topics_taxonomy"],
        "terms": {lang: _terms(sub, lang) for lang in compare.LANGUAGE_LABELS},
    }


def topics_view(filters: Filters) -> dict:
    """Topic shares and distinguishing terms per language for the filtered corpus."""
    return _topics_view(corpus_dir(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topic_sentences(folder: str, fkey: tuple, topic_id: str) -> pd.DataFrame:
    sub = _subset(folder, fkey)
    return compare.topic_sentences(sub.articles, sub["sentences"], sub["sentence_topics"], topic_id=topic_id)


def topic_sentences(filters: Filters, topic_id: str) -> pd.DataFrame:
    return _topic_sentences(corpus_dir(), filters.key(), topic_id)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _kwic(folder: str, fkey: tuple, term: str, language: str) -> pd.DataFrame:
    sub = _subset(folder, fkey)
    return compare.keyword_in_context(sub["sentences"], sub.articles, term=term, language=language)


def kwic(filters: Filters, term: str, language: str) -> pd.DataFrame:
    """Keyword in context for ``term`` in the filtered corpus."""
    return _kwic(corpus_dir(), filters.key(), term, language)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _tone_view(folder: str, fkey: tuple) -> dict:
    sub = _subset(folder, fkey)
    a, s = sub.articles, sub["sentences"]
    methods_used = sorted(set(s["tone_method"].dropna().astype(str)))
    return {
        "n_focal": len(compare.focal_articles(a)),
        "summary": compare.dyad_summary(a, s),
        "tones": compare.sentence_tones(a, s),
        "by_language": compare.tone_by_group(a, s, by="language"),
        "rates": compare.entity_rates(
            a, sub["mentions"], sub["entity_tone"], sub["entities"], top=10, exclude=compare.DYAD_DEFINING_ENTITIES
        ),
        "methods_used": methods_used,
    }


def tone_view(filters: Filters) -> dict:
    """Tone distributions by dyad, language and entity for the filtered corpus."""
    return _tone_view(corpus_dir(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _speaker_quotes(folder: str, fkey: tuple, speaker: str) -> pd.DataFrame:
    sub = _subset(folder, fkey)
    return compare.speaker_quotes(compare.focal_articles(sub.articles), sub["quotes"], speaker=speaker)


def speaker_quotes(filters: Filters, speaker: str) -> pd.DataFrame:
    """The quotes behind one speaker's count (e.g. "anonymous source")."""
    return _speaker_quotes(corpus_dir(), filters.key(), speaker)
