"""`python -m lib analyze`: the CSV contract of the foundation issue."""

import subprocess
import sys

import pandas as pd

from .conftest import ROOT, SEEDS

REQUIRED = {
    "articles.csv": ["article_id", "file", "title", "date", "language", "dyad", "n_sentences", "n_words", "status", "error"],
    "sentences.csv": ["article_id", "sentence_id", "start", "end", "text", "tone", "tone_method"],
    "mentions.csv": ["article_id", "sentence_id", "entity_id", "surface", "start", "end", "method"],
    "entities.csv": ["entity_id", "name_en", "name_ar", "type", "affiliation"],
    "entity_tone.csv": ["article_id", "entity_id", "n_sentences", "tone"],
    "topics.csv": ["article_id", "topic_id", "share", "n_sentences"],
    "sentence_topics.csv": ["article_id", "sentence_id", "topic_id", "evidence"],
    "quotes.csv": ["article_id", "sentence_id", "speaker", "speaker_entity_id", "affiliation", "anonymous", "quote"],
    "topics_taxonomy.csv": ["topic_id", "label_en", "label_ar", "definition"],
}


def run(*args):
    return subprocess.run([sys.executable, "-m", "lib", "analyze", *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=False)


def test_analyze_writes_every_table_and_reports_each_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    proc = run(SEEDS, bad, "--out", out)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("[")]
    assert len(lines) == 6
    assert sum(" ok " in ln for ln in lines) == 5
    assert any("error" in ln and "bad.txt" in ln and "binary" in ln for ln in lines)
    for name, cols in REQUIRED.items():
        df = pd.read_csv(out / name, encoding="utf-8")
        assert set(cols) <= set(df.columns), name
    arts = pd.read_csv(out / "articles.csv")
    assert len(arts) == 6 and (arts["status"] == "ok").sum() == 5
    ents = pd.read_csv(out / "entities.csv")
    assert "أردوغان" in ents.loc[ents["entity_id"] == "erdogan", "name_ar"].iloc[0]


def test_analyze_fails_only_when_nothing_could_be_analysed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run(empty, "--out", tmp_path / "out")
    assert proc.returncode == 1
    assert "empty.txt" in proc.stdout and "empty" in proc.stdout
