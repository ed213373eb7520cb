"""Tone of the coverage: distributions per relationship, always within a language.

Each language is scored by its own method (VADER for English, the Arabic
lexicon method for Arabic), so every table and bin here is keyed by dyad
*and* language; nothing pools the two scales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.views.coded import Sides
from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    article_summary,
    focal_articles,
    isin,
    with_article,
)
from lib.views.entities import entity_rates, entity_tone_by_language
from lib.views.summary import languages_present, tone_summary

TONE_COLUMNS = [
    "article_id",
    "sentence_id",
    "start",
    "dyad",
    "dyad_label",
    "language",
    "language_label",
    "tone",
    "tone_method",
    "text",
    "title",
]


def sentence_tones(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Scored sentences of the compared dyads, with dyad and language (for distributions)."""
    arts = focal_articles(articles)
    s = sentences[isin(sentences["article_id"], arts["article_id"]) & sentences["tone"].notna().to_numpy(dtype=bool)]
    out = with_article(s, arts)
    out["tone"] = out["tone"].astype(float)
    return out[TONE_COLUMNS].reset_index(drop=True)


def sentence_tone_values(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """dyad, language and tone of every scored sentence of the compared dyads: what
    ``tone_bins`` needs, without the sentences' text and titles ``sentence_tones`` adds."""
    arts = focal_articles(articles)[["article_id", "dyad", "language"]]
    s = sentences.loc[
        isin(sentences["article_id"], arts["article_id"]) & sentences["tone"].notna().to_numpy(dtype=bool), ["article_id", "tone"]
    ]
    out = s.merge(arts, on="article_id", how="inner")
    return out.assign(tone=out["tone"].astype(float))[["dyad", "language", "tone"]]


#: Width of a tone histogram bin: ten bins over −1..+1 (as the articles' tone summaries count them).
TONE_BIN = rollups.TONE_BIN
BIN_COLUMNS = ["dyad", "dyad_label", "language", "language_label", "bin_start", "bin_end", "n_sentences"]


def tone_bins(tones: pd.DataFrame, *, step: float = TONE_BIN) -> pd.DataFrame:
    """Sentence counts per dyad, language and tone bin (−1..+1 in ``step``s), from ``sentence_tones``.

    Every (dyad, language, bin) of the languages present is a row (0 when
    empty), so both sides' histograms have the same bins. A histogram drawn
    from these few rows instead of every sentence keeps the page light on a
    corpus of thousands of articles.
    """
    if tones.empty:
        return pd.DataFrame(columns=BIN_COLUMNS)
    idx = rollups.tone_bin_index(tones["tone"].to_numpy(dtype=float), step=step)
    counts = tones.assign(bin=idx).groupby(["dyad", "language", "bin"]).size().rename("n_sentences")
    return _full_bins(counts, set(tones["language"].unique()), n_bins=round(2 / step), step=step)


def tone_bins_of(articles: pd.DataFrame, article_tone: pd.DataFrame) -> pd.DataFrame:
    """``tone_bins`` summed from the articles' tone summaries (``rollups.article_tone``, of these
    articles or of any superset of them): the same table, without reading a sentence."""
    sides = Sides.of(focal_articles(articles))
    row = sides.rows_in(article_tone)
    scored = np.zeros(len(row), dtype=bool)
    if len(article_tone):
        scored = (row >= 0) & (article_tone["n_scored"].to_numpy(dtype=float, na_value=0.0)[np.maximum(row, 0)] > 0)
    if not scored.any():
        return pd.DataFrame(columns=BIN_COLUMNS)
    langs = [lang for lang in LANGUAGE_LABELS if (sides.language[scored] == lang).any()]
    lang_code = np.full(len(row), -1, dtype=np.int64)
    for i, lang in enumerate(langs):
        lang_code[sides.language == lang] = i
    scored &= lang_code >= 0  # as a groupby, an article of another language adds to no row
    group = sides.side[scored] * len(langs) + lang_code[scored]
    bins = article_tone[rollups.TONE_BIN_COLUMNS].to_numpy(dtype=np.int64)[row[scored]]
    sums = np.zeros((2 * len(langs), rollups.N_TONE_BINS), dtype=np.int64)
    np.add.at(sums, group, bins)
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), langs, range(rollups.N_TONE_BINS)], names=["dyad", "language", "bin"])
    counts = pd.Series(sums.ravel(), index=full, name="n_sentences")
    return _full_bins(counts, set(langs), n_bins=rollups.N_TONE_BINS, step=TONE_BIN)


