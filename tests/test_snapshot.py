"""The corpus snapshot: a restart reads the same corpus from it, and never a stale or broken one."""

from __future__ import annotations

import pandas as pd
import pyarrow.feather as feather
import pytest

from lib import schema
from lib.corpus import ingest, rollups, snapshot
from lib.corpus.store import Store
from lib.corpus.tables import LiveCorpus
from lib.text.items import Item
from tests.test_store import FakeAnalyze, items

GAZ = schema.empty("entities")
TAX = schema.empty("topics_taxonomy")


def _live(s: Store, **kw) -> LiveCorpus:
    return LiveCorpus(s, gazetteer_table=GAZ, taxonomy_table=TAX, **kw)


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "s.sqlite")
    ingest.import_items(
        s, items("US one talks with Turkey.", "Russia two.", "قالت تركيا إن الولايات المتحدة"), origin="upload", analyze=FakeAnalyze()
    )
    return s


def _same(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=name)
    ta, tb = a.term_counts(), b.term_counts()
    assert list(ta.vocab) == list(tb.vocab) and list(ta.display) == list(tb.display)
    pd.testing.assert_frame_equal(ta.frame(), tb.frame())
    for name in rollups.ARTICLE_SUMMARIES:
        pd.testing.assert_frame_equal(a.article_summary(name), b.article_summary(name), obj=name, check_dtype=False)


def _summaries_as_made(corpus) -> None:
    """The corpus's kept summaries equal those made from its tables now."""
    for name, make in rollups.ARTICLE_SUMMARIES.items():
        pd.testing.assert_frame_equal(corpus.article_summary(name), make(corpus.tables), obj=name, check_dtype=False)


def test_a_restart_reads_the_snapshot_and_gets_the_same_corpus(store):
    first = _live(store)
    corpus = first.current()
    first.wait_for_snapshot()
    assert first.source == "store"
    assert len(list(snapshot.snapshot_dir(store.path).iterdir())) == 1
    again = _live(Store(store.path))
    _same(again.current(), corpus)
    assert again.source == "snapshot"
    assert set(again.current()._made) == set(rollups.ARTICLE_SUMMARIES)  # read with the corpus, not made again


def test_a_write_to_the_store_makes_the_snapshot_unused_then_replaced(store):
    first = _live(store)
    first.current()
    first.wait_for_snapshot()
    aid = first.current().articles["article_id"][0]
    store.set_edit(aid, "source", "AP")
    later = _live(Store(store.path))
    assert later.current().articles.set_index("article_id").loc[aid, "source"] == "AP"
    assert later.source == "store"  # the old snapshot is of another state
    later.wait_for_snapshot()
    assert len(list(snapshot.snapshot_dir(store.path).iterdir())) == 1  # the older one is removed
    third = _live(Store(store.path))
    third.current()
    assert third.source == "snapshot"


def test_appended_articles_are_in_the_next_snapshot(store):
    live = _live(store)
    live.current().term_counts()
    live.wait_for_snapshot()
    ingest.import_items(store, [Item("n.txt", text="US three and Turkey.")], origin="upload", analyze=FakeAnalyze())
    appended = live.current()
    assert live.source == "appended" and len(appended.articles) == 4
    assert {"article_tone", "article_mentions"} <= set(appended._made)  # appended, not made again
    _summaries_as_made(appended)
    live.wait_for_snapshot()
    restarted = _live(Store(store.path))
    _same(restarted.current(), appended)
    assert restarted.source == "snapshot"


@pytest.mark.parametrize("damage", ["truncate", "manifest", "missing"])
def test_a_damaged_snapshot_is_ignored(store, damage):
    first = _live(store)
    corpus = first.current()
    first.wait_for_snapshot()
    (folder,) = snapshot.snapshot_dir(store.path).iterdir()
    if damage == "truncate":
        f = folder / "sentences.arrow"
        f.write_bytes(f.read_bytes()[:50])
    elif damage == "manifest":
        (folder / snapshot.MANIFEST).write_text("{not json")
    else:
        (folder / "mentions.arrow").unlink()
    again = _live(Store(store.path))
    _same(again.current(), corpus)
    assert again.source == "store"


def test_no_snapshot_when_switched_off_or_for_a_temporary_store(store, tmp_path):
    off = _live(store, snapshots=False)
    off.current()
    off.wait_for_snapshot()
    assert not snapshot.snapshot_dir(store.path).exists()
    blocked = tmp_path / "ro"
    blocked.write_text("not a folder")  # the store's parent is a file: the app falls back to a temporary store
    tmp = Store.open(blocked / "x.sqlite")
    assert tmp.is_temporary
    live = _live(tmp)
    live.current()
    live.wait_for_snapshot()
    assert not snapshot.snapshot_dir(tmp.path).exists()


