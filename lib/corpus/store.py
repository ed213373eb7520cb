"""The article store: one SQLite file (WAL mode) that only this application writes.

It holds:

- ``articles`` — every stored article's raw text, where it came from
  (``seed``, ``upload``, ``cli``), its metadata from the file, whether it is
  hidden, its *identity* (the id of its cleaned text, so the same article in
  another format is a duplicate) and an increasing ``seq`` (new articles are
  appended: a reader loads only what is new);
- ``edits`` — the user's corrections of date, source or dyad; the latest edit
  of a field wins, and an edit to ``None`` restores the value read or computed;
- the analysis, as typed tables ``a_<table>`` with the columns of
  ``lib.schema`` plus ``pipeline_version``: no JSON to parse on load, and a
  new pipeline version re-analyses (older rows are pruned as it does);
- ``meta`` — the store's id, the change counters, and when the store was filled from the seeds.

The file is marked as ours (``PRAGMA application_id``) with a schema version
(``PRAGMA user_version``); opening runs the missing upgrades, each a small
numbered function, in one transaction. A file that is not ours — another
program's database, a text file — is refused before anything is written to
it; a damaged one is reported as corrupt.

Writes happen in short transactions (``transaction``: ``BEGIN IMMEDIATE``
… ``COMMIT``), so a kill loses nothing committed and never leaves half an
article. Importing — deduplication, analysis, batches, the outcome of every
item — is ``lib.corpus.ingest``; re-analysing stored articles, edits,
hiding, removal and every read are here. A writer that finds the store
locked waits (``BUSY_TIMEOUT_S``) and then raises ``StoreBusyError``; a full
disk, a deleted file and a damaged one have their own errors, each saying
what to do. Each call opens its own connection, so Streamlit sessions on
several threads and CLI processes can share one store; WAL lets readers see
a consistent snapshot while a writer works.

The store never imports the pipeline: whoever re-analyses passes the rows.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from lib import schema
from lib.corpus.layout import (
    APPLICATION_ID,
    BASE_SQL,
    DERIVED,
    SQL_TYPES,
    STORE_SCHEMA_VERSION,
    UPGRADES,
    analysis_columns,
    analysis_ddl,
    exec_all,
    insert_analysis,
)
from lib.errors import ArticleError, CoverageError

#: Environment variable naming the store's file.
DB_ENV = "COVERAGE_DB"
#: Default location: a git-ignored folder inside the project.
DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "coverage.sqlite"
#: Seconds a writer waits for another writer before giving up. Writes are a
#: batch of articles each (well under a second), so 30 s means something is stuck.
BUSY_TIMEOUT_S = 30.0
Origin = Literal["seed", "upload", "cli"]
ORIGINS = ("seed", "upload", "cli")
EDITABLE_FIELDS = ("date", "source", "dyad")
#: Longest source name accepted in an edit.
MAX_SOURCE_CHARS = 200

ArticleRows = dict[str, list[dict]]
Analyze = Callable[..., ArticleRows]

_SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(CoverageError):
    """The store cannot do what was asked."""


class ArticleNotFoundError(StoreError):
    """No stored article has this id."""


class SeedProtectedError(StoreError):
    """Seed articles can be hidden but never removed."""


class InvalidEditError(StoreError):
    """An edit's field or value is not acceptable."""


class NotAStoreError(StoreError):
    """The file is not one of this application's stores; nothing was written to it."""


class CorruptStoreError(StoreError):
    """The file is an SQLite store, but damaged."""


class StoreBusyError(StoreError):
    """Another program held the store's write lock for longer than we wait."""


class StoreFullError(StoreError):
    """The disk holding the store is full."""


