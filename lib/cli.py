"""Command line.

- ``python -m lib analyze PATH... --out DIR`` analyses files without storing
  them: one line per file (``ok`` or the error), every table as UTF-8 CSV.
  Exits non-zero only when no file could be analysed.
- ``python -m lib import PATH...`` puts files (.txt .md .html .csv .json
  .jsonl .zip, or folders of them) into the article store the dashboard
  reads, printing one outcome per article — added, stored but not analysed,
  duplicate, or rejected with the reason — as each is committed. Exits
  non-zero only when nothing could be stored.
- ``python -m lib export --out DIR`` writes every table of the stored corpus
  as CSV and XLSX (spreadsheet formulas neutralised), the one-page briefing
  as PNG and PDF, and ``provenance.json`` (the corpus fingerprint).

The store is ``$COVERAGE_DB`` (default ``data/coverage.sqlite``) or
``--db``; a new store is first filled from ``$COVERAGE_CORPUS_DIR`` (default
``seeds/``). A file that is not a store of this app, or a corrupt one, is
refused (exit 2) and left untouched.

``analyze`` and ``import`` run the analysis in worker processes (one per
core; ``--workers N``), or on a Dask cluster (``--scheduler ADDRESS`` or
``$COVERAGE_DASK_SCHEDULER``), printing progress (articles/s, time left) to
standard error. One process — this one — writes the store.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from lib.analysis.pipeline import ArticleRows, load_resources
from lib.corpus import runner as runners
from lib.corpus import store
from lib.corpus.tables import Corpus, analyze_paths, from_store
from lib.errors import CoverageError
from lib.output import exports
from lib.text import importers


def write_tables(corpus, out: Path) -> list[Path]:
    """Write every table of ``corpus`` as ``<name>.csv`` (UTF-8) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in corpus.tables.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def _report(i: int, n: int, rows: ArticleRows) -> None:
    a = rows["articles"][0]
    if a["status"] == "error":
        line = f"[{i}/{n}] error  {a['error']}"
    elif a["status"] == "not_analysed":
        line = f"[{i}/{n}] stored {a['file']}: {a['error']}"
    else:
        line = f"[{i}/{n}] ok     {a['file']} ({a['language']}, {a['dyad']}, {a['n_sentences']} sentences)"
    print(line, flush=True)


def _runner(args: argparse.Namespace, *, n_tasks: int | None = None, use_spacy: bool = True) -> runners.Runner:
    try:
        r = runners.make_runner(workers=args.workers, scheduler=args.scheduler, use_spacy=use_spacy, n_tasks=n_tasks)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    except OSError as exc:
        raise SystemExit(f"error: cannot reach the Dask scheduler: {exc}") from None
    print(f"analysing on {r.describe()}", file=sys.stderr, flush=True)
    return r


def cmd_analyze(args: argparse.Namespace) -> int:
    resources = load_resources(use_spacy=not args.no_spacy)
    runner = _runner(args, use_spacy=not args.no_spacy)
    try:
        corpus = analyze_paths(args.paths, resources=resources, progress=_report, runner=runner)
    finally:
        runner.close()
    arts = corpus.articles
    if arts.empty:
        print("no article files found in the given paths", file=sys.stderr)
        return 2
    written = write_tables(corpus, Path(args.out))
    n_ok = int((arts["status"] != "error").sum())
    print(f"{n_ok} of {len(arts)} articles analysed; {len(written)} tables written to {args.out}")
    return 0 if n_ok else 1


def _open_store(args: argparse.Namespace, *, verb: str) -> store.Store | None:
    """The store the command works on, or None (with the reason printed) when it cannot be used."""
    try:
        return store.Store.open(args.db, fallback=False)
    except store.StoreError as exc:
        print(f"error: {exc}; nothing {verb}", file=sys.stderr)
        return None


def _seed(st: store.Store, args: argparse.Namespace) -> None:
    """Fill a new store from the seed folder (once per store)."""
    if st.is_seeded:
        return
    folder = store.seed_folder()
    print(f"new store {st.path}: adding the articles of {folder} first", file=sys.stderr, flush=True)
    store.fill_from_folder(st, folder, runner=runners.SerialRunner())


def _catch_up(st: store.Store, args: argparse.Namespace) -> None:
    """Analyse stored articles whose analysis is missing or outdated (a new pipeline version)."""
    pending = st.pending()
    if not pending:
        return
    print(f"analysing {len(pending)} stored article(s) first (new pipeline version or assigned relationship)", file=sys.stderr, flush=True)
    runner = _runner(args, n_tasks=len(pending))
    try:
        tasks = [runners.Task(text=a.text, file=a.file, metadata=dict(a.metadata), dyad_override=a.dyad_override) for a in pending]
        st.save_analysis((a, r.rows, r.message) for a, r in zip(pending, runner.map(tasks), strict=True))
    finally:
        runner.close()


