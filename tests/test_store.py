"""The SQLite store, with a fake analyser injected (no models needed)."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import schema
from lib.corpus import ingest
from lib.corpus.curation import Curation
from lib.corpus.ingest import fill_from_folder
from lib.corpus.rollups import apply_edits
from lib.corpus.store import (
    DB_ENV,
    ArticleNotFoundError,
    InvalidEditError,
    SeedProtectedError,
    Store,
    StoreVanishedError,
    compute_fingerprint,
)
from lib.errors import EmptyArticleError, OnlyBoilerplateError
from lib.text.items import Item
from lib.text.reading import article_id_for, content_hash


class FakeAnalyze:
    """Stands in for pipeline.analyze_text; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str, *, file: str, metadata: dict | None = None) -> dict:
        self.calls.append(file)
        meta = metadata or {}
        if "BOILERPLATE" in text:
            raise OnlyBoilerplateError(file, "only site furniture, no article body")
        if "CRASH" in text:
            raise RuntimeError("bug in the pipeline")
        lang = meta.get("language") or ("ar" if any("\u0600" <= c <= "\u06ff" for c in text) else "en")
        rows = {name: [] for name in schema.PER_ARTICLE_TABLES}
        aid = article_id_for(text)
        auto = "russia-turkey" if "Russia" in text else "us-turkey"
        art = {
            "article_id": aid,
            "file": file,
            "title": meta.get("title"),
            "date": meta.get("date"),
            "source": meta.get("source"),
            "language": lang,
            "dyad": auto,
            "dyad_auto": auto,
            "dyad_reason": "fake",
            "status": "ok",
            "content_hash": content_hash(text),
            "text": text,
        }
        if lang not in schema.LANGUAGES_ANALYSED:
            art.update(status="not_analysed", error=f"language {lang!r} is not analysed", dyad="other", dyad_auto="other")
        rows["articles"].append(art)
        rows["sentences"].append({"article_id": aid, "sentence_id": 0, "start": 0, "end": len(text), "text": text, "tone": 0.25})
        return rows


@pytest.fixture
def fake():
    return FakeAnalyze()


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "db" / "coverage.sqlite")


def visible(store: Store) -> list[dict]:
    """The visible articles' rows as the corpus layer sees them (edits applied)."""
    loaded = store.load()
    return apply_edits(loaded.tables["articles"], loaded.edits).to_dict("records")


def items(*texts: str, **meta) -> list[Item]:
    return [Item(file=f"f{i}.txt", text=t, metadata=dict(meta)) for i, t in enumerate(texts)]


def test_store_uses_wal_and_a_busy_timeout(store):
    assert store.journal_mode == "wal"
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("item", "outcome", "reason"),
    [
        (Item("a.txt", text="US and Turkey talk."), "added", None),
        (Item("b.txt", text="Le texte.", metadata={"language": "fr"}), "not_analysed", "unsupported_language"),
        (Item("c.txt", error=EmptyArticleError("c.txt", "the file is empty")), "rejected", "empty"),
        (Item("d.txt", text="BOILERPLATE only"), "rejected", "only_boilerplate"),
        (Item("e.txt", text="CRASH now"), "rejected", "analysis_failed"),
    ],
)
def test_each_item_gets_an_outcome(store, fake, item, outcome, reason):
    (got,) = ingest.import_items(store, [item], origin="upload", analyze=fake)
    assert (got.outcome, got.reason) == (outcome, reason)
    stored = store.counts()["total"]
    assert stored == (1 if outcome in ("added", "not_analysed") else 0)  # rejected: nothing else changes
    assert store.integrity_problems() == []


def test_one_bad_item_does_not_stop_the_others(store, fake):
    batch = [Item("bad.txt", error=EmptyArticleError("bad.txt", "empty")), *items("One US text.", "CRASH", "Two Russia text.")]
    outs = ingest.import_items(store, batch, origin="upload", analyze=fake)
    assert [o.outcome for o in outs] == ["rejected", "added", "rejected", "added"]
    assert store.counts()["upload"] == 2


def test_duplicate_is_found_by_content_and_not_reanalysed(store, fake):
    ingest.import_items(store, items("Same text."), origin="upload", analyze=fake)
    (dup,) = ingest.import_items(store, [Item("other-name.md", text="Same text.\r\n")], origin="cli", analyze=fake)
    assert dup.outcome == "duplicate"
    assert "f0.txt" in dup.message
    assert len(fake.calls) == 1