class StoreVanishedError(StoreError):
    """The store's file was deleted or replaced while the app ran."""


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored (raw text), for re-analysis."""

    article_id: str
    content_hash: str
    text: str
    file: str
    metadata: dict
    dyad_override: str | None = None


@dataclass(frozen=True)
class Loaded:
    """Tables read from the store in one transaction (see :meth:`Store.load`)."""

    tables: dict[str, pd.DataFrame]
    edits: pd.DataFrame  # article_id, field, value (effective, visible articles)
    max_seq: int
    generation: int
    layout: int


def timestamp() -> str:
    """Now, in UTC, as ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def compute_fingerprint(articles: Iterable[tuple[str, str]], edits: dict[str, dict[str, str]], pipeline_version: str) -> str:
    """sha256 over sorted (article_id, content_hash), sorted effective edits and the pipeline version."""
    h = hashlib.sha256()
    for aid, chash in sorted(articles):
        h.update(f"a\t{aid}\t{chash}\n".encode())
    for aid in sorted(edits):
        for fld in sorted(edits[aid]):
            h.update(f"e\t{aid}\t{fld}\t{edits[aid][fld]}\n".encode())
    h.update(f"p\t{pipeline_version}\n".encode())
    return h.hexdigest()


def check_edit(fld: str, value: str | None) -> str | None:
    """The normalised value of an edit, or InvalidEditError. None clears the edit."""
    if fld not in EDITABLE_FIELDS:
        raise InvalidEditError(f"field {fld!r} cannot be edited; editable fields are {', '.join(EDITABLE_FIELDS)}")
    if value is None or not str(value).strip():
        return None
    v = str(value).strip()
    if fld == "date":
        try:
            return date.fromisoformat(v).isoformat()
        except ValueError:
            raise InvalidEditError(f"date {v!r} is not a date in the form yyyy-mm-dd (for example 2021-10-31)") from None
    if fld == "dyad":
        if v not in schema.DYADS:
            raise InvalidEditError(f"dyad {v!r} is not one of {', '.join(schema.DYADS)}")
        return v
    if len(v) > MAX_SOURCE_CHARS:
        raise InvalidEditError(f"the source name is {len(v)} characters long; the limit is {MAX_SOURCE_CHARS}")
    return v


# --- the store ------------------------------------------------------------------------