def _full_bins(counts: pd.Series, present: set, *, n_bins: int, step: float) -> pd.DataFrame:
    """Sentence counts by (dyad, language, bin) as every (dyad, language, bin) row of the languages present (0 when empty)."""
    langs = [lang for lang in LANGUAGE_LABELS if lang in present]
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), langs, range(n_bins)], names=["dyad", "language", "bin"])
    out = counts.reindex(full, fill_value=0).reset_index()
    out["n_sentences"] = out["n_sentences"].astype("int64")
    out["bin_start"] = -1 + out["bin"] * step
    out["bin_end"] = out["bin_start"] + step
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out["language_label"] = out["language"].map(LANGUAGE_LABELS)
    return out[BIN_COLUMNS]


def tone_by_group(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Mean, spread and quartiles of sentence tone per dyad and language."""
    s = sentence_tones(articles, sentences)
    keys = ["dyad", "dyad_label", "language", "language_label"]
    cols = [*keys, "tone_method", "n_sentences", "n_articles", "mean", "sd", "q25", "median", "q75", "share_negative", "share_positive"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    g = s.groupby(keys, dropna=False)
    out = g["tone"].agg(
        n_sentences="size", mean="mean", sd="std", q25=lambda x: x.quantile(0.25), median="median", q75=lambda x: x.quantile(0.75)
    )
    out["n_articles"] = g["article_id"].nunique()
    out["tone_method"] = g["tone_method"].agg(lambda x: ", ".join(sorted(set(x.dropna().astype(str)))))
    out = out.reset_index()
    # Shares of negative/positive come from the articles table, counted at the
    # ±0.05 thresholds (lib.analysis.tone_scale): pooled over sentences by weighting each
    # article by its scored sentences.
    per_art = s.groupby("article_id").size().rename("n")
    a = articles.set_index("article_id").join(per_art, how="inner")
    a = a.assign(neg=a["share_negative"].astype(float) * a["n"], pos=a["share_positive"].astype(float) * a["n"])
    sh = a.groupby(["dyad", "language"])[["neg", "pos", "n"]].sum()
    sh = (sh[["neg", "pos"]].div(sh["n"], axis=0)).rename(columns={"neg": "share_negative", "pos": "share_positive"}).reset_index()
    out = out.merge(sh, on=["dyad", "language"], how="left")
    order = {d: i for i, d in enumerate(FOCAL_DYADS)} | {lang: i for i, lang in enumerate(LANGUAGE_LABELS)}
    out = out.sort_values(["dyad", "language"], key=lambda c: c.map(order))
    return out[cols].reset_index(drop=True)


#: Entities on the tone-toward-entities chart: more are unreadable.
TONE_ENTITIES = 10


@dataclass(frozen=True)
class ToneView:
    """Tone per relationship and language: summary, distribution, bins, entities."""

    n_focal: int
    languages: list[str]
    summary: pd.DataFrame  # summary.tone_summary
    tones: pd.DataFrame  # sentence_tones
    bins: pd.DataFrame  # tone_bins
    by_language: pd.DataFrame  # tone_by_group
    entity_rates: pd.DataFrame  # entities.entity_rates (tone per language in entity_tone)
    entity_tone: pd.DataFrame  # entities.entity_tone_by_language
    methods_used: list[str]


def tone_view(corpus, *, seed: int = 0, summary: pd.DataFrame | None = None) -> ToneView:
    """The Tone page's view of ``corpus`` (any mapping of table name → table).

    ``summary`` may pass a ``tone_summary`` already made on the same corpus.
    """
    a, s = corpus["articles"], corpus["sentences"]
    tones = sentence_tones(a, s)
    mentions = article_summary(corpus, "article_mentions")
    rates = entity_rates(
        a, mentions, corpus["entity_tone"], corpus["entities"], top=TONE_ENTITIES, exclude=DYAD_DEFINING_ENTITIES, counted=True
    )
    return ToneView(
        n_focal=len(focal_articles(a)),
        languages=languages_present(a),
        summary=tone_summary(a, article_summary(corpus, "article_tone"), seed=seed) if summary is None else summary,
        tones=tones,
        bins=tone_bins(tones),
        by_language=tone_by_group(a, s),
        entity_rates=rates,
        entity_tone=entity_tone_by_language(a, corpus["entity_tone"], corpus["entities"], entity_ids=set(rates["entity_id"])),
        methods_used=sorted(set(s["tone_method"].dropna().astype(str))),
    )
