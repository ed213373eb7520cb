"""The store watcher: articles imported from outside a page run are appended, and Compare made, before the next run."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from lib.corpus import ingest
from lib.corpus.runner import SerialRunner
from lib.corpus.store import Store
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


def test_no_watcher_without_a_running_server():
    """AppTest and plain scripts have no lasting server process: no thread is started."""
    assert watch.start() is None


def test_an_article_imported_elsewhere_is_counted_without_making_compare_in_the_page_run(tmp_path, monkeypatch):
    """What the watcher's thread does when the store changes: the corpus appends the article and
    Compare is made for the filters last used, so the next page run only draws it."""
    from lib.views import compare
    from ui import data

    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    at = run("app.py")
    assert_ok(at)
    assert "US–Turkey** · 2 articles" in texts(at)
    assert data.recent_filters()  # the page's filters are remembered

    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    other = Store(str(db))  # another process's connection to the same file
    (outcome,) = ingest.import_items(
        other, [Item("later.txt", text=seed + "\n\nA later paragraph about Ankara.\n")], origin="cli", runner=SerialRunner()
    )
    assert outcome.outcome == "added"

    assert data.refresh_views() is True
    made_in_page = []
    real = compare.compare_view
    monkeypatch.setattr(compare, "compare_view", lambda *a, **k: made_in_page.append(1) or real(*a, **k))
    at.run()
    assert_ok(at)
    assert "US–Turkey** · 3 articles" in texts(at)
    assert made_in_page == []


def test_nothing_is_made_while_articles_wait_for_analysis(tmp_path, monkeypatch):
    from ui import data

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    assert_ok(run("app.py"))
    monkeypatch.setattr(Store, "pending", lambda self, limit=None: [object()])
    assert data.refresh_views() is False


@pytest.fixture(autouse=True)
def _own_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("COVERAGE_DB", str(tmp_path_factory.getbasetemp() / "watch.sqlite"))
    monkeypatch.delenv("COVERAGE_CORPUS_DIR", raising=False)
