"""The corpus tables: per-article rows concatenated, validated and rolled up.

``assemble`` turns the rows of many articles (from ``lib.analysis.pipeline``)
into one table per kind, each checked against ``lib.schema``, plus the corpus
roll-ups (entity tone, topic shares, the entities table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import schema
from lib.analysis import entities, tone, topics
from lib.analysis.pipeline import ArticleRows, Resources, _empty_rows, analyze_path, load_resources
from lib.text.reading import collect_paths


@dataclass(frozen=True)
class Corpus:
    """Every table of an analysed corpus, each checked against ``lib.schema``."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def articles(self) -> pd.DataFrame:
        return self.tables["articles"]

    def subset(self, article_ids: Iterable[str]) -> Corpus:
        """The same corpus restricted to ``article_ids`` (reference tables kept whole)."""
        keep = set(article_ids)
        out = {}
        for name, df in self.tables.items():
            out[name] = df[df["article_id"].isin(keep)].reset_index(drop=True) if "article_id" in df.columns else df
        return Corpus(out)


def assemble(results: Iterable[ArticleRows], *, resources: Resources) -> Corpus:
    """Concatenate per-article rows into validated corpus tables."""
    merged = _empty_rows()
    seen: set[str] = set()
    for rows in results:
        aid = rows["articles"][0]["article_id"]
        if aid in seen:  # the same text twice: keep the first
            continue
        seen.add(aid)
        for name, part in rows.items():
            merged[name].extend(part)
    tables = {name: schema.from_rows(name, part) for name, part in merged.items()}
    tables["entity_tone"] = tone.entity_tone(tables["mentions"], tables["sentences"])
    tables["topics"] = topics.topic_shares(tables["sentence_topics"], tables["sentences"])
    tables["entities"] = entities.entities_table(tables["mentions"], gaz=resources.gazetteer)
    tables["topics_taxonomy"] = schema.validate("topics_taxonomy", resources.taxonomy.table)
    return Corpus(tables)


def analyze_paths(
    paths: list[str | Path],
    *,
    resources: Resources,
    progress: Callable[[int, int, ArticleRows], None] | None = None,
) -> Corpus:
    """Analyse files and folders into a corpus; ``progress(i, n, rows)`` after each file."""
    files = collect_paths(paths)
    results = []
    for i, f in enumerate(files, start=1):
        rows = analyze_path(f, resources=resources)
        results.append(rows)
        if progress:
            progress(i, len(files), rows)
    return assemble(results, resources=resources)


SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def analyze_seeds(*, resources: Resources | None = None) -> Corpus:
    """The default corpus: the seed articles shipped with the project."""
    res = resources or load_resources()
    return analyze_paths([SEEDS_DIR], resources=res)