def test_unchanged_article_is_not_reanalysed_but_a_new_pipeline_version_is(tmp_path, fake):
    path = tmp_path / "s.sqlite"
    s1 = Store(path)
    ingest.import_items(s1, items("US text.", "Russia text."), origin="upload", analyze=fake)
    assert len(fake.calls) == 2
    assert Store(path).pending() == []  # a restart: nothing to redo
    newer = Store(path, pipeline_version="99.0")
    pending = newer.pending()
    assert [a.file for a in pending] == ["f0.txt", "f1.txt"]
    assert newer.save_analysis((a, fake(a.text, file=a.file, metadata=a.metadata), None) for a in pending) == 2
    assert newer.pending() == [] and len(fake.calls) == 4
    assert [a["file"] for a in visible(newer)] == ["f0.txt", "f1.txt"]


def test_edits_latest_wins_and_clear_restores(store, fake):
    (o,) = ingest.import_items(store, items("US text.", date="2020-01-01", source="Wire"), origin="upload", analyze=fake)
    store.set_edit(o.article_id, "date", "2021-02-03")
    store.set_edit(o.article_id, "date", "2021-02-04")
    store.set_edit(o.article_id, "dyad", "russia-turkey")
    store.set_edit(o.article_id, "source", "  Reuters ")
    (art,) = visible(store)
    assert (art["date"], art["source"], art["dyad"], art["dyad_auto"]) == ("2021-02-04", "Reuters", "russia-turkey", "us-turkey")
    assert art["dyad_reason"].startswith("set by user to russia-turkey")
    store.set_edit(o.article_id, "date", None)
    assert visible(store)[0]["date"] == "2020-01-01"
    assert list(store.edit_history(o.article_id)["value"].fillna("-")) == ["2021-02-03", "2021-02-04", "russia-turkey", "Reuters", "-"]


def test_update_fields_writes_only_changes_and_all_or_nothing(store, fake):
    (o,) = ingest.import_items(store, items("US text.", date="2020-01-01", source="Wire"), origin="upload", analyze=fake)
    assert store.own_values(o.article_id) == {"date": "2020-01-01", "source": "Wire", "dyad": "us-turkey"}
    assert store.update_fields(o.article_id, {"date": "2020-01-01", "source": "Wire", "dyad": "us-turkey"}) == []
    assert store.update_fields(o.article_id, {"date": "2020-02-02", "source": "Wire", "dyad": "both"}) == ["date", "dyad"]
    with pytest.raises(InvalidEditError):
        store.update_fields(o.article_id, {"source": "AP", "date": "yesterday"})
    assert store.listing()["source"][0] == "Wire"  # the good value was not written either
    assert store.update_fields(o.article_id, {"date": "", "dyad": "us-turkey"}) == ["date", "dyad"]  # back to the article's own
    assert visible(store)[0]["date"] == "2020-01-01"
    assert store.fingerprint() == compute_fingerprint([(o.article_id, content_hash("US text."))], {}, schema.PIPELINE_VERSION)


