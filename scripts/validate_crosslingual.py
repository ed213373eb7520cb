"""How often English and Arabic analysis agree on the same content (a script, not a test).

On parallel sentences (English with its Arabic translation) it prints, for
entities and for topics: of the ids found in the English sentence, the share
also found in the Arabic one (recall of Arabic against English), and the
reverse share (precision), overall and per domain. It writes the figures to
``lib/analysis/data/crosslingual_validation.json`` for the app to show.

    python scripts/validate_crosslingual.py [--data ../shared/data/parallel_ar_en_pud.tsv]

Data: UD Arabic-PUD treebank (CC BY-SA 3.0), 964 pairs of news and Wikipedia
sentences. Only gazetteer (canonical) entities are compared: the NER
fallbacks give language-specific ids by design.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.analysis.entities import match_arabic, match_english  # noqa: E402
from lib.analysis.gazetteer import load_gazetteer  # noqa: E402
from lib.analysis.topics import assign_topics, load_taxonomy  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "parallel_ar_en_pud.tsv"
OUT = ROOT / "lib" / "analysis" / "data" / "crosslingual_validation.json"


def agreement(pairs: list[tuple[set, set]]) -> dict:
    """Recall of Arabic ids against English ids, precision, and pair counts."""
    en_total = sum(len(en) for en, _ in pairs)
    ar_total = sum(len(ar) for _, ar in pairs)
    both = sum(len(en & ar) for en, ar in pairs)
    return {
        "pairs_with_english_ids": sum(1 for en, _ in pairs if en),
        "english_ids": en_total,
        "arabic_ids": ar_total,
        "shared_ids": both,
        "recall_ar_vs_en": round(both / en_total, 3) if en_total else None,
        "precision_ar_vs_en": round(both / ar_total, 3) if ar_total else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--no-write", action="store_true", help="print only; do not update the JSON the app reads")
    args = ap.parse_args()
    if not args.data.is_file():
        sys.exit(f"parallel data not found: {args.data} (pass --data PATH)")
    df = pd.read_csv(args.data, sep="\t", quoting=3, dtype=str)
    gaz = load_gazetteer()
    tax = load_taxonomy()
    en_topics = assign_topics(df["en"].tolist(), "en", taxonomy=tax)
    ar_topics = assign_topics(df["ar"].tolist(), "ar", taxonomy=tax)

    ent_pairs: dict[str, list] = defaultdict(list)
    top_pairs: dict[str, list] = defaultdict(list)
    misses: Counter = Counter()
    for row, et, at in zip(df.itertuples(index=False), en_topics, ar_topics, strict=True):
        en_ids = {m["entity_id"] for m in match_english(row.en, gaz=gaz)}
        ar_ids = {m["entity_id"] for m in match_arabic(row.ar, gaz=gaz)}
        for d in ("all", row.domain):
            ent_pairs[d].append((en_ids, ar_ids))
            top_pairs[d].append(({t for t, _ in et}, {t for t, _ in at}))
        misses.update(en_ids - ar_ids)

    result = {
        "dataset": "UD Arabic-PUD parallel sentences (CC BY-SA 3.0)",
        "n_pairs": len(df),
        "date": date.today().isoformat(),
        "entities": {d: agreement(p) for d, p in ent_pairs.items()},
        "topics": {d: agreement(p) for d, p in top_pairs.items()},
    }
    for kind in ("entities", "topics"):
        print(f"\n{kind}: share of ids found in the English sentence also found in its Arabic translation")
        for d, r in result[kind].items():
            print(
                f"  {d:<10} pairs with ids {r['pairs_with_english_ids']:>4}  en ids {r['english_ids']:>4}  ar ids {r['arabic_ids']:>4}"
                f"  shared {r['shared_ids']:>4}  recall {r['recall_ar_vs_en']}  precision {r['precision_ar_vs_en']}"
            )
    print("\nentities most often found in English but not in the Arabic translation:")
    for eid, n in misses.most_common(12):
        print(f"  {eid:<28}{n}")
    if not args.no_write:
        OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
