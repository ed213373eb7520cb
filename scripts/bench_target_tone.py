"""What tone toward each mention costs, as a share of an article's analysis (a script, not a test).

    python scripts/bench_target_tone.py [--repeat 5]

For each seed article (repeated, each copy made unique): seconds of the whole
``analyze_text`` and of its target-tone stage (``target_tone.score_mentions``,
parser included), the share of sentences parsed, and the stage's share of the
analysis. English and Arabic separately. One process, one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis import entities, target_tone  # noqa: E402
from lib.analysis.pipeline import analyze_text, load_resources  # noqa: E402
from lib.text.cleaning import clean  # noqa: E402
from lib.text.language import detect_language  # noqa: E402
from lib.text.sentences import split_spans  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="copies of each seed article")
    args = ap.parse_args()
    res = load_resources()
    assert res.target is not None
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        for i in range(args.repeat):
            text = raw + f"\n\nCopy {i}."
            t0 = time.perf_counter()
            analyze_text(text, file=path.name, resources=res)
            t1 = time.perf_counter()
            cleaned = clean(text, file=path.name).text
            lang = detect_language(cleaned)
            spans = split_spans(cleaned, lang)
            texts = [cleaned[s:e] for s, e in spans]
            found = entities.find_mentions(cleaned, spans, lang, gaz=res.gazetteer, nlp=res.nlp, arabic_ner=res.arabic_ner)
            t2 = time.perf_counter()
            target_tone.score_mentions(texts, spans, found, lang, resources=res.target)
            t3 = time.perf_counter()
            with_mentions = {m["sentence_id"] for m in found}
            parsed = len(with_mentions) if lang == "en" else 0
            row = totals[lang]
            row["articles"] += 1
            row["analysis"] += t1 - t0
            row["stage"] += t3 - t2
            row["sentences"] += len(texts)
            row["with_mentions"] += len(with_mentions)
            row["parsed"] += parsed
            row["mentions"] += len(found)
    for lang, row in sorted(totals.items()):
        n = row["articles"]
        print(
            f"{lang}: {int(n)} articles, {int(row['sentences'])} sentences ({int(row['with_mentions'])} naming an entity, "
            f"{int(row['parsed'])} parsed), {int(row['mentions'])} mentions"
        )
        print(f"  analyze_text          {row['analysis'] / n * 1000:8.1f} ms/article (target tone included)")
        print(f"  target tone stage     {row['stage'] / n * 1000:8.1f} ms/article")
        print(f"  share of the analysis {row['stage'] / row['analysis']:8.1%}")


if __name__ == "__main__":
    main()
