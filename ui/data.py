"""The one place pages get analysed data from (cached at the data edge).

The corpus lives in the article store (``lib.corpus.store``, SQLite): the file
named by ``$COVERAGE_DB`` (default ``data/coverage.sqlite``, or a file of
its own per ``$COVERAGE_CORPUS_DIR`` folder). A new store is
first filled from the folder ``$COVERAGE_CORPUS_DIR`` names (default the
project's ``seeds/``; the browser tests point it at a corpus with hostile
text; a deployment can point it at its own articles). Both variables are
read when the store is opened, never at import time. When the store's
location cannot be written, a temporary store is used and
``store_notice()`` says so.

``get_corpus()`` is the analysed corpus: every visible stored article, its
cached analysis, the user's edits applied. It is cached by the store's path
and *fingerprint* (which changes whenever articles or edits change), so
every browser session sees the same corpus and an upload or an edit in one
session shows in all of them on their next run.

The ``*_view`` functions are cached wrappers of ``lib.views.compare``: each takes
the sidebar ``Filters`` and returns the small tables a page draws, keyed by
the corpus and the filters, so changing a page or a filter back and
forth costs a cache lookup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial

import pandas as pd
import streamlit as st

from lib.analysis.pipeline import analyze_text, load_resources
from lib.corpus import store as store_lib
from lib.corpus.tables import Corpus, assemble
from lib.text import importers
from lib.views import compare
from ui.state import Filters

#: Environment variable naming the folder of article files a new store is filled from.
CORPUS_DIR_ENV = store_lib.CORPUS_DIR_ENV
#: Cached filtered views kept per function: a few filter combinations per
#: user for a handful of users; each entry is a few small tables.
VIEW_CACHE_ENTRIES = 64
#: Corpora kept in memory: the current one and a few recent ones (a user
#: hiding and showing articles goes back and forth between fingerprints).
CORPUS_CACHE_ENTRIES = 4
#: Times get_corpus() re-reads the store when it changes while being read.
_STALE_RETRIES = 3


def corpus_dir() -> str:
    """The folder a new store is filled from (``$COVERAGE_CORPUS_DIR``, else seeds/)."""
    return str(store_lib.seed_folder())


@st.cache_resource(show_spinner="Loading language models…")
def get_resources():
    """Models and tables, loaded once per server process (never mutated)."""
    return load_resources()


def analyzer() -> Callable:
    """The pipeline's per-article function, bound to the loaded models."""
    return partial(analyze_text, resources=get_resources())


@st.cache_resource(show_spinner="Opening the article store…")
def _open_store(db: str, folder: str) -> store_lib.Store:
    s = store_lib.Store.open(db or None)
    store_lib.fill_from_folder(s, folder, analyze=analyzer())
    return s


def get_store() -> store_lib.Store:
    """The article store (one per server process and location, shared by every session)."""
    return _open_store(os.environ.get(store_lib.DB_ENV, ""), corpus_dir())


def store_notice() -> str | None:
    """Why the app runs on a temporary store, or None."""
    return get_store().fallback_reason


class _StoreChanged(Exception):
    """The store changed between reading its fingerprint and reading its articles."""


@st.cache_data(show_spinner="Analysing articles…", max_entries=CORPUS_CACHE_ENTRIES)
def _corpus_tables(key: str) -> dict:
    s = get_store()
    snap = s.snapshot()
    if key != f"{s.path}|{snap.fingerprint}":
        raise _StoreChanged  # not cached: a corpus is only ever stored under its own fingerprint
    results, _ = s.results(analyzer(), snapshot=snap)
    return assemble(results, resources=get_resources()).tables


def corpus_key() -> str:
    """The cache key of the current corpus: the store's path and fingerprint."""
    s = get_store()
    return f"{s.path}|{s.fingerprint()}"


def _tables(key: str) -> dict:
    for _ in range(_STALE_RETRIES):
        try:
            return _corpus_tables(key)
        except _StoreChanged:
            key = corpus_key()
    return _corpus_tables(key)


def get_corpus() -> Corpus:
    """The analysed corpus the dashboard shows."""
    return Corpus(_tables(corpus_key()))


def corpus_fingerprint() -> str:
    return get_store().fingerprint()


def import_uploads(
    files: Iterable[tuple[str, bytes]],
    *,
    mappings: dict[str, dict[str, str | None]] | None = None,
    progress: Callable[[float, int, store_lib.Outcome], None] | None = None,
) -> list[store_lib.Outcome]:
    """Store uploaded files (one transaction per article); one outcome per article found."""
    return store_lib.import_files(
        get_store(), files, origin="upload", analyze=analyzer(), limits=upload_limits(), mappings=mappings, progress=progress
    )


def upload_limits() -> importers.Limits:
    """Import limits: environment variables, and Streamlit's own upload limit."""
    return importers.Limits.from_env(max_upload_bytes=int(st.get_option("server.maxUploadSize")) * importers.MB)


# --- cached views (lib.views.compare on the filtered corpus) ------------------------------------------


#: Filtered corpora kept: the views of one filter combination share one.
SUBSET_CACHE_ENTRIES = 8


@st.cache_resource(show_spinner=False, max_entries=SUBSET_CACHE_ENTRIES)
def _subset(key: str, fkey: tuple) -> Corpus:
    """The corpus ``key`` restricted to the filters ``fkey``: made once per filter
    combination and shared read-only (never mutated) by the views, the
    briefing export and every rerun, instead of re-filtering every table."""
    corpus = Corpus(_tables(key))
    return corpus.subset(Filters(*fkey).article_ids(corpus.articles))


