"""Time the inputs that once took minutes (a script, not a test: it prints figures).

    python scripts/bench_inputs.py [--quick]

- one 190,000-character line without a sentence break: split, VADER tone and
  quotes, then the whole per-article analysis;
- 200 kB of unmatched HTML tags and Markdown marks, read as an article;
- a small zip of four 19,999-row tables, read as one upload (the preview).

Each should take seconds at most; before the bounds they took 78 s, 85 s
and more, and 2.6 s for 79,996 articles. One process, one core.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis import quotes, tone  # noqa: E402
from lib.analysis.pipeline import analyze_text, load_resources  # noqa: E402
from lib.text.html_text import html_to_text  # noqa: E402
from lib.text.importers import import_files  # noqa: E402
from lib.text.markdown import strip_markdown  # noqa: E402
from lib.text.sentences import split_spans  # noqa: E402

LONG_LINE = "the minister said that talks with Ankara did not go well and officials were not happy about it "
MARKUP = {
    "HTML <a without >": ("html", "<a "),
    "HTML <!-- never closed": ("html", "<!--"),
    "HTML stray end tags": ("html", "<span></x>"),
    "HTML open <div>s": ("html", "<div>"),
    "Markdown [a](": ("md", "[a]("),
    "Markdown ![a": ("md", "![a"),
    "Markdown *a": ("md", "*a "),
    "Markdown `a": ("md", "`a "),
}


def timed(fn, *args, **kwargs) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def long_line(n: int) -> None:
    res = tone.load_tone_resources()
    text = (LONG_LINE * (n // len(LONG_LINE) + 1))[:n].strip()
    spans, t_split = timed(split_spans, text, "en")
    texts = [text[s:e] for s, e in spans]
    _, t_tone = timed(tone.score_sentences, texts, "en", resources=res)
    _, t_quotes = timed(quotes.extract_quotes, texts, "en", mentions=[[] for _ in texts])
    print(f"{n:,}-character line: {len(spans)} sentences; split {t_split:.2f} s, VADER tone {t_tone:.2f} s, quotes {t_quotes:.2f} s")
    resources = load_resources()
    _, t_all = timed(analyze_text, text, file="long.txt", resources=resources)
    print(f"  whole analysis (cleaning, entities incl. spaCy, tone, topics, quotes): {t_all:.2f} s")


def markup(n: int) -> None:
    for name, (kind, unit) in MARKUP.items():
        s = unit * (n // len(unit))
        _, dt = timed(html_to_text if kind == "html" else strip_markdown, s)
        print(f"{name:24s} {len(s):>8,} characters: {dt:.2f} s")


def upload(rows: int) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in range(4):
            zf.writestr(
                f"t{k}.csv",
                "title,text\n" + "".join(f"T{i},Turkey and Russia met in Ankara on day {i} of table {k}.\n" for i in range(rows)),
            )
    result, dt = timed(import_files, [("four.zip", buf.getvalue())])
    ok = sum(1 for i in result.items if i.ok)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(
        f"zip of 4 × {rows:,} rows ({len(buf.getvalue()) / 1e6:.2f} MB): {ok:,} articles ready, "
        f"{len(result.items) - ok} refused; read in {dt:.2f} s (process peak {peak:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of each size")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    long_line(190_000 // scale)
    markup(200_000 // scale)
    upload(19_999 // scale)


if __name__ == "__main__":
    main()
