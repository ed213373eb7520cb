"""Benchmark the dashboard: cold start in Chromium, and server-side re-render after a filter change.

Usage: python scripts/bench_app.py [--sizes 5,1000,10000] [--full-max 1000] [--timeout 900]

For each corpus size:

* ``5`` is the seed corpus; larger sizes are synthetic articles made by
  recombining seed sentences (same language, same dyad as the seed they come
  from) with the people in them varied (Erdogan/Cavusoglu/Akar, Putin/
  Lavrov/Peskov, Biden/Blinken/Austin), a date in 2019–2023 and one of six
  sources, written to a temporary folder.
* **cold start** (sizes up to ``--full-max``): seconds from ``streamlit run``
  (fresh store, so every article is analysed) to the Compare page fully
  rendered in Chromium (script finished, every visible chart drawn).
* **re-render**: server-side seconds of one script run of ``app.py`` on the
  Compare page (Streamlit's ``AppTest`` runs it in-process, so this is the
  server's share of a rerun, without the browser's drawing), after the
  language filter changes to English (filtered views not cached yet), and
  after it changes back (cached).

Above ``--full-max`` articles the full analysis would take too long for a
benchmark run, so only the aggregation and render layer is timed: the
analysed tables of the largest fully-analysed corpus are replicated to the
size wanted (new article ids, same text), handed to the app in place of the
store, and the same re-render timings are taken. The output says which
numbers are which.

(*) The re-render timings hand the app its tables directly. In the app the
corpus comes from ``ui.data.get_corpus()``, an ``st.cache_data`` entry that
is unpickled (copied) on every run: that extra cost per run is printed on
its own line, measured as a pickle round trip of the same tables.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.appserver import launch_chromium, start_app, stop_app  # noqa: E402

SOURCES = ["Reuters", "AP", "Al Jazeera", "Anadolu", "TASS", "Asharq Al-Awsat"]
#: Name swaps that vary who is in a synthetic article (English; Arabic forms alike).
SWAPS = {
    "Erdogan": ["Erdogan", "Cavusoglu", "Akar"],
    "Putin": ["Putin", "Lavrov", "Peskov"],
    "Biden": ["Biden", "Blinken", "Austin"],
    "أردوغان": ["أردوغان", "جاويش أوغلو", "أكار"],
    "بوتين": ["بوتين", "لافروف", "بيسكوف"],
    "بايدن": ["بايدن", "بلينكن", "أوستن"],
}
SENTENCES_PER_ARTICLE = (8, 20)
#: Settled = nothing changed on the page for this long, with no script running.
SETTLE_S = 1.0


# --- synthetic corpora -------------------------------------------------------------------------


def seed_sentences() -> list[tuple[str, str, list[str]]]:
    """(language, dyad, body sentences) per analysed seed article."""
    from lib.corpus.tables import analyze_seeds

    c = analyze_seeds()
    out = []
    for a in c.articles.itertuples(index=False):
        s = c["sentences"][c["sentences"]["article_id"] == a.article_id].sort_values("sentence_id")
        texts = [str(t) for t in s["text"] if len(str(t)) > 30]
        out.append((str(a.language), str(a.dyad), texts))
    return out


def make_corpus(n: int, folder: Path, seeds: list[tuple[str, str, list[str]]], *, seed: int = 0) -> None:
    rng = random.Random(seed)
    pattern = re.compile("|".join(map(re.escape, SWAPS)))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        _lang, _dyad, texts = seeds[i % len(seeds)]
        k = rng.randint(*SENTENCES_PER_ARTICLE)
        body = [pattern.sub(lambda m: rng.choice(SWAPS[m.group()]), rng.choice(texts)) for _ in range(k)]
        date = f"{rng.randint(2019, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        header = f"date {date}\nsource {rng.choice(SOURCES)}\n\n"
        paras = [" ".join(body[j : j + 4]) for j in range(0, len(body), 4)]
        (folder / f"{i:05d}_synthetic.txt").write_text(header + "\n\n".join(paras) + "\n", encoding="utf-8")


# --- cold start in Chromium --------------------------------------------------------------------


def settle(page, timeout: float) -> None:
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(
            """() => {
                const w = document.querySelector('[data-testid="stStatusWidget"]');
                const running = w !== null && /running|connecting/i.test(w.innerText);
                const shown = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(el => el.checkVisibility());
                const drawn = shown.filter(el => el.querySelector('canvas, svg.marks')).length;
                return [running, shown.length, drawn, document.querySelector('[data-testid="stMain"]').innerText.length];
            }"""
        )
        if state != last:
            last, since = state, time.monotonic()
        elif not state[0] and state[1] > 0 and state[2] >= state[1] and time.monotonic() - since >= SETTLE_S:
            return
        time.sleep(0.1)
    raise TimeoutError(f"Compare did not finish rendering in {timeout} s ({last})")


def cold_start(corpus_dir: Path, timeout: float) -> float:
    """Seconds from `streamlit run` to Compare fully rendered (minus the settle wait)."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        t0 = time.monotonic()
        proc, url = start_app(corpus_dir, tmp / "store.sqlite", tmp / "streamlit.log", timeout=timeout)
        try:
            page.goto(url)
            settle(page, timeout - (time.monotonic() - t0))
            return time.monotonic() - t0 - SETTLE_S
        finally:
            stop_app(proc)
            browser.close()
            shutil.rmtree(tmp, ignore_errors=True)


