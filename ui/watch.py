"""Keep a running dashboard's corpus current between page runs.

Articles reach the store from outside a page run too: ``python -m lib import``
in a terminal while the dashboard runs, a second server on the same store,
another session's upload, a curation edit on the Names page. Each is a commit
to the store's file, which moves ``Store.data_version`` (SQLite's count of
other connections' commits, the same check the page runs make). Without help,
the next page run would append those articles and make its views again while
the analyst waits (about 1.5 s at 10,000 articles).

``start()`` (called by ``app.py`` under a running server) starts one daemon
thread per server process that reads that number every ``WATCH_SECONDS`` (a few
microseconds). When it moves, the thread calls ``data.refresh_views``:
the corpus appends the new articles and the Compare view of the filters
sessions used last is made again, so a reload finds it made. A failure is
logged and the thread goes on: it only saves the page runs work.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable

import streamlit as st
from streamlit import runtime

from lib.corpus.store import StoreVanishedError
from ui import data

log = logging.getLogger(__name__)

#: Seconds between two looks at the store's change counter.
WATCH_SECONDS = 1.0
#: Environment variable overriding WATCH_SECONDS; 0 turns the watcher off (the test suite does, as
#: its many short-lived stores need no watching).
WATCH_ENV = "COVERAGE_WATCH_SECONDS"
_NOTHING = object()  # before the first look


class Watcher:
    """Calls ``refresh()`` whenever ``changed()`` returns something new (looked at every ``interval`` seconds).

    The first value seen is the starting point, not a change. An exception in
    either function is logged, and the watcher goes on.
    """

    def __init__(self, changed: Callable[[], Hashable], refresh: Callable[[], object], *, interval: float = WATCH_SECONDS) -> None:
        self._changed = changed
        self._refresh = refresh
        self.interval = interval
        self._seen: object = _NOTHING
        self._failing = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """One look: refresh if the value moved since the last look. Returns whether it refreshed.
        A store deleted or replaced stops the watcher: the next page run opens the new one and
        watches that."""
        try:
            now = self._changed()
        except StoreVanishedError as exc:
            log.warning("stopped watching: %s", exc)
            self._stop.set()
            return False
        except Exception:
            if not self._failing:  # once per run of failures, not every second
                log.exception("could not read the store's change counter; will look again")
            self._failing = True
            return False
        self._failing = False
        before, self._seen = self._seen, now
        if before is _NOTHING or now == before:
            return False
        try:
            self._refresh()
        except Exception:
            log.exception("refreshing the views after a store change failed; the next page run makes them")
        return True

    def start(self) -> Watcher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="corpus-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        self.check()  # the starting point
        while not self._stop.wait(self.interval):
            self.check()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()


def interval() -> float:
    """Seconds between two looks (``$COVERAGE_WATCH_SECONDS``, else WATCH_SECONDS); 0: no watching."""
    raw = os.environ.get(WATCH_ENV, "").strip()
    if not raw:
        return WATCH_SECONDS
    try:
        return max(float(raw), 0.0)
    except ValueError:
        log.warning("%s=%r is not a number of seconds; watching every %s s", WATCH_ENV, raw, WATCH_SECONDS)
        return WATCH_SECONDS


@st.cache_resource(show_spinner=False)
def _watcher(path: str, seconds: float) -> Watcher:
    return Watcher(data.get_store().data_version, data.refresh_views, interval=seconds).start()


def start() -> Watcher | None:
    """Watch the store this server shows: one thread per server process and store, started on the
    first page run. None under no running server (a plain script has no lasting process to keep
    current) or with ``$COVERAGE_WATCH_SECONDS`` 0."""
    seconds = interval()
    if seconds <= 0 or not runtime.exists():
        return None
    path = str(data.get_store().path)
    watcher = _watcher(path, seconds)
    if watcher.stopped:  # its store vanished: watch the one now at that path
        _watcher.clear(path, seconds)
        watcher = _watcher(path, seconds)
    return watcher
