"""The analyst's curation of names: link, merge or create entities.

Names the gazetteer lacks are found by spaCy, by Arabic titles and roles, or
by the optional camel-tools model, and get non-canonical ids (``ner:en:…``,
``ner:ar:…``). The analyst curates them on the Names page:

- **link** a name to a gazetteer entity (``ner:ar:رجب-اردوغان`` → ``erdogan``);
- **merge** a name into another name (its English and Arabic forms, or two
  spellings), which then stands for both;
- **create** an entity for a name (``user:<slug>``, with English and Arabic
  names, type and affiliation), which becomes canonical.

Each decision is one row of the ``curation_edits`` table, kept in the same
SQLite file as the article store, so it survives restarts and travels with
the store. Edits are applied to the analysed tables when they are read
(``apply_edits``): no article is analysed again. The edits have a
fingerprint (``Curation.fingerprint``) for caches and exports, and a table
(``Curation.edits``) for the export folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from lib.text.fold import fold

ACTIONS = ("link", "merge", "create")
ENTITY_TYPES = ("person", "country", "organisation", "place", "weapon_system", "event")
#: Id prefix of entities the analyst created.
USER_PREFIX = "user:"
#: Example sentences kept per unlinked name.
EXAMPLES_PER_NAME = 2
BUSY_TIMEOUT_S = 10.0

_DDL = """
CREATE TABLE IF NOT EXISTS curation_edits (
    edit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('link', 'merge', 'create')),
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    name_en TEXT,
    name_ar TEXT,
    type TEXT,
    affiliation TEXT
)
"""
EDIT_COLUMNS = ["edit_id", "created", "action", "source_id", "target_id", "name_en", "name_ar", "type", "affiliation"]


class CurationError(ValueError):
    """An edit that cannot be made, with a message the analyst can act on."""


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", fold(text).lower()).strip("-")


@dataclass
class Curation:
    """The curation edits stored in the SQLite file at ``path`` (the article store's file)."""

    path: Path

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        with self._connect() as con:
            con.execute(_DDL)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            with con:  # one transaction: committed on success, rolled back on error
                yield con
        finally:
            con.close()

    def _rows(self) -> list[tuple]:
        with self._connect() as con:
            return con.execute(f"SELECT {', '.join(EDIT_COLUMNS)} FROM curation_edits ORDER BY edit_id").fetchall()

    def edits(self) -> pd.DataFrame:
        """Every edit, oldest first (the table exported with the corpus)."""
        return pd.DataFrame(self._rows(), columns=EDIT_COLUMNS).astype({"edit_id": "int64"})

    def fingerprint(self) -> str:
        """A hash of every edit: changes whenever an edit is added or removed (read on every
        page run, so straight from the rows, without a table)."""
        h = hashlib.sha256()
        for row in self._rows():
            h.update(repr(row).encode("utf-8"))
        return h.hexdigest()[:16]

    def add(
        self,
        action: str,
        source_id: str,
        target_id: str | None = None,
        *,
        known_ids: set[str] | None = None,
        name_en: str | None = None,
        name_ar: str | None = None,
        etype: str | None = None,
        affiliation: str | None = None,
    ) -> str:
        """Store one edit and return the id the source now stands for.

        ``known_ids`` are the ids the target may be (gazetteer entities for
        a link; any entity for a merge); ``create`` makes ``user:<slug>``.
        """
        if action not in ACTIONS:
            raise CurationError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
        if not source_id:
            raise CurationError("choose the name to curate")
        if action == "create":
            name = (name_en or name_ar or "").strip()
            if not name:
                raise CurationError("a new entity needs an English or an Arabic name")
            if etype not in ENTITY_TYPES:
                raise CurationError(f"choose the new entity's type: one of {', '.join(ENTITY_TYPES)}")
            target_id = USER_PREFIX + (_slug(name) or _slug(source_id) or "entity")
        elif not target_id:
            raise CurationError(f"choose the entity to {action} {source_id!r} with")
        elif known_ids is not None and target_id not in known_ids:
            raise CurationError(f"{target_id!r} is not a known entity")
        if target_id == source_id:
            raise CurationError("a name cannot be linked or merged with itself")
        if resolve(self.mapping(), target_id) == source_id:
            raise CurationError(f"linking {source_id!r} to {target_id!r} would make a cycle of edits")
        with self._connect() as con:
            con.execute(
                "INSERT INTO curation_edits (created, action, source_id, target_id, name_en, name_ar, type, affiliation) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), action, source_id, target_id, name_en, name_ar, etype, affiliation),
            )
        return target_id

    def remove(self, edit_id: int) -> None:
        """Undo one edit."""
        with self._connect() as con:
            con.execute("DELETE FROM curation_edits WHERE edit_id = ?", (int(edit_id),))

    def mapping(self) -> dict[str, str]:
        """source id -> target id; a later edit of the same source wins."""
        edits = self.edits()
        return dict(zip(edits["source_id"], edits["target_id"], strict=True))


def resolve(mapping: dict[str, str], entity_id: str) -> str:
    """Follow ``mapping`` from ``entity_id`` to the id it finally stands for (cycles stop)."""
    seen = {entity_id}
    while entity_id in mapping and mapping[entity_id] not in seen:
        entity_id = mapping[entity_id]
        seen.add(entity_id)
    return entity_id


def apply_edits(tables: dict[str, pd.DataFrame], edits: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The corpus tables with the curation edits applied (the inputs are not changed).

    Every ``entity_id`` column is mapped to the id its name now stands for;
    mentions of a linked or created entity become canonical and take its
    type; entities the analyst created are added to the ``entities`` table
    and the names they replace are removed from it.
    """
    if edits.empty:
        return tables
    mapping = dict(zip(edits["source_id"], edits["target_id"], strict=True))
    out = dict(tables)
    entities = tables.get("entities")
    created = edits[edits["action"] == "create"].drop_duplicates("target_id", keep="last")
    canonical_ids = set(entities.loc[entities["canonical"].fillna(False).astype(bool), "entity_id"]) if entities is not None else set()
    canonical_ids |= set(created["target_id"])
    types = dict(zip(entities["entity_id"], entities["type"], strict=True)) if entities is not None else {}
    types.update(zip(created["target_id"], created["type"], strict=True))
    for name, df in tables.items():
        if "entity_id" not in df.columns or df.empty or name == "entities":
            continue
        new_ids = df["entity_id"].map(lambda e: resolve(mapping, e) if isinstance(e, str) else e)
        changed = new_ids != df["entity_id"]
        if not changed.any():
            continue
        df = df.copy()
        df["entity_id"] = new_ids.astype(df["entity_id"].dtype)
        if "canonical" in df.columns:
            df.loc[changed, "canonical"] = df.loc[changed, "entity_id"].isin(canonical_ids)
        if "type" in df.columns:
            df.loc[changed, "type"] = df.loc[changed, "entity_id"].map(types).fillna(df.loc[changed, "type"])
        out[name] = df
    if entities is not None:
        gone = {s for s in mapping if resolve(mapping, s) != s}
        rows = pd.DataFrame(
            {
                "entity_id": created["target_id"],
                "name_en": created["name_en"],
                "name_ar": created["name_ar"],
                "type": created["type"],
                "subtype": pd.NA,
                "affiliation": created["affiliation"].replace("", pd.NA),
                "qid": pd.NA,
                "canonical": True,
            }
        )
        kept = entities[~entities["entity_id"].isin(gone | set(rows["entity_id"]))]
        out["entities"] = pd.concat([kept, rows.astype({c: kept[c].dtype for c in rows.columns if c in kept.columns})], ignore_index=True)
    return out


def unlinked_names(tables: dict[str, pd.DataFrame], *, language: str | None = None) -> pd.DataFrame:
    """Non-canonical names by frequency: entity_id, name, language, type, mentions, articles, examples.

    ``examples`` holds up to ``EXAMPLES_PER_NAME`` sentences that name it.
    """
    columns = ["entity_id", "name", "language", "type", "mentions", "articles", "examples"]
    m = tables.get("mentions")
    if m is None or m.empty:
        return pd.DataFrame(columns=columns)
    m = m[~m["canonical"].fillna(False).astype(bool)]
    m = m.assign(language=m["entity_id"].str.extract(r"^ner:(\w+):", expand=False))
    if language:
        m = m[m["language"] == language]
    if m.empty:
        return pd.DataFrame(columns=columns)
    g = m.groupby("entity_id", sort=False)
    out = pd.DataFrame(
        {
            "name": g["surface"].agg(lambda s: s.value_counts().index[0]),
            "language": g["language"].first(),
            "type": g["type"].first(),
            "mentions": g.size(),
            "articles": g["article_id"].nunique(),
        }
    )
    sentences = tables.get("sentences")
    if sentences is not None and not sentences.empty:
        first = m.drop_duplicates(["entity_id", "article_id", "sentence_id"]).groupby("entity_id").head(EXAMPLES_PER_NAME)
        ex = first.merge(sentences[["article_id", "sentence_id", "text"]], on=["article_id", "sentence_id"], how="left")
        out["examples"] = ex.groupby("entity_id")["text"].agg(lambda s: [t for t in s if isinstance(t, str)])
    else:
        out["examples"] = [[] for _ in range(len(out))]
    out = out.reset_index().sort_values(["mentions", "articles", "entity_id"], ascending=[False, False, True], ignore_index=True)
    return out[columns]
