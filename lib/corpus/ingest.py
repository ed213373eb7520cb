"""Ingest: articles into the store, each once, with the outcome of every item.

``import_items`` is the one way in (the CLI's ``analyze`` and ``import``, the
Corpus page's upload and a new store's seeds all come here, after
``lib.text.importers`` has read the files into items):

1. an item the reader refused is ``rejected`` with its reason;
2. an item whose raw text is already stored, or appears earlier in the same
   import, is a ``duplicate`` and is not analysed again;
3. the rest are analysed — by a runner (``lib.corpus.runner``: worker
   processes or a Dask cluster) or, given ``analyze``, one by one here — and
   written in batches of ``COMMIT_EVERY`` articles (or ``COMMIT_SECONDS``),
   each batch one transaction, so an outcome says ``added`` only once it is
   committed. An article whose *cleaned* text is stored (the same article
   from another format) is a duplicate too: the store's identity is the id of
   the cleaned text.

When the store cannot be written (locked for too long, disk full, deleted),
every item not yet committed is rejected with that reason: nothing is
reported stored that is not, and one bad item never stops the others.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import schema
from lib.corpus.layout import dumps_json, insert_analyses
from lib.corpus.store import (
    ORIGINS,
    Analyze,
    ArticleRows,
    CorruptStoreError,
    Origin,
    Store,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreVanishedError,
    timestamp,
    transaction,
)
from lib.errors import ArticleError
from lib.text.importers import collect_import_paths, import_path
from lib.text.importers import import_files as read_upload
from lib.text.items import Item, Limits
from lib.text.reading import content_hash

#: Articles written per transaction during an import: one fsync per batch
#: instead of per article, and no outcome waits long for its commit.
COMMIT_EVERY = 64
COMMIT_SECONDS = 2.0

#: What happened to one imported item.
OUTCOMES = ("added", "not_analysed", "duplicate", "rejected")
OUTCOME_COLUMNS = tuple(schema.STORE_TABLES["import_outcomes"])
#: ``progress(done, n, outcome)`` after each item settles.
Progress = Callable[[int, int, "Outcome"], None]


@dataclass(frozen=True)
class Outcome:
    """One imported item's fate: added, not_analysed, duplicate or rejected."""

    file: str
    outcome: str
    reason: str | None = None
    message: str | None = None
    article_id: str | None = None
    language: str | None = None
    dyad: str | None = None
    title: str | None = None

    def as_row(self) -> dict:
        return {c: getattr(self, c) for c in OUTCOME_COLUMNS}

    def line(self) -> str:
        """One line for the CLI."""
        if self.outcome == "rejected":
            return f"rejected  {self.file}: {self.reason} — {self.message}"
        if self.outcome == "duplicate":
            return f"duplicate {self.file}: {self.message}"
        extra = f" ({self.language}, {self.dyad})" if self.language else ""
        if self.outcome == "not_analysed":
            return f"stored    {self.file}{extra}: {self.message}"
        return f"added     {self.file}{extra}"


def outcomes_table(outcomes: Iterable[Outcome]) -> pd.DataFrame:
    """Outcomes as a table, one row per item, in the order given."""
    return schema.from_rows("import_outcomes", [o.as_row() for o in outcomes])


