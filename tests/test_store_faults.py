"""The store under faults: old layouts, foreign or damaged files, locks, a full disk, a vanished file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pandas as pd
import pyarrow as pa
import pytest

from lib import schema
from lib.corpus import ingest
from lib.corpus import store as store_mod
from lib.corpus.store import (
    APPLICATION_ID,
    STORE_SCHEMA_VERSION,
    CorruptStoreError,
    NotAStoreError,
    Store,
    StoreVanishedError,
)
from lib.corpus.tables import MAX_CHUNKS, LiveCorpus, from_store
from lib.text.items import Item
from tests.test_store import FakeAnalyze, items

# The layout of version 1 (analysis as JSON per article), as stores made before typed tables have it.
V1_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (article_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, text TEXT NOT NULL, file TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('seed', 'upload', 'cli')), metadata TEXT NOT NULL DEFAULT '{}', added_at TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)), status TEXT NOT NULL DEFAULT 'ok', error TEXT);
CREATE TABLE edits (edit_id INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    field TEXT NOT NULL CHECK (field IN ('date', 'source', 'dyad')), value TEXT, edited_at TEXT NOT NULL);
CREATE TABLE analysis (content_hash TEXT NOT NULL, pipeline_version TEXT NOT NULL, inputs_key TEXT NOT NULL, article_row TEXT NOT NULL,
    rows TEXT NOT NULL, analysed_at TEXT NOT NULL, PRIMARY KEY (content_hash, pipeline_version));
INSERT INTO meta VALUES ('store_schema', '1');
INSERT INTO meta VALUES ('seeded_at', '2024-01-01T00:00:00+00:00');
"""


def make_v1_store(path, fake: FakeAnalyze, *, version: str = schema.PIPELINE_VERSION) -> list[str]:
    con = sqlite3.connect(path)
    con.executescript(V1_SQL)
    ids = []
    for i, text in enumerate(["US text one.", "Russia text two.", "US text three."]):
        rows = fake(text, file=f"old{i}.txt", metadata={"source": "Wire"})
        art = rows["articles"][0]
        art["text"] = text
        aid, chash = art["article_id"], art["content_hash"]
        ids.append(aid)
        con.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, 'upload', ?, '2024-01-01', ?, 'ok', NULL)",
            (aid, chash, text, f"old{i}.txt", json.dumps({"source": "Wire"}), int(i == 2)),
        )
        v = version if i < 2 else "0.9.0"  # the third was analysed by an older pipeline
        con.execute("INSERT INTO analysis VALUES (?, ?, 'k', ?, ?, '2024-01-01')", (chash, v, json.dumps(art), json.dumps(rows)))
    con.execute("INSERT INTO edits (article_id, field, value, edited_at) VALUES (?, 'dyad', 'both', '2024-01-02')", (ids[0],))
    con.commit()
    con.close()
    return ids


def test_a_store_of_the_json_layout_opens_and_upgrades(tmp_path):
    path = tmp_path / "v1.sqlite"
    fake = FakeAnalyze()
    ids = make_v1_store(path, fake)
    s = Store(path)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert con.execute("PRAGMA user_version").fetchone()[0] == STORE_SCHEMA_VERSION
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "analysis" not in tables and {"a_articles", "a_sentences", "a_mentions"} <= tables
    assert s.counts() == {"total": 3, "visible": 2, "hidden": 1, "seed": 0, "upload": 3, "cli": 0, "full": 2, "triage": 0, "pending": 0}
    assert s.is_seeded
    loaded = s.load()
    assert list(loaded.tables["articles"]["article_id"]) == ids[:2]  # the hidden one is not shown
    assert list(loaded.tables["sentences"]["text"]) == ["US text one.", "Russia text two."]
    assert loaded.edits.to_dict("records") == [{"article_id": ids[0], "field": "dyad", "value": "both"}]
    assert s.pending() == []  # the hidden article (older analysis) waits until it is shown
    s.set_hidden(ids[2], False)
    assert [a.article_id for a in s.pending()] == [ids[2]]
    assert s.integrity_problems() == [f"article {ids[2]} has no analysis"]
    # The upgraded store dedupes by the cleaned text it learnt from the old analysis.
    (dup,) = ingest.import_items(s, [Item("again.txt", text="US text one.\n\n")], origin="cli", analyze=fake)
    assert dup.outcome == "duplicate"
    Store(path)  # opening again runs no upgrade and changes nothing
    assert Store(path).counts()["total"] == 3


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NotAStoreError, match="another program"):
        Store(path)
    fallback = Store.open(path)
    assert fallback.is_temporary and "another program" in fallback.fallback_reason
    assert fallback.counts()["total"] == 0  # nothing of theirs was copied either
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal or -shm beside it


