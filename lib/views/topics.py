"""What the coverage is about: topic shares per relationship, and the sentences behind them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.views.coded import Coded, Sides
from lib.views.common import (
    DIFF_COLUMNS,
    DYAD_LABELS,
    EVIDENCE_COLUMNS,
    FOCAL_DYADS,
    article_summary,
    focal_articles,
    whole,
    with_article,
)
from lib.views.intervals import attach_differences, dyad_differences


def short_topic_label(label: str) -> str:
    """A topic label without its parenthesised examples ("Energy (TurkStream, …)" → "Energy")."""
    return re.sub(r"\s*\(.*\)\s*$", "", str(label)) or str(label)


def topic_shares_by_dyad(
    articles: pd.DataFrame, sentences: pd.DataFrame, sentence_topics: pd.DataFrame, taxonomy: pd.DataFrame, *, seed: int = 0
) -> pd.DataFrame:
    """Topic × dyad: the share of the dyad's sentences assigned the topic (``topic_shares_of``
    the per-article counts the corpus table ``topics`` holds, ``rollups.topic_shares``)."""
    per_topic = rollups.topic_shares(sentence_topics, sentences)
    per_article = sentences.groupby("article_id").size().rename("n_sentences").reset_index()
    return topic_shares_of(articles, per_topic, per_article, taxonomy, seed=seed)


def topic_shares_of(
    articles: pd.DataFrame, article_topics: pd.DataFrame, article_sentences: pd.DataFrame, taxonomy: pd.DataFrame, *, seed: int = 0
) -> pd.DataFrame:
    """Topic × dyad: the share of the dyad's sentences assigned the topic.

    ``article_topics`` has one row per article and topic with its sentences
    on the topic (``n_sentences``, as the corpus table ``topics``), and
    ``article_sentences`` one row per article with its sentences (``n_sentences``, as the
    article summary ``article_tone``). Every
    taxonomy topic appears for both dyads (share 0 when absent), so a
    topic one side never mentions shows as absent rather than missing.
    ``diff``…``diff_note`` (the same on both dyads' rows of a topic) are
    US–Turkey minus Russia–Turkey share, with an interval from resampling
    each side's articles (``intervals.difference_intervals``).
    """
    cols = [
        "dyad",
        "dyad_label",
        "topic_id",
        "label",
        "short_label",
        "label_ar",
        "n_sentences",
        "share",
        "n_articles",
        "dyad_sentences",
        "dyad_articles",
        *DIFF_COLUMNS,
    ]
    arts = focal_articles(articles)
    if arts.empty or taxonomy.empty:
        return pd.DataFrame(columns=cols)
    sides = Sides.of(arts)
    per_article = sides.values_in(article_sentences, "n_sentences")
    total = sides.totals(per_article).astype(int)
    n_arts = np.bincount(sides.side, minlength=2)
    on_topic = (article_topics["n_sentences"] > 0).to_numpy(dtype=bool, na_value=False)
    st = Coded.of(article_topics, sides, key="topic_id", count="n_sentences", keep=on_topic)
    topic_ids = taxonomy["topic_id"].astype(str).tolist()
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), topic_ids], names=["dyad", "topic_id"])
    code = st.codes_of(topic_ids)
    known = code >= 0

    def by_topic(values: np.ndarray) -> np.ndarray:  # 2 × keys → 2 × taxonomy topics, 0 for a topic no article has
        if not len(st.keys):
            return np.zeros(2 * len(topic_ids), dtype=np.int64)
        return np.where(known, values[:, np.where(known, code, 0)], 0).ravel().astype(np.int64)

    out = pd.DataFrame({"n_sentences": by_topic(st.totals()), "n_articles": by_topic(st.n_articles())}, index=full).reset_index()
    out["dyad_sentences"] = np.repeat(total, len(topic_ids)).astype(int)
    out["dyad_articles"] = np.repeat(n_arts, len(topic_ids)).astype(int)
    out["share"] = (out["n_sentences"] / out["dyad_sentences"].where(out["dyad_sentences"] > 0)).astype(float)
    tax = taxonomy.set_index("topic_id")
    out["label"] = out["topic_id"].map(tax["label_en"]).fillna(out["topic_id"]).astype(str)
    out["label_ar"] = out["topic_id"].map(tax["label_ar"])
    out["short_label"] = out["label"].map(short_topic_label)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    diff = dyad_differences(st, out["share"].to_numpy().reshape(2, -1), codes=code, denominator=per_article, seed=seed)
    attach_differences(out, diff, np.tile(np.arange(len(topic_ids)), 2))
    return out.sort_values(["dyad", "share", "label"], ascending=[True, False, True])[cols].reset_index(drop=True)


def topic_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_topics: pd.DataFrame, *, topic_id: str) -> pd.DataFrame:
    """Every sentence assigned ``topic_id``, with the evidence that assigned it."""
    keys = sentence_topics.loc[sentence_topics["topic_id"] == topic_id, ["article_id", "sentence_id", "evidence"]]
    keys = keys.groupby(["article_id", "sentence_id"], as_index=False)["evidence"].agg(lambda s: "; ".join(str(x) for x in s.dropna()))
    s = sentences.merge(keys, on=["article_id", "sentence_id"], how="inner")
    out = with_article(s, articles)
    return out.sort_values(["dyad", "article_id", "sentence_id"])[[*EVIDENCE_COLUMNS, "evidence"]].reset_index(drop=True)


@dataclass(frozen=True)
class TopicsView:
    """Topic shares of both sides (every taxonomy topic, 0 where absent)."""

    n_focal: int
    shares: pd.DataFrame  # topic_shares_by_dyad
    taxonomy: pd.DataFrame

    def labels(self, *, short: bool = False) -> dict:
        col = "short_label" if short else "label"
        return self.shares.drop_duplicates("topic_id").set_index("topic_id")[col].to_dict()


def topics_view(corpus, *, seed: int = 0, articles: pd.DataFrame | None = None) -> TopicsView:
    """Topic shares of ``corpus`` (any mapping of table name → table; ``articles`` may give
    its articles table, or the columns of it the view reads)."""
    a = corpus["articles"] if articles is None else articles
    rows = whole(corpus)  # topic_shares_of keeps the rows of the articles ``a`` only
    sentences = article_summary(rows, "article_tone")
    return TopicsView(
        n_focal=len(focal_articles(a)),
        shares=topic_shares_of(a, rows["topics"], sentences, corpus["topics_taxonomy"], seed=seed),
        taxonomy=corpus["topics_taxonomy"],
    )
