"""The store watcher: articles imported from outside a page run are appended, and Compare made, before the next run."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from pathlib import Path

import pytest

from lib.corpus import ingest
from lib.corpus.runner import SerialRunner
from lib.corpus.store import Store, StoreVanishedError
from lib.text.items import Item
from tests.test_app import assert_ok, run, texts
from ui import watch

ROOT = Path(__file__).resolve().parent.parent


def test_refreshes_once_per_change_and_not_on_the_first_look():
    values = iter([(1, 0), (1, 0), (2, 0), (2, 0), (3, 1)])
    calls = []
    w = watch.Watcher(lambda: next(values), lambda: calls.append(1))
    assert [w.check() for _ in range(5)] == [False, False, True, False, True]
    assert len(calls) == 2


def test_a_failing_look_or_refresh_is_logged_once_and_the_watcher_goes_on(caplog):
    values = [RuntimeError("store gone"), RuntimeError("store gone"), (1, 0), (2, 0), (3, 0)]

    def changed():
        value = values.pop(0)
        if isinstance(value, Exception):
            raise value
        return value

    refreshed = []

    def refresh():
        refreshed.append(1)
        if len(refreshed) == 1:
            raise ValueError("view failed")

    w = watch.Watcher(changed, refresh)
    with caplog.at_level(logging.ERROR, logger="ui.watch"):
        results = [w.check() for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert len(refreshed) == 2  # the failed refresh did not stop the next one
    messages = [r.getMessage() for r in caplog.records]
    assert sum("change counter" in m for m in messages) == 1  # two failures in a row: one message
    assert sum("refreshing the views" in m for m in messages) == 1


def test_the_thread_refreshes_when_the_value_moves_and_stops():
    value = [1]
    refreshed = threading.Event()
    w = watch.Watcher(lambda: value[0], refreshed.set, interval=0.01).start()
    try:
        assert w.running
        assert not refreshed.wait(0.1)  # nothing moved
        value[0] = 2
        assert refreshed.wait(5)
    finally:
        w.stop(timeout=5)
    assert not w.running


def test_a_vanished_store_stops_the_watcher(caplog):
    def changed():
        raise StoreVanishedError("the store at x was deleted or replaced while the app ran")

    w = watch.Watcher(changed, lambda: None)
    with caplog.at_level(logging.WARNING, logger="ui.watch"):
        assert w.check() is False
    assert w.stopped
    assert "stopped watching" in caplog.text


@pytest.mark.parametrize(
    ("raw", "seconds"), [("", watch.WATCH_SECONDS), ("0", 0.0), ("2.5", 2.5), ("-1", 0.0), ("soon", watch.WATCH_SECONDS)]
)
def test_the_interval_comes_from_the_environment(monkeypatch, raw, seconds):
    monkeypatch.setenv(watch.WATCH_ENV, raw)
    assert watch.interval() == seconds


def test_no_watcher_without_a_running_server_or_when_turned_off(monkeypatch):
    from streamlit.runtime import Runtime

    monkeypatch.setattr(Runtime, "_instance", None)
    monkeypatch.setenv(watch.WATCH_ENV, "1")
    assert watch.start() is None  # a plain script: no lasting process
    monkeypatch.setattr(Runtime, "_instance", object())
    monkeypatch.setenv(watch.WATCH_ENV, "0")
    assert watch.start() is None  # turned off (as for the test suite's AppTest runs)


def test_the_server_thread_makes_compare_after_an_import_elsewhere(tmp_path, monkeypatch):
    """The whole path under a server: the thread sees the store's counter move, the corpus
    appends the article and Compare is made, so the next page run only draws it."""
    from ui import data

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    at = run("app.py")
    assert_ok(at)
    refreshed = threading.Event()
    real_refresh = data.refresh_views
    monkeypatch.setattr(data, "refresh_views", lambda: real_refresh() and refreshed.set())
    from streamlit.runtime import Runtime

    monkeypatch.setenv(watch.WATCH_ENV, "0.05")
    monkeypatch.setattr(Runtime, "_instance", object())  # as under a server (AppTest's stand-in lives only during a run)
    w = watch.start()
    monkeypatch.setattr(Runtime, "_instance", None)  # the thread runs on without it
    try:
        assert w is not None and w.running
        _import_elsewhere(db)
        assert refreshed.wait(60)
        _assert_counted_without_making_compare(at, monkeypatch)
    finally:
        if w is not None:
            w.stop(timeout=10)
        watch._watcher.clear()


def _assert_counted_without_making_compare(at, monkeypatch) -> None:
    """The page run shows the third US–Turkey article without making the Compare view itself."""
    from lib.views import compare

    made_in_page = []
    real = compare.compare_view
    monkeypatch.setattr(compare, "compare_view", lambda *a, **k: made_in_page.append(1) or real(*a, **k))
    at.run()
    assert_ok(at)
    assert "US–Turkey** · 3 articles" in texts(at)
    assert made_in_page == []


def _import_elsewhere(db: Path) -> None:
    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    other = Store(str(db))  # another process's connection to the same file
    item = Item("later.txt", text=seed + "\n\nA later paragraph about Ankara.\n")
    (outcome,) = ingest.import_items(other, [item], origin="cli", runner=SerialRunner())
    assert outcome.outcome == "added", outcome


def test_an_article_imported_elsewhere_is_counted_without_making_compare_in_the_page_run(tmp_path, monkeypatch):
    """What the watcher's thread does when the store changes: the corpus appends the article and
    Compare is made for the filters last used, so the next page run only draws it."""
    from ui import data

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    at = run("app.py")
    assert_ok(at)
    assert "US–Turkey** · 2 articles" in texts(at)
    assert data.recent_filters()  # the page's filters are remembered

    _import_elsewhere(db)
    assert data.refresh_views() is True
    _assert_counted_without_making_compare(at, monkeypatch)


def test_what_was_cached_for_the_earlier_corpus_is_let_go_after_an_import(tmp_path, monkeypatch):
    """Each import used to keep one more corpus, its filtered copies and views alive in the caches."""
    from ui import data
    from ui.state import Filters

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    assert_ok(run("app.py"))
    english = Filters(languages=("en",)).key()  # not the page's filters, whose view the page run still holds
    key = data.corpus_key()
    old_subset, old_view = weakref.ref(data._subset(key, english)), weakref.ref(data._compare_view(key, english))
    assert data._compare_view(key, english) is old_view()  # cached while the corpus is the same
    _import_elsewhere(db)
    assert data.corpus_key() != key
    gc.collect()
    assert old_subset() is None
    assert old_view() is None


def test_nothing_is_made_while_articles_wait_for_analysis(tmp_path, monkeypatch):
    from ui import data

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    assert_ok(run("app.py"))
    monkeypatch.setattr(Store, "pending", lambda self, limit=None: [object()])
    assert data.refresh_views() is False


def test_a_page_run_reads_the_store_counters_only_when_the_file_changed(tmp_path, monkeypatch):
    """Every view and chart key names the corpus: reading the counters and the curation each time was
    a dozen SQLite connections per page run."""
    from lib.corpus.curation import Curation
    from ui import data

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    assert_ok(run("app.py"))
    reads = []
    generation = Store.generation
    monkeypatch.setattr(Store, "generation", lambda self: reads.append(1) or generation(self))
    key = data.corpus_key()
    assert [data.corpus_key() for _ in range(5)] == [key] * 5
    assert reads == []  # nothing changed in the file: nothing read again
    _import_elsewhere(db)
    imported = data.corpus_key()
    assert imported != key and reads  # an import elsewhere is seen at once
    assert data.corpus_key() == imported
    Curation(db).add("create", "Hakan Fidan", name_en="Hakan Fidan", etype="person")
    assert data.corpus_key() != imported  # so is a curation edit (another connection's commit)


@pytest.fixture(autouse=True)
def _own_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("COVERAGE_DB", str(tmp_path_factory.getbasetemp() / "watch.sqlite"))
    monkeypatch.delenv("COVERAGE_CORPUS_DIR", raising=False)
