"""Benchmark the dashboard as a user meets it: in Chromium, against the real server.

Two parts (both by default):

``--seeds`` — the first view. On a store that already holds the seeds'
analysis (the usual restart, or the Cloud app waking up), seconds from the
page request to the findings drawn, for a first and a second browser
session, against a one-line Streamlit app started in the same run; and the
server's resident memory after both sessions (before any analysis is asked
for, so no language model is loaded).

``--size N`` — a large corpus. A store of N relevant articles (US–Turkey,
Russia–Turkey or both), made from the real relevant articles of the stores
filled by ``scripts/bench_import.py`` (``--from-store``, repeatable; both
bench corpora together hold under a thousand), replicated with distinct
text to reach N. Prints the server-side re-render after a filter change
(one script run of ``app.py``, Streamlit's ``AppTest``); the cold start
(``streamlit run`` → Compare drawn in Chromium) twice: the first start on
the store, which reads its tables, and a restart, which reads the corpus
snapshot the first wrote (``lib.corpus.snapshot``; ``python -m lib import``
writes the same snapshot at its end, timed here too, so a start after an
import is a restart); the seconds from one
more article's import (by another process, as ``python -m lib import``
does it) to Compare counting it, reloading at once, and for another, the
reload's own time when it comes RELOAD_AFTER_S seconds after the import
(the server's store watcher, ``ui/watch.py``, has made Compare by then);
and the server's resident memory.

Usage::

    .venv/bin/python scripts/bench_app.py --seeds
    .venv/bin/python scripts/bench_app.py --size 10000   # from the stores bench_import.py leaves in /tmp
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import schema  # noqa: E402
from lib.cli import prepare_dashboard  # noqa: E402
from lib.corpus import snapshot  # noqa: E402
from lib.corpus.ingest import fill_from_folder  # noqa: E402
from lib.corpus.store import Store  # noqa: E402
from tests.appserver import free_port, launch_chromium, start_app, stop_app  # noqa: E402

FINDINGS = "text=The filtered corpus has"
_COUNT_RE = re.compile(r"The filtered corpus has ([\d,]+) articles? on US–Turkey")


def rss_mb(proc: subprocess.Popen) -> float:
    p = psutil.Process(proc.pid)
    return sum(q.memory_info().rss for q in [p, *p.children(recursive=True)]) / 2**20


def timed_visit(browser, url: str, selector: str, timeout: float = 600) -> float:
    """Seconds from a new session's page request to ``selector`` visible."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    t = time.monotonic()
    page.goto(url)
    page.wait_for_selector(selector, timeout=timeout * 1000)
    took = time.monotonic() - t
    ctx.close()
    return took


def start_oneline(tmp: Path) -> tuple[subprocess.Popen, str]:
    script = tmp / "oneline.py"
    script.write_text('import streamlit as st\n\nst.write("hello from a one-line app")\n')
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port", str(port)]
    cmd += ["--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the one-line app did not start")


def bench_seeds(tmp: Path, repeat: int = 1) -> None:
    """The first and second session, ``repeat`` times (fresh servers each time); prints each run and the medians."""
    from lib.corpus.runner import SerialRunner

    db = tmp / "seeds.sqlite"
    s = Store(db)
    fill_from_folder(s, ROOT / "seeds", runner=SerialRunner())  # the analysis is stored before the server starts
    print(f"seed store ready: {s.counts()['total']} articles, {len(s.pending())} pending")
    runs = []
    for i in range(repeat):
        o1, a1, o2, a2, mem, loaded = _seed_sessions(tmp, db)
        runs.append((a1 / o1, a2 / o2))
        print(
            f"run {i + 1}: first session {a1:.2f} s vs one-line app {o1:.2f} s ({a1 / o1:.1f}×); second {a2:.2f} s vs {o2:.2f} s ({a2 / o2:.1f}×)"
        )
    first, second = (statistics.median(r[k] for r in runs) for k in (0, 1))
    print(f"first session:  request → findings {a1:.2f} s; one-line app {o1:.2f} s ({a1 / o1:.1f}×); median of {repeat} runs {first:.1f}×")
    print(f"second session: request → findings {a2:.2f} s; one-line app {o2:.2f} s ({a2 / o2:.1f}×); median of {repeat} runs {second:.1f}×")
    print(f"server memory after two sessions: {mem:.0f} MB (language models loaded: {'yes' if loaded else 'no'})")