def import_items(
    store: Store,
    items: Iterable[Item],
    *,
    origin: Origin,
    analyze: Analyze | None = None,
    runner=None,
    progress: Progress | None = None,
    total: int | None = None,
) -> list[Outcome]:
    """Store each item; return one outcome per item, in order.

    Items are analysed by ``runner`` (``lib.corpus.runner``; in parallel)
    or, given ``analyze``, one by one in this process. Articles are
    committed in small batches and an item's outcome — and
    ``progress(i, n, outcome)`` — comes only once it is settled:
    committed, found a duplicate, or rejected. When the store cannot be
    written (locked for too long, disk full), every item not yet
    committed gets that reason; nothing is reported stored that is not.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin {origin!r} is not one of {ORIGINS}")
    items = list(items)
    n = total or len(items)
    settled: list[Outcome | None] = [None] * len(items)
    done = 0

    def settle(i: int, outcome: Outcome) -> None:
        nonlocal done
        settled[i] = outcome
        done += 1
        if progress:
            progress(done, n, outcome)

    # Refusals and exact duplicates (same raw text) need no analysis.
    hashes = [content_hash(it.text or "") if it.error is None else "" for it in items]
    known = _known_hashes(store, {h for h in hashes if h})
    todo: list[int] = []
    first_of: dict[str, int] = {}
    copies: dict[int, int] = {}  # item -> the earlier item of this import with the same text
    for i, it in enumerate(items):
        if it.error is not None:
            settle(i, Outcome(it.file, "rejected", it.error.reason, it.error.message))
            continue
        h = hashes[i]
        if h in known:
            settle(i, _duplicate(it.file, *known[h]))
        elif h in first_of:
            copies[i] = first_of[h]
        else:
            first_of[h] = i
            todo.append(i)

    results = _analyse([items[i] for i in todo], analyze=analyze, runner=runner)
    batch: list[tuple[int, Item, str, object]] = []
    last = time.monotonic()
    failure: StoreError | None = None
    with contextlib.ExitStack() as stack:  # one connection for the whole import, opened with the first batch
        con: sqlite3.Connection | None = None

        def commit() -> StoreError | None:
            nonlocal con
            try:
                if con is None:
                    con = stack.enter_context(store.connect())
                else:
                    store.require_present()  # as a new connection would
            except StoreError as exc:
                return exc
            return _commit(store, con, batch, origin, settle)

        for i, result in zip(todo, results, strict=False):
            if failure is not None:
                break
            batch.append((i, items[i], hashes[i], result))
            if len(batch) >= COMMIT_EVERY or time.monotonic() - last > COMMIT_SECONDS:
                failure = commit()
                batch, last = [], time.monotonic()
        if batch and failure is None:
            failure = commit()
    if failure is not None:
        reason = (
            "store_busy" if isinstance(failure, StoreBusyError) else "store_full" if isinstance(failure, StoreFullError) else "store_error"
        )
        for i in todo:
            if settled[i] is None:
                settle(i, Outcome(items[i].file, "rejected", reason, f"not stored: {failure}"))
    for i, j in copies.items():  # the same text twice in one import: the copy follows the first's fate
        first = settled[j]
        assert first is not None
        if first.outcome in ("added", "not_analysed"):
            settle(i, _duplicate(items[i].file, first.article_id or "", items[j].file, 0))
        elif first.outcome == "duplicate":
            settle(i, Outcome(items[i].file, "duplicate", "duplicate", first.message, first.article_id))
        else:
            settle(i, Outcome(items[i].file, "rejected", first.reason, f"the same text as {items[j].file}: {first.message}"))
    return [o for o in settled if o is not None]


def _analyse(items: list[Item], *, analyze: Analyze | None, runner) -> Iterator:
    """One result per item, in order: ``(rows, None, None)`` or ``(None, reason, message)``."""
    if analyze is not None:
        for it in items:
            try:
                yield (analyze(it.text or "", file=it.file, metadata=dict(it.metadata)), None, None)
            except ArticleError as exc:
                yield (None, exc.reason, exc.message)
            except Exception as exc:  # a pipeline bug on one article must not stop the batch
                yield (None, "analysis_failed", f"{it.file}: analysis failed ({type(exc).__name__}: {exc})")
        return
    from lib.corpus.runner import Task  # the runner imports the pipeline: only when one is used

    for r in runner.map(Task(text=it.text or "", file=it.file, metadata=dict(it.metadata)) for it in items):
        yield (r.rows, r.reason, r.message)


def _commit(store: Store, con: sqlite3.Connection, batch: list[tuple[int, Item, str, object]], origin: Origin, settle) -> StoreError | None:
    """Write a batch of analysed items in one transaction; settle each after the commit."""
    outcomes: list[tuple[int, Outcome]] = []
    added: list[tuple[str, ArticleRows]] = []
    try:
        with store.errors(), transaction(con):
            for i, item, text_hash, (rows, reason, message) in batch:
                if rows is None:
                    outcomes.append((i, Outcome(item.file, "rejected", reason, message)))
                    continue
                outcome = _insert_article(con, item, text_hash, rows, origin)
                if outcome.outcome in ("added", "not_analysed"):
                    added.append((outcome.article_id or "", rows))
                outcomes.append((i, outcome))
            if added:
                insert_analyses(con, added, store.pipeline_version, replace=False)  # new articles: nothing to replace
                store.bump(con, layout=False)
    except (StoreBusyError, StoreFullError, StoreVanishedError, CorruptStoreError) as exc:
        return exc
    for i, o in outcomes:
        settle(i, o)
    return None


def _insert_article(con: sqlite3.Connection, item: Item, text_hash: str, rows: ArticleRows, origin: Origin) -> Outcome:
    art = rows["articles"][0]
    identity = art["article_id"]
    text = item.text or ""
    cur = con.execute(
        "INSERT INTO articles (article_id, identity, content_hash, text, file, origin, metadata, added_at, status, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            identity,
            identity,
            text_hash,
            text,
            item.file,
            origin,
            dumps_json(item.metadata),
            timestamp(),
            art.get("status") or "ok",
            art.get("error"),
        ),
    )
    if cur.rowcount == 0:  # the same cleaned text is stored (maybe from another format, or another session just now)
        row = con.execute("SELECT file, hidden FROM articles WHERE identity = ? OR article_id = ?", (identity, identity)).fetchone()
        return _duplicate(item.file, identity, row[0], row[1])
    status = art.get("status") or "ok"
    kind = "not_analysed" if status == "not_analysed" else "added"
    return Outcome(
        item.file,
        kind,
        "unsupported_language" if kind == "not_analysed" else None,
        art.get("error") if kind == "not_analysed" else None,
        identity,
        art.get("language"),
        art.get("dyad"),
        art.get("title"),
    )


def _known_hashes(store: Store, hashes: set[str]) -> dict[str, tuple[str, str, int]]:
    """content_hash → (article_id, file, hidden) of stored articles among ``hashes``."""
    if not hashes:
        return {}
    out = {}
    with store.connect() as con:
        hs = list(hashes)
        for k in range(0, len(hs), 500):
            part = hs[k : k + 500]
            for h, aid, f, hidden in con.execute(
                f"SELECT content_hash, article_id, file, hidden FROM articles WHERE content_hash IN ({','.join('?' * len(part))})", part
            ):
                out[h] = (aid, f, hidden)
    return out


def _duplicate(file: str, article_id: str, stored_file: str, hidden: int) -> Outcome:
    note = " (hidden — show it on the Corpus page)" if hidden else ""
    return Outcome(file, "duplicate", "duplicate", f"the same text is already stored as {stored_file}{note}", article_id)


def fill_from_folder(
    store: Store,
    folder: str | Path,
    *,
    analyze: Analyze | None = None,
    runner=None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """On a store's first start, import every article in ``folder`` as a seed.

    Runs once per store: afterwards the seeds are the user's to hide (never
    to remove), and a later start leaves them alone. A start interrupted
    half-way fills in the rest next time (stored seeds count as duplicates).
    """
    if store.is_seeded:
        return []
    root = Path(folder)
    if not root.is_dir():
        raise StoreError(f"the seed folder {root} does not exist; set COVERAGE_CORPUS_DIR to a folder of articles")
    paths = collect_import_paths([root])
    items = [item for p in paths for item in import_path(p, name=p.relative_to(root).as_posix(), limits=limits).items]
    outcomes = import_items(store, items, origin="seed", analyze=analyze, runner=runner, progress=progress)
    store.mark_seeded(str(root))
    return outcomes


def import_files(
    store: Store,
    files: Iterable[tuple[str, bytes]],
    *,
    origin: Origin,
    analyze: Analyze | None = None,
    runner=None,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
    progress: Callable[[float, int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Read uploaded files and store every article in them; one outcome per article.

    ``progress(done, n, outcome)`` after each article settles, ``n`` being
    the number of articles found in all the files.
    """
    items = read_upload(files, limits=limits, mappings=mappings).items  # one upload: its files share the article limit
    return import_items(store, items, origin=origin, analyze=analyze, runner=runner, progress=progress)