def _read_header(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(100)


def _classify(path: Path) -> Literal["new", "ours", "legacy"]:
    """What the file at ``path`` is, read without writing anything to it.

    Raises NotAStoreError for anything that is not ours (another program's
    database, a text file, a folder), CorruptStoreError for a damaged store.
    """
    if not path.exists():
        return "new"
    if not path.is_file():
        raise NotAStoreError(f"{path} is not a file, so it cannot be the store; set {DB_ENV} to a file path")
    header = _read_header(path)
    if not header:
        return "new"
    if not header.startswith(_SQLITE_HEADER):
        raise NotAStoreError(
            f"{path} is not a store of this app (not an SQLite database); it was left untouched — set {DB_ENV} to another file"
        )
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return "ours"
    try:  # unmarked (or the mark is still in the WAL): look inside, read-only
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        with contextlib.closing(con):
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            layout = con.execute("SELECT value FROM meta WHERE key = 'store_schema'").fetchone() if "meta" in names else None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreBusyError(f"the store at {path} is locked by another program ({exc}); try again when it has finished") from exc
        raise CorruptStoreError(f"the store at {path} cannot be read ({exc}): it may be corrupt") from exc
    except sqlite3.DatabaseError as exc:
        raise CorruptStoreError(
            f"the store at {path} is corrupt ({exc}); move it away (a new store will be made) or restore a backup"
        ) from exc
    if app_id == APPLICATION_ID:
        return "ours"
    if app_id == 0 and not names:
        return "new"
    if app_id == 0 and layout is not None and {"articles", "edits", "analysis"} <= names:
        return "legacy"
    raise NotAStoreError(
        f"{path} is another program's SQLite database (application id {app_id}, tables {', '.join(sorted(names)) or 'none'}); "
        f"it was left untouched — set {DB_ENV} to another file"
    )


_TEMP_DIRS: list[Path] = []


@atexit.register
def _remove_temporary_stores() -> None:
    for d in _TEMP_DIRS:
        shutil.rmtree(d, ignore_errors=True)


#: Guards the stores' ``data_version`` connections (shared by the threads of a server).
_PROBE_LOCK = threading.Lock()


@dataclass
class Store:
    """One SQLite file of articles, edits and their analysis.

    Open it with :meth:`open` (honours ``COVERAGE_DB`` and, for the app,
    falls back to a temporary store when the location cannot be used).
    """

    path: Path
    pipeline_version: str = schema.PIPELINE_VERSION
    #: Why the store is a temporary one (None when it is where it was asked to be).
    fallback_reason: str | None = None
    journal_mode: str = field(default="", init=False)
    _inode: tuple[int, int] | None = field(default=None, init=False, repr=False)
    _fingerprint: tuple[int, str] | None = field(default=None, init=False, repr=False)
    _probe: sqlite3.Connection | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        kind = _classify(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":  # needs the lock for a moment; only on a new or legacy file
                mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self.journal_mode = mode
            if kind == "ours" and version > STORE_SCHEMA_VERSION:
                raise StoreError(f"the store at {self.path} was made by a newer version of this app (layout {version}); update the app")
            if kind == "new" or version < STORE_SCHEMA_VERSION or self._missing_columns(con):
                self._prepare(con, kind)
            if con.execute("SELECT 1 FROM meta WHERE key = 'store_id'").fetchone() is None:
                con.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
        st = self.path.stat()
        self._inode = (st.st_dev, st.st_ino)

    def _prepare(self, con: sqlite3.Connection, kind: str) -> None:
        """Create, upgrade and widen the tables, in one transaction."""
        con.execute("PRAGMA foreign_keys = OFF")  # an upgrade rebuilds the table that edits refer to
        with transaction(con):
            if kind == "legacy":
                for start in range(1, STORE_SCHEMA_VERSION):
                    UPGRADES[start](con, self.pipeline_version)
            exec_all(con, BASE_SQL)
            for name in schema.PER_ARTICLE_TABLES:
                exec_all(con, analysis_ddl(name))
            for name, missing in self._missing_columns(con).items():
                for c in missing:
                    con.execute(f'ALTER TABLE a_{name} ADD COLUMN "{c}" {SQL_TYPES[schema.TABLES[name][c]]}')
            for key in ("generation", "layout"):
                con.execute("INSERT OR IGNORE INTO meta VALUES (?, '0')", (key,))
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {STORE_SCHEMA_VERSION}")
        con.execute("PRAGMA foreign_keys = ON")

    @staticmethod
    def _missing_columns(con: sqlite3.Connection) -> dict[str, list[str]]:
        """Analysis columns the schema has and the file lacks (a newer pipeline added them)."""
        out = {}
        for name in schema.PER_ARTICLE_TABLES:
            have = {r[1] for r in con.execute(f"PRAGMA table_info(a_{name})")}
            if not have:
                continue
            missing = [c for c in analysis_columns(name) if c not in have]
            if missing:
                out[name] = missing
        return out

    # -- opening ------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, pipeline_version: str = schema.PIPELINE_VERSION, fallback: bool = True) -> Store:
        """The store at ``path`` (default ``$COVERAGE_DB``, else :func:`default_db_path`).

        With ``fallback`` (the app), a location that cannot be used — a
        read-only disk, a corrupt file, another program's file — gives a
        temporary store instead (a copy of the existing one when it can at
        least be read) and ``fallback_reason`` says why. Without it (the CLI)
        the error is raised. A store locked by another program is waited for
        (``BUSY_TIMEOUT_S``), never replaced by a temporary one.
        """
        target = Path(path or os.environ.get(DB_ENV) or default_db_path())
        try:
            return cls(target, pipeline_version=pipeline_version)
        except (StoreBusyError, StoreError) as exc:
            if not fallback or isinstance(exc, StoreBusyError) or type(exc) is StoreError:
                raise
            reason = f"{exc}. Using a temporary store — uploads and edits will be lost when the app stops"
            copy = False
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusyError(
                    f"the store at {target} stayed locked by another program for {BUSY_TIMEOUT_S:.0f} s; try again when it has finished"
                ) from exc
            if not fallback:
                raise StoreError(f"the store at {target} cannot be written ({exc})") from exc
            reason = f"the store at {target} cannot be written ({exc}); using a temporary store — uploads and edits will be lost when the app stops"
            copy = True
        except OSError as exc:
            if not fallback:
                raise StoreError(f"the store at {target} cannot be written ({exc})") from exc
            reason = f"the store at {target} cannot be written ({exc}); using a temporary store — uploads and edits will be lost when the app stops"
            copy = True
        tmp_dir = Path(tempfile.mkdtemp(prefix="coverage-store-"))
        _TEMP_DIRS.append(tmp_dir)
        tmp = tmp_dir / "coverage.sqlite"
        if copy:
            _copy_if_readable(target, tmp)
        return cls(tmp, pipeline_version=pipeline_version, fallback_reason=reason)

    @property
    def is_temporary(self) -> bool:
        return self.fallback_reason is not None

    def vanished(self) -> bool:
        """Whether the file was deleted or replaced since it was opened."""
        try:
            st = self.path.stat()
        except OSError:
            return True
        return (st.st_dev, st.st_ino) != self._inode

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        self.require_present()
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            with self.errors():
                con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                con.execute("PRAGMA foreign_keys = ON")
                # FULL: a commit is on disk before the CLI prints "added".
                con.execute("PRAGMA synchronous = FULL")
                yield con
        finally:
            con.close()

    def require_present(self) -> None:
        if self._inode is not None and self.vanished():
            raise StoreVanishedError(f"the store at {self.path} was deleted or replaced while the app ran")

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """SQLite's errors as the store's: busy, full, corrupt (with what to do)."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            msg = str(exc)
            if "locked" in msg or "busy" in msg:
                raise StoreBusyError(f"the store at {self.path} stayed locked by another program for {BUSY_TIMEOUT_S:.0f} s") from exc
            if "full" in msg:
                raise StoreFullError(f"the disk holding the store at {self.path} is full") from exc
            raise
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                raise
            raise CorruptStoreError(
                f"the store at {self.path} is corrupt ({exc}); move it away (a new store will be made) or restore a backup"
            ) from exc

    # -- meta ---------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.connect() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def is_seeded(self) -> bool:
        return self.get_meta("seeded_at") is not None

    def mark_seeded(self, source: str) -> None:
        with self.connect() as con, transaction(con):
            con.execute("INSERT OR REPLACE INTO meta VALUES ('seeded_at', ?)", (timestamp(),))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('seeded_from', ?)", (source,))

    def data_version(self) -> int:
        """A number that changes whenever anything in the file is committed by another connection
        (an import, an edit, a curation edit, from this process or another): SQLite's ``PRAGMA
        data_version`` on one read connection kept open for it. A few microseconds, against about
        0.3 ms for opening a connection to read the counters: a page run asks many times whether
        the corpus changed."""
        self.require_present()
        with _PROBE_LOCK:
            if self._probe is None:
                self._probe = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            with self.errors():
                return int(self._probe.execute("PRAGMA data_version").fetchone()[0])

    def generation(self) -> tuple[int, int]:
        """``(generation, layout)``: the first changes on every write; the second
        only when something other than an appended article changed (an edit,
        hiding, removal, re-analysis), so a reader can append instead of reload."""
        with self.connect() as con:
            got = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'layout')").fetchall())
        return int(got.get("generation", 0)), int(got.get("layout", 0))

    def state(self) -> tuple[str, int, int, int]:
        """``(store id, generation, layout, last seq)`` in one read: names the exact
        content of the store (for the corpus snapshot, ``lib.corpus.snapshot``)."""
        with self.connect() as con:
            con.execute("BEGIN")
            got = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'generation', 'layout')").fetchall())
            max_seq = con.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            con.execute("COMMIT")
        return str(got.get("store_id", "")), int(got.get("generation", 0)), int(got.get("layout", 0)), int(max_seq)

    @staticmethod
    def bump(con: sqlite3.Connection, *, layout: bool) -> None:
        keys = ("generation", "layout") if layout else ("generation",)
        for key in keys:
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?", (key,))

    # -- analysis of stored articles -----------------------------------------------

    def pending(self, *, limit: int | None = None) -> list[StoredArticle]:
        """Visible articles whose analysis must be (re)made: none by this pipeline
        version, or only the cheap pass although the user assigned a focal dyad."""
        sql = (
            "SELECT a.article_id, a.content_hash, a.text, a.file, a.metadata, e.value FROM articles a"
            " LEFT JOIN a_articles an ON an.article_id = a.article_id AND an.pipeline_version = ?"
            " LEFT JOIN (SELECT ed.article_id, ed.value FROM edits ed JOIN (SELECT article_id, MAX(edit_id) AS last FROM edits"
            "            WHERE field = 'dyad' GROUP BY article_id) l ON ed.edit_id = l.last) e ON e.article_id = a.article_id"
            " WHERE a.hidden = 0 AND (an.article_id IS NULL OR (an.depth = 'triage' AND e.value IN (?, ?, ?)))"
            " ORDER BY a.seq"
        )
        args: tuple = (self.pipeline_version, *schema.RELEVANT_DYADS)
        if limit:
            sql += " LIMIT ?"
            args += (limit,)
        with self.connect() as con:
            rows = con.execute(sql, args).fetchall()
        return [StoredArticle(a, h, t, f, json.loads(m), dyad) for a, h, t, f, m, dyad in rows]

    def n_pending(self) -> int:
        return len(self.pending())

    def save_analysis(self, results: Iterable[tuple[StoredArticle, ArticleRows | None, str | None]]) -> int:
        """Write re-made analysis (``rows``, or an error message) for stored articles; returns how many."""
        n = 0
        with self.connect() as con, transaction(con):
            for art, rows, error in results:
                if rows is None:
                    rows = _error_rows(art, error or "analysis failed")
                for part in rows.values():
                    for r in part:
                        r["article_id"] = art.article_id
                insert_analysis(con, art.article_id, rows, self.pipeline_version)
                a = rows["articles"][0]
                con.execute(
                    "UPDATE articles SET status = ?, error = ?, identity = COALESCE(identity, ?) WHERE article_id = ?",
                    (a.get("status") or "ok", a.get("error"), art.article_id if a.get("status") == "error" else None, art.article_id),
                )
                for name in schema.PER_ARTICLE_TABLES:  # older versions' rows are no longer needed
                    con.execute(
                        f"DELETE FROM a_{name} WHERE article_id = ? AND pipeline_version != ?", (art.article_id, self.pipeline_version)
                    )
                n += 1
            if n:
                self.bump(con, layout=True)
        return n

    # -- edits, hiding, removal ----------------------------------------------------

    def set_edit(self, article_id: str, fld: str, value: str | None) -> None:
        """Set (or, with None, clear) the user's value of ``fld`` for an article."""
        v = check_edit(fld, value)
        with self.connect() as con, transaction(con):
            self._require(con, article_id)
            con.execute("INSERT INTO edits (article_id, field, value, edited_at) VALUES (?, ?, ?, ?)", (article_id, fld, v, timestamp()))
            self.bump(con, layout=True)

    def update_fields(self, article_id: str, values: dict[str, str | None]) -> list[str]:
        """Set several fields at once, as a form does; returns the fields that changed.

        Every value is checked before anything is written (one bad value
        changes nothing). A value equal to the article's own (read or
        computed) value, or empty, clears the user's edit of that field.
        """
        checked = {fld: check_edit(fld, v) for fld, v in values.items()}
        changed = []
        with self.connect() as con, transaction(con):
            self._require(con, article_id)
            own = self._own_values(con, article_id)
            current = _effective_edits(con, visible_only=False).get(article_id, {})
            now = timestamp()
            for fld, v in checked.items():
                target = None if v == own.get(fld) else v
                if target != current.get(fld):
                    con.execute(
                        "INSERT INTO edits (article_id, field, value, edited_at) VALUES (?, ?, ?, ?)", (article_id, fld, target, now)
                    )
                    changed.append(fld)
            if changed:
                self.bump(con, layout=True)
        return changed

    def _own_values(self, con: sqlite3.Connection, article_id: str) -> dict[str, str | None]:
        """The article's date, source and dyad before any user edit."""
        meta_json, a_date, a_source, a_dyad = con.execute(
            "SELECT a.metadata, an.date, an.source, an.dyad_auto FROM articles a"
            " LEFT JOIN a_articles an ON an.article_id = a.article_id AND an.pipeline_version = ? WHERE a.article_id = ?",
            (self.pipeline_version, article_id),
        ).fetchone()
        meta = json.loads(meta_json)
        return {"date": a_date or meta.get("date"), "source": a_source or meta.get("source"), "dyad": a_dyad}

    def own_values(self, article_id: str) -> dict[str, str | None]:
        """The article's date, source and dyad as read or computed (before edits)."""
        with self.connect() as con:
            self._require(con, article_id)
            return self._own_values(con, article_id)

    def set_hidden(self, article_id: str, hidden: bool = True) -> None:
        with self.connect() as con, transaction(con):
            self._require(con, article_id)
            con.execute("UPDATE articles SET hidden = ? WHERE article_id = ?", (int(hidden), article_id))
            self.bump(con, layout=True)

    def set_hidden_origin(self, origin: Origin, hidden: bool = True) -> int:
        """Hide (or show) every article of one origin, e.g. all seeds; returns how many changed."""
        with self.connect() as con, transaction(con):
            cur = con.execute("UPDATE articles SET hidden = ? WHERE origin = ? AND hidden != ?", (int(hidden), origin, int(hidden)))
            if cur.rowcount:
                self.bump(con, layout=True)
            return cur.rowcount

    def remove(self, article_id: str) -> None:
        """Delete an uploaded article, its edits and its analysis. Seeds refuse."""
        with self.connect() as con, transaction(con):
            origin, _ = self._require(con, article_id)
            if origin == "seed":
                raise SeedProtectedError(f"article {article_id} is a seed article: seeds can be hidden but not removed")
            con.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
            for name in schema.PER_ARTICLE_TABLES:
                con.execute(f"DELETE FROM a_{name} WHERE article_id = ?", (article_id,))
            self.bump(con, layout=True)

    def _require(self, con: sqlite3.Connection, article_id: str) -> tuple[str, str]:
        row = con.execute("SELECT origin, content_hash FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFoundError(f"no stored article has the id {article_id!r}")
        return row[0], row[1]

    # -- reading ------------------------------------------------------------------

    def load(self, *, since_seq: int = 0) -> Loaded:
        """The visible articles' analysis tables (this pipeline version), read in
        one transaction: every article, or only those appended after ``since_seq``.

        Tables are typed as ``lib.schema`` says; a sentence's text is sliced
        from its article's cleaned text. Edits are returned separately (the
        corpus layer applies them). Articles still pending analysis are left
        out (see :meth:`pending`).
        """
        v = self.pipeline_version
        with self.connect() as con:
            con.execute("BEGIN")
            gen = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'layout')").fetchall())
            max_seq = con.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            tables = {}
            for name in schema.PER_ARTICLE_TABLES:
                cols = analysis_columns(name)
                sel = ", ".join(f't."{c}"' for c in cols)
                cur = con.execute(
                    f"SELECT {sel} FROM a_{name} t JOIN articles a ON a.article_id = t.article_id"
                    f" WHERE a.hidden = 0 AND a.seq > ? AND a.seq <= ? AND t.pipeline_version = ? ORDER BY a.seq, t.rowid",
                    (since_seq, max_seq, v),
                )
                tables[name] = pd.DataFrame(cur.fetchall(), columns=cols)
            edits = _effective_edits(con, visible_only=True)
            con.execute("COMMIT")
        arts = tables["articles"]
        if "sentences" in tables and len(tables["sentences"]):
            s = tables["sentences"]
            texts = dict(zip(arts["article_id"], arts["text"], strict=True))
            s["text"] = [
                t[b:e] if isinstance(t := texts.get(a), str) else None
                for a, b, e in zip(s["article_id"], s["start"], s["end"], strict=True)
            ]
        typed = {
            name: schema.validate(name, df.assign(**{c: pd.NA for c in DERIVED.get(name, ()) if c not in df.columns}))
            for name, df in tables.items()
        }
        edit_rows = [{"article_id": a, "field": f, "value": val} for a, fs in edits.items() for f, val in fs.items()]
        edits_df = pd.DataFrame(edit_rows, columns=["article_id", "field", "value"]).astype("string")
        return Loaded(typed, edits_df, int(max_seq), int(gen.get("generation", 0)), int(gen.get("layout", 0)))

    def fingerprint(self) -> str:
        """Changes when the visible articles, the edits or the pipeline version change
        (computed once per store generation; for provenance lines and exports)."""
        gen = self.generation()[0]
        if self._fingerprint is not None and self._fingerprint[0] == gen:
            return self._fingerprint[1]
        with self.connect() as con:
            con.execute("BEGIN")
            arts = con.execute("SELECT article_id, content_hash FROM articles WHERE hidden = 0").fetchall()
            edits = _effective_edits(con, visible_only=True)
            con.execute("COMMIT")
        fp = compute_fingerprint(arts, edits, self.pipeline_version)
        self._fingerprint = (gen, fp)
        return fp

    def counts(self) -> dict[str, int]:
        """Stored articles by origin and visibility, and visible ones by depth of analysis
        (``full``, ``triage`` — the cheap pass only — or ``pending``)."""
        with self.connect() as con:
            con.execute("BEGIN")
            rows = con.execute("SELECT origin, hidden, COUNT(*) FROM articles GROUP BY origin, hidden").fetchall()
            depths = con.execute(
                "SELECT COALESCE(an.depth, CASE WHEN an.article_id IS NULL THEN 'pending' ELSE 'full' END), COUNT(*) FROM articles a"
                " LEFT JOIN a_articles an ON an.article_id = a.article_id AND an.pipeline_version = ? WHERE a.hidden = 0 GROUP BY 1",
                (self.pipeline_version,),
            ).fetchall()
            con.execute("COMMIT")
        out = {"total": 0, "visible": 0, "hidden": 0, **{o: 0 for o in ORIGINS}, "full": 0, "triage": 0, "pending": 0}
        for origin, hidden, n in rows:
            out["total"] += n
            out[origin] += n
            out["hidden" if hidden else "visible"] += n
        for depth, n in depths:
            out[depth] += n
        return out

    def listing(self) -> pd.DataFrame:
        """Every stored article (hidden too), with the fields the user can edit."""
        with self.connect() as con:
            con.execute("BEGIN")
            rows = con.execute(
                "SELECT a.article_id, a.file, a.origin, a.hidden, a.metadata, a.added_at, a.status, a.error,"
                " an.title, an.date, an.source, an.dyad, an.dyad_auto, an.language, an.status, an.error, an.depth, an.dyad_reason"
                " FROM articles a LEFT JOIN a_articles an ON an.article_id = a.article_id AND an.pipeline_version = ?"
                " ORDER BY a.seq",
                (self.pipeline_version,),
            ).fetchall()
            edits = _effective_edits(con, visible_only=False)
            con.execute("COMMIT")
        records = []
        for (
            aid,
            file,
            origin,
            hidden,
            meta_json,
            added_at,
            status,
            error,
            title,
            a_date,
            a_source,
            dyad,
            dyad_auto,
            lang,
            a_status,
            a_error,
            depth,
            why,
        ) in rows:
            meta = json.loads(meta_json)
            ed = edits.get(aid, {})
            records.append(
                {
                    "article_id": aid,
                    "file": file,
                    "origin": origin,
                    "hidden": bool(hidden),
                    "title": title or meta.get("title"),
                    "date": ed.get("date") or a_date or meta.get("date"),
                    "source": ed.get("source") or a_source or meta.get("source"),
                    "dyad": ed.get("dyad") or dyad,
                    "dyad_auto": dyad_auto,
                    "language": lang or meta.get("language"),
                    "status": a_status or (status if a_status is None and dyad is not None else "pending"),
                    "error": a_error or error,
                    "depth": depth,
                    "dyad_reason": why,
                    "edited": ",".join(sorted(ed)) or None,
                    "added_at": added_at,
                }
            )
        return schema.from_rows("corpus_listing", records)

    def edit_history(self, article_id: str | None = None) -> pd.DataFrame:
        """Every edit, oldest first (the audit trail behind the effective values)."""
        sql = "SELECT article_id, field, value, edited_at FROM edits"
        args: tuple = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            args = (article_id,)
        with self.connect() as con:
            rows = con.execute(sql + " ORDER BY edit_id", args).fetchall()
        return pd.DataFrame(rows, columns=["article_id", "field", "value", "edited_at"]).astype("string")

    def text_of(self, article_id: str) -> str:
        with self.connect() as con:
            row = con.execute("SELECT text FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFoundError(f"no stored article has the id {article_id!r}")
        return row[0]

    def integrity_problems(self) -> list[str]:
        """What is wrong with the file, if anything (empty list when sound)."""
        with self.connect() as con:
            problems = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
            problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check").fetchall()]
            orphans = con.execute(
                "SELECT article_id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM a_articles an WHERE an.article_id = a.article_id)"
            ).fetchall()
            problems += [f"article {r[0]} has no analysis" for r in orphans]
        return problems


def _error_rows(article: StoredArticle, error: ArticleError | str) -> ArticleRows:
    """Rows for a stored article the pipeline refused: one article row saying why."""
    rows: ArticleRows = {name: [] for name in schema.PER_ARTICLE_TABLES}
    meta = article.metadata
    rows["articles"].append(
        {
            "article_id": article.article_id,
            "file": article.file,
            "title": meta.get("title"),
            "date": meta.get("date"),
            "source": meta.get("source"),
            "url": meta.get("url"),
            "language": meta.get("language"),
            "status": "error",
            "error": error.message if isinstance(error, ArticleError) else str(error),
            "content_hash": article.content_hash,
        }
    )
    return rows


def _effective_edits(con: sqlite3.Connection, *, visible_only: bool) -> dict[str, dict[str, str]]:
    """Latest value of each edited field per article; cleared fields left out."""
    sql = (
        "SELECT e.article_id, e.field, e.value FROM edits e"
        " JOIN (SELECT article_id, field, MAX(edit_id) AS last FROM edits GROUP BY article_id, field) l ON e.edit_id = l.last"
    )
    if visible_only:
        sql += " JOIN articles a ON a.article_id = e.article_id AND a.hidden = 0"
    out: dict[str, dict[str, str]] = {}
    for aid, fld, value in con.execute(sql).fetchall():
        if value is not None:
            out.setdefault(aid, {})[fld] = value
    return out


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    if con.in_transaction:
        con.execute("COMMIT")


def _copy_if_readable(source: Path, target: Path) -> None:
    """Copy a store we may read but not write into ``target`` (no-op when unreadable)."""
    if not source.is_file():
        return
    for uri in (f"file:{source}?mode=ro", f"file:{source}?immutable=1"):  # immutable: no -shm file can be made
        try:
            src = sqlite3.connect(uri, uri=True)
            dst = sqlite3.connect(target)
            with contextlib.closing(src), contextlib.closing(dst):
                src.backup(dst)
            return
        except sqlite3.Error:
            target.unlink(missing_ok=True)


#: Environment variable naming the folder a new store is filled from.
CORPUS_DIR_ENV = "COVERAGE_CORPUS_DIR"
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def default_db_path() -> Path:
    """``data/coverage.sqlite``; with ``$COVERAGE_CORPUS_DIR`` set, a store of that folder's own.

    Two corpora never share a store by accident: a store is filled from its
    folder only once, so pointing an existing store at another folder would
    silently keep showing the first one.
    """
    folder = os.environ.get(CORPUS_DIR_ENV)
    if not folder or Path(folder).resolve() == SEEDS_DIR:
        return DEFAULT_DB
    key = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:12]
    return DEFAULT_DB.with_name(f"coverage-{key}.sqlite")


def seed_folder() -> Path:
    """The folder a new store is filled from: ``$COVERAGE_CORPUS_DIR``, else ``seeds/``."""
    return Path(os.environ.get(CORPUS_DIR_ENV) or SEEDS_DIR)
