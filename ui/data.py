"""The one place pages get analysed data from (cached at the data edge).

The corpus lives in the article store (``lib.corpus.store``, SQLite): the
file named by ``$COVERAGE_DB`` (default ``data/coverage.sqlite``, or a file
of its own per ``$COVERAGE_CORPUS_DIR`` folder). A new store is first filled
from the folder ``$COVERAGE_CORPUS_DIR`` names (default the project's
``seeds/``). Both variables are read when the store is opened, never at
import time. When the store's location cannot be used, a temporary store is
used and ``store_notice()`` says why.

Nothing heavy happens before it is needed: the store holds every article's
analysis, so drawing a page loads no language model. ``prepare()`` (called
by ``app.py`` after the page frame is drawn) fills a new store from the
seeds and analyses whatever is pending — a new pipeline version, an article
a user assigned to a relationship — with a progress bar; only then do the
models load, once per process, in worker processes for large batches.

``get_corpus()`` is the analysed corpus: one per server process, held in
memory read-only and shared by every session (``LiveCorpus``). Each rerun
costs one small query of the store's change counter; an import appends its
articles, any other change reloads. The ``*_view`` functions are cached
wrappers of ``lib.views``, keyed by the store's generation and the filters;
when the corpus changes, what was cached for the earlier one is dropped
(``_follow``), and a running server's store watcher (``ui.watch``) makes
Compare for the new corpus before the next page run asks
(``refresh_views``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.analysis.gazetteer import load_entities_table
from lib.analysis.topics import load_taxonomy_table
from lib.corpus import curation, ingest
from lib.corpus import store as store_lib
from lib.corpus.tables import Corpus, LiveCorpus
from lib.text import importers
from lib.text.display import markdown_literal
from lib.text.items import MB, Limits
from lib.views import articles, common, compare, entities, outlets, speakers, terms, timeline, tone, topics
from ui.state import Filters

#: Environment variable naming the folder of article files a new store is filled from.
CORPUS_DIR_ENV = store_lib.CORPUS_DIR_ENV
#: Cached filtered views kept per function: a few filter combinations per
#: user for a handful of users; each entry is a few small tables.
VIEW_CACHE_ENTRIES = 64
#: Articles analysed per save while preparing (a progress step each).
PREPARE_BATCH = 32


def corpus_dir() -> str:
    """The folder a new store is filled from (``$COVERAGE_CORPUS_DIR``, else seeds/)."""
    return str(store_lib.seed_folder())


@st.cache_resource(show_spinner=False)
def _stores() -> dict:
    """Open stores by (location, seed folder), and why one was replaced; one per process."""
    return {"lock": threading.Lock(), "open": {}, "notice": None}


def get_store() -> store_lib.Store:
    """The article store (one per server process and location, shared by every session).

    A store whose file was deleted or replaced while the app ran is opened
    anew (a new store is filled from the seeds), and ``store_notice()`` says so.
    """
    reg = _stores()
    key = (os.environ.get(store_lib.DB_ENV, ""), corpus_dir())
    with reg["lock"]:
        s = reg["open"].get(key)
        if s is not None and s.vanished():
            reg["notice"] = f"the store at {s.path} was deleted or replaced while the app ran; a new one was started"
            s = None
            _forget_store()
        if s is None:
            s = store_lib.Store.open(key[0] or None)
            reg["open"][key] = s
    return s


def _forget_store() -> None:
    """Drop everything made from a store that was deleted or replaced: its live corpus and
    curation (bound to the old file) and the corpora and views cached from it."""
    _live.clear()
    get_curation.clear()
    _follow(None)


def store_notice() -> str | None:
    """Why the app runs on a temporary or a new store, or None."""
    return get_store().fallback_reason or _stores()["notice"]


#: Rejected files of the corpus folder named in the sidebar notice (the rest are counted).
SEED_REJECTS_SHOWN = 5


def seed_notice() -> str | None:
    """Markdown naming the files of the corpus folder that could not be read when this server
    filled the store from it (each with its reason; names and messages escaped), or None."""
    rejected = _stores().get("seed_rejected", {}).get(str(get_store().path))
    if not rejected:
        return None
    shown = [f"{markdown_literal(o.file)} ({markdown_literal(o.message)})" for o in rejected[:SEED_REJECTS_SHOWN]]
    more = f"; and {len(rejected) - SEED_REJECTS_SHOWN} more" if len(rejected) > SEED_REJECTS_SHOWN else ""
    return f"{len(rejected)} file(s) of the corpus folder could not be read and were left out: {'; '.join(shown)}{more}."


@st.cache_resource(show_spinner=False)
def get_resources():
    """The pipeline's resources (each model loads on first need, once per process).
    The pipeline's code is imported here, not with the page: a store that holds
    the analysis draws every page without it."""
    from lib.analysis.pipeline import load_resources

    return load_resources()


@st.cache_resource(show_spinner=False)
def _reference_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gazetteer's entities and the topic taxonomy (tables: no matcher is compiled)."""
    return load_entities_table(), load_taxonomy_table()


