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

``--out`` is a new folder, an empty one or an earlier export's folder, which
is replaced whole: the files are written into a hidden folder beside it and
moved into place when all are written (``provenance.json`` last), so an
interrupted export leaves the earlier one as it was. File names and titles
are printed with control and bidi characters escaped (``\n``, ``\u202e``).

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
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from lib import schema
from lib.analysis.pipeline import ArticleRows, load_resources
from lib.corpus import curation, ingest, snapshot, store
from lib.corpus import runner as runners
from lib.corpus.tables import Corpus, LiveCorpus, analyze_paths, from_store
from lib.errors import ConfigError, CoverageError
from lib.output import briefing, exports
from lib.text import importers
from lib.text.display import visible
from lib.text.items import LIMIT_ENV_VARS, Limits
from lib.text.tables import MAPPED_FIELDS

#: Longest line printed about one file; a longer one ends with its length.
MAX_LINE_CHARS = 2_000


def say(line: str, *, file=None) -> None:
    """Print one line with every name in it shown as text: a newline, an
    escape sequence or a right-to-left override in a file name or title is
    printed escaped, so it cannot forge a line or hide what a name says."""
    print(visible(line, max_chars=MAX_LINE_CHARS), file=file or sys.stdout, flush=True)


#: Files an export folder holds; an existing ``--out`` folder holding
#: anything else is refused rather than replaced.
EXPORT_FILES = frozenset(
    {f"{name}.{ext}" for name in schema.TABLES for ext in ("csv", "xlsx")}
    | {"stored_articles.csv", "stored_articles.xlsx", exports.PROVENANCE_FILE, "briefing.png", "briefing.pdf"}
)


def _replaceable(name: str) -> bool:
    return name in EXPORT_FILES


def write_tables(corpus, out: Path) -> list[Path]:
    """Write every table of ``corpus`` as ``<name>.csv`` (UTF-8) into the folder ``out``, all at once."""
    files = [(f"{name}.csv", lambda df=df: df.to_csv(index=False).encode("utf-8")) for name, df in corpus.tables.items()]
    return exports.write_folder(out, files, replaceable=_replaceable)


def _out_folder(args: argparse.Namespace) -> Path | None:
    """``--out``, checked before any work: None (after saying why) when it cannot take the files."""
    out = Path(args.out)
    try:
        exports.check_out_folder(out, replaceable=_replaceable)
    except exports.ExportError as exc:
        say(f"error: {exc}", file=sys.stderr)
        return None
    return out


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}{f' ({exc.filename})' if exc.filename else ''}"
    return str(exc)


def _report(i: int, n: int, rows: ArticleRows) -> None:
    a = rows["articles"][0]
    if a["status"] == "error":
        line = f"[{i}/{n}] error  {a['error']}"
    elif a["status"] == "not_analysed":
        line = f"[{i}/{n}] stored {a['file']}: {a['error']}"
    else:
        line = f"[{i}/{n}] ok     {a['file']} ({a['language']}, {a['dyad']}, {a['n_sentences']} sentences)"
    say(line)


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
    out = _out_folder(args)
    if out is None:
        return 2
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
    try:
        written = write_tables(corpus, out)
    except (CoverageError, OSError) as exc:
        say(f"error: the tables were not written: {_why(exc)}", file=sys.stderr)
        return 1
    n_ok = int((arts["status"] != "error").sum())
    say(f"{n_ok} of {len(arts)} articles analysed; {len(written)} tables written to {out}")
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
    ingest.fill_from_folder(st, folder, runner=runners.SerialRunner())


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
        if not sep or fld not in MAPPED_FIELDS:
            raise SystemExit(f"--column expects FIELD=COLUMN with FIELD one of {', '.join(MAPPED_FIELDS)}; got {pair!r}")
        mapping[fld] = col or None
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    mapping = _parse_columns(args.column)
    limits = Limits.from_env()
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
    try:
        readers = runners.local_workers(args.workers)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    results = importers.import_paths(paths, limits=limits, mappings={importers.ALL_TABLES: mapping} if mapping else None, workers=readers)
    for j, result in enumerate(results, start=1):
        for t in result.tables:
            shown = ", ".join(f"{f}={visible(c)}" for f, c in t.mapping.items() if c)
            say(f"[{j}/{len(paths)}] columns of {t.file} ({'detected' if t.auto else 'given'}): {shown or 'none recognised'}")
        items.extend(result.items)
    rate = runners.Rate(total=len(items))
    last = [0.0]

    def report(i: int, n: int, outcome: ingest.Outcome) -> None:
        rate.step()
        if not args.quiet or outcome.outcome == "rejected":
            say(outcome.line())
        now = time.perf_counter()
        if now - last[0] > 2 or i == n:
            last[0] = now
            print(f"progress: {rate.describe()}", file=sys.stderr, flush=True)

    runner = _runner(args, n_tasks=sum(1 for it in items if it.ok))
    try:
        outcomes = ingest.import_items(st, items, origin="cli", runner=runner, progress=report)
    finally:
        runner.close()
    tally = Counter(o.outcome for o in outcomes)
    elapsed = time.perf_counter() - started
    say(
        f"{tally['added']} added, {tally['not_analysed']} stored but not analysed, {tally['duplicate']} duplicate{'' if tally['duplicate'] == 1 else 's'}, "
        f"{tally['rejected']} rejected ({len(items)} articles from {len(paths)} files in {elapsed:.1f} s, {len(items) / max(elapsed, 1e-9):.1f}/s); "
        f"store {st.path}, fingerprint {exports.short_fingerprint(st.fingerprint())}"
    )
    n_items, n_rejected = len(items), tally["rejected"]
    if (tally["added"] or tally["not_analysed"]) and not args.no_snapshot:
        del items, outcomes, results  # the texts read are not needed to prepare the corpus
        prepare_dashboard(st)
    return 0 if n_items > n_rejected else 1


