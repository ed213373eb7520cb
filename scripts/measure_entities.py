"""Measure the gazetteer matcher: load time and speed per sentence (a script, not a test).

    python scripts/measure_entities.py [--repeat 20] [--sample 300]

English and Arabic matching are timed on the seed articles repeated
``--repeat`` times, and on ``--sample`` real articles per language from
``../shared/bench`` (Daily Mail 2020, extracted to a temporary folder;
SaudiNewsNet 2015), when it is there. The bench text is read in memory only.
Figures (CPU time): gazetteer read + build seconds, aliases per language, microseconds
per sentence and mentions per 1,000 sentences.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis import entities, gazetteer  # noqa: E402
from lib.text.cleaning import clean  # noqa: E402
from lib.text.language import detect_language  # noqa: E402
from lib.text.sentences import split_spans  # noqa: E402

BENCH = ROOT.parent.parent / "shared" / "bench"


def bench_dir() -> Path:
    for cand in (BENCH, Path("/work/shared/bench")):
        if cand.is_dir():
            return cand
    return BENCH


def dailymail_sample(n: int, folder: Path | None, seed: int = 7) -> list[str]:
    """``n`` Daily Mail article bodies (front matter dropped) from the extracted archive.

    Extract it outside the repository first:
    ``tar -xJf ../shared/bench/dailymail_2020_md.tar.xz -C /tmp``.
    """
    if folder is None or not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.md"))
    random.Random(seed).shuffle(paths)
    out = []
    for path in paths[:n]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.startswith("---"):
            text = text.split("---", 2)[-1]
        out.append(text)
    return out


def saudi_sample(n: int, seed: int = 7) -> list[str]:
    """``n`` SaudiNewsNet article bodies."""
    folder = bench_dir() / "saudinewsnet_2015"
    zips = sorted(folder.glob("*.zip"))
    if not zips:
        return []
    arts = []
    for z in zips[:2]:
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                arts += json.load(io.TextIOWrapper(zf.open(name), encoding="utf-8"))
    random.Random(seed).shuffle(arts)
    return [a["content"] for a in arts if len(a.get("content") or "") > 200][:n]


def sentences(texts: list[str], language: str) -> list[str]:
    out = []
    for t in texts:
        spans = split_spans(t, language)
        out += [t[s:e] for s, e in spans]
    return out


def time_matching(sents: list[str], language: str, gaz, rounds: int = 3) -> tuple[float, int]:
    fn = entities.match_english if language == "en" else entities.match_arabic
    best = float("inf")
    n = 0
    for _ in range(rounds):
        t = time.process_time()  # CPU time: other processes on a shared machine do not inflate it
        n = sum(len(fn(s, gaz=gaz)) for s in sents)
        best = min(best, time.process_time() - t)
    return best, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="copies of each seed article")
    ap.add_argument("--sample", type=int, default=300, help="real articles per language from ../shared/bench")
    ap.add_argument("--dailymail", type=Path, default=Path("/tmp/dailymail_2020_md"), help="folder of the extracted Daily Mail archive")
    args = ap.parse_args()

    gazetteer.build_gazetteer(pd.read_csv(gazetteer.GAZETTEER_PATH, dtype=str, keep_default_na=False))  # warm imports
    re.purge()  # a compiled pattern cached by the warm-up would hide compile time
    t = time.process_time()
    gaz = gazetteer.build_gazetteer(pd.read_csv(gazetteer.GAZETTEER_PATH, dtype=str, keep_default_na=False))
    load_s = time.process_time() - t
    print(
        f"gazetteer: {len(gaz.info)} entities, {len(gaz.en_aliases)} English and {len(gaz.ar_aliases)} Arabic aliases; read + build {load_s:.3f} s CPU"
    )

    seeds = {"en": [], "ar": []}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = clean(path.read_text(encoding="utf-8"), file=path.name).text
        lang = detect_language(text)
        if lang in seeds:
            seeds[lang] += [text] * args.repeat
    corpora = {
        ("en", f"seeds ×{args.repeat}"): seeds["en"],
        ("ar", f"seeds ×{args.repeat}"): seeds["ar"],
        ("en", f"Daily Mail {args.sample}"): dailymail_sample(args.sample, args.dailymail),
        ("ar", f"SaudiNewsNet {args.sample}"): saudi_sample(args.sample),
    }
    for (lang, name), texts in corpora.items():
        if not texts:
            print(f"{lang} {name}: not available")
            continue
        sents = sentences(texts, lang)
        secs, n = time_matching(sents, lang, gaz)
        print(
            f"{lang} {name:>18}: {len(sents):6d} sentences, {secs / len(sents) * 1e6:7.1f} µs/sentence, {n / len(sents) * 1000:6.0f} mentions/1k sentences"
        )


if __name__ == "__main__":
    main()