def _seed_sessions(tmp: Path, db: Path) -> tuple[float, float, float, float, float, bool]:
    """(one-line app first, app first, one-line second, app second, app memory MB, models loaded) on fresh servers."""
    from playwright.sync_api import sync_playwright

    one, one_url = start_oneline(tmp)
    app, app_url = start_app(ROOT / "seeds", db, tmp / "app.log")
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            o1 = timed_visit(browser, one_url, "text=hello from a one-line app")
            a1 = timed_visit(browser, app_url, FINDINGS)
            o2 = timed_visit(browser, one_url, "text=hello from a one-line app")
            a2 = timed_visit(browser, app_url, FINDINGS)
            browser.close()
        mem = rss_mb(app)
        loaded = "spacy" in (tmp / "app.log").read_text().lower()
    finally:
        stop_app(app)
        stop_app(one)
    return o1, a1, o2, a2, mem, loaded


# --- a large store ------------------------------------------------------------------------------


def replicate_store(sources: list[Path], dst: Path, n: int) -> int:
    """Copy the relevant articles (and their analysis) of the stores ``sources`` into a
    new store at ``dst``, repeated with distinct text (a numbered line appended) until
    there are ``n``. Returns how many real articles there were to copy."""
    Store(dst)  # a fresh store of the current layout
    con = sqlite3.connect(dst)
    v = schema.PIPELINE_VERSION
    rel = ", ".join(f"'{d}'" for d in schema.RELEVANT_DYADS)
    cols = {name: [r[1] for r in con.execute(f"PRAGMA main.table_info(a_{name})")] for name in schema.PER_ARTICLE_TABLES}
    pools = []
    for i, src in enumerate(sources):
        con.execute(f"ATTACH DATABASE ? AS src{i}", (str(src),))
        ids = [r[0] for r in con.execute(f"SELECT article_id FROM src{i}.a_articles WHERE pipeline_version = ? AND dyad IN ({rel})", (v,))]
        if ids:
            pools.append((f"src{i}", ids))
    if not pools:
        raise SystemExit(f"{', '.join(map(str, sources))}: no relevant article analysed by pipeline {v}: run scripts/bench_import.py first")
    con.execute("CREATE TEMP TABLE pick (article_id TEXT PRIMARY KEY)")
    made, k = 0, 0
    while made < n:
        for db, ids in pools:
            take = min(len(ids), n - made)
            if take <= 0:
                break
            con.execute("DELETE FROM pick")
            con.executemany("INSERT INTO pick VALUES (?)", [(i,) for i in ids[:take]])
            suffix = f"-r{k}"
            con.execute(
                "INSERT INTO main.articles (article_id, identity, content_hash, text, file, origin, metadata, added_at, hidden, status, error)"
                " SELECT a.article_id || ?, a.article_id || ?, a.content_hash || ?, a.text || ?, a.file || ?, 'cli', a.metadata, a.added_at, 0,"
                f" a.status, a.error FROM {db}.articles a JOIN pick USING (article_id)",
                (suffix, suffix, suffix, f"\n\n(copy {k})", suffix),
            )
            for name, cs in cols.items():
                sel = ", ".join(
                    "t.article_id || ?" if c == "article_id" else "t.text || ?" if (name == "articles" and c == "text") else f't."{c}"'
                    for c in cs
                )
                params = [suffix] + ([f"\n\n(copy {k})"] if name == "articles" else [])
                names = ", ".join(f'"{c}"' for c in cs)
                con.execute(
                    f"INSERT INTO main.a_{name} ({names}) SELECT {sel}"
                    f" FROM {db}.a_{name} t JOIN pick USING (article_id) WHERE t.pipeline_version = ?",
                    (*params, v),
                )
            made += take
        k += 1
    con.execute("INSERT OR REPLACE INTO main.meta VALUES ('seeded_at', 'bench')")
    con.execute("UPDATE main.meta SET value = CAST(value AS INTEGER) + 1 WHERE key IN ('generation', 'layout')")
    con.commit()
    con.close()
    return sum(len(ids) for _, ids in pools)