@pytest.mark.parametrize(
    ("fld", "value", "message"),
    [
        ("date", "31/10/2021", "yyyy-mm-dd"),
        ("date", "2021-02-30", "yyyy-mm-dd"),
        ("dyad", "china-turkey", "not one of"),
        ("title", "x", "cannot be edited"),
        ("source", "x" * 201, "limit"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(store, fake, fld, value, message):
    (o,) = ingest.import_items(store, items("US text."), origin="upload", analyze=fake)
    before = store.fingerprint()
    with pytest.raises(InvalidEditError, match=message):
        store.set_edit(o.article_id, fld, value)
    assert store.fingerprint() == before
    assert store.edit_history().empty


def test_unknown_article_is_reported(store):
    with pytest.raises(ArticleNotFoundError, match="nope"):
        store.set_edit("nope", "date", "2021-01-01")
    with pytest.raises(ArticleNotFoundError):
        store.remove("nope")


def test_seeds_can_be_hidden_but_not_removed(store, fake, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("US seed one.")
    (folder / "b.txt").write_text("Russia seed two.")
    outs = fill_from_folder(store, folder, analyze=fake)
    assert [o.outcome for o in outs] == ["added", "added"]
    assert fill_from_folder(store, folder, analyze=fake) == []  # first start only
    seed = outs[0].article_id
    with pytest.raises(SeedProtectedError):
        store.remove(seed)
    store.set_hidden(seed)
    assert [a["file"] for a in visible(store)] == ["b.txt"]
    assert store.set_hidden_origin("seed", True) == 1
    assert visible(store) == []
    store.set_hidden_origin("seed", False)
    assert store.counts() == {"total": 2, "visible": 2, "hidden": 0, "seed": 2, "upload": 0, "cli": 0, "full": 2, "triage": 0, "pending": 0}


def test_removing_an_upload_drops_its_edits_and_analysis(store, fake):
    (o,) = ingest.import_items(store, items("US text."), origin="upload", analyze=fake)
    store.set_edit(o.article_id, "dyad", "both")
    store.remove(o.article_id)
    assert store.counts()["total"] == 0
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT COUNT(*) FROM edits").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM a_articles").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM a_sentences").fetchone()[0] == 0
    (again,) = ingest.import_items(store, items("US text."), origin="upload", analyze=fake)
    assert again.outcome == "added"
    with sqlite3.connect(store.path) as con:  # its analysis once, not beside the removed one's
        assert con.execute("SELECT COUNT(*) FROM a_sentences").fetchone()[0] == 1


def test_an_import_of_several_transactions_stores_each_articles_rows_once_in_order(store, fake, monkeypatch):
    """Rows are written one statement per table per transaction, on one connection."""

    monkeypatch.setattr(ingest, "COMMIT_EVERY", 7)
    texts = [f"US and Turkey, report number {i}." for i in range(30)]
    bad = {4: "BOILERPLATE only", 11: "CRASH here"}
    outcomes = ingest.import_items(store, items(*[bad.get(i, t) for i, t in enumerate(texts)]), origin="cli", analyze=fake)
    assert [o.outcome for o in outcomes] == ["rejected" if i in bad else "added" for i in range(30)]
    loaded = store.load()
    stored = [t for i, t in enumerate(texts) if i not in bad]
    assert loaded.tables["sentences"]["text"].tolist() == stored
    assert loaded.tables["articles"]["article_id"].tolist() == [article_id_for(t) for t in stored]
    assert loaded.tables["sentences"]["article_id"].tolist() == [article_id_for(t) for t in stored]


def test_fingerprint_follows_articles_and_edits_only(store, fake):
    empty = store.fingerprint()
    (o,) = ingest.import_items(store, items("US text."), origin="upload", analyze=fake)
    one = store.fingerprint()
    assert one != empty
    store.set_edit(o.article_id, "source", "AP")
    edited = store.fingerprint()
    assert edited != one
    store.set_edit(o.article_id, "source", None)
    assert store.fingerprint() == one  # effective edits, not history
    store.set_hidden(o.article_id)
    assert store.fingerprint() == empty


def test_fingerprint_is_order_independent():
    a = [("1", "h1"), ("2", "h2")]
    assert compute_fingerprint(a, {}, "1") == compute_fingerprint(list(reversed(a)), {}, "1")
    assert compute_fingerprint(a, {}, "1") != compute_fingerprint(a, {}, "2")


def test_listing_shows_hidden_articles_and_edits(store, fake):
    outs = ingest.import_items(store, items("US text.", "Russia text.", title="T"), origin="upload", analyze=fake)
    store.set_hidden(outs[1].article_id)
    store.set_edit(outs[0].article_id, "dyad", "both")
    df = store.listing()
    assert list(df["hidden"]) == [False, True]
    assert list(df["dyad"]) == ["both", "russia-turkey"]
    assert list(df["edited"].fillna("")) == ["dyad", ""]
    assert list(df["title"]) == ["T", "T"]


def test_open_honours_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "x" / "y.sqlite"))
    s = Store.open()
    assert s.path == tmp_path / "x" / "y.sqlite"
    assert not s.is_temporary


def test_another_corpus_folder_gets_its_own_default_store(tmp_path, monkeypatch):
    from lib.corpus.store import CORPUS_DIR_ENV, DEFAULT_DB, SEEDS_DIR, default_db_path

    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.delenv(CORPUS_DIR_ENV, raising=False)
    assert default_db_path() == DEFAULT_DB
    monkeypatch.setenv(CORPUS_DIR_ENV, str(SEEDS_DIR))
    assert default_db_path() == DEFAULT_DB
    monkeypatch.setenv(CORPUS_DIR_ENV, str(tmp_path))
    other = default_db_path()
    assert other != DEFAULT_DB and other.parent == DEFAULT_DB.parent


def test_unwritable_location_falls_back_to_a_temporary_store(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    s = Store.open(blocker / "coverage.sqlite")
    assert s.is_temporary
    assert "cannot be written" in s.fallback_reason
    assert s.path.exists()
    assert s.counts()["total"] == 0


def test_read_only_store_is_copied_into_the_temporary_one(tmp_path, fake, monkeypatch):
    path = tmp_path / "ro.sqlite"
    ingest.import_items(Store(path), items("US text."), origin="upload", analyze=fake)
    original = Store.__post_init__

    def read_only_disk(self):  # root ignores file modes, so simulate the refusal
        if self.path == path:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        original(self)

    monkeypatch.setattr(Store, "__post_init__", read_only_disk)
    s = Store.open(path)
    assert s.is_temporary
    assert s.counts()["total"] == 1


def test_concurrent_writers_and_readers_see_a_consistent_store(tmp_path, fake):
    path = tmp_path / "c.sqlite"
    Store(path)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            s = Store(path)
            ingest.import_items(
                s, [Item(f"w{k}-{i}.txt", text=f"US text {k} {i}.") for i in range(15)], origin="upload", analyze=FakeAnalyze()
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            s = Store(path)
            for _ in range(20):
                arts = s.load().tables["articles"]
                assert arts["article_id"].is_unique
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = Store(path)
    assert s.counts()["total"] == 60
    assert s.integrity_problems() == []


def test_same_text_from_two_sessions_at_once_is_stored_once(tmp_path):
    path = tmp_path / "race.sqlite"
    Store(path)
    barrier = threading.Barrier(4)
    outcomes = []

    def slow_analyze(text, *, file, metadata=None):
        barrier.wait()  # everyone has checked for duplicates before anyone writes
        return FakeAnalyze()(text, file=file, metadata=metadata)

    def go(k):
        outcomes.extend(ingest.import_items(Store(path), [Item(f"s{k}.txt", text="US same.")], origin="upload", analyze=slow_analyze))

    threads = [threading.Thread(target=go, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.outcome for o in outcomes) == ["added", "duplicate", "duplicate", "duplicate"]


_texts = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=60).filter(
    lambda t: t.strip()
)
_meta = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text(min_size=1, max_size=20),
        "source": st.text(min_size=1, max_size=20),
        "date": st.dates().map(lambda d: d.isoformat()),
        "language": st.sampled_from(["en", "ar", "fr"]),
    },
)
_edit = st.tuples(
    st.sampled_from(["date", "source", "dyad"]),
    st.one_of(st.none(), st.sampled_from(schema.DYADS), st.dates().map(lambda d: d.isoformat()), st.text(min_size=1, max_size=15)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.tuples(_texts, _meta), min_size=1, max_size=6), edits=st.lists(st.tuples(st.integers(0, 5), _edit), max_size=8))
def test_round_trip_through_a_restart(tmp_path_factory, batch, edits):
    path = tmp_path_factory.mktemp("rt") / "s.sqlite"
    s = Store(path)
    fake = FakeAnalyze()
    outs = ingest.import_items(s, [Item(f"f{i}.txt", text=t, metadata=m) for i, (t, m) in enumerate(batch)], origin="upload", analyze=fake)
    ids = [o.article_id for o in outs if o.outcome in ("added", "not_analysed")]
    for k, (fld, value) in edits:
        with contextlib.suppress(InvalidEditError):  # random values may be invalid edits
            s.set_edit(ids[k % len(ids)], fld, value)
    before, before_fp = s.load(), s.fingerprint()
    after = Store(path)
    assert after.fingerprint() == before_fp and after.pending() == []  # nothing to re-analyse after the restart
    loaded = after.load()
    for name, df in before.tables.items():
        pd.testing.assert_frame_equal(df, loaded.tables[name])
    pd.testing.assert_frame_equal(before.edits, loaded.edits)
    assert Store(path).listing().equals(s.listing())


def test_seed_folder_must_exist(store, fake, tmp_path):
    from lib.corpus.store import StoreError

    with pytest.raises(StoreError, match="COVERAGE_CORPUS_DIR"):
        fill_from_folder(store, tmp_path / "missing", analyze=fake)


def test_default_store_location_is_git_ignored():
    from lib.corpus.store import DEFAULT_DB

    root = Path(__file__).resolve().parent.parent
    rel = DEFAULT_DB.relative_to(root)
    assert subprocess.run(["git", "check-ignore", "-q", str(rel)], cwd=root, check=False).returncode == 0


def test_data_version_moves_when_another_connection_commits_and_only_then(store, fake):
    v = store.data_version()
    assert store.data_version() == v  # reading does not move it
    other = Store(str(store.path))  # another connection (a CLI import, another session)
    ingest.import_items(other, items("US text."), origin="upload", analyze=fake)
    moved = store.data_version()
    assert moved != v
    Curation(store.path).add("create", "Hakan Fidan", name_en="Hakan Fidan", etype="person")  # a curation edit is a change too
    assert store.data_version() != moved


def test_data_version_of_a_deleted_store_says_so(tmp_path):
    s = Store(tmp_path / "gone.sqlite")
    s.data_version()
    (tmp_path / "gone.sqlite").unlink()
    with pytest.raises(StoreVanishedError):
        s.data_version()
