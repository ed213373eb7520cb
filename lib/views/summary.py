"""How much coverage, and what tone, per relationship — tone always per language.

English sentences are scored by VADER and Arabic ones by this project's own
method; the two scales are not the same instrument, so no number here pools
them: every tone figure is per dyad *and* language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.views.coded import Sides
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
    focal = focal_articles(articles)
    sides = Sides.of(focal)  # the compared articles, as arrays: one entry per article below
    row = sides.rows_in(article_tone)
    has = row >= 0

    def of_article(column: str, dtype: type, missing: object) -> np.ndarray:
        """``column`` of each compared article's row (``missing`` where it has none)."""
        if not len(article_tone):
            return np.full(len(row), missing, dtype=dtype)
        values = article_tone[column].to_numpy(dtype=dtype, na_value=missing)[np.maximum(row, 0)]
        values[~has] = missing
        return values

    n_scored = np.nan_to_num(of_article("n_scored", float, np.nan))
    scored = n_scored > 0
    tone_sum = np.where(scored, of_article("tone_sum", float, np.nan), np.nan)
    tone_sq = np.where(scored, of_article("tone_sq", float, np.nan), np.nan)
    used = of_article("tone_methods", object, None)
    shares = {name: focal[f"share_{name}"].to_numpy(dtype=float, na_value=np.nan) for name in ("negative", "positive")}
    methods: dict[str, set[str]] = {}  # per language, every method that scored its sentences
    lang_code, langs_seen = pd.factorize(sides.language)  # the distinct (language, methods) pairs, found on codes
    used_code, used_seen = pd.factorize(used)
    both = (lang_code >= 0) & (used_code >= 0)
    for pair in np.unique(lang_code[both] * len(used_seen) + used_code[both]):  # one number per pair (np.unique(axis=0): 40x slower)
        i, j = divmod(int(pair), len(used_seen))
        methods.setdefault(langs_seen[i], set()).update(str(used_seen[j]).split(", "))
    method = {lang: ", ".join(sorted(names)) for lang, names in methods.items()}
    rows = []
    langs = languages_present(articles)

    def part(d: str, lang: str) -> np.ndarray:
        return (sides.side == FOCAL_DYADS.index(d)) & (sides.language == lang)

    for d in FOCAL_DYADS:
        for lang in langs:
            a = part(d, lang)
            n = float(n_scored[a].sum())
            tone = float(np.nansum(tone_sum[a]) / n) if n else None
            sd = None
            if n > 1 and tone is not None:
                var = (float(np.nansum(tone_sq[a])) - n * tone**2) / (n - 1)
                sd = math.sqrt(max(var, 0.0))
            w = n_scored[a]
            share = {name: float((np.nan_to_num(v[a]) * w).sum() / n) if n else None for name, v in shares.items()}
            with np.errstate(invalid="ignore", divide="ignore"):
                per_article = tone_sum[a] / np.where(w > 0, w, np.nan)
            interval = bootstrap_interval(per_article, weights=w, ids=sides.articles[a], seed=seed)
            rows.append(
                {
                    "dyad": d,
                    "label": DYAD_LABELS[d],
                    "language": lang,
                    "language_label": language_label(lang),
                    "tone_method": method.get(lang, ""),
                    "n_articles": int(a.sum()),
                    "n_sentences": int(n),
                    "tone": tone,
                    "tone_sd": sd,
                    "share_negative": share["negative"],
                    "share_positive": share["positive"],
                    "tone_low": interval.low,
                    "tone_high": interval.high,
                    "interval_note": interval.note,
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in SUMMARY_COLUMNS if c not in DIFF_COLUMNS])
    diffs = []
    for lang in langs:
        a, b = (part(d, lang) for d in FOCAL_DYADS)
        diff = difference_intervals(
            np.nan_to_num(tone_sum[a]),
            n_scored[a],
            np.nan_to_num(tone_sum[b]),
            n_scored[b],
            ids_a=sides.articles[a],
            ids_b=sides.articles[b],
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