def findings_count(page) -> int | None:
    m = _COUNT_RE.search(page.inner_text('[data-testid="stMain"]'))
    return int(m.group(1).replace(",", "")) if m else None


def server_rerender(db: Path) -> tuple[float, float, float, list[float]]:
    """(first run, after a language filter change, after changing back, after each of FILTER_CHANGES
    new source filters), server side, seconds."""
    from streamlit.testing.v1 import AppTest

    os.environ["COVERAGE_DB"] = str(db)
    os.environ["COVERAGE_WATCH_SECONDS"] = "0"  # no store watcher in this process: the servers started below have theirs
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
    t = time.perf_counter()
    at.run()
    if "_due.compare" in at.session_state:  # the first draw sent the text only; the browser's timer draws the rest
        at.run()
    first = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    lang = at.sidebar.multiselect[0]
    everything = list(lang.value)
    t = time.perf_counter()
    lang.set_value(everything[:1]).run()
    changed = time.perf_counter() - t
    t = time.perf_counter()
    at.sidebar.multiselect[0].set_value(everything).run()
    back = time.perf_counter() - t
    from ui import data

    # This process writes the corpus snapshot 20 s after loading it: written now, it is removed
    # before the first start below, which must read the store (not a snapshot written meanwhile).
    data._live(str(data.get_store().path)).wait_for_snapshot()
    return first, changed, back, new_filter_changes(at, FILTER_CHANGES)


#: New filter combinations timed after the language change (one change is within this machine's noise).
FILTER_CHANGES = 8


def new_filter_changes(at, n: int) -> list[float]:
    """Seconds of ``n`` script runs, each after a source filter this process has not seen (two
    sources dropped, a different pair each time), after the corpus snapshot is written."""
    labels = [w.label for w in at.sidebar.multiselect]
    if "Source" not in labels:
        return []
    options = list(at.sidebar.multiselect[labels.index("Source")].options)
    pairs = [(a, b) for a in range(len(options)) for b in range(a + 1, len(options))]
    out = []
    for i in range(min(n, len(pairs))):
        drop = pairs[i * 7 % len(pairs)]  # spread over the sources, never the same pair twice
        keep = [o for j, o in enumerate(options) if j not in drop]
        t = time.perf_counter()
        at.sidebar.multiselect[labels.index("Source")].set_value(keep).run()
        out.append(time.perf_counter() - t)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return out


NEW_ARTICLE = (
    "Erdogan and Biden discuss F-35s\n\nTurkish President Recep Tayyip Erdogan told US President Joe Biden on {day} that Ankara "
    "still wanted the F-35 fighter jets it had paid for, and the two leaders agreed that their ministers would meet in Washington soon. "
    "The White House said the talks were constructive. Benchmark marker {marker}."
)


def _cold_start(browser, db: Path, tmp: Path, label: str):
    """Start the server on ``db``; seconds from ``streamlit run`` to Compare drawn in Chromium."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    t0 = time.monotonic()
    app, url = start_app(ROOT / "seeds", db, tmp / f"app-{label}.log")
    page.goto(url)
    page.wait_for_selector(FINDINGS, timeout=600_000)
    cold = time.monotonic() - t0
    return app, page, cold


def _wait_for_snapshot(db: Path, timeout: float = 120) -> bool:
    """Wait until the server has written the corpus snapshot beside ``db``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any((d / snapshot.MANIFEST).is_file() for d in snapshot.snapshot_dir(db).glob("*")):
            return True
        time.sleep(0.5)
    return False


#: Seconds an analyst takes to switch from the terminal that imported to the browser, in the second import measure.
RELOAD_AFTER_S = 3.0
IMPORT_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]);"
    "from lib.corpus.store import Store; from lib.corpus import ingest; from lib.corpus.runner import SerialRunner; from lib.text.items import Item;"
    "s = Store(sys.argv[2]); (o,) = ingest.import_items(s, [Item('new.txt', text=sys.argv[3])], origin='cli', runner=SerialRunner());"
    "print(o.outcome, o.dyad)"
)


