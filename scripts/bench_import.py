"""Bulk import benchmark: a real news feed into a fresh store, as ``python -m lib import`` does it.

Reads the bench corpora in ``../shared/bench/`` (never copied into the
project; see its README): 24,833 English Daily Mail articles (Markdown with
front matter, in a .tar.xz unpacked to a temporary folder) and 31,030 Arabic
SaudiNewsNet articles (one JSON array per day, zipped). For each corpus and
worker count it imports every article into a new store and prints:

- articles per second end to end (reading, cleaning, the cheap pass on every
  article, the full analysis of the relevant ones, writing the store);
- peak resident memory of the process tree (the importer and its workers);
- how many articles got the full analysis and how many only the cheap pass;
- the store's size against the raw text's.

Usage::

    .venv/bin/python scripts/bench_import.py                       # both corpora, 1 and 2 workers
    .venv/bin/python scripts/bench_import.py --corpus ar --workers 2 --limit 3000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.corpus import ingest  # noqa: E402
from lib.corpus import runner as runners  # noqa: E402
from lib.corpus.store import Store  # noqa: E402
from lib.text import importers  # noqa: E402
from lib.text.items import Limits  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench"
EN_ARCHIVE = BENCH / "dailymail_2020_md.tar.xz"
AR_FOLDER = BENCH / "saudinewsnet_2015"
#: Feeds are large: a day of SaudiNewsNet is one JSON array of ~1,700 articles.
BENCH_LIMITS = Limits(max_upload_bytes=2**31, max_file_bytes=2**31, max_unpacked_bytes=2**31, max_rows=1_000_000)


class PeakMemory:
    """Samples the resident memory of this process and its children every 0.2 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def english_paths(tmp: Path) -> list[Path]:
    target = tmp / "dailymail_2020_md"
    if not target.is_dir():
        print(f"unpacking {EN_ARCHIVE.name} into {tmp} …", flush=True)
        subprocess.run(["tar", "-xJf", str(EN_ARCHIVE), "-C", str(tmp)], check=True)
    return importers.collect_import_paths([target])


def arabic_paths(tmp: Path) -> list[Path]:
    return importers.collect_import_paths([AR_FOLDER])


def read_items(paths: list[Path], limit: int | None, workers: int = 1) -> tuple[list, float, int]:
    """The files' articles as ``python -m lib import`` reads them (``workers`` reading processes)."""
    started = time.perf_counter()
    items = []
    for result in importers.import_paths(paths[:limit] if limit else paths, limits=BENCH_LIMITS, workers=workers):
        items.extend(result.items)
    if limit:
        items = items[:limit]
    chars = sum(len(it.text or "") for it in items)
    return items, time.perf_counter() - started, chars


def run(name: str, paths: list[Path], limit: int | None, workers: int, tmp: Path) -> dict:
    """Read and import as ``python -m lib import --workers N`` does."""
    db = tmp / f"{name}-{workers}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store(db)
    with PeakMemory() as mem:
        started = time.perf_counter()
        items, read_s, chars = read_items(paths, limit, workers=workers)
        runner = runners.make_runner(workers=workers)
        outcomes = ingest.import_items(store, items, origin="cli", runner=runner)
        runner.close()
        elapsed = time.perf_counter() - started
    listing = store.listing()
    tally = {k: sum(1 for o in outcomes if o.outcome == k) for k in ("added", "not_analysed", "duplicate", "rejected")}
    depth = listing["depth"].value_counts().to_dict()
    dyads = listing.loc[listing["depth"] == "full", "dyad"].value_counts().to_dict()
    size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "corpus": name,
        "workers": workers,
        "articles": len(items),
        "seconds": elapsed,
        "per_s": len(items) / elapsed,
        "peak_mb": mem.peak / 2**20,
        "outcomes": tally,
        "full": depth.get("full", 0),
        "triage": depth.get("triage", 0),
        "dyads": dyads,
        "store_mb": size / 2**20,
        "raw_mb": chars * 2 / 2**20,  # UTF-8 bytes ≈ 1 (Latin) to 2 (Arabic) per character; see raw_chars
        "raw_chars": chars,
        "read_s": read_s,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=["en", "ar", "both"], default="both")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles of each corpus")
    ap.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()) / "coverage-bench-import")
    ap.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not BENCH.is_dir():
        print(f"the bench corpora are not at {BENCH}", file=sys.stderr)
        return 2
    args.tmp.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    corpora = {"en": english_paths, "ar": arabic_paths}
    if args.single:  # one corpus and worker count, in a process of its own: print the result as JSON
        (w,) = args.workers
        paths = corpora[args.corpus](args.tmp)
        r = run(args.corpus, paths, args.limit, w, args.tmp)
        print(json.dumps({**r, "files": len(paths)}, default=str))
        return 0
    results = []
    for name in ["en", "ar"] if args.corpus == "both" else [args.corpus]:
        for w in args.workers:
            # each in a fresh process: its time and memory are not those of an earlier run
            cmd = [sys.executable, __file__, "--single", "--corpus", name, "--workers", str(w), "--tmp", str(args.tmp)]
            cmd += ["--limit", str(args.limit)] if args.limit else []
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            results.append(r)
            print(
                f"\n{name}: {r['articles']:,} articles ({r['raw_chars'] / 1e6:.1f} M characters) read from {r['files']:,} files "
                f"by {w} process(es) in {r['read_s']:.1f} s",
                flush=True,
            )
            print(
                f"  {w} worker(s): {r['seconds']:.0f} s, {r['per_s']:.1f} articles/s, peak memory {r['peak_mb']:.0f} MB; "
                f"{r['full']:,} fully analysed {r['dyads']}, {r['triage']:,} cheap pass only; outcomes {r['outcomes']}; "
                f"store {r['store_mb']:.0f} MB for {r['raw_chars'] / 1e6:.0f} M characters of text",
                flush=True,
            )
        same = [r for r in results if r["corpus"] == name]
        if len(same) >= 2:
            base = next((r for r in same if r["workers"] == 1), same[0])
            for r in same:
                if r is not base:
                    print(f"  speed-up with {r['workers']} workers: {r['per_s'] / base['per_s']:.2f}×")
    shutil.rmtree(args.tmp / "unused", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