def prepare_dashboard(st: store.Store) -> None:
    """Write the corpus snapshot (``lib.corpus.snapshot``) the dashboard reads when it next starts,
    as its server would after its first start: the analysis tables as Arrow files, the term counts
    and the article summaries. A dashboard started after an import then draws Compare in seconds
    instead of reading and counting the whole store first (at 10,000 relevant articles: 4 s
    instead of about 20 s). A snapshot that cannot be written is only reported: it is a cache."""
    from lib.analysis.gazetteer import load_entities_table
    from lib.analysis.topics import load_taxonomy_table

    if st.is_temporary:
        return
    started = time.perf_counter()
    live = LiveCorpus(st, gazetteer_table=load_entities_table(), taxonomy_table=load_taxonomy_table())
    live.snapshot_delay = 0.0
    live.current()
    live.wait_for_snapshot()
    if live.has_snapshot():
        say(f"dashboard corpus prepared in {time.perf_counter() - started:.1f} s ({snapshot.snapshot_dir(st.path)})", file=sys.stderr)
    else:
        say("the dashboard's corpus snapshot could not be written; the dashboard will read the store at its next start", file=sys.stderr)


def load_corpus(st: store.Store) -> tuple[Corpus, str]:
    """The stored corpus (typed analysis tables, edits and the analyst's entity curation
    applied) and its fingerprint (the curation's edits included)."""
    res = load_resources()
    corpus = from_store(st.load(), gazetteer_table=res.gazetteer.table, taxonomy_table=res.taxonomy.table)
    cur = curation.Curation(st.path)
    edits = cur.edits()
    if edits.empty:
        return corpus, st.fingerprint()
    return corpus.relabelled(curation.apply_edits(corpus.tables, edits)), hashlib.sha256(
        f"{st.fingerprint()}|{cur.fingerprint()}".encode()
    ).hexdigest()


def cmd_export(args: argparse.Namespace) -> int:
    out = _out_folder(args)
    if out is None:
        return 2
    st = _open_store(args, verb="exported")
    if st is None:
        return 2
    _seed(st, args)
    _catch_up(st, args)
    corpus, fingerprint = load_corpus(st)
    files: list[tuple[str, Callable[[], bytes]]] = []
    for name, df in corpus.tables.items():
        files.append((f"{name}.csv", partial(exports.to_csv_bytes, df)))
        if not args.no_xlsx:
            files.append((f"{name}.xlsx", partial(exports.to_xlsx_bytes, df, sheet=name)))
    files.append(("stored_articles.csv", lambda: exports.to_csv_bytes(st.listing())))
    files.append(("curation_edits.csv", lambda: exports.to_csv_bytes(curation.Curation(st.path).edits())))
    if not args.no_briefing:
        spec = briefing.briefing_for(corpus, fingerprint=fingerprint, pipeline_version=st.pipeline_version)
        files += [("briefing.png", partial(briefing.briefing_png, spec)), ("briefing.pdf", partial(briefing.briefing_pdf, spec))]
    prov = exports.provenance(corpus.articles, fingerprint=fingerprint, pipeline_version=st.pipeline_version)
    files.append((exports.PROVENANCE_FILE, lambda: (json.dumps(prov.as_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")))
    try:
        written = exports.write_folder(out, files, replaceable=_replaceable)
    except (CoverageError, OSError) as exc:
        say(f"export failed, nothing written to {out}: {_why(exc)}", file=sys.stderr)
        return 1
    for p in written:
        say(f"wrote {p} ({p.stat().st_size:,} bytes)")
    say(f"{len(corpus.articles)} articles exported; corpus fingerprint {exports.short_fingerprint(fingerprint)}")
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

    limits = Limits()
    described = "; ".join(f"{k}: {v}" for k, v in limits.describe().items())
    p = sub.add_parser(
        "import",
        help="put article files into the dashboard's store, printing one outcome per article",
        description=f"Limits (set by environment variables {', '.join(LIMIT_ENV_VARS.values())}): {described}.",
    )
    p.add_argument("paths", nargs="+", help="files (.txt .md .html .csv .json .jsonl .zip) or folders of them")
    p.add_argument("--db", help=f"the store's file (default ${store.DB_ENV}, else {store.DEFAULT_DB})")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"for CSV/JSON files: the column holding FIELD ({', '.join(MAPPED_FIELDS)}); repeat for several (default: detected)",
    )
    p.add_argument("--quiet", action="store_true", help="print only rejected articles and the progress (for feeds of thousands)")
    p.add_argument(
        "--no-snapshot",
        action="store_true",
        help="do not prepare the dashboard's corpus snapshot after the import (the dashboard then reads the store at its next start)",
    )
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
    try:
        return args.func(args)
    except ConfigError as exc:
        say(f"error: {exc}", file=sys.stderr)
        return 2
