"""The article store: an embedded SQLite database (WAL mode).

It holds four things:

- ``articles`` — every stored article's text, where it came from (``seed``,
  ``upload``, ``cli``), its metadata from the file (title, date, source, url,
  language), whether it is hidden, and the status of its last analysis;
- ``edits`` — the user's corrections of an article's date, source or dyad;
  the latest edit of a field wins, and an edit to ``None`` restores the value
  read from the article;
- ``analysis`` — the pipeline's rows for an article, as JSON (never pickle),
  keyed by content hash and pipeline version, so an unchanged article is
  analysed once and a new pipeline version re-analyses;
- ``meta`` — when the store was filled from the seeds, and from where.

Every article is written in one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``)
together with its analysis, so a crash or a kill loses nothing committed and
never leaves half an article. Analysis runs outside the write transaction.
Each call opens its own connection, so Streamlit sessions on several threads
and CLI processes can use one store at once; WAL lets readers see a
consistent snapshot while a writer works.

The store never imports the pipeline: the caller passes an ``analyze``
callable (``analyze(text, *, file, metadata) -> ArticleRows``, raising
``ArticleError`` for bad input), so tests can inject a fake.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from lib import schema
from lib.errors import ArticleError, CoverageError
from lib.text.importers import Item, Limits, collect_import_paths, import_file, import_path
from lib.text.reading import article_id_for, content_hash

#: Environment variable naming the store's file.
DB_ENV = "COVERAGE_DB"
#: Default location: a git-ignored folder inside the project.
DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "coverage.sqlite"
#: Seconds a writer waits for another writer before giving up. Writes are one
#: article each (milliseconds), so 30 s means something is stuck.
BUSY_TIMEOUT_S = 30.0
#: Version of the store's own tables (not of the pipeline).
STORE_SCHEMA_VERSION = "1"

Origin = Literal["seed", "upload", "cli"]
ORIGINS = ("seed", "upload", "cli")
EDITABLE_FIELDS = ("date", "source", "dyad")
#: Longest source name accepted in an edit.
MAX_SOURCE_CHARS = 200

#: What happened to one imported item.
OUTCOMES = ("added", "not_analysed", "duplicate", "rejected")
OUTCOME_COLUMNS = tuple(schema.STORE_TABLES["import_outcomes"])

ArticleRows = dict[str, list[dict]]
Analyze = Callable[..., ArticleRows]
Progress = Callable[[int, int, "Outcome"], None]

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    file TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('seed', 'upload', 'cli')),
    metadata TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'ok',
    error TEXT
);
CREATE TABLE IF NOT EXISTS edits (
    edit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    field TEXT NOT NULL CHECK (field IN ('date', 'source', 'dyad')),
    value TEXT,
    edited_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edits_by_article ON edits(article_id, field, edit_id);
CREATE TABLE IF NOT EXISTS analysis (
    content_hash TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    inputs_key TEXT NOT NULL,
    article_row TEXT NOT NULL,
    rows TEXT NOT NULL,
    analysed_at TEXT NOT NULL,
    PRIMARY KEY (content_hash, pipeline_version)
);
"""


class StoreError(CoverageError):
    """The store cannot do what was asked."""


class ArticleNotFoundError(StoreError):
    """No stored article has this id."""


class SeedProtectedError(StoreError):
    """Seed articles can be hidden but never removed."""


class InvalidEditError(StoreError):
    """An edit's field or value is not acceptable."""


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


@dataclass(frozen=True)
class StoredArticle:
    article_id: str
    content_hash: str
    text: str
    file: str
    metadata: dict


@dataclass(frozen=True)
class Snapshot:
    """The visible articles and effective edits, read in one transaction."""

    articles: tuple[StoredArticle, ...]
    edits: dict[str, dict[str, str]]  # article_id -> field -> value
    fingerprint: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_default(value: object) -> object:
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    if value is pd.NA:
        return None
    raise TypeError(f"cannot store a {type(value).__name__} in JSON")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def inputs_key(*, file: str, metadata: dict) -> str:
    """Hash of what analysis depends on besides the text."""
    return hashlib.sha256(_dumps({"file": file, "metadata": metadata}).encode()).hexdigest()


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