def _import_and_count(page, db: Path, day: str, before: int | None, *, wait: float) -> float | None:
    """Import one article by another process, wait ``wait`` s, then reload Compare until it counts
    the article; seconds from the import's end to the count shown (None: not within 120 s)."""
    text = NEW_ARTICLE.format(day=day, marker=time.time())
    out = subprocess.run([sys.executable, "-c", IMPORT_CODE, str(ROOT), str(db), text], capture_output=True, text=True, check=True)
    imported = time.monotonic()
    print(f"imported by another process: {out.stdout.strip()}")
    time.sleep(wait)
    while time.monotonic() - imported < 120:
        page.reload()
        page.wait_for_selector(FINDINGS, timeout=120_000)
        if (findings_count(page) or 0) > (before or 0):
            return time.monotonic() - imported
    return None


def bench_size(tmp: Path, n: int, sources: list[Path]) -> None:
    from playwright.sync_api import sync_playwright

    db = tmp / f"store-{n}.sqlite"
    t = time.perf_counter()
    base = replicate_store(sources, db, n)
    print(
        f"store of {n:,} relevant articles made from {base:,} real ones in {time.perf_counter() - t:.0f} s ({db.stat().st_size / 2**20:.0f} MB)"
    )
    first, changed, back, more = server_rerender(db)
    print(f"server run of Compare: first {first:.2f} s; after a filter change {changed:.2f} s; after changing it back {back:.2f} s")
    if more:
        print(f"after {len(more)} new source filters: median {statistics.median(more):.2f} s (each: {', '.join(f'{x:.2f}' for x in more)})")
    shutil.rmtree(snapshot.snapshot_dir(db), ignore_errors=True)  # the next start reads the store itself
    t = time.perf_counter()
    prepare_dashboard(Store(db))  # what `python -m lib import` does at its end
    print(f"the corpus snapshot an import prepares for the dashboard, written in {time.perf_counter() - t:.1f} s")
    shutil.rmtree(snapshot.snapshot_dir(db), ignore_errors=True)  # removed again: the first start below reads the store
    with sync_playwright() as p:
        browser = launch_chromium(p)
        app, page, cold = _cold_start(browser, db, tmp, "first")
        print(f"first start on the store (no snapshot): streamlit run → Compare drawn {cold:.1f} s")
        written = _wait_for_snapshot(db)
        stop_app(app)
        if not written:
            print("the server wrote no corpus snapshot in 120 s")
        app, page, cold = _cold_start(browser, db, tmp, "restart")
        try:
            before = findings_count(page)
            print(f"restart (corpus snapshot): streamlit run → Compare drawn {cold:.1f} s ({before:,} US–Turkey articles counted)")
            seen = _import_and_count(page, db, "Monday", before, wait=0.0)
            print(
                f"one imported article counted on Compare {seen:.2f} s after its import (reloading at once)"
                if seen
                else "the import was not counted in 120 s"
            )
            before = findings_count(page)
            seen = _import_and_count(page, db, "Tuesday", before, wait=RELOAD_AFTER_S)
            print(
                f"another, the page reloaded {RELOAD_AFTER_S:.0f} s after its import (the server's store watcher has made Compare): "
                f"counted {seen - RELOAD_AFTER_S:.2f} s after the reload"
                if seen
                else "the import was not counted in 120 s"
            )
            print(f"server memory: {rss_mb(app):.0f} MB")
        finally:
            stop_app(app)
            browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", action="store_true", help="first and second session on the seed store, against a one-line app")
    ap.add_argument("--size", type=int, default=None, help="a store of this many relevant articles")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the first and second session (fresh servers each), medians printed")
    bench_dir = Path(tempfile.gettempdir()) / "coverage-bench-import"
    ap.add_argument(
        "--from-store",
        type=Path,
        action="append",
        help="a store filled by scripts/bench_import.py (repeat for several; default: both bench stores it leaves)",
    )
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    try:
        if args.seeds or args.size is None:
            bench_seeds(tmp, repeat=args.repeat)
        if args.size:
            sources = args.from_store or [p for p in (bench_dir / "ar-2.sqlite", bench_dir / "en-2.sqlite") if p.is_file()]
            bench_size(tmp, args.size, sources)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