# --- server-side re-render ----------------------------------------------------------------------


def rerender_times(tables: dict | None, corpus_dir: Path | None) -> tuple[float, float, float]:
    """(first run, after a filter change, after changing it back) in seconds, server side."""
    from streamlit.testing.v1 import AppTest

    import ui.data as data

    saved = {name: getattr(data, name) for name in ("_tables", "corpus_key", "corpus_fingerprint", "store_notice")}
    store_tmp = Path(tempfile.mkdtemp(prefix="bench-apptest-"))
    os.environ["COVERAGE_DB"] = str(store_tmp / "store.sqlite")
    if tables is not None:  # pre-built tables stand in for the store, which is never opened
        key = f"bench-{len(tables['articles'])}-{time.time()}"
        data._tables = lambda _key: tables
        data.corpus_key = lambda: key
        data.corpus_fingerprint = lambda: key
        data.store_notice = lambda: None
    elif corpus_dir is not None:
        os.environ["COVERAGE_CORPUS_DIR"] = str(corpus_dir)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
        t = time.perf_counter()
        at.run()
        first = time.perf_counter() - t
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        lang = at.sidebar.multiselect[0]
        everything = list(lang.value)
        t = time.perf_counter()
        lang.set_value(["en"]).run()
        changed = time.perf_counter() - t
        t = time.perf_counter()
        at.sidebar.multiselect[0].set_value(everything).run()
        back = time.perf_counter() - t
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        return first, changed, back
    finally:
        for name, fn in saved.items():
            setattr(data, name, fn)
        shutil.rmtree(store_tmp, ignore_errors=True)


def analysed_tables(corpus_dir: Path) -> dict:
    from lib.analysis.pipeline import load_resources
    from lib.corpus.tables import analyze_paths

    return analyze_paths([corpus_dir], resources=load_resources()).tables


def replicate(tables: dict, n: int) -> dict:
    """Tables of ``n`` articles: copies of ``tables``' articles under new ids."""
    import pandas as pd

    base = tables["articles"]
    copies = -(-n // len(base))
    out = {}
    for name, df in tables.items():
        if "article_id" not in df.columns:
            out[name] = df
            continue
        parts = []
        for k in range(copies):
            part = df.copy()
            part["article_id"] = part["article_id"] + f"-{k}"
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True)
    keep = set(out["articles"]["article_id"].iloc[:n])
    return {
        name: (df[df["article_id"].isin(keep)].reset_index(drop=True) if "article_id" in df.columns else df) for name, df in out.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,1000,10000", help="corpus sizes; 5 = the seeds")
    parser.add_argument("--full-max", type=int, default=1000, help="largest corpus analysed in full (cold start timed)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one cold start")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'articles':>9}  {'what':<58} {'seconds':>8}", flush=True)
    seeds = None
    largest: dict | None = None
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        for n in sizes:
            if n <= 5:
                folder = ROOT / "seeds"
            else:
                seeds = seeds or seed_sentences()
                folder = Path(tmp) / f"corpus-{n}"
                make_corpus(n, folder, seeds)
            if n <= args.full_max:
                try:
                    s = cold_start(folder, args.timeout)
                    print(f"{n:>9}  {'cold start: streamlit run → Compare drawn in Chromium':<58} {s:>8.1f}", flush=True)
                except (TimeoutError, RuntimeError) as exc:
                    print(f"{n:>9}  {'cold start: not measured (' + str(exc)[:40] + ')':<58} {'–':>8}", flush=True)
                t = time.perf_counter()
                tables = analysed_tables(folder)
                print(f"{n:>9}  {'full analysis of the corpus (pipeline, in-process)':<58} {time.perf_counter() - t:>8.1f}", flush=True)
                largest = tables
                label = "analysed"
            else:
                tables = replicate(largest, n)
                label = f"pre-built: {len(largest['articles'])} analysed articles replicated"
                print(f"{n:>9}  {'full analysis skipped (' + label + ')':<58} {'–':>8}", flush=True)
            t = time.perf_counter()
            pickle.loads(pickle.dumps(tables))
            copy_s = time.perf_counter() - t
            first, changed, back = rerender_times(tables, folder)
            print(f"{n:>9}  {'server run of Compare, first (' + label[:20] + ')':<58} {first:>8.2f}", flush=True)
            print(f"{n:>9}  {'server re-render after a filter change (not cached)':<58} {changed:>8.2f}", flush=True)
            print(f"{n:>9}  {'server re-render after changing it back (cached)':<58} {back:>8.2f}", flush=True)
            print(f"{n:>9}  {'+ copy of the corpus tables per run (st.cache_data, *)':<58} {copy_s:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
