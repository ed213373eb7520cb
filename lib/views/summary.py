"""How much coverage, and what tone, per relationship — tone always per language.

English sentences are scored by VADER and Arabic ones by this project's own
method; the two scales are not the same instrument, so no number here pools
them: every tone figure is per dyad *and* language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.corpus import rollups
from lib.views.common import (
    DIFF_COLUMNS,
    DYAD_LABELS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    focal_articles,
    isin,
    language_label,
    mapped,
    source_labels,
)
from lib.views.intervals import bootstrap_interval, difference_intervals

SUMMARY_COLUMNS = [
    "dyad",
    "label",
    "language",
    "language_label",
    "tone_method",
    "n_articles",
    "n_sentences",
    "tone",
    "tone_sd",
    "share_negative",
    "share_positive",
    "tone_low",
    "tone_high",
    "interval_note",
    *DIFF_COLUMNS,
]


def languages_present(articles: pd.DataFrame) -> list[str]:
    """The scored languages of the compared articles, in LANGUAGE_LABELS order (English, Arabic)."""
    present = {str(x) for x in focal_articles(articles)["language"].dropna().unique()}
    return [lang for lang in LANGUAGE_LABELS if lang in present]


def dyad_summary(articles: pd.DataFrame, sentences: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """One row per compared dyad and language: articles, sentences, tone and its spread
    (``tone_summary`` of the sentences' article summary)."""
    arts = focal_articles(articles)
    return tone_summary(articles, rollups.article_tone(sentences[isin(sentences["article_id"], arts["article_id"])]), seed=seed)


def tone_summary(articles: pd.DataFrame, article_tone: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """One row per compared dyad and language: articles, sentences, tone and its spread.

    ``article_tone`` is the articles' tone summary (``rollups.article_tone``).
    Rows come in a fixed order (dyads as FOCAL_DYADS, languages as
    LANGUAGE_LABELS) for every language either dyad has, so both sides show
    the same rows. ``tone`` is the mean tone of the scored sentences (−1..1),
    ``tone_sd`` its standard deviation across sentences,
    ``share_negative``/``share_positive`` the pooled shares of negative and
    positive sentences. ``tone_low``/``tone_high`` bound ``tone`` by
    resampling articles (missing below MIN_ARTICLES_FOR_INTERVAL articles;
    ``interval_note`` says why). ``diff``…``diff_note`` (the same on both
    dyads' rows of a language) give US–Turkey minus Russia–Turkey tone in
    that language, with its interval from resampling the articles of each
    side (``intervals.difference_intervals``).
    """
    arts = focal_articles(articles).set_index("article_id")
    stats = article_tone.set_index("article_id")[["n_scored", "tone_sum", "tone_sq", "tone_methods"]]
    arts = arts.join(stats, how="left")
    arts["n_scored"] = arts["n_scored"].fillna(0)
    arts.loc[arts["n_scored"] == 0, ["tone_sum", "tone_sq"]] = float("nan")
    methods: dict[str, set[str]] = {}  # per language, every method that scored its sentences
    for lang, text in arts[["language", "tone_methods"]].dropna().drop_duplicates().itertuples(index=False):
        methods.setdefault(lang, set()).update(str(text).split(", "))
    method = {lang: ", ".join(sorted(used)) for lang, used in methods.items()}
    rows = []
    langs = languages_present(articles)
    for d in FOCAL_DYADS:
        for lang in langs:
            a = arts[(arts["dyad"] == d) & (arts["language"] == lang)]
            n_scored = float(a["n_scored"].sum())
            tone = float(a["tone_sum"].sum() / n_scored) if n_scored else None
            sd = None
            if n_scored > 1 and tone is not None:
                var = (float(a["tone_sq"].sum()) - n_scored * tone**2) / (n_scored - 1)
                sd = math.sqrt(max(var, 0.0))
            w = a["n_scored"].astype(float)
            share_neg = float((a["share_negative"].astype(float).fillna(0) * w).sum() / n_scored) if n_scored else None
            share_pos = float((a["share_positive"].astype(float).fillna(0) * w).sum() / n_scored) if n_scored else None
            per_article = (a["tone_sum"] / a["n_scored"].where(a["n_scored"] > 0)).astype(float)
            interval = bootstrap_interval(per_article.to_numpy(dtype=float), weights=w.to_numpy(dtype=float), ids=a.index, seed=seed)
            rows.append(
                {
                    "dyad": d,
                    "label": DYAD_LABELS[d],
                    "language": lang,
                    "language_label": language_label(lang),
                    "tone_method": method.get(lang, ""),
                    "n_articles": len(a),
                    "n_sentences": int(n_scored),
                    "tone": tone,
                    "tone_sd": sd,
                    "share_negative": share_neg,
                    "share_positive": share_pos,
                    "tone_low": interval.low,
                    "tone_high": interval.high,
                    "interval_note": interval.note,
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in SUMMARY_COLUMNS if c not in DIFF_COLUMNS])
    diffs = []
    a_dyad, b_dyad = FOCAL_DYADS
    for lang in langs:
        side = {d: arts[(arts["dyad"] == d) & (arts["language"] == lang)] for d in FOCAL_DYADS}
        diff = difference_intervals(
            side[a_dyad]["tone_sum"].fillna(0).to_numpy(),
            side[a_dyad]["n_scored"].to_numpy(),
            side[b_dyad]["tone_sum"].fillna(0).to_numpy(),
            side[b_dyad]["n_scored"].to_numpy(),
            ids_a=side[a_dyad].index,
            ids_b=side[b_dyad].index,
            seed=seed,
        )
        diffs.append(diff.assign(language=lang))
    if diffs:
        out = out.merge(pd.concat(diffs, ignore_index=True), on="language", how="left")
    return out.reindex(columns=SUMMARY_COLUMNS)


def dyad_volume(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per compared dyad: articles, words, and articles per language (in words)."""
    arts = focal_articles(articles)
    rows = []
    for d in FOCAL_DYADS:
        a = arts[arts["dyad"] == d]
        by_lang = mapped(a["language"], language_label).value_counts()
        rows.append(
            {
                "dyad": d,
                "label": DYAD_LABELS[d],
                "n_articles": len(a),
                "n_words": int(a["n_words"].fillna(0).sum()),
                "n_sources": int(source_labels(a).nunique()),
                "languages": ", ".join(f"{k} {v}" for k, v in by_lang.items()),
            }
        )
    return pd.DataFrame(rows)


def article_counts(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per dyad, language and source (focal dyads only)."""
    cols = ["dyad", "dyad_label", "language", "language_label", "source_label", "n_articles"]
    a = focal_articles(articles)
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(source_label=source_labels(a), language_label=mapped(a["language"], language_label))
    out = a.groupby(["dyad", "language", "language_label", "source_label"], observed=True).size().rename("n_articles").reset_index()
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    return out[cols]


@dataclass(frozen=True)
class SummaryView:
    """How many articles each side has, and its tone per language."""

    n_articles: int  # every article under the filters
    n_focal: int  # analysed US–Turkey and Russia–Turkey articles
    n_both: int  # analysed articles on both relationships (in neither column)
    volume: pd.DataFrame  # dyad_volume
    tone: pd.DataFrame  # tone_summary: dyad × language
    counts: pd.DataFrame  # article_counts: dyad × language × source

    def row(self, dyad: str) -> pd.Series:
        return self.volume.set_index("dyad").loc[dyad]


def summary_view(articles: pd.DataFrame, article_tone: pd.DataFrame, *, seed: int = 0) -> SummaryView:
    """Counts and per-language tone of the two relationships (``article_tone``: the articles'
    tone summary, ``rollups.article_tone``, of these articles or of any superset of them)."""
    ok = articles["status"] == "ok"
    return SummaryView(
        n_articles=len(articles),
        n_focal=len(focal_articles(articles)),
        n_both=int(((articles["dyad"] == "both") & ok).sum()),
        volume=dyad_volume(articles),
        tone=tone_summary(articles, article_tone, seed=seed),
        counts=article_counts(articles),
    )
