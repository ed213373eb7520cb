"""Fit the English target-tone model on NewsMTSC and write its weights (a script, not a test).

    python scripts/train_target_tone.py [--data ../shared/data/newsmtsc] [--c 0.2]

Reads ``train.jsonl`` (fit), ``dev_rw.jsonl`` and ``dev_mt.jsonl`` (report)
of NewsMTSC (Hamborg & Donnay, EACL 2021, MIT licence): one target a line,
``{"mention", "polarity", "from", "to", "sentence"}``. Features are
``lib.analysis.target_tone.sentence_features`` — the same code the pipeline
runs — and the model a multinomial logistic regression (scikit-learn,
installed with camel-tools; only the weights are shipped). Writes
``lib/analysis/data/target_tone_model.json``: weights, the dev figures and
the baselines (mean sentence VADER, as the sentence tone; stock VADER). No
sentence is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from lib.analysis import target_tone as tt  # noqa: E402
from lib.analysis import tone, tone_scale  # noqa: E402

#: ../shared/data beside the main checkout (a worktree sits one level deeper).
DEFAULT_DATA = next(
    (d for d in (ROOT.parent / "shared" / "data" / "newsmtsc", ROOT.parent.parent / "shared" / "data" / "newsmtsc") if d.is_dir()),
    ROOT.parent / "shared" / "data" / "newsmtsc",
)
#: Word features seen fewer times than this in training are dropped.
MIN_WORD_COUNT = 3
#: Weights smaller than this (all three classes) are not shipped.
PRUNE = 0.05


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def featurise(rows: list[dict], parser) -> list[dict]:
    """Features of every row; all targets of one sentence are its mentions."""
    by_sentence: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_sentence[r["sentence"]].append(r)
    sentences = list(by_sentence)
    feats: dict[str, dict] = {}
    for sentence, doc in zip(sentences, parser.pipe(sentences, batch_size=tt.PARSE_BATCH), strict=True):
        group = by_sentence[sentence]
        found = tt.sentence_features(tt.parsed(doc), [(r["from"], r["to"]) for r in group])
        for r, f in zip(group, found, strict=True):
            feats[r["id"]] = f or {}
    return [feats[r["id"]] for r in rows]


def sentence_vader(rows: list[dict]) -> list[int]:
    """The baseline: the sentence's tone (masked VADER, as the pipeline) at ±0.05."""
    res = tone.load_tone_resources()
    out = []
    for r in rows:
        t = tone.score_sentences([r["sentence"]], "en", resources=res)[0]["tone"]
        out.append(1 if t >= tone_scale.POSITIVE_THRESHOLD else -1 if t <= tone_scale.NEGATIVE_THRESHOLD else 0)
    return out


def macro_f1(gold: list[int], pred: list[int]) -> float:
    return float(f1_score(gold, pred, labels=list(tt.CLASSES), average="macro"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--c", type=float, default=0.2, help="inverse L2 strength (0.2 was best on dev_rw)")
    ap.add_argument("--out", type=Path, default=tt.MODEL_PATH)
    ap.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = ap.parse_args()

    t0 = time.perf_counter()
    parser = tt.load_parser()
    splits = {name: read(args.data / f"{name}.jsonl") for name in ("train", "dev_rw", "dev_mt")}
    feats = {name: featurise(rows, parser) for name, rows in splits.items()}
    print(f"features in {time.perf_counter() - t0:.1f} s")

    counts: dict[str, int] = defaultdict(int)
    for f in feats["train"]:
        for k in f:
            counts[k] += 1
    keep = {k for k, n in counts.items() if n >= MIN_WORD_COUNT or ":" not in k}

    def restrict(fs: list[dict]) -> list[dict]:
        return [{k: v for k, v in f.items() if k in keep} for f in fs]

    vec = DictVectorizer()
    x_train = vec.fit_transform(restrict(feats["train"]))
    y_train = [r["polarity"] for r in splits["train"]]
    clf = LogisticRegression(C=args.c, max_iter=3000)
    clf.fit(x_train, y_train)
    assert tuple(clf.classes_) == tt.CLASSES

    names = vec.get_feature_names_out()
    weights = {
        str(name): [round(float(clf.coef_[k][j]), 3) for k in range(3)]
        for j, name in enumerate(names)
        if max(abs(clf.coef_[k][j]) for k in range(3)) >= PRUNE
    }
    model = tt.TargetToneModel({k: tuple(v) for k, v in weights.items()}, tuple(round(float(x), 4) for x in clf.intercept_), {})

    figures: dict = {"dataset": "NewsMTSC (Hamborg & Donnay, EACL 2021)", "n_train": len(y_train)}
    for name in ("train", "dev_rw", "dev_mt"):
        gold = [r["polarity"] for r in splits[name]]
        pred = [model.label(f) for f in feats[name]]
        base = sentence_vader(splits[name]) if name != "train" else None
        figures[name] = {
            "n": len(gold),
            "macro_f1": round(macro_f1(gold, pred), 4),
            "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        }
        if base is not None:
            figures[name]["baseline_sentence_vader_macro_f1"] = round(macro_f1(gold, base), 4)
        print(name, figures[name])
    figures["date"] = dt.date.today().isoformat()
    figures["n_weights"] = len(weights)
    if args.dry_run:
        return
    payload = {
        "method": tt.METHOD_EN,
        "classes": list(tt.CLASSES),
        "intercept": list(model.intercept),
        "weights": weights,
        "figures": figures,
        "settings": {"C": args.c, "min_word_count": MIN_WORD_COUNT, "prune": PRUNE, "class_weight": None},
    }
    args.out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(weights)} weights)")


if __name__ == "__main__":
    main()
