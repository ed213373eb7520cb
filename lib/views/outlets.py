"""Outlets side by side: per relationship, each outlet's articles, tone per language and topic mix.

An outlet is the article's source as shown (``common.source_label``:
articles without one are "(unknown source)"). Tone is per language, as
everywhere; topic mix is the share of the outlet's sentences (in that
relationship's articles) on each of the topics that lead overall.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.views.common import DYAD_LABELS, FOCAL_DYADS, LANGUAGE_LABELS, focal_articles, isin, language_label, source_labels
from lib.views.topics import short_topic_label

#: Outlets shown: the most prolific; the rest are summed as "other outlets".
MAX_OUTLETS = 12
#: Topics in the topic mix (the largest over both relationships).
MIX_TOPICS = 8
OTHER_OUTLETS = "(other outlets)"


@dataclass(frozen=True)
class OutletsView:
    """Outlets × relationship: articles, tone per language, topic mix."""

    outlets: list[str]  # most articles first
    volume: pd.DataFrame  # outlet × dyad: n_articles
    tone: pd.DataFrame  # outlet × dyad × language: tone, n_sentences, n_articles
    topics: pd.DataFrame  # outlet × dyad × topic: share of the outlet's sentences
    n_outlets: int  # outlets before grouping the smallest


def _outlet_of(articles: pd.DataFrame, keep: list[str]) -> pd.Series:
    src = source_labels(articles)
    return src.where(src.isin(keep), OTHER_OUTLETS)


def outlets_view(corpus, *, max_outlets: int = MAX_OUTLETS) -> OutletsView:
    """The By-outlet view of ``corpus`` (any mapping of table name → table)."""
    a = focal_articles(corpus["articles"]).copy()
    counts = source_labels(a).value_counts()
    keep = counts.index[:max_outlets].astype(str).tolist()
    a["outlet"] = _outlet_of(a, keep).to_numpy()
    outlets = keep + ([OTHER_OUTLETS] if len(counts) > max_outlets else [])
    full = pd.MultiIndex.from_product([outlets, list(FOCAL_DYADS)], names=["outlet", "dyad"])
    volume = a.groupby(["outlet", "dyad"]).size().rename("n_articles").reindex(full, fill_value=0).reset_index()
    volume["dyad_label"] = volume["dyad"].map(DYAD_LABELS)

    s = corpus["sentences"]
    s = s[isin(s["article_id"], a["article_id"])][["article_id", "sentence_id", "tone"]].merge(
        a[["article_id", "outlet", "dyad", "language"]], on="article_id"
    )
    scored = s[s["tone"].notna()].assign(tone=lambda x: x["tone"].astype(float))
    tone = (
        scored[scored["language"].isin(list(LANGUAGE_LABELS))]
        .groupby(["outlet", "dyad", "language"])
        .agg(tone=("tone", "mean"), n_sentences=("tone", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    tone["dyad_label"] = tone["dyad"].map(DYAD_LABELS)
    tone["language_label"] = tone["language"].map(language_label)

    st = corpus["sentence_topics"][["article_id", "sentence_id", "topic_id"]].drop_duplicates()
    st = st[isin(st["article_id"], a["article_id"])].merge(a[["article_id", "outlet", "dyad"]], on="article_id")
    lead = st["topic_id"].value_counts().index[:MIX_TOPICS].tolist()
    n_sent = s.groupby(["outlet", "dyad"]).size().rename("outlet_sentences")
    mix = st[st["topic_id"].isin(lead)].groupby(["outlet", "dyad", "topic_id"]).size().rename("n_sentences")
    full_t = pd.MultiIndex.from_product([outlets, list(FOCAL_DYADS), lead], names=["outlet", "dyad", "topic_id"])
    topics = mix.reindex(full_t, fill_value=0).reset_index().join(n_sent, on=["outlet", "dyad"])
    topics["outlet_sentences"] = topics["outlet_sentences"].fillna(0).astype(int)
    topics = topics[topics["outlet_sentences"] > 0]
    topics["share"] = topics["n_sentences"] / topics["outlet_sentences"]
    tax = corpus["topics_taxonomy"].set_index("topic_id")["label_en"] if len(corpus["topics_taxonomy"]) else pd.Series(dtype=str)
    topics["topic"] = topics["topic_id"].map(tax).fillna(topics["topic_id"]).astype(str).map(short_topic_label)
    topics["dyad_label"] = topics["dyad"].map(DYAD_LABELS)
    return OutletsView(
        outlets=outlets,
        volume=volume,
        tone=tone.reset_index(drop=True),
        topics=topics.reset_index(drop=True),
        n_outlets=len(counts),
    )
