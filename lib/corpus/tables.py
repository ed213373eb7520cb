"""The corpus tables: per-article rows concatenated, validated and rolled up.

``assemble`` turns the rows of many articles (from ``lib.analysis.pipeline``)
into one table per kind, each checked against ``lib.schema``; ``from_store``
does the same from the store's typed tables with the user's edits applied;
both add the corpus roll-ups (entity tone, topic shares, the entities table,
``lib.corpus.rollups``). ``LiveCorpus`` keeps one corpus in memory for the
dashboard and follows the store by its change counters: new articles are
appended, anything else reloads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from lib import schema
from lib.corpus import rollups, snapshot
from lib.corpus.store import Loaded, Store
from lib.corpus.term_counts import TABLE_NAMES as TERM_TABLES
from lib.corpus.term_counts import TermCounts, count_terms
from lib.text.importers import collect_import_paths, import_path

if TYPE_CHECKING:  # the pipeline (and its models' code) is imported only when something is analysed
    from lib.analysis.pipeline import ArticleRows, Resources

log = logging.getLogger(__name__)


class _Filtered(Mapping):
    """Tables of a source mapping restricted to some articles, each filtered on first use
    (a view that reads the article summaries never filters the sentences)."""

    def __init__(self, source: Callable[[str], pd.DataFrame], names: Iterable[str], keep: list[str]) -> None:
        self._source = source
        self._names = list(names)
        self._keep = keep
        self._done: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        with self._lock:
            if name not in self._done:
                df = self._source(name)
                self._done[name] = (
                    df[schema.isin(df["article_id"], self._keep)].reset_index(drop=True) if "article_id" in df.columns else df
                )
            return self._done[name]

    def columns(self, name: str, cols: list[str]) -> pd.DataFrame:
        """Table ``name``'s ``cols`` for these articles, filtering only those columns
        (the articles' texts are most of the articles table) unless the whole
        table is filtered already."""
        with self._lock:
            if name in self._done:
                return self._done[name][cols]
            key = f"{name}\0" + "\0".join(cols)
            if key not in self._done:
                df = self._source(name)[cols]
                self._done[key] = df[schema.isin(df["article_id"], self._keep)].reset_index(drop=True)
            return self._done[key]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass(frozen=True)
class Corpus:
    """Every table of an analysed corpus, each checked against ``lib.schema``.

    ``term_counts()`` — every article's terms, for the distinguishing-terms
    view — is counted on first use and kept with the corpus (or given when
    it is known: a snapshot, or old counts plus those of appended articles).
    ``article_summary(name)`` is one of the article summaries
    (``rollups.ARTICLE_SUMMARIES``), made on first use and kept. A subset
    filters a table, or a summary, only when it is first read.
    """

    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    _terms: list = field(default_factory=list, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)
    _summaries: Mapping[str, pd.DataFrame] | None = field(default=None, compare=False, repr=False)
    _made: dict = field(default_factory=dict, compare=False, repr=False)
    _whole: Corpus | None = field(default=None, compare=False, repr=False)

    def term_counts(self) -> TermCounts:
        """The term counts of every article (``lib.corpus.term_counts``), counted once."""
        with self._lock:
            if not self._terms:
                self._terms.append(count_terms(self.tables["sentences"], self.tables["articles"], self.tables["mentions"]))
            return self._terms[0]

    def has_term_counts(self) -> bool:
        return bool(self._terms)

    def article_summary(self, name: str) -> pd.DataFrame:
        """The article summary ``name`` of this corpus (``rollups.ARTICLE_SUMMARIES``)."""
        if self._summaries is not None:
            return self._summaries[name]
        with self._lock:
            if name not in self._made:
                self._made[name] = rollups.ARTICLE_SUMMARIES[name](self.tables)
            return self._made[name]

    def columns(self, name: str, cols: list[str]) -> pd.DataFrame:
        """Table ``name``'s columns ``cols`` (``cols`` must include ``article_id``): of a
        subset, filtered without filtering the table's other columns."""
        cols = list(cols)
        if isinstance(self.tables, _Filtered):
            return self.tables.columns(name, cols)
        return self.tables[name][cols]

    def relabelled(self, tables: dict[str, pd.DataFrame]) -> Corpus:
        """This corpus with its entities relabelled (``lib.corpus.curation``): the
        same sentences and names, so the term counts are shared, not counted again."""
        return Corpus(tables, self._terms, self._lock)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def whole(self) -> Corpus:
        """The corpus this one is a subset of (itself when it is not a subset): a view that keeps
        only its own articles' rows reads the whole corpus's tables and summaries unfiltered,
        instead of having them filtered first."""
        return self._whole or self

    @property
    def articles(self) -> pd.DataFrame:
        return self.tables["articles"]

    def subset(self, article_ids: Iterable[str]) -> Corpus:
        """The same corpus restricted to ``article_ids`` (reference tables kept whole)."""
        keep = set(article_ids)
        if keep >= set(self.articles["article_id"]):  # nothing filtered out: the same corpus, not a copy
            return self
        ids = list(keep)
        return Corpus(
            _Filtered(self.tables.__getitem__, self.tables, ids),
            _summaries=_Filtered(self.article_summary, rollups.ARTICLE_SUMMARIES, ids),
            _whole=self.whole(),
        )


def finish(tables: dict[str, pd.DataFrame], *, gazetteer_table: pd.DataFrame, taxonomy_table: pd.DataFrame) -> Corpus:
    """Add the roll-ups and reference tables to validated per-article tables."""
    out = dict(tables)
    out["entity_tone"] = rollups.entity_tone(out["mentions"], out["sentences"])
    out["topics"] = rollups.topic_shares(out["sentence_topics"], out["sentences"])
    out["entities"] = rollups.entities_table(out["mentions"], gazetteer_table=gazetteer_table)
    out["topics_taxonomy"] = schema.validate("topics_taxonomy", taxonomy_table)
    return Corpus(out)


def assemble(results: Iterable[ArticleRows], *, resources: Resources) -> Corpus:
    """Concatenate per-article rows into validated corpus tables."""
    from lib.analysis.pipeline import _empty_rows

    merged = _empty_rows()
    seen: set[str] = set()
    for rows in results:
        aid = rows["articles"][0]["article_id"]
        if aid in seen:  # the same text twice: keep the first
            continue
        seen.add(aid)
        for name, part in rows.items():
            merged[name].extend(part)
    tables = {name: schema.from_rows(name, part) for name, part in merged.items()}
    return finish(tables, gazetteer_table=resources.gazetteer.table, taxonomy_table=resources.taxonomy.table)


def from_store(loaded: Loaded, *, gazetteer_table: pd.DataFrame, taxonomy_table: pd.DataFrame) -> Corpus:
    """The corpus of a store read (``Store.load``), with the user's edits applied."""
    tables = dict(loaded.tables)
    tables["articles"] = rollups.apply_edits(tables["articles"], loaded.edits)
    return finish(tables, gazetteer_table=gazetteer_table, taxonomy_table=taxonomy_table)


def analyze_paths(
    paths: list[str | Path],
    *,
    resources: Resources,
    progress: Callable[[int, int, ArticleRows], None] | None = None,
    runner=None,
) -> Corpus:
    """Analyse files and folders into a corpus, read exactly as ``import`` and the
    Corpus page read them (every format, one article per CSV/JSON row);
    ``progress(i, n, rows)`` after each article. With a ``runner``
    (``lib.corpus.runner``) the articles are analysed in parallel."""
    from lib.analysis.pipeline import error_rows
    from lib.corpus.runner import SerialRunner, Task

    items = [item for p in collect_import_paths(paths) for item in import_path(p).items]
    tasks = [Task(text=it.text or "", file=it.file, metadata=dict(it.metadata)) for it in items if it.error is None]
    results = iter((runner or SerialRunner(use_spacy=resources.use_spacy)).map(tasks))
    out = []
    for i, it in enumerate(items, start=1):
        if it.error is not None:
            rows = error_rows(file=it.file, error=it.error)
        else:
            r = next(results)
            message = r.message or "analysis failed"
            message = message if message.startswith(it.file) else f"{it.file}: {message}"
            rows = r.rows if r.rows is not None else error_rows(file=it.file, error=message, data=it.text or "")
        out.append(rows)
        if progress:
            progress(i, len(items), rows)
    return assemble(out, resources=resources)


SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def analyze_seeds(*, resources: Resources | None = None) -> Corpus:
    """The default corpus: the seed articles shipped with the project."""
    from lib.analysis.pipeline import load_resources

    res = resources or load_resources()
    return analyze_paths([SEEDS_DIR], resources=res)


#: Pieces an appended table's Arrow column may be in before they are joined into one. Joining
#: copies the whole column (most of an import's append at 10,000 articles: 0.6 s); in a few
#: pieces, filtering and membership tests are as fast and taking rows a few ms slower.
MAX_CHUNKS = 8


def _concat(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``old`` then ``new``. ``pd.concat`` leaves Arrow-backed columns in pieces (chunks), and
    pandas' take on a column in many pieces is several times slower: a column in more than
    MAX_CHUNKS pieces is joined into one again."""
    both = pd.concat([old, new], ignore_index=True)
    for col in both.columns:
        values = both[col].array
        if isinstance(values, pd.arrays.ArrowExtensionArray):
            data = pa.array(values)  # the column's own Arrow data, no copy
            if isinstance(data, pa.ChunkedArray) and data.num_chunks > MAX_CHUNKS:
                both[col] = pd.Series(type(values)(data.combine_chunks()), index=both.index, name=col)
    return both


def _append_rows(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    return new if old.empty else old if new.empty else _concat(old, new)


_append_listeners: list[Callable[[pd.DataFrame, pd.DataFrame], None]] = []


def on_append(listener: Callable[[pd.DataFrame, pd.DataFrame], None]) -> None:
    """Call ``listener(before, after)`` whenever a ``LiveCorpus`` appends rows: ``after`` is the
    table ``before`` with new rows at its end. A layer that made something from ``before``
    (the views factorize long tables) can extend it instead of making it again."""
    if listener not in _append_listeners:
        _append_listeners.append(listener)


def _tell_appended(grown: list[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    """Tell the listeners of every table that grew. A listener only saves work later: one that
    fails is logged and the append goes on (what it would have extended is made again when needed)."""
    for before, after in grown:
        if after is before or before.empty or len(after) <= len(before):
            continue
        for listener in _append_listeners:
            try:
                listener(before, after)
            except Exception:
                log.exception("append listener %r failed; the append goes on", listener)


#: Seconds after a corpus is loaded or grown before its snapshot is written.
SNAPSHOT_DELAY_S = 20.0


class LiveCorpus:
    """The store's corpus, held once in memory and kept current cheaply.

    ``current()`` reads the store's change counters (one small query): if
    nothing changed, the same read-only corpus comes back (never copied); if
    only articles were appended, their rows are loaded and appended; after
    any other change (an edit, hiding, removal, re-analysis) the corpus is
    reloaded from the typed tables. Thread-safe; the corpus is never mutated.
    """

    def __init__(self, store: Store, *, gazetteer_table: pd.DataFrame, taxonomy_table: pd.DataFrame, snapshots: bool = True) -> None:
        self.store = store
        self._gaz = gazetteer_table
        self._tax = taxonomy_table
        self._lock = threading.Lock()
        self._corpus: Corpus | None = None
        self._state: tuple[int, int, int] = (-1, -1, 0)  # generation, layout, max_seq
        #: Whether the corpus is read from and written to a snapshot (``lib.corpus.snapshot``).
        self.snapshots = snapshots
        self._reference = snapshot.reference_digest(gazetteer_table, taxonomy_table) if snapshots else ""
        self._writer: threading.Timer | None = None
        self._writing = threading.Event()  # set once the pending snapshot has started to be written
        self._save: Callable[[], None] | None = None
        #: Seconds a snapshot waits before it is written (``SNAPSHOT_DELAY_S``).
        self.snapshot_delay = SNAPSHOT_DELAY_S
        #: Where the current corpus came from: "snapshot", "store" or "appended".
        self.source = ""

    @property
    def generation(self) -> int:
        return self._state[0]

    def current(self) -> Corpus:
        gen, layout = self.store.generation()
        with self._lock:
            if self._corpus is not None and gen == self._state[0]:
                return self._corpus
            if self._corpus is not None and layout == self._state[1]:
                self._append()
            else:
                self._reload()
            return self._corpus

    def _key(self, store_id: str, generation: int, layout: int, max_seq: int) -> str:
        return snapshot.make_key(
            store=store_id,
            pipeline=self.store.pipeline_version,
            generation=generation,
            layout=layout,
            max_seq=max_seq,
            reference=self._reference,
        )

    def _reload(self) -> None:
        """The whole corpus: from its snapshot when one matches the store's state; else from the
        snapshot of an earlier state that only lacks articles appended since (an import while no
        dashboard ran), plus those articles; else from the store."""
        if self.snapshots:
            store_id, gen, layout, max_seq = self.store.state()
            if self._read_snapshot(self._key(store_id, gen, layout, max_seq), (gen, layout, max_seq)):
                return
            earlier = self._earlier_snapshot(store_id, layout, max_seq)
            if earlier is not None and self._read_snapshot(*earlier):
                self._append()  # sets the source to "appended" and writes the new state's snapshot later
                return
        loaded = self.store.load()
        self._corpus = from_store(loaded, gazetteer_table=self._gaz, taxonomy_table=self._tax)
        self._state = (loaded.generation, loaded.layout, loaded.max_seq)
        self.source = "store"
        self._save_later()

    def _read_snapshot(self, key: str, state: tuple[int, int, int]) -> bool:
        """Take the corpus from the snapshot ``key`` of the store's ``state``; False when there is none usable."""
        got = snapshot.read(self.store.path, key)
        if got is None:
            return False
        tables, _ = got
        counts = TermCounts.from_tables({n: tables.pop(n) for n in TERM_TABLES})
        made = {n: tables.pop(n) for n in rollups.ARTICLE_SUMMARIES if n in tables}
        made = {n: t for n, t in made.items() if list(t.columns) == rollups.SUMMARY_COLUMNS[n]}  # else made again
        self._corpus = Corpus(tables, [counts], _made=made)
        self._state = state
        self.source = "snapshot"
        return True

    def _earlier_snapshot(self, store_id: str, layout: int, max_seq: int) -> tuple[str, tuple[int, int, int]] | None:
        """(key, state) of the newest snapshot of this store, pipeline and reference tables whose
        state differs from the current one only by articles appended since (same layout, fewer
        articles), or None. A manifest's key must be the one its state makes: a snapshot of another
        store, pipeline version or gazetteer never matches."""
        best = None
        for manifest in snapshot.manifests(self.store.path):
            try:
                state = (int(manifest["generation"]), int(manifest["layout"]), int(manifest["max_seq"]))
            except (KeyError, TypeError, ValueError):
                continue
            if state[1] != layout or state[2] > max_seq or manifest.get("key") != self._key(store_id, *state):
                continue
            if best is None or state[2] > best[1][2]:
                best = (manifest["key"], state)
        return best

    def _save_later(self) -> None:
        """Write the current corpus's snapshot in the background, ``snapshot_delay`` seconds
        from now (its term counts and article summaries are made there if no view has
        asked for them yet). The writer shares the interpreter with the page runs that
        follow a start or an import: waiting lets those draw first. A newer corpus's
        snapshot replaces one not yet started."""
        if not self.snapshots or self.store.is_temporary:
            return
        corpus, (gen, layout, max_seq) = self._corpus, self._state
        store_id = self.store.state()[0]
        key = self._key(store_id, gen, layout, max_seq)
        writing = threading.Event()

        def save() -> None:
            writing.set()
            try:
                summaries = {n: corpus.article_summary(n) for n in rollups.ARTICLE_SUMMARIES}  # made here if no view has yet
                tables = {**corpus.tables, **corpus.term_counts().to_tables(), **summaries}
                snapshot.write(self.store.path, key, tables, generation=gen, layout=layout, max_seq=max_seq)
            except Exception:  # a cache: never let it break the dashboard
                log.exception("corpus snapshot not written")

        if self._writer is not None:
            self._writer.cancel()  # a timer still waiting never writes its (older) corpus
        self._writer, self._writing, self._save = threading.Timer(self.snapshot_delay, save), writing, save
        self._writer.name, self._writer.daemon = "corpus-snapshot", True
        self._writer.start()

    def has_snapshot(self) -> bool:
        """Whether the snapshot of the current corpus is on disk (written, or read when loaded)."""
        if self._corpus is None:
            return False
        gen, layout, max_seq = self._state
        key = self._key(self.store.state()[0], gen, layout, max_seq)
        return (snapshot.snapshot_dir(self.store.path) / key / snapshot.MANIFEST).is_file()

    def wait_for_snapshot(self, timeout: float | None = None) -> None:
        """Write the pending snapshot now, or wait until the one being written is
        finished (tests, benchmarks, exit)."""
        writer, save, writing = self._writer, self._save, self._writing
        if writer is None or save is None:
            return
        writer.cancel()
        writer.join(timeout)
        if not writing.is_set():  # cancelled before it began: write it here
            save()

    def _append(self) -> None:
        assert self._corpus is not None
        new = self.store.load(since_seq=self._state[2])
        if new.layout != self._state[1]:  # something else changed meanwhile: reload
            self._reload()
            return
        old = self._corpus.tables
        tables = {}
        added = dict(new.tables)
        added["articles"] = rollups.apply_edits(added["articles"], new.edits)
        added["entity_tone"] = rollups.entity_tone(added["mentions"], added["sentences"])
        added["topics"] = rollups.topic_shares(added["sentence_topics"], added["sentences"])
        for name, df in added.items():
            tables[name] = _append_rows(old[name], df)
        tables["entities"] = rollups.entities_table(tables["mentions"], gazetteer_table=self._gaz)
        tables["topics_taxonomy"] = old["topics_taxonomy"]
        counted = []
        if self._corpus.has_term_counts():  # count the new articles' terms only
            counted = [self._corpus.term_counts().concat(count_terms(added["sentences"], added["articles"], added["mentions"]))]
        # The summaries of articles are appended too; the quotes' is made again, as
        # the entities table (and so a speaker's name) may have changed.
        made = {
            n: _append_rows(self._corpus._made[n], rollups.ARTICLE_SUMMARIES[n](added))
            for n in ("article_tone", "article_mentions")
            if n in self._corpus._made
        }
        _tell_appended([(old[n], tables[n]) for n in added] + [(self._corpus._made[n], made[n]) for n in made])
        self._corpus = Corpus(tables, counted, _made=made)
        self._state = (new.generation, new.layout, new.max_seq)
        self.source = "appended"
        self._save_later()