@st.cache_resource(show_spinner=False)
def _live(path: str) -> LiveCorpus:
    gaz, tax = _reference_tables()
    return LiveCorpus(get_store(), gazetteer_table=gaz, taxonomy_table=tax)


@st.cache_resource(show_spinner=False)
def _prepare_lock() -> threading.Lock:
    return threading.Lock()


def _runners():
    """``lib.corpus.runner``, imported when something is to be analysed: it brings the
    pipeline's code, which a store that holds the analysis never needs."""
    from lib.corpus import runner

    return runner


def _runner_for(n: int):
    """Worker processes for a large batch (the server stays responsive), else this process."""
    return _runners().make_runner(n_tasks=n)


def prepare() -> None:
    """Fill a new store from the seeds and analyse pending articles, showing progress.

    Runs at most once at a time per process; another session arriving
    meanwhile waits with a message. Cheap when there is nothing to do (two
    small queries).
    """
    s = get_store()
    done = _stores().setdefault("prepared", {})
    gen = s.generation()
    if done.get(str(s.path)) == gen:
        return
    if s.is_seeded and not s.pending(limit=1):
        done[str(s.path)] = gen
        return
    lock = _prepare_lock()
    if not lock.acquire(blocking=False):
        with st.spinner("Another session is preparing the corpus…"):
            lock.acquire()
    try:
        if not s.is_seeded:
            _fill_from_seeds(s)
        pending = s.pending()
        if pending:
            _analyse_pending(s, pending)
    finally:
        lock.release()


def _progress_reporter(title: str, total: int):
    rate = _runners().Rate(total=total)
    box = st.status(title, expanded=True)
    bar = box.progress(0.0, text=rate.describe())

    def step(n: int = 1) -> None:
        rate.step(n)
        bar.progress(min(rate.done / max(total, 1), 1.0), text=rate.describe())

    return box, step


def _fill_from_seeds(s: store_lib.Store) -> None:
    folder = corpus_dir()
    n = len(importers.collect_import_paths([Path(folder)])) if Path(folder).is_dir() else 0
    box, step = _progress_reporter(f"Analysing the {n} articles of a new corpus (once; the language models load first)…", n)
    with box:
        runner = _runner_for(n)
        try:
            outcomes = ingest.fill_from_folder(s, folder, runner=runner, progress=lambda i, total, o: step())
        finally:
            runner.close()
    rejected = [o for o in outcomes if o.outcome == "rejected"]
    _stores().setdefault("seed_rejected", {})[str(s.path)] = rejected  # shown by seed_notice() in every session
    if rejected:
        box.update(
            label=f"Corpus ready; {len(rejected)} file(s) of the folder could not be read (see the sidebar)", state="error", expanded=False
        )
    else:
        box.update(label="Corpus ready", state="complete", expanded=False)


def _analyse_pending(s: store_lib.Store, pending: list[store_lib.StoredArticle]) -> None:
    box, step = _progress_reporter(
        f"Analysing {len(pending)} article(s) (new pipeline version or a relationship you assigned)…", len(pending)
    )
    runner = _runner_for(len(pending))
    try:
        tasks = [_runners().Task(text=a.text, file=a.file, metadata=dict(a.metadata), dyad_override=a.dyad_override) for a in pending]
        batch = []
        for art, result in zip(pending, runner.map(tasks), strict=True):
            batch.append((art, result.rows, result.message))
            if len(batch) >= PREPARE_BATCH:
                step(s.save_analysis(batch))
                batch = []
        if batch:
            step(s.save_analysis(batch))
    finally:
        runner.close()
    box.update(label="Analysis up to date", state="complete", expanded=False)


