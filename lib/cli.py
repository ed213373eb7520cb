"""Command line: ``python -m lib analyze PATH... --out DIR``.

Prints one line per file (``ok`` or the error) and writes every table as
UTF-8 CSV. Exits non-zero only when no file could be analysed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.pipeline import ArticleRows, analyze_paths, load_resources


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


def cmd_analyze(args: argparse.Namespace) -> int:
    resources = load_resources(use_spacy=not args.no_spacy)
    corpus = analyze_paths(args.paths, resources=resources, progress=_report)
    arts = corpus.articles
    if arts.empty:
        print("no article files found in the given paths", file=sys.stderr)
        return 2
    written = write_tables(corpus, Path(args.out))
    n_ok = int((arts["status"] != "error").sum())
    print(f"{n_ok} of {len(arts)} files analysed; {len(written)} tables written to {args.out}")
    return 0 if n_ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib", description="Analyse news coverage of US–Turkey and Russia–Turkey relations.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("analyze", help="analyse article files or folders and write every table as CSV")
    p.add_argument("paths", nargs="+", help="article files (.txt, .md) or folders of them")
    p.add_argument("--out", required=True, help="folder for the CSV tables")
    p.add_argument("--no-spacy", action="store_true", help="skip spaCy NER (gazetteer entities only; faster)")
    p.set_defaults(func=cmd_analyze)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