@st.cache_resource(show_spinner=False, max_entries=CORPUS_CACHE_ENTRIES)
def _term_counts(key: str) -> pd.DataFrame:
    """Per-article term counts of the whole corpus ``key``: tokenised once, shared
    read-only by every filtered view (never mutated; cache_resource avoids
    copying a table of millions of rows on every filter change)."""
    corpus = Corpus(_tables(key))
    return compare.article_term_counts(corpus["sentences"], corpus.articles)


def _terms(sub: Corpus, language: str, key: str) -> pd.DataFrame | str:
    """Distinguishing terms, or the reason there are none (an empty-state message)."""
    try:
        return compare.distinguishing_terms(sub["sentences"], sub.articles, language=language, counts=_term_counts(key))
    except compare.TooFewForTerms as exc:
        return str(exc)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _compare_view(key: str, fkey: tuple) -> dict:
    sub = _subset(key, fkey)
    a, s = sub.articles, sub["sentences"]
    terms = {lang: _terms(sub, lang, key) for lang in compare.LANGUAGE_LABELS}
    return {
        "n_articles": len(a),
        "n_focal": len(compare.focal_articles(a)),
        "n_both": int(((a["dyad"] == "both") & (a["status"] == "ok")).sum()),
        "summary": compare.dyad_summary(a, s),
        "counts": compare.article_counts(a),
        "tone_bins": compare.tone_bins(compare.sentence_tones(a, s)),
        "rates": compare.entity_rates(a, sub["mentions"], sub["entity_tone"], sub["entities"], top=8),
        "shares": compare.topic_shares_by_dyad(a, s, sub["sentence_topics"], sub["topics_taxonomy"]),
        "speakers": compare.speakers_by_dyad(a, sub["quotes"], sub["entities"], by="speaker"),
        "countries": compare.speakers_by_dyad(a, sub["quotes"], sub["entities"], by="country"),
        "terms": terms,
        "findings": compare.findings(sub, terms=terms),
        "entity_names": sub["entities"].dropna(subset=["name_en"]).set_index("entity_id")["name_en"].astype(str).to_dict(),
    }


def compare_view(filters: Filters) -> dict:
    """Everything the Compare page draws, for the filtered corpus."""
    return _compare_view(corpus_key(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _articles_view(key: str, fkey: tuple) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return compare.article_table(sub.articles, sub["mentions"], sub["entities"], sub["topics"], sub["topics_taxonomy"])


def articles_view(filters: Filters) -> pd.DataFrame:
    """The article list (every status, every dyad) for the filtered corpus."""
    return _articles_view(corpus_key(), filters.key())


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
def _entities_view(key: str, fkey: tuple) -> dict:
    sub = _subset(key, fkey)
    a = sub.articles
    return {
        "n_focal": len(compare.focal_articles(a)),
        "rates": compare.entity_rates(a, sub["mentions"], sub["entity_tone"], sub["entities"]),
        "pairs": compare.entity_cooccurrence(a, sub["mentions"], sub["entities"]),
    }


def entities_view(filters: Filters) -> dict:
    """Entity × dyad rates and co-occurrences for the filtered corpus."""
    return _entities_view(corpus_key(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _entity_sentences(key: str, fkey: tuple, entity_id: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return compare.entity_sentences(sub.articles, sub["sentences"], sub["mentions"], entity_id=entity_id)


def entity_sentences(filters: Filters, entity_id: str) -> pd.DataFrame:
    return _entity_sentences(corpus_key(), filters.key(), entity_id)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topics_view(key: str, fkey: tuple) -> dict:
    sub = _subset(key, fkey)
    a, s = sub.articles, sub["sentences"]
    return {
        "n_focal": len(compare.focal_articles(a)),
        "shares": compare.topic_shares_by_dyad(a, s, sub["sentence_topics"], sub["topics_taxonomy"]),
        "taxonomy": sub["topics_taxonomy"],
        "terms": {lang: _terms(sub, lang, key) for lang in compare.LANGUAGE_LABELS},
    }


def topics_view(filters: Filters) -> dict:
    """Topic shares and distinguishing terms per language for the filtered corpus."""
    return _topics_view(corpus_key(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topic_sentences(key: str, fkey: tuple, topic_id: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return compare.topic_sentences(sub.articles, sub["sentences"], sub["sentence_topics"], topic_id=topic_id)


def topic_sentences(filters: Filters, topic_id: str) -> pd.DataFrame:
    return _topic_sentences(corpus_key(), filters.key(), topic_id)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _kwic(key: str, fkey: tuple, term: str, language: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return compare.keyword_in_context(sub["sentences"], sub.articles, term=term, language=language)


def kwic(filters: Filters, term: str, language: str) -> pd.DataFrame:
    """Keyword in context for ``term`` in the filtered corpus."""
    return _kwic(corpus_key(), filters.key(), term, language)


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _tone_view(key: str, fkey: tuple) -> dict:
    sub = _subset(key, fkey)
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
    return _tone_view(corpus_key(), filters.key())


@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _speaker_quotes(key: str, fkey: tuple, speaker: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return compare.speaker_quotes(compare.focal_articles(sub.articles), sub["quotes"], speaker=speaker, entities=sub["entities"])


def speaker_quotes(filters: Filters, speaker: str) -> pd.DataFrame:
    """The quotes behind one speaker's count (e.g. "anonymous source")."""
    return _speaker_quotes(corpus_key(), filters.key(), speaker)


def filtered_corpus(filters: Filters) -> Corpus:
    """The corpus restricted to the sidebar filters (for exports of the filtered view)."""
    return _subset(corpus_key(), filters.key())
