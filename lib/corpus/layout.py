"""The store's SQL layout: its tables, the typed analysis tables, and upgrades.

Every per-article table of ``lib.schema`` is stored as ``a_<table>`` with the
schema's columns (less those rebuilt on load, ``DERIVED``) and the pipeline
version, so loading parses no JSON. A file is marked as this application's
(``APPLICATION_ID``) with its layout version (``STORE_SCHEMA_VERSION``);
``UPGRADES`` take an older layout to the next, inside the transaction that
opens it. ``lib.corpus.store`` opens, reads and writes stores with these.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pandas as pd

from lib import schema

ArticleRows = dict[str, list[dict]]


def json_default(value: object) -> object:
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    if value is pd.NA:
        return None
    raise TypeError(f"cannot store a {type(value).__name__} in JSON")


def dumps_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=json_default)


#: ``PRAGMA application_id`` of this application's stores ("BCV1"): a file
#: without it is never written to, unless it is empty or a store of the
#: layout before the mark existed (upgraded).
APPLICATION_ID = 0x42435631
#: Version of the store's own layout (``PRAGMA user_version``). 1 was the
#: layout with analysis as JSON; 2 holds it as typed tables.
STORE_SCHEMA_VERSION = 2
SQL_TYPES = {schema.STR: "TEXT", schema.INT: "INTEGER", schema.FLOAT: "REAL", schema.BOOL: "INTEGER"}
#: Columns rebuilt on load instead of stored twice: a sentence's text is a
#: slice of its article's cleaned text.
DERIVED = {"sentences": ("text",)}

BASE_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL UNIQUE,
    identity TEXT UNIQUE,
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
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles(content_hash);
CREATE TABLE IF NOT EXISTS edits (
    edit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    field TEXT NOT NULL CHECK (field IN ('date', 'source', 'dyad')),
    value TEXT,
    edited_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edits_by_article ON edits(article_id, field, edit_id);
"""


# --- the typed analysis tables -------------------------------------------------------------


def analysis_columns(name: str) -> list[str]:
    """The stored columns of analysis table ``name`` (schema columns, less derived ones)."""
    return [c for c in schema.TABLES[name] if c not in DERIVED.get(name, ())]


def analysis_ddl(name: str) -> str:
    cols = ", ".join(f'"{c}" {SQL_TYPES[schema.TABLES[name][c]]}' for c in analysis_columns(name) if c != "article_id")
    unique = ", UNIQUE (article_id, pipeline_version)" if name == "articles" else ""
    return (
        f"CREATE TABLE IF NOT EXISTS a_{name} (article_id TEXT NOT NULL, pipeline_version TEXT NOT NULL, {cols}{unique});\n"
        f"CREATE INDEX IF NOT EXISTS a_{name}_key ON a_{name}(article_id, pipeline_version)"
    )


def exec_all(con: sqlite3.Connection, sql: str) -> None:
    """Run DDL statements one by one (``executescript`` would commit the open transaction)."""
    for stmt in sql.split(";\n"):
        if stmt.strip():
            con.execute(stmt)


def sql_value(v: object) -> object:
    if type(v) is str or type(v) is int:  # most values, first
        return v
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    item = getattr(v, "item", None)  # numpy scalars
    if callable(item):
        return item()
    if isinstance(v, dict | list):
        return dumps_json(v)
    return v


# --- upgrades ---------------------------------------------------------------------------------


def _upgrade_1_to_2(con: sqlite3.Connection, pipeline_version: str) -> None:
    """Layout 1 (analysis as JSON per article) → 2 (typed tables, ``seq``, ``identity``).

    Articles keep their ids (edits point at them). Analysis made by the
    current pipeline version is moved into the typed tables; older analysis
    is dropped and redone when the store is next read.
    """
    con.execute(
        "CREATE TABLE articles_v2 (seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL UNIQUE, identity TEXT UNIQUE,"
        " content_hash TEXT NOT NULL, text TEXT NOT NULL, file TEXT NOT NULL,"
        " origin TEXT NOT NULL CHECK (origin IN ('seed', 'upload', 'cli')), metadata TEXT NOT NULL DEFAULT '{}',"
        " added_at TEXT NOT NULL, hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)), status TEXT NOT NULL DEFAULT 'ok', error TEXT)"
    )
    con.execute(
        "INSERT INTO articles_v2 (article_id, content_hash, text, file, origin, metadata, added_at, hidden, status, error)"
        " SELECT article_id, content_hash, text, file, origin, metadata, added_at, hidden, status, error FROM articles ORDER BY rowid"
    )
    con.execute("DROP TABLE articles")
    con.execute("ALTER TABLE articles_v2 RENAME TO articles")
    con.execute("CREATE INDEX IF NOT EXISTS articles_by_hash ON articles(content_hash)")
    for name in schema.PER_ARTICLE_TABLES:
        exec_all(con, analysis_ddl(name))
    has_analysis = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'analysis'").fetchone()
    if has_analysis:
        found = con.execute(
            "SELECT a.article_id, an.rows FROM articles a JOIN analysis an ON an.content_hash = a.content_hash AND an.pipeline_version = ?",
            (pipeline_version,),
        ).fetchall()
        for aid, rows_json in found:
            rows = json.loads(rows_json)
            insert_analysis(con, aid, rows, pipeline_version)
            text = (rows.get("articles") or [{}])[0].get("text")
            if text:
                from lib.text.reading import text_identity

                con.execute("UPDATE articles SET identity = ? WHERE article_id = ?", (text_identity(text), aid))
        con.execute("DROP TABLE analysis")
    con.execute("DELETE FROM meta WHERE key = 'store_schema'")


#: Upgrades by the version they start from; each runs in the opening transaction.
UPGRADES: dict[int, Callable[[sqlite3.Connection, str], None]] = {1: _upgrade_1_to_2}


def insert_analysis(con: sqlite3.Connection, article_id: str, rows: ArticleRows, pipeline_version: str) -> None:
    """Store (replacing) one article's analysis rows made by ``pipeline_version``."""
    insert_analyses(con, [(article_id, rows)], pipeline_version)


def insert_analyses(
    con: sqlite3.Connection, analyses: list[tuple[str, ArticleRows]], pipeline_version: str, *, replace: bool = True
) -> None:
    """Store the analysis rows of several articles, one statement per table.

    ``replace`` first deletes what the articles have from ``pipeline_version``;
    articles inserted in the same transaction have nothing to delete (removing
    an article deletes its analysis with it).
    """
    for name in schema.PER_ARTICLE_TABLES:
        if replace:
            con.executemany(
                f"DELETE FROM a_{name} WHERE article_id = ? AND pipeline_version = ?", [(aid, pipeline_version) for aid, _ in analyses]
            )
        cols = [c for c in analysis_columns(name) if c != "article_id"]
        values = [(aid, pipeline_version, *(sql_value(r.get(c)) for c in cols)) for aid, rows in analyses for r in rows.get(name) or ()]
        if values:
            names = ", ".join(f'"{c}"' for c in cols)
            con.executemany(
                f"INSERT INTO a_{name} (article_id, pipeline_version, {names}) VALUES ({', '.join('?' * (len(cols) + 2))})", values
            )