def apply_edits(rows: ArticleRows, edits: dict[str, str]) -> ArticleRows:
    """The same rows with the user's date, source and dyad applied to the article row.

    A dyad edit is recorded as the pipeline records an override: the final
    dyad changes, the computed one stays in ``dyad_auto``, and the reason says
    who set it.
    """
    if not edits:
        return rows
    art = dict(rows["articles"][0])
    for fld in ("date", "source"):
        if fld in edits:
            art[fld] = edits[fld]
    if "dyad" in edits:
        new = edits["dyad"]
        auto = art.get("dyad_auto")
        if new != auto:
            art["dyad_reason"] = f"set by user to {new}; computed: {art.get('dyad_reason')}"
        art["dyad"] = new
    return {**rows, "articles": [art]}


def error_rows(article: StoredArticle, error: ArticleError | str) -> ArticleRows:
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


# --- the store ------------------------------------------------------------------------


@dataclass
class Store:
    """One SQLite file of articles, edits and cached analysis.

    Open it with :meth:`open` (honours ``COVERAGE_DB`` and falls back to a
    temporary store when the location cannot be written).
    """

    path: Path
    pipeline_version: str = schema.PIPELINE_VERSION
    #: Why the store is a temporary one (None when it is where it was asked to be).
    fallback_reason: str | None = None
    journal_mode: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            self.journal_mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            con.executescript(_SCHEMA_SQL)
            with _write(con):
                con.execute("INSERT OR IGNORE INTO meta VALUES ('store_schema', ?)", (STORE_SCHEMA_VERSION,))
                con.execute("INSERT OR REPLACE INTO meta VALUES ('opened_at', ?)", (_now(),))

    # -- opening ------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, pipeline_version: str = schema.PIPELINE_VERSION) -> Store:
        """The store at ``path`` (default ``$COVERAGE_DB``, else :func:`default_db_path`).

        When that location cannot be written (a read-only or missing disk, as
        on some cloud hosts), a temporary store is used instead — a copy of
        the existing one when it can at least be read — and
        ``fallback_reason`` says why.
        """
        target = Path(path or os.environ.get(DB_ENV) or default_db_path())
        try:
            return cls(target, pipeline_version=pipeline_version)
        except (OSError, sqlite3.Error) as exc:
            reason = f"the store at {target} cannot be written ({exc}); using a temporary store — uploads and edits will be lost when the app stops"
        tmp = Path(tempfile.mkdtemp(prefix="coverage-store-")) / "coverage.sqlite"
        _copy_if_readable(target, tmp)
        return cls(tmp, pipeline_version=pipeline_version, fallback_reason=reason)

    @property
    def is_temporary(self) -> bool:
        return self.fallback_reason is not None

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            # FULL: a commit is on disk before the CLI prints "added".
            con.execute("PRAGMA synchronous = FULL")
            yield con
        finally:
            con.close()

    # -- meta ---------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        with self._connect() as con, _write(con):
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def is_seeded(self) -> bool:
        return self.get_meta("seeded_at") is not None

    def mark_seeded(self, source: str) -> None:
        with self._connect() as con, _write(con):
            con.execute("INSERT OR REPLACE INTO meta VALUES ('seeded_at', ?)", (_now(),))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('seeded_from', ?)", (source,))

    # -- import -------------------------------------------------------------------

    def import_items(
        self,
        items: Iterable[Item],
        *,
        origin: Origin,
        analyze: Analyze,
        progress: Progress | None = None,
        total: int | None = None,
    ) -> list[Outcome]:
        """Store each item (one transaction per article); return one outcome per item.

        ``progress(i, n, outcome)`` is called after each item is settled
        (committed, found a duplicate, or rejected).
        """
        if origin not in ORIGINS:
            raise ValueError(f"origin {origin!r} is not one of {ORIGINS}")
        items = list(items)
        n = total or len(items)
        out = []
        for i, item in enumerate(items, start=1):
            outcome = self.import_item(item, origin=origin, analyze=analyze)
            out.append(outcome)
            if progress:
                progress(i, n, outcome)
        return out

    def import_item(self, item: Item, *, origin: Origin, analyze: Analyze) -> Outcome:
        if item.error is not None:
            return Outcome(item.file, "rejected", item.error.reason, item.error.message)
        text = item.text or ""
        aid = article_id_for(text)
        chash = content_hash(text)
        existing = self._existing(aid)
        if existing is not None:
            return _duplicate(item.file, aid, existing)
        meta = dict(item.metadata)
        try:
            rows = analyze(text, file=item.file, metadata=meta)
        except ArticleError as exc:
            return Outcome(item.file, "rejected", exc.reason, exc.message, article_id=aid)
        except Exception as exc:  # a pipeline bug on one article must not stop the batch
            return Outcome(
                item.file, "rejected", "analysis_failed", f"{item.file}: analysis failed ({type(exc).__name__}: {exc})", article_id=aid
            )
        art = rows["articles"][0]
        status = art.get("status") or "ok"
        with self._connect() as con, _write(con):
            cur = con.execute(
                "INSERT OR IGNORE INTO articles (article_id, content_hash, text, file, origin, metadata, added_at, status, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, chash, text, item.file, origin, _dumps(meta), _now(), status, art.get("error")),
            )
            if cur.rowcount == 0:  # another session stored it since we looked
                con.execute("ROLLBACK")
                return _duplicate(item.file, aid, self._existing(aid) or ("", 0))
            self._write_analysis(con, chash, inputs_key(file=item.file, metadata=meta), rows)
        kind = "not_analysed" if status == "not_analysed" else "added"
        message = art.get("error") if kind == "not_analysed" else None
        return Outcome(
            item.file,
            kind,
            "unsupported_language" if kind == "not_analysed" else None,
            message,
            aid,
            art.get("language"),
            art.get("dyad"),
            art.get("title"),
        )

    def _existing(self, article_id: str) -> tuple[str, int] | None:
        with self._connect() as con:
            row = con.execute("SELECT file, hidden FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def _write_analysis(self, con: sqlite3.Connection, chash: str, key: str, rows: ArticleRows) -> None:
        art = rows["articles"][0]
        con.execute(
            "INSERT OR REPLACE INTO analysis VALUES (?, ?, ?, ?, ?, ?)",
            (chash, self.pipeline_version, key, _dumps(art), _dumps(rows), _now()),
        )
        con.execute(
            "UPDATE articles SET status = ?, error = ? WHERE content_hash = ?",
            (art.get("status") or "ok", art.get("error"), chash),
        )

    # -- edits, hiding, removal ----------------------------------------------------

    def set_edit(self, article_id: str, fld: str, value: str | None) -> None:
        """Set (or, with None, clear) the user's value of ``fld`` for an article."""
        v = check_edit(fld, value)
        with self._connect() as con, _write(con):
            self._require(con, article_id)
            con.execute("INSERT INTO edits (article_id, field, value, edited_at) VALUES (?, ?, ?, ?)", (article_id, fld, v, _now()))

    def update_fields(self, article_id: str, values: dict[str, str | None]) -> list[str]:
        """Set several fields at once, as a form does; returns the fields that changed.

        Every value is checked before anything is written (one bad value
        changes nothing). A value equal to the article's own (read or
        computed) value, or empty, clears the user's edit of that field.
        """
        checked = {fld: check_edit(fld, v) for fld, v in values.items()}
        changed = []
        with self._connect() as con, _write(con):
            self._require(con, article_id)
            own = self._own_values(con, article_id)
            current = _effective_edits(con, visible_only=False).get(article_id, {})
            now = _now()
            for fld, v in checked.items():
                target = None if v == own.get(fld) else v
                if target != current.get(fld):
                    con.execute(
                        "INSERT INTO edits (article_id, field, value, edited_at) VALUES (?, ?, ?, ?)", (article_id, fld, target, now)
                    )
                    changed.append(fld)
        return changed

    def _own_values(self, con: sqlite3.Connection, article_id: str) -> dict[str, str | None]:
        """The article's date, source and dyad before any user edit."""
        meta_json, art_json = con.execute(
            "SELECT a.metadata, an.article_row FROM articles a"
            " LEFT JOIN analysis an ON an.content_hash = a.content_hash AND an.pipeline_version = ? WHERE a.article_id = ?",
            (self.pipeline_version, article_id),
        ).fetchone()
        meta = json.loads(meta_json)
        art = json.loads(art_json) if art_json else {}
        return {
            "date": art.get("date") or meta.get("date"),
            "source": art.get("source") or meta.get("source"),
            "dyad": art.get("dyad_auto"),
        }

    def own_values(self, article_id: str) -> dict[str, str | None]:
        """The article's date, source and dyad as read or computed (before edits)."""
        with self._connect() as con:
            self._require(con, article_id)
            return self._own_values(con, article_id)

    def set_hidden(self, article_id: str, hidden: bool = True) -> None:
        with self._connect() as con, _write(con):
            self._require(con, article_id)
            con.execute("UPDATE articles SET hidden = ? WHERE article_id = ?", (int(hidden), article_id))

    def set_hidden_origin(self, origin: Origin, hidden: bool = True) -> int:
        """Hide (or show) every article of one origin, e.g. all seeds; returns how many changed."""
        with self._connect() as con, _write(con):
            cur = con.execute("UPDATE articles SET hidden = ? WHERE origin = ? AND hidden != ?", (int(hidden), origin, int(hidden)))
            return cur.rowcount

    def remove(self, article_id: str) -> None:
        """Delete an uploaded article, its edits and its cached analysis. Seeds refuse."""
        with self._connect() as con, _write(con):
            origin, chash = self._require(con, article_id)
            if origin == "seed":
                raise SeedProtectedError(f"article {article_id} is a seed article: seeds can be hidden but not removed")
            con.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
            con.execute("DELETE FROM analysis WHERE content_hash = ?", (chash,))

    def _require(self, con: sqlite3.Connection, article_id: str) -> tuple[str, str]:
        row = con.execute("SELECT origin, content_hash FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFoundError(f"no stored article has the id {article_id!r}")
        return row[0], row[1]

    # -- reading ------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Visible articles, effective edits and fingerprint from one read transaction."""
        with self._connect() as con:
            con.execute("BEGIN")
            arts = con.execute(
                "SELECT article_id, content_hash, text, file, metadata FROM articles WHERE hidden = 0 ORDER BY rowid"
            ).fetchall()
            edits = _effective_edits(con, visible_only=True)
            con.execute("COMMIT")
        articles = tuple(StoredArticle(a, h, t, f, json.loads(m)) for a, h, t, f, m in arts)
        fp = compute_fingerprint(((a.article_id, a.content_hash) for a in articles), edits, self.pipeline_version)
        return Snapshot(articles, edits, fp)

    def fingerprint(self) -> str:
        """Changes when the visible articles, the edits or the pipeline version change."""
        with self._connect() as con:
            con.execute("BEGIN")
            arts = con.execute("SELECT article_id, content_hash FROM articles WHERE hidden = 0").fetchall()
            edits = _effective_edits(con, visible_only=True)
            con.execute("COMMIT")
        return compute_fingerprint(arts, edits, self.pipeline_version)

    def counts(self) -> dict[str, int]:
        """Stored articles by origin and visibility."""
        with self._connect() as con:
            rows = con.execute("SELECT origin, hidden, COUNT(*) FROM articles GROUP BY origin, hidden").fetchall()
        out = {"total": 0, "visible": 0, "hidden": 0, **{o: 0 for o in ORIGINS}}
        for origin, hidden, n in rows:
            out["total"] += n
            out[origin] += n
            out["hidden" if hidden else "visible"] += n
        return out

    def results(self, analyze: Analyze, *, snapshot: Snapshot | None = None) -> tuple[list[ArticleRows], str]:
        """Every visible article's rows with edits applied, and the snapshot's fingerprint.

        Cached analysis is used when it was made by this pipeline version from
        the same inputs; anything else is analysed now (outside any write
        transaction) and cached.
        """
        snap = snapshot or self.snapshot()
        cached = self._cached_rows({a.content_hash for a in snap.articles})
        out = []
        for art in snap.articles:
            key = inputs_key(file=art.file, metadata=art.metadata)
            hit = cached.get(art.content_hash)
            if hit is not None and hit[0] == key:
                rows = json.loads(hit[1])
            else:
                try:
                    rows = analyze(art.text, file=art.file, metadata=dict(art.metadata))
                except ArticleError as exc:  # deterministic for this text and pipeline: cached
                    rows = error_rows(art, exc)
                except Exception as exc:  # a pipeline bug: shown, not cached, retried next load
                    out.append(
                        apply_edits(error_rows(art, f"analysis failed ({type(exc).__name__}: {exc})"), snap.edits.get(art.article_id, {}))
                    )
                    continue
                with self._connect() as con, _write(con):
                    self._write_analysis(con, art.content_hash, key, rows)
            out.append(apply_edits(rows, snap.edits.get(art.article_id, {})))
        return out, snap.fingerprint

    def _cached_rows(self, hashes: set[str]) -> dict[str, tuple[str, str]]:
        with self._connect() as con:
            found = con.execute(
                "SELECT content_hash, inputs_key, rows FROM analysis WHERE pipeline_version = ?", (self.pipeline_version,)
            ).fetchall()
        return {h: (k, r) for h, k, r in found if h in hashes}

    def listing(self) -> pd.DataFrame:
        """Every stored article (hidden too), with the fields the user can edit."""
        with self._connect() as con:
            con.execute("BEGIN")
            rows = con.execute(
                "SELECT a.article_id, a.file, a.origin, a.hidden, a.metadata, a.added_at, a.status, a.error, an.article_row"
                " FROM articles a LEFT JOIN analysis an ON an.content_hash = a.content_hash AND an.pipeline_version = ?"
                " ORDER BY a.rowid",
                (self.pipeline_version,),
            ).fetchall()
            edits = _effective_edits(con, visible_only=False)
            con.execute("COMMIT")
        records = []
        for aid, file, origin, hidden, meta_json, added_at, status, error, art_json in rows:
            art = json.loads(art_json) if art_json else {}
            meta = json.loads(meta_json)
            ed = edits.get(aid, {})
            art = apply_edits({"articles": [art]}, ed)["articles"][0] if art else {}
            records.append(
                {
                    "article_id": aid,
                    "file": file,
                    "origin": origin,
                    "hidden": bool(hidden),
                    "title": art.get("title") or meta.get("title"),
                    "date": ed.get("date") or art.get("date") or meta.get("date"),
                    "source": ed.get("source") or art.get("source") or meta.get("source"),
                    "dyad": ed.get("dyad") or art.get("dyad"),
                    "dyad_auto": art.get("dyad_auto"),
                    "language": art.get("language") or meta.get("language"),
                    "status": art.get("status") or status,
                    "error": art.get("error") or error,
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
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY edit_id", args).fetchall()
        return pd.DataFrame(rows, columns=["article_id", "field", "value", "edited_at"]).astype("string")

    def text_of(self, article_id: str) -> str:
        with self._connect() as con:
            row = con.execute("SELECT text FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFoundError(f"no stored article has the id {article_id!r}")
        return row[0]

    def integrity_problems(self) -> list[str]:
        """What is wrong with the file, if anything (empty list when sound)."""
        with self._connect() as con:
            problems = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
            problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check").fetchall()]
            orphans = con.execute(
                "SELECT article_id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM analysis an WHERE an.content_hash = a.content_hash)"
            ).fetchall()
            problems += [f"article {r[0]} has no analysis" for r in orphans]
        return problems


def _duplicate(file: str, article_id: str, existing: tuple[str, int]) -> Outcome:
    stored_file, hidden = existing
    note = " (hidden — show it on the Corpus page)" if hidden else ""
    return Outcome(file, "duplicate", "duplicate", f"the same text is already stored as {stored_file}{note}", article_id)


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
def _write(con: sqlite3.Connection) -> Iterator[None]:
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


def fill_from_folder(
    store: Store,
    folder: str | Path,
    *,
    analyze: Analyze,
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
    outcomes = store.import_items(items, origin="seed", analyze=analyze, progress=progress)
    store.mark_seeded(str(root))
    return outcomes


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


def import_files(
    store: Store,
    files: Iterable[tuple[str, bytes]],
    *,
    origin: Origin,
    analyze: Analyze,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
    progress: Callable[[float, int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Read uploaded files and store every article in them; one outcome per article.

    ``progress(done_files, n_files, outcome)`` after each article, so a
    progress bar can advance by file while a large CSV reports row by row.
    """
    files = list(files)
    out: list[Outcome] = []
    for j, (name, data) in enumerate(files, start=1):
        result = import_file(name, data, limits=limits, mappings=mappings)

        def report(i: int, n: int, outcome: Outcome, j: int = j) -> None:
            if progress:
                progress(j - 1 + i / max(n, 1), len(files), outcome)

        out.extend(store.import_items(result.items, origin=origin, analyze=analyze, progress=report))
    return out