#: Cached functions whose entries belong to one corpus (the store's state: path, generation,
#: curation edits), registered by ``_per_corpus``: their entries are dropped when it changes.
_PER_CORPUS: list = []


def _per_corpus(cached):
    """Register a cached function whose entries are made from one corpus (``corpus_key``, or the
    state itself): no page asks for them once the corpus has changed, so ``_follow`` drops them."""
    _PER_CORPUS.append(cached)
    return cached


@st.cache_resource(show_spinner=False)
def _followed() -> dict:
    return {"lock": threading.Lock(), "state": None}


def _follow(state: tuple | None) -> None:
    """Note the corpus every page run (and the store watcher) reads. When it has changed (articles
    imported, the store replaced, the curation edited), the cached entries of earlier corpora are
    dropped: without this, every import kept one more copy of the corpus and its views alive (about
    120 MB each at 10,000 articles). This happens once per change, under a lock and before anything
    is made for the new corpus, so nothing made for it is thrown away. ``None``: the store itself
    is gone (``_forget_store``); whatever is read next is a new corpus."""
    reg = _followed()
    with reg["lock"]:
        seen = reg["state"]
        if seen == state or (seen is not None and state is not None and seen[0] == state[0] and state[1] < seen[1]):
            return  # the same corpus, or a run that read the store just before the last change
        if seen is not None:
            for cached in _PER_CORPUS:
                cached.clear()
        reg["state"] = state


@st.cache_resource(show_spinner=False)
def get_curation(path: str) -> curation.Curation:
    """The analyst's entity links, merges and new entities, kept in the store's file."""
    return curation.Curation(Path(path))


@_per_corpus
@st.cache_resource(show_spinner=False, max_entries=2)
def _curated(path: str, generation: int, curation_fp: str) -> Corpus:
    """The live corpus with the curation edits applied (made once per corpus and set of edits)."""
    base = _live(path).current()
    edits = get_curation(path).edits()
    return base if edits.empty else base.relabelled(curation.apply_edits(base.tables, edits))


@st.cache_resource(show_spinner=False)
def _last_state() -> dict:
    return {"lock": threading.Lock(), "seen": None}


def _state() -> tuple[str, int, str]:
    """(store path, generation, curation fingerprint): the corpus every cache key names.

    A page run asks a dozen times (every view and chart key). The counters and the curation are
    read again only when the store's file has changed since the last read (``Store.data_version``:
    microseconds, where reading them took about 1 ms each time)."""
    s = get_store()
    version = s.data_version()
    reg = _last_state()
    with reg["lock"]:
        seen = reg["seen"]
    if seen is not None and seen[0] is s and seen[1] == version:
        state = seen[2]
    else:
        path = str(s.path)
        live = _live(path)
        live.current()
        state = (path, live.generation, get_curation(path).fingerprint())
        with reg["lock"]:
            reg["seen"] = (s, version, state)  # read before the counters: a change meanwhile is read again next time
    _follow(state)
    return state


def get_corpus() -> Corpus:
    """The analysed corpus the dashboard shows, curation applied (shared, read-only: never mutate it)."""
    prepare()
    return _current()


def _current() -> Corpus:
    """The corpus as the store has it now (articles imported since are appended), curation applied;
    what ``get_corpus`` returns once the store is prepared."""
    return _curated(*_state())


def corpus_key() -> str:
    """The cache key of the current corpus: the store's path and generation, and the curation edits."""
    return "|".join(map(str, _state()))


def corpus_fingerprint() -> str:
    return get_store().fingerprint()


def import_uploads(
    files: Iterable[tuple[str, bytes]],
    *,
    mappings: dict[str, dict[str, str | None]] | None = None,
    progress: Callable[[float, int, ingest.Outcome], None] | None = None,
) -> list[ingest.Outcome]:
    """Store uploaded files; one outcome per article found, each after its commit.

    A large upload is analysed in worker processes, so the server stays
    responsive for other sessions.
    """
    files = list(files)
    items = [it for name, data in files for it in importers.import_file(name, data, limits=upload_limits(), mappings=mappings).items]
    runner = _runner_for(sum(1 for it in items if it.ok))
    first_models = isinstance(runner, _runners().SerialRunner) and not get_resources().models_loaded
    try:
        with (
            st.spinner("Loading the language models (once per server start; a few seconds)…") if first_models else contextlib.nullcontext()
        ):
            return ingest.import_items(get_store(), items, origin="upload", runner=runner, progress=progress)
    finally:
        runner.close()