def _parse_columns(pairs: list[str]) -> dict[str, str | None] | None:
    if not pairs:
        return None
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        fld, sep, col = pair.partition("=")
        if not sep or fld not in importers.MAPPED_FIELDS:
            raise SystemExit(f"--column expects FIELD=COLUMN with FIELD one of {', '.join(importers.MAPPED_FIELDS)}; got {pair!r}")
        mapping[fld] = col or None
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    mapping = _parse_columns(args.column)
    limits = importers.Limits.from_env()
    st = _open_store(args, verb="imported")
    if st is None:
        return 2
    _seed(st, args)
    paths = importers.collect_import_paths(args.paths)
    if not paths:
        print("no files found in the given paths", file=sys.stderr)
        return 2
    started = time.perf_counter()
    items = []
    for j, path in enumerate(paths, start=1):
        result = importers.import_path(path, limits=limits, mappings={importers.ALL_TABLES: mapping} if mapping else None)
        for t in result.tables:
            shown = ", ".join(f"{f}={c}" for f, c in t.mapping.items() if c)
            print(f"[{j}/{len(paths)}] columns of {t.file} ({'detected' if t.auto else 'given'}): {shown or 'none recognised'}", flush=True)
        items.extend(result.items)
    rate = runners.Rate(total=len(items))
    last = [0.0]

    def report(i: int, n: int, outcome: store.Outcome) -> None:
        rate.step()
        if not args.quiet or outcome.outcome == "rejected":
            print(outcome.line(), flush=True)
        now = time.perf_counter()
        if now - last[0] > 2 or i == n:
            last[0] = now
            print(f"progress: {rate.describe()}", file=sys.stderr, flush=True)

    runner = _runner(args, n_tasks=sum(1 for it in items if it.ok))
    try:
        outcomes = st.import_items(items, origin="cli", runner=runner, progress=report)
    finally:
        runner.close()
    tally = Counter(o.outcome for o in outcomes)
    elapsed = time.perf_counter() - started
    print(
        f"{tally['added']} added, {tally['not_analysed']} stored but not analysed, {tally['duplicate']} duplicate{'' if tally['duplicate'] == 1 else 's'}, "
        f"{tally['rejected']} rejected ({len(items)} articles from {len(paths)} files in {elapsed:.1f} s, {len(items) / max(elapsed, 1e-9):.1f}/s); "
        f"store {st.path}, fingerprint {exports.short_fingerprint(st.fingerprint())}"
    )
    return 0 if len(items) > tally["rejected"] else 1


def load_corpus(st: store.Store) -> tuple[Corpus, str]:
    """The stored corpus (typed analysis tables, edits applied) and its fingerprint."""
    res = load_resources()
    return from_store(st.load(), gazetteer_table=res.gazetteer.table, taxonomy_table=res.taxonomy.table), st.fingerprint()


def cmd_export(args: argparse.Namespace) -> int:
    st = _open_store(args, verb="exported")
    if st is None:
        return 2
    _seed(st, args)
    _catch_up(st, args)
    corpus, fingerprint = load_corpus(st)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, df in corpus.tables.items():
            (out / f"{name}.csv").write_bytes(exports.to_csv_bytes(df))
            written.append(out / f"{name}.csv")
            if not args.no_xlsx:
                (out / f"{name}.xlsx").write_bytes(exports.to_xlsx_bytes(df, sheet=name))
                written.append(out / f"{name}.xlsx")
        listing = st.listing()
        (out / "stored_articles.csv").write_bytes(exports.to_csv_bytes(listing))
        written.append(out / "stored_articles.csv")
        prov = exports.provenance(corpus.articles, fingerprint=fingerprint, pipeline_version=st.pipeline_version)
        (out / "provenance.json").write_text(json.dumps(prov.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out / "provenance.json")
        if not args.no_briefing:
            spec = exports.briefing_for(corpus, fingerprint=fingerprint, pipeline_version=st.pipeline_version)
            (out / "briefing.png").write_bytes(exports.briefing_png(spec))
            (out / "briefing.pdf").write_bytes(exports.briefing_pdf(spec))
            written += [out / "briefing.png", out / "briefing.pdf"]
    except CoverageError as exc:
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    for p in written:
        print(f"wrote {p} ({p.stat().st_size:,} bytes)")
    print(f"{len(corpus.articles)} articles exported; corpus fingerprint {exports.short_fingerprint(fingerprint)}")
    return 0


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=None, help=f"local worker processes (default ${runners.WORKERS_ENV}, else one per core)")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help=f"run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (default ${runners.SCHEDULER_ENV}); its workers need this project installed",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib", description="Analyse news coverage of US–Turkey and Russia–Turkey relations.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("analyze", help="analyse article files or folders and write every table as CSV")
    p.add_argument("paths", nargs="+", help="article files (.txt, .md) or folders of them")
    p.add_argument("--out", required=True, help="folder for the CSV tables")
    p.add_argument("--no-spacy", action="store_true", help="skip spaCy NER (gazetteer entities only; faster)")
    _add_run_options(p)
    p.set_defaults(func=cmd_analyze)

    limits = importers.Limits()
    described = "; ".join(f"{k}: {v}" for k, v in limits.describe().items())
    p = sub.add_parser(
        "import",
        help="put article files into the dashboard's store, printing one outcome per article",
        description=f"Limits (set by environment variables {', '.join(importers.LIMIT_ENV_VARS.values())}): {described}.",
    )
    p.add_argument("paths", nargs="+", help="files (.txt .md .html .csv .json .jsonl .zip) or folders of them")
    p.add_argument("--db", help=f"the store's file (default ${store.DB_ENV}, else {store.DEFAULT_DB})")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"for CSV/JSON files: the column holding FIELD ({', '.join(importers.MAPPED_FIELDS)}); repeat for several (default: detected)",
    )
    p.add_argument("--quiet", action="store_true", help="print only rejected articles and the progress (for feeds of thousands)")
    _add_run_options(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write every table of the stored corpus (CSV, XLSX), the briefing (PNG, PDF) and its provenance")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--db", help=f"the store's file (default ${store.DB_ENV}, else {store.DEFAULT_DB})")
    p.add_argument("--no-xlsx", action="store_true", help="CSV only")
    p.add_argument("--no-briefing", action="store_true", help="skip the briefing PNG/PDF")
    _add_run_options(p)
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