def test_a_text_file_is_not_a_store(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    with pytest.raises(NotAStoreError, match="not an SQLite database"):
        Store.open(path, fallback=False)
    assert path.read_text() == "my notes\n"


def test_a_damaged_store_is_called_corrupt(tmp_path):
    path = tmp_path / "s.sqlite"
    s = Store(path)
    ingest.import_items(s, items(*[f"US text number {i}. " * 200 for i in range(40)]), origin="upload", analyze=FakeAnalyze())
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = 4096
    data = bytearray(path.read_bytes())
    data[page * 3 : page * 6] = bytes(page * 3)  # zero three pages in the middle
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError, match="corrupt"):
        Store(path).load()
    opened = Store.open(path)
    if opened.is_temporary:  # the damage was seen on opening
        assert "corrupt" in opened.fallback_reason


def test_a_store_locked_by_another_program_is_waited_for_then_every_item_gets_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.3)
    path = tmp_path / "s.sqlite"
    s = Store(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        outs = ingest.import_items(s, items("US one.", "US two.", "Russia three."), origin="upload", analyze=FakeAnalyze())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [o.outcome for o in outs] == ["rejected"] * 3
    assert {o.reason for o in outs} == {"store_busy"} and all("locked" in o.message for o in outs)
    assert s.counts()["total"] == 0
    again = ingest.import_items(s, items("US one.", "US two.", "Russia three."), origin="upload", analyze=FakeAnalyze())
    assert [o.outcome for o in again] == ["added"] * 3


def test_opening_while_another_program_writes_waits_instead_of_a_temporary_store(tmp_path):
    path = tmp_path / "s.sqlite"
    Store(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, lambda: holder.execute("COMMIT")).start()
    started = time.monotonic()
    s = Store.open(path)
    assert not s.is_temporary
    ingest.import_items(s, items("US text."), origin="upload", analyze=FakeAnalyze())
    assert time.monotonic() - started >= 0.5  # it waited for the lock
    holder.close()


class TinyDisk(Store):
    """A store whose file may not grow past a few pages: SQLite's 'database or disk is full'."""

    def connect(self):
        cm = super().connect()

        class Wrapped:
            def __enter__(inner):
                con = cm.__enter__()
                con.execute("PRAGMA max_page_count = 40")
                return con

            def __exit__(inner, *exc):
                return cm.__exit__(*exc)

        return Wrapped()


def test_a_full_disk_gives_every_unstored_item_its_reason(tmp_path):
    s = TinyDisk(tmp_path / "s.sqlite")
    texts = [f"US text number {i}. " + "word " * 4000 for i in range(30)]
    outs = ingest.import_items(s, items(*texts), origin="upload", analyze=FakeAnalyze())
    reasons = {o.reason for o in outs if o.outcome == "rejected"}
    assert reasons == {"store_full"}
    added = [o for o in outs if o.outcome == "added"]
    assert s.counts()["total"] == len(added) < 30  # nothing reported added that is not stored
    assert all("full" in o.message for o in outs if o.outcome == "rejected")


def test_a_deleted_store_is_noticed(tmp_path):
    path = tmp_path / "s.sqlite"
    s = Store(path)
    assert not s.vanished()
    path.unlink()
    assert s.vanished()
    with pytest.raises(StoreVanishedError, match="deleted"):
        s.counts()


def test_a_store_deleted_during_an_import_stores_nothing_more(tmp_path, monkeypatch):
    """The import keeps one connection, yet a store deleted between its transactions is noticed:
    the articles not yet committed are reported not stored, none is reported added."""
    monkeypatch.setattr(ingest, "COMMIT_EVERY", 5)
    path = tmp_path / "s.sqlite"
    s = Store(path)
    fake = FakeAnalyze()

    def analyse_then_delete(text: str, **kw) -> dict:
        if len(fake.calls) == 7:  # after the first transaction (5 articles)
            path.unlink()
        return fake(text, **kw)

    outs = ingest.import_items(s, items(*[f"US text number {i}." for i in range(20)]), origin="upload", analyze=analyse_then_delete)
    assert [o.outcome for o in outs[:5]] == ["added"] * 5
    assert {o.outcome for o in outs[5:]} == {"rejected"}
    assert all("deleted" in o.message for o in outs[5:])


def test_temporary_stores_are_removed_when_the_process_ends(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    s = Store.open(blocker / "db.sqlite")
    assert s.is_temporary and s.path.exists()
    store_mod._remove_temporary_stores()
    assert not s.path.parent.exists()


def test_generation_counts_appends_apart_from_other_changes(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    g0, l0 = s.generation()
    (o,) = ingest.import_items(s, items("US text."), origin="upload", analyze=FakeAnalyze())
    g1, l1 = s.generation()
    assert g1 > g0 and l1 == l0
    s.set_edit(o.article_id, "source", "AP")
    g2, l2 = s.generation()
    assert g2 > g1 and l2 > l1


def test_live_corpus_appends_new_articles_and_reloads_after_edits(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    fake = FakeAnalyze()
    gaz = schema.empty("entities")
    tax = schema.empty("topics_taxonomy")
    ingest.import_items(s, items("US one.", "Russia two."), origin="upload", analyze=fake)
    live = LiveCorpus(s, gazetteer_table=gaz, taxonomy_table=tax)
    first = live.current()
    assert live.current() is first  # nothing changed: the same object, no copy
    ingest.import_items(s, [Item("n.txt", text="US three.")], origin="upload", analyze=fake)
    appended = live.current()
    full = from_store(s.load(), gazetteer_table=gaz, taxonomy_table=tax)
    for name in full.tables:
        pd.testing.assert_frame_equal(appended.tables[name], full.tables[name], obj=name)
    assert len(appended.articles) == 3
    for name, table in appended.tables.items():  # appended Arrow columns are in few pieces (many are slow to take rows from)
        for col in table.columns:
            if isinstance(table[col].array, pd.arrays.ArrowExtensionArray):
                data = pa.array(table[col].array)
                assert not isinstance(data, pa.ChunkedArray) or data.num_chunks <= MAX_CHUNKS, (name, col)
    s.set_edit(appended.articles["article_id"][0], "dyad", "both")
    assert live.current().articles["dyad"][0] == "both"


def test_appended_rows_keep_a_few_pieces_and_are_joined_beyond_them():
    from lib.corpus.tables import _concat

    def pieces(df: pd.DataFrame) -> int:
        data = pa.array(df["s"].array)
        return data.num_chunks if isinstance(data, pa.ChunkedArray) else 1

    def frame(*texts: str) -> pd.DataFrame:
        return pd.DataFrame({"s": pd.array(list(texts), dtype="string[pyarrow]"), "n": pd.array(range(len(texts)), dtype="Int64")})

    table = frame("a", "b")
    for i in range(MAX_CHUNKS - 1):
        table = _concat(table, frame(f"x{i}"))
    assert pieces(table) == MAX_CHUNKS  # each append added a piece, copying nothing
    table = _concat(table, frame("y", None))
    assert pieces(table) == 1  # one more would pass the limit: joined into one
    expected = frame("a", "b", *(f"x{i}" for i in range(MAX_CHUNKS - 1)), "y", None)
    pd.testing.assert_frame_equal(table, expected.assign(n=pd.array([0, 1, *([0] * (MAX_CHUNKS - 1)), 0, 1], dtype="Int64")))


def test_load_since_returns_only_new_articles(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    ingest.import_items(s, items("US one.", "Russia two."), origin="upload", analyze=FakeAnalyze())
    first = s.load()
    ingest.import_items(s, [Item("n.txt", text="US three.")], origin="upload", analyze=FakeAnalyze())
    new = s.load(since_seq=first.max_seq)
    assert list(new.tables["articles"]["file"]) == ["n.txt"] and list(new.tables["sentences"]["text"]) == ["US three."]
