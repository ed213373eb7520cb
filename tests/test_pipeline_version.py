"""Stored analysis is made again when the analysis changes: the pipeline version follows the data it reads.

A store keeps each article's analysis with the pipeline version that made it
and re-analyses articles of an older version when opened (``Store.pending``).
The per-article analysis reads the data files below; changing one changes what
is stored (a rebuilt Arabic tone model, a gazetteer entry, a topic term). Such
a change must come with a new ``lib.schema.PIPELINE_VERSION``, or stores keep
figures the code no longer makes. Code changes that alter output need the same
bump; no test can see those.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lib import schema

DATA = Path(__file__).resolve().parent.parent / "lib" / "analysis" / "data"

#: SHA-256 (first 16 hex digits) of each data file the per-article analysis reads, per pipeline
#: version. After changing one: bump PIPELINE_VERSION and add its line here (an unchanged rebuild
#: that only moved a file's date may keep the version and update the digest).
ANALYSIS_DATA = {
    "1.6.0": {
        "ar_ambiguous.csv": "ef5ac20f3c91bdb7",
        "ar_tone_lexicon.csv": "c8f4b79e3c19911a",
        "ar_tone_model.json": "b068dfacdb34f9f0",
        "gazetteer.csv": "2198f17346fae7b4",
        "target_tone_lexicon.csv": "425ea6518a6b28da",
        "target_tone_model.json": "54324fe44495d144",
        "topics.csv": "dc568481948f345a",
    },
    "1.7.0": {
        "ar_ambiguous.csv": "ef5ac20f3c91bdb7",
        "ar_tone_lexicon.csv": "c8f4b79e3c19911a",
        "ar_tone_model.json": "19b374d391a93eb5",
        "gazetteer.csv": "2198f17346fae7b4",
        "target_tone_lexicon.csv": "425ea6518a6b28da",
        "target_tone_model.json": "54324fe44495d144",
        "topics.csv": "dc568481948f345a",
    },
    "1.8.0": {
        "ar_ambiguous.csv": "ef5ac20f3c91bdb7",
        "ar_tone_lexicon.csv": "c8f4b79e3c19911a",
        "ar_tone_model.json": "ea001438465ddb0d",
        "gazetteer.csv": "2198f17346fae7b4",
        "target_tone_lexicon.csv": "425ea6518a6b28da",
        "target_tone_model.json": "54324fe44495d144",
        "topics.csv": "dc568481948f345a",
    },
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_the_analysis_data_is_the_data_of_this_pipeline_version():
    assert schema.PIPELINE_VERSION in ANALYSIS_DATA, f"record the analysis data digests of pipeline {schema.PIPELINE_VERSION}"
    recorded = ANALYSIS_DATA[schema.PIPELINE_VERSION]
    changed = sorted(name for name, digest in recorded.items() if _digest(DATA / name) != digest)
    assert not changed, f"{changed} changed: bump lib.schema.PIPELINE_VERSION (stored analyses are then made again) and record the digests"


def test_every_data_file_the_analysis_reads_is_covered():
    """A new data file read by the analysis joins the list (validation figures are provenance, not analysis)."""
    provenance = {"tone_validation.json", "crosslingual_validation.json"}
    on_disk = {p.name for p in DATA.iterdir() if p.is_file()} - provenance
    assert on_disk == set(ANALYSIS_DATA[schema.PIPELINE_VERSION])
