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

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import schema
from lib.analysis.pipeline import ArticleRows, Resources, _empty_rows, error_rows, load_resources
from lib.corpus import rollups
from lib.corpus.store import Loaded, Store
from lib.text.importers import collect_import_paths, import_path


@dataclass(frozen=True)
class Corpus:
    """Every table of an analysed corpus, each checked against ``lib.schema``."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def articles(self) -> pd.DataFrame:
        return self.tables["articles"]

    def subset(self, article_ids: Iterable[str]) -> Corpus:
        """The same corpus restricted to ``article_ids`` (reference tables kept whole)."""
        keep = set(article_ids)
        out = {}
        for name, df in self.tables.items():
            out[name] = df[df["article_id"].isin(keep)].reset_index(drop=True) if "article_id" in df.columns else df
        return Corpus(out)


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
    res = resources or load_resources()
    return analyze_paths([SEEDS_DIR], resources=res)


class LiveCorpus:
    """The store's corpus, held once in memory and kept current cheaply.

    ``current()`` reads the store's change counters (one small query): if
    nothing changed, the same read-only corpus comes back (never copied); if
    only articles were appended, their rows are loaded and appended; after
    any other change (an edit, hiding, removal, re-analysis) the corpus is
    reloaded from the typed tables. Thread-safe; the corpus is never mutated.
    """

    def __init__(self, store: Store, *, gazetteer_table: pd.DataFrame, taxonomy_table: pd.DataFrame) -> None:
        self.store = store
        self._gaz = gazetteer_table
        self._tax = taxonomy_table
        self._lock = threading.Lock()
        self._corpus: Corpus | None = None
        self._state: tuple[int, int, int] = (-1, -1, 0)  # generation, layout, max_seq

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
                loaded = self.store.load()
                self._corpus = from_store(loaded, gazetteer_table=self._gaz, taxonomy_table=self._tax)
                self._state = (loaded.generation, loaded.layout, loaded.max_seq)
            return self._corpus

    def _append(self) -> None:
        assert self._corpus is not None
        new = self.store.load(since_seq=self._state[2])
        if new.layout != self._state[1]:  # something else changed meanwhile: reload
            loaded = self.store.load()
            self._corpus = from_store(loaded, gazetteer_table=self._gaz, taxonomy_table=self._tax)
            self._state = (loaded.generation, loaded.layout, loaded.max_seq)
            return
        old = self._corpus.tables
        tables = {}
        added = dict(new.tables)
        added["articles"] = rollups.apply_edits(added["articles"], new.edits)
        added["entity_tone"] = rollups.entity_tone(added["mentions"], added["sentences"])
        added["topics"] = rollups.topic_shares(added["sentence_topics"], added["sentences"])
        for name, df in added.items():
            tables[name] = df if old[name].empty else old[name] if df.empty else pd.concat([old[name], df], ignore_index=True)
        tables["entities"] = rollups.entities_table(tables["mentions"], gazetteer_table=self._gaz)
        tables["topics_taxonomy"] = old["topics_taxonomy"]
        self._corpus = Corpus(tables)
        self._state = (new.generation, new.layout, new.max_seq)