def test_a_snapshot_is_never_read_for_another_store(store, tmp_path):
    first = _live(store)
    first.current()
    first.wait_for_snapshot()
    other = Store(tmp_path / "other.sqlite")
    ingest.import_items(other, items("Russia only."), origin="upload", analyze=FakeAnalyze())
    # Our snapshot moved beside the other store, whose counters are the same: its id differs, so no key matches.
    assert other.generation() == store.generation()
    (folder,) = snapshot.snapshot_dir(store.path).iterdir()
    snapshot.snapshot_dir(other.path).mkdir()
    folder.rename(snapshot.snapshot_dir(other.path) / folder.name)
    live = _live(other)
    assert len(live.current().articles) == 1 and live.source == "store"


def test_a_snapshot_summary_of_other_columns_is_made_again(store):
    first = _live(store)
    corpus = first.current()
    first.wait_for_snapshot()
    folder = next(snapshot.snapshot_dir(store.path).iterdir())
    old = feather.read_table(folder / "article_tone.arrow").to_pandas().rename(columns={"n_scored": "scored"})
    feather.write_feather(old, folder / "article_tone.arrow")
    again = _live(Store(store.path))
    restarted = again.current()
    assert again.source == "snapshot" and "article_tone" not in restarted._made
    pd.testing.assert_frame_equal(restarted.article_summary("article_tone"), corpus.article_summary("article_tone"), check_dtype=False)


def _snapshots(store: Store) -> list:
    d = snapshot.snapshot_dir(store.path)
    return list(d.iterdir()) if d.is_dir() else []


def test_the_snapshot_waits_so_the_page_runs_after_a_start_or_an_import_go_first(store):
    """The writer shares the interpreter with the page runs: it starts only after the delay,
    a newer corpus's snapshot replaces one still waiting, and ``wait_for_snapshot`` writes it at once."""
    import time

    live = _live(store)
    live.snapshot_delay = 3600.0
    live.current()
    time.sleep(0.5)
    assert _snapshots(store) == []  # not yet: pages draw first
    ingest.import_items(store, items("Russia and Turkey met again."), origin="upload", analyze=FakeAnalyze())
    grown = live.current()
    assert live.source == "appended"
    live.wait_for_snapshot()
    assert len(_snapshots(store)) == 1  # the grown corpus's, written now; the first was never written
    again = _live(Store(store.path))
    _same(again.current(), grown)
    assert again.source == "snapshot"


def test_a_short_delay_writes_the_snapshot_by_itself(store):
    import time

    live = _live(store)
    live.snapshot_delay = 0.1
    live.current()
    deadline = time.monotonic() + 60
    while not any((d / snapshot.MANIFEST).is_file() for d in _snapshots(store)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any((d / snapshot.MANIFEST).is_file() for d in _snapshots(store))


def test_a_start_after_an_import_reads_the_earlier_snapshot_and_appends_only_the_new_articles(store, monkeypatch):
    first = _live(store)
    first.current().term_counts()
    first.wait_for_snapshot()  # a dashboard ran, then stopped
    ingest.import_items(store, [Item("n.txt", text="US three and Turkey.")], origin="cli", analyze=FakeAnalyze())
    loads = []
    real = Store.load
    monkeypatch.setattr(Store, "load", lambda self, **kw: loads.append(kw) or real(self, **kw))
    started = _live(Store(store.path))
    corpus = started.current()
    assert started.source == "appended" and len(corpus.articles) == 4
    assert loads and all(kw.get("since_seq") for kw in loads)  # only the new article's rows were read from the store
    monkeypatch.setattr(Store, "load", real)
    read = _live(Store(store.path), snapshots=False)
    _same(corpus, read.current())  # the same corpus as reading the whole store
    _summaries_as_made(corpus)
    started.wait_for_snapshot()
    third = _live(Store(store.path))
    third.current()
    assert third.source == "snapshot"  # the new state's own snapshot, written after the append


def test_an_earlier_snapshot_is_not_used_after_an_edit(store):
    first = _live(store)
    first.current()
    first.wait_for_snapshot()
    aid = first.current().articles["article_id"][0]
    store.set_edit(aid, "source", "AP")  # not an append: the layout changes
    ingest.import_items(store, [Item("n.txt", text="US three and Turkey.")], origin="cli", analyze=FakeAnalyze())
    later = _live(Store(store.path))
    corpus = later.current()
    assert later.source == "store"
    assert corpus.articles.set_index("article_id").loc[aid, "source"] == "AP" and len(corpus.articles) == 4