def upload_limits() -> Limits:
    """Import limits: environment variables, and Streamlit's own upload limit."""
    return Limits.from_env(max_upload_bytes=int(st.get_option("server.maxUploadSize")) * MB)


# --- cached views (lib.views on the filtered corpus) ------------------------------------------


#: Filtered corpora kept: the views of one filter combination share one.
SUBSET_CACHE_ENTRIES = 8


@_per_corpus
@st.cache_resource(show_spinner=False, max_entries=SUBSET_CACHE_ENTRIES)
def _subset(key: str, fkey: tuple) -> Corpus:
    """The corpus ``key`` restricted to the filters ``fkey``: made once per filter
    combination and shared read-only (never mutated) by the views, the
    briefing export and every rerun, instead of re-filtering every table."""
    corpus = _current()  # the page run asking has prepared the store (app.py)
    return corpus.subset(Filters(*fkey).article_ids(corpus.articles))


def _terms(key: str, fkey: tuple) -> terms.TermsView:
    return terms.terms_view(_subset(key, fkey), counts=_current().term_counts())


#: Compare views kept: each holds every term of both languages and the views' tables, about
#: 12 MB at 10,000 articles, so 64 of them (VIEW_CACHE_ENTRIES) took the server past 1.5 GB
#: (908 MB -> 1,410 MB over 40 filter combinations). Sixteen keep a few users' recent filters.
COMPARE_CACHE_ENTRIES = 16


@_per_corpus
@st.cache_resource(show_spinner=False, max_entries=COMPARE_CACHE_ENTRIES)
def _compare_view(key: str, fkey: tuple) -> compare.CompareView:
    """Kept as made and shared (read-only: never mutate it), not pickled and copied for every rerun
    as ``cache_data`` would (a quarter of a new filter's time at 10,000 articles: its terms tables
    hold every word)."""
    return compare.compare_view(_subset(key, fkey), terms=_terms(key, fkey))


def compare_view(filters: Filters) -> compare.CompareView:
    """Everything the Compare page (and the briefing) draws, for the filtered corpus."""
    _remember(filters.key())
    return _compare_view(corpus_key(), filters.key())


#: Filter combinations whose Compare view ``refresh_views`` makes again when the corpus grows:
#: the ones sessions asked for last.
REFRESHED_FILTERS = 3


@st.cache_resource(show_spinner=False)
def _recent() -> dict:
    """The filter combinations Compare was drawn for, most recent last (one list per process)."""
    return {"lock": threading.Lock(), "filters": []}


def _remember(fkey: tuple) -> None:
    reg = _recent()
    with reg["lock"]:
        reg["filters"] = [*(f for f in reg["filters"] if f != fkey), fkey][-REFRESHED_FILTERS:]


def recent_filters() -> list[tuple]:
    """The filter combinations Compare was last drawn for (at most REFRESHED_FILTERS), most recent last."""
    reg = _recent()
    with reg["lock"]:
        return list(reg["filters"])


def refresh_views() -> bool:
    """Bring the corpus up to date with the store (which drops what was cached for the earlier one,
    ``_follow``), and make the Compare view of the filters sessions used last (``recent_filters``),
    so that the next page run finds them made. A page run asking for a view being made here waits
    for it (one computation per view). Runs outside any page (no output); does nothing while the
    store has articles to analyse, which a page run does with its progress bar. Returns whether
    views were made."""
    s = get_store()
    if not s.is_seeded or s.pending(limit=1):
        return False
    key = corpus_key()  # appends the articles imported since
    wanted = recent_filters()
    for fkey in wanted:
        _compare_view(key, fkey)
    return bool(wanted)


