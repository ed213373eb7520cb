"""Benchmark the analysis pipeline stage by stage (a script, not a test).

Prints articles/s and sentences/s for each stage — reading, cleaning,
sentences, entities (gazetteer, spaCy NER), tone, topics, quotes — and
overall, for English and Arabic separately, plus peak memory.

    python scripts/bench_pipeline.py [--repeat 20]

The corpus is the seed articles repeated ``--repeat`` times (each copy made
unique so no cache helps). One process, one core.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis import entities, quotes, tone, topics  # noqa: E402
from lib.analysis.pipeline import analyze_text, load_resources  # noqa: E402
from lib.text.cleaning import clean  # noqa: E402
from lib.text.language import detect_language  # noqa: E402
from lib.text.reading import decode_bytes  # noqa: E402
from lib.text.sentences import split_spans  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="copies of each seed article")
    args = ap.parse_args()

    t0 = time.perf_counter()
    res = load_resources()
    print(f"resources loaded in {time.perf_counter() - t0:.2f} s (gazetteer, VADER, Arabic lexicon, topics, spaCy NER)")

    docs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        data = path.read_bytes()
        for i in range(args.repeat):
            docs.append((f"{path.name}#{i}", data + f"\n\nCopy {i}.".encode()))

    timings: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, data in docs:
        t = time.perf_counter()
        text, _ = decode_bytes(data, file=name)
        t_read = time.perf_counter()
        cleaned = clean(text, file=name)
        lang = detect_language(cleaned.text)
        t_clean = time.perf_counter()
        spans = split_spans(cleaned.text, lang)
        texts = [cleaned.text[s:e] for s, e in spans]
        t_sent = time.perf_counter()
        found = entities.find_mentions(cleaned.text, spans, lang, gaz=res.gazetteer)
        t_gaz = time.perf_counter()
        if lang == "en":
            entities.spacy_entities(cleaned.text, res.nlp)
        t_ner = time.perf_counter()
        tone.score_sentences(texts, lang, resources=res.tone)
        t_tone = time.perf_counter()
        topics.assign_topics(texts, lang, taxonomy=res.taxonomy)
        t_top = time.perf_counter()
        by_sentence = [[] for _ in spans]
        for m in found:
            s0 = spans[m["sentence_id"]][0]
            by_sentence[m["sentence_id"]].append({**m, "start": m["start"] - s0, "end": m["end"] - s0})
        quotes.extract_quotes(texts, lang, mentions=by_sentence)
        t_q = time.perf_counter()
        analyze_text(text, file=name, resources=res)
        t_all = time.perf_counter()
        for stage, dt in [
            ("reading", t_read - t),
            ("cleaning", t_clean - t_read),
            ("sentences", t_sent - t_clean),
            ("entities: gazetteer", t_gaz - t_sent),
            ("entities: spaCy NER", t_ner - t_gaz),
            ("tone", t_tone - t_ner),
            ("topics", t_top - t_tone),
            ("quotes", t_q - t_top),
            ("overall (analyze_text)", t_all - t_q),
        ]:
            timings[lang][stage] += dt
        counts[lang]["articles"] += 1
        counts[lang]["sentences"] += len(spans)
        counts[lang]["words"] += len(cleaned.text.split())

    for lang in sorted(timings):
        n_a, n_s, n_w = counts[lang]["articles"], counts[lang]["sentences"], counts[lang]["words"]
        print(f"\n{lang}: {n_a} articles, {n_s} sentences, {n_w} words")
        print(f"  {'stage':<26}{'seconds':>9}{'articles/s':>12}{'sentences/s':>13}")
        for stage, dt in timings[lang].items():
            if stage == "entities: spaCy NER" and lang != "en":
                continue
            print(f"  {stage:<26}{dt:>9.3f}{n_a / dt if dt else float('inf'):>12.1f}{n_s / dt if dt else float('inf'):>13.0f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