def view_key(filters: Filters, *part: str) -> tuple:
    """What a view of the filtered corpus is made from (the corpus and the filters), and ``part``
    naming one of its tables: a chart of that table is cached under this key
    (``downloads.spec_of(..., key=...)``) instead of a hash of the table."""
    return (corpus_key(), filters.key(), *part)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _articles_view(key: str, fkey: tuple) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return articles.article_table(sub.articles, sub["mentions"], sub["entities"], sub["topics"], sub["topics_taxonomy"])


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


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _entities_view(key: str, fkey: tuple) -> entities.EntitiesView:
    return entities.entities_view(_subset(key, fkey))


def entities_view(filters: Filters) -> entities.EntitiesView:
    """Entity × dyad rates and co-occurrences for the filtered corpus."""
    return _entities_view(corpus_key(), filters.key())


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _entity_sentences(key: str, fkey: tuple, entity_id: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return entities.entity_sentences(sub.articles, sub["sentences"], sub["mentions"], entity_id=entity_id)


def entity_sentences(filters: Filters, entity_id: str) -> pd.DataFrame:
    return _entity_sentences(corpus_key(), filters.key(), entity_id)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topics_view(key: str, fkey: tuple) -> tuple[topics.TopicsView, terms.TermsView]:
    return topics.topics_view(_subset(key, fkey)), _terms(key, fkey)


def topics_view(filters: Filters) -> tuple[topics.TopicsView, terms.TermsView]:
    """Topic shares and distinguishing terms per language for the filtered corpus."""
    return _topics_view(corpus_key(), filters.key())


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _topic_sentences(key: str, fkey: tuple, topic_id: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return topics.topic_sentences(sub.articles, sub["sentences"], sub["sentence_topics"], topic_id=topic_id)


def topic_sentences(filters: Filters, topic_id: str) -> pd.DataFrame:
    return _topic_sentences(corpus_key(), filters.key(), topic_id)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _kwic(key: str, fkey: tuple, term: str, language: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return terms.keyword_in_context(sub["sentences"], sub.articles, term=term, language=language)


def kwic(filters: Filters, term: str, language: str) -> pd.DataFrame:
    """Keyword in context for ``term`` in the filtered corpus."""
    return _kwic(corpus_key(), filters.key(), term, language)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _tone_view(key: str, fkey: tuple) -> tone.ToneView:
    return tone.tone_view(_subset(key, fkey))


def tone_view(filters: Filters) -> tone.ToneView:
    """Tone distributions by dyad, language and entity for the filtered corpus."""
    return _tone_view(corpus_key(), filters.key())


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _speaker_quotes(key: str, fkey: tuple, speaker: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return speakers.speaker_quotes(common.focal_articles(sub.articles), sub["quotes"], speaker=speaker, entities=sub["entities"])


def speaker_quotes(filters: Filters, speaker: str) -> pd.DataFrame:
    """The quotes behind one speaker's count (e.g. "anonymous source")."""
    return _speaker_quotes(corpus_key(), filters.key(), speaker)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _timeline_view(key: str, fkey: tuple, granularity: str | None) -> timeline.TimelineView:
    return timeline.timeline_view(_subset(key, fkey), granularity=granularity)


def timeline_view(filters: Filters, granularity: str | None = None) -> timeline.TimelineView:
    """Articles and tone per period for the filtered corpus (``granularity`` None: chosen from the span)."""
    return _timeline_view(corpus_key(), filters.key(), granularity)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _period_sentences(key: str, fkey: tuple, period: str, granularity: str) -> pd.DataFrame:
    sub = _subset(key, fkey)
    return timeline.period_sentences(sub.articles, sub["sentences"], period=period, granularity=granularity)


def period_sentences(filters: Filters, period: str, granularity: str) -> pd.DataFrame:
    """The sentences of the articles dated in one period."""
    return _period_sentences(corpus_key(), filters.key(), period, granularity)


@_per_corpus
@st.cache_data(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _outlets_view(key: str, fkey: tuple) -> outlets.OutletsView:
    return outlets.outlets_view(_subset(key, fkey))


def outlets_view(filters: Filters) -> outlets.OutletsView:
    """Outlets side by side per relationship, for the filtered corpus."""
    return _outlets_view(corpus_key(), filters.key())


def filtered_corpus(filters: Filters) -> Corpus:
    """The corpus restricted to the sidebar filters (for exports of the filtered view)."""
    return _subset(corpus_key(), filters.key())
