"""Side-by-side numbers for US–Turkey and Russia–Turkey coverage.

Every function takes tables of the analysed corpus (``lib.schema``) and
returns a pandas table or a list of plain dicts; none of them knows about
Streamlit. Pages call one of them and render what comes back.

Only articles with ``status == "ok"`` and a dyad of ``us-turkey`` or
``russia-turkey`` enter a comparison. Articles about both relationships
(``both``) would put the same words on both sides of every difference, so
they are listed on the Articles page but counted in neither column.

Small corpora are the normal case here (the seed corpus has 2 US–Turkey and
3 Russia–Turkey articles), so every number carries the count of articles it
rests on, and intervals come from resampling whole articles, never sentences:
sentences of one article are not independent evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from lib.analysis.entities import load_gazetteer, match_arabic, match_english
from lib.text import arabic
from lib.text.fold import fold

# --- dyads ----------------------------------------------------------------------------

#: The two relationships compared, in the order they are shown (left, right).
FOCAL_DYADS = ("us-turkey", "russia-turkey")
DYAD_LABELS = {"us-turkey": "US–Turkey", "russia-turkey": "Russia–Turkey", "both": "Both", "other": "Other"}
LANGUAGE_LABELS = {"en": "English", "ar": "Arabic"}
#: Shown wherever an article's source is missing (seed files rarely state one).
UNKNOWN_SOURCE = "(unknown source)"
UNKNOWN_DATE = "(no date)"

#: Entities that define a dyad (the two countries): they are mentioned in
#: every article by construction, so a finding about them says nothing.
DYAD_DEFINING_ENTITIES = frozenset({"turkey", "united-states", "russia"})

# --- evidence thresholds ----------------------------------------------------------

#: Fewer articles than this on a side and no resampling interval is given:
#: with 1 or 2 articles the "interval" is just the articles' own values.
MIN_ARTICLES_FOR_INTERVAL = 3
#: Resamples for bootstrap intervals: 2,000 keeps the 5th/95th percentiles
#: stable to about ±0.01 on tone and runs in milliseconds on 10,000 articles.
N_BOOT = 2000
#: Most resampled article draws per interval (resamples × articles): above
#: N_BOOT × n = this budget, fewer resamples are drawn (never below
#: MIN_BOOT). With thousands of articles the interval is narrow and 300
#: resamples place its ends within a small fraction of its width, in well
#: under a second.
BOOT_BUDGET = 2_000_000
MIN_BOOT = 300
#: Two-sided 90 % interval: with a handful of articles a 95 % one spans most
#: of the scale and reads as "nothing known", which is also what 90 % says
#: when it is that wide.
INTERVAL_LEVEL = 0.90
#: Below this many articles on either side a finding says it is tentative.
FEW_ARTICLES = 10
#: Informative Dirichlet prior (Monroe et al. 2008): α_i = PRIOR_SCALE × the
#: term's count in the pooled two-dyad corpus, so α_0 = PRIOR_SCALE × the
#: pooled token count. 0.1 lets the prior shrink rare terms towards "no
#: difference" (a term seen once moves little) without drowning real
#: differences in a small corpus; Monroe et al. used the full collection's
#: counts in the same way.
PRIOR_SCALE = 0.1
#: Smallest "mass of the other terms" in a log-odds denominator (half a
#: count): reached only when a side's whole vocabulary is a single term.
OTHER_MASS_FLOOR = 0.5
#: |z| above which a term counts as distinguishing (≈ two-sided p < 0.05).
Z_SIGNIFICANT = 1.96
#: A finding about a topic or entity needs at least this difference in share
#: (topics, share of sentences) to be stated as a difference.
MIN_TOPIC_SHARE_GAP = 0.05
#: Tone below/above ± this is not called "more negative"/"more positive" in a
#: finding: VADER's own neutral band is ±0.05.
MIN_TONE_GAP = 0.05

# --- stopwords --------------------------------------------------------------------------

#: English function words dropped from distinguishing terms (casefolded).
_EN_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves said says say told according mr ms mrs
    one two three four five six seven eight nine ten first last new also since its it's would could may might must
    shall us re s t don't didn't doesn't isn't wasn't aren't weren't won't can't cannot via per within without upon
    among amid along across around toward towards however whether although though yet still even ever already
"""
EN_STOPWORDS = frozenset(_EN_STOPWORD_TEXT.split())
# "us" is a pronoun here; the country "US" casefolds to the same token, and
# the country is a dyad-defining entity anyway, never a distinguishing term.

#: Arabic function words, written in normalised form (lib.text.arabic.normalise)
#: and without the proclitics و/ال that are stripped before the lookup.
_AR_STOPWORD_TEXT = """
    في من الى إلى على عن مع هذا هذه ذلك تلك هؤلاء التي الذي الذين اللذين اللتين ما ماذا لا لم لن ان أن إن قد
    كان كانت يكون تكون كما او أو ثم بل لكن لكنه حتى اذا إذا عند عندما بين بعد قبل حول خلال منذ ضد دون غير كل بعض
    هو هي هم هن نحن انا أنا انت أنت انه أنه انها أنها لها له لهم به بها بهم فيه فيها عليه عليها منه منها اليه إليه
    التي عبر وفق لدى نحو اي أي ايضا أيضا فقط حيث كذلك هناك هنا قال قالت يقول تقول وقال وقالت اليوم امس أمس
    ذات الا إلا سوى مثل اكثر أكثر اقل أقل جدا وهو وهي فى يا لقد ولم ولا وان وأن وإن وفي ومن وعلى كلا وقد
"""
AR_STOPWORDS = frozenset(arabic.normalise(w) for w in _AR_STOPWORD_TEXT.split())

# --- filtering ----------------------------------------------------------------------------


def source_label(source: object) -> str:
    """The source as shown: missing sources read "(unknown source)"."""
    if source is None or source is pd.NA or (isinstance(source, float) and math.isnan(source)):
        return UNKNOWN_SOURCE
    text = str(source).strip()
    return text or UNKNOWN_SOURCE


def _sources(articles: pd.DataFrame) -> pd.Series:
    return articles["source"].map(source_label).astype("string")


def filter_articles(
    articles: pd.DataFrame,
    *,
    languages: Iterable[str] | None = None,
    date_range: tuple[str | None, str | None] | None = None,
    sources: Iterable[str] | None = None,
    include_undated: bool = True,
) -> list[str]:
    """Ids of the articles that match every given filter (None = no filter).

    ``date_range`` is ``(first, last)`` as ISO dates, either end open when
    None; it applies to dated articles, and undated ones are kept unless
    ``include_undated`` is False. ``sources`` matches the shown label, so
    ``"(unknown source)"`` selects articles without a source.
    """
    keep = pd.Series(True, index=articles.index)
    if languages is not None:
        keep &= articles["language"].isin(list(languages)).fillna(False).astype(bool)
    if date_range is not None:
        first, last = date_range
        dates = articles["date"].astype("string").str.slice(0, 10)
        dated = dates.notna()
        in_range = pd.Series(True, index=articles.index)
        if first:
            in_range &= (dates >= str(first)).fillna(False).astype(bool)
        if last:
            in_range &= (dates <= str(last)).fillna(False).astype(bool)
        keep &= (dated & in_range) | (~dated & include_undated)
    elif not include_undated:
        keep &= articles["date"].notna()
    if sources is not None:
        keep &= _sources(articles).isin(list(sources)).fillna(False).astype(bool)
    return articles.loc[keep, "article_id"].astype(str).tolist()


def date_span(articles: pd.DataFrame) -> tuple[str | None, str | None]:
    """Earliest and latest ISO date among the articles (None when no dates)."""
    dates = articles["date"].dropna().astype(str).str.slice(0, 10)
    if dates.empty:
        return None, None
    return str(dates.min()), str(dates.max())


def source_options(articles: pd.DataFrame) -> list[str]:
    """Every source label present, most articles first."""
    return _sources(articles).value_counts().index.astype(str).tolist()


def focal_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Analysed articles of the two compared dyads."""
    return articles[(articles["status"] == "ok") & articles["dyad"].isin(FOCAL_DYADS)]


# --- intervals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A resampling interval, or the reason there is none."""

    low: float | None
    high: float | None
    n: int
    note: str

    def as_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "n": self.n, "note": self.note}


def bootstrap_interval(
    values: Sequence[float],
    *,
    weights: Sequence[float] | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
    level: float = INTERVAL_LEVEL,
    min_n: int = MIN_ARTICLES_FOR_INTERVAL,
) -> Interval:
    """Percentile interval of the (weighted) mean from resampling articles.

    ``values`` holds one value per article (e.g. its mean sentence tone) and
    ``weights`` how much each article counts (e.g. its number of scored
    sentences, which makes the statistic the pooled sentence mean). Missing
    values are dropped first. With fewer than ``min_n`` articles there is no
    interval, and the note says so.
    """
    v = np.asarray(pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce"), dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(pd.to_numeric(pd.Series(weights, dtype="object"), errors="coerce"), dtype=float)
    if len(w) != len(v):
        raise ValueError(f"values and weights differ in length ({len(v)} vs {len(w)})")
    ok = ~np.isnan(v) & ~np.isnan(w) & (w > 0)
    v, w = v[ok], w[ok]
    n = len(v)
    if n < min_n:
        return Interval(None, None, n, f"based on {_articles(n)}: too few articles for an interval")
    n_boot = max(MIN_BOOT, min(n_boot, BOOT_BUDGET // n))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    means = (v[idx] * w[idx]).sum(axis=1) / w[idx].sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return Interval(float(low), float(high), n, f"based on {_articles(n)}; {level:.0%} interval from resampling articles")


def _articles(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"


# --- per-dyad summaries ---------------------------------------------------------------


def _sentence_stats(sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article: number of scored sentences, their tone sum and sum of squares."""
    s = sentences[["article_id", "tone"]].copy()
    s["tone"] = s["tone"].astype("Float64")
    s = s[s["tone"].notna()]
    s["tone_sq"] = s["tone"] ** 2
    return s.groupby("article_id").agg(n_scored=("tone", "size"), tone_sum=("tone", "sum"), tone_sq=("tone_sq", "sum"))


def dyad_summary(articles: pd.DataFrame, sentences: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """One row per compared dyad: articles, words, tone and its spread.

    ``tone`` is the mean tone of all scored sentences of the dyad's articles
    (−1..1), ``tone_sd`` its standard deviation across sentences,
    ``share_negative``/``share_positive`` the pooled shares of negative and
    positive sentences. ``tone_low``/``tone_high`` bound ``tone`` by
    resampling articles (missing below MIN_ARTICLES_FOR_INTERVAL articles;
    ``interval_note`` says why).
    """
    arts = focal_articles(articles).set_index("article_id")
    stats = _sentence_stats(sentences[sentences["article_id"].isin(arts.index)])
    arts = arts.join(stats, how="left")
    arts["n_scored"] = arts["n_scored"].fillna(0)
    rows = []
    for d in FOCAL_DYADS:
        a = arts[arts["dyad"] == d]
        n_scored = float(a["n_scored"].sum())
        tone = float(a["tone_sum"].sum() / n_scored) if n_scored else None
        sd = None
        if n_scored > 1:
            var = (float(a["tone_sq"].sum()) - n_scored * tone**2) / (n_scored - 1)
            sd = math.sqrt(max(var, 0.0))
        w = a["n_scored"].astype(float)
        share_neg = float((a["share_negative"].astype(float).fillna(0) * w).sum() / n_scored) if n_scored else None
        share_pos = float((a["share_positive"].astype(float).fillna(0) * w).sum() / n_scored) if n_scored else None
        per_article = (a["tone_sum"] / a["n_scored"].where(a["n_scored"] > 0)).astype(float)
        interval = bootstrap_interval(per_article.tolist(), weights=w.tolist(), seed=seed)
        rows.append(
            {
                "dyad": d,
                "label": DYAD_LABELS[d],
                "n_articles": len(a),
                "n_words": int(a["n_words"].fillna(0).sum()),
                "n_sentences": int(n_scored),
                "tone": tone,
                "tone_sd": sd,
                "share_negative": share_neg,
                "share_positive": share_pos,
                "tone_low": interval.low,
                "tone_high": interval.high,
                "interval_note": interval.note,
                "languages": ", ".join(f"{LANGUAGE_LABELS.get(k, k)} {v}" for k, v in a["language"].value_counts().items()),
            }
        )
    return pd.DataFrame(rows)


def article_counts(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per dyad, language and source (focal dyads only)."""
    a = focal_articles(articles).assign(source_label=lambda df: _sources(df), language_label=lambda df: df["language"].map(_language_label))
    if a.empty:
        return pd.DataFrame(columns=["dyad", "dyad_label", "language", "language_label", "source_label", "n_articles"])
    out = a.groupby(["dyad", "language", "language_label", "source_label"], observed=True).size().rename("n_articles").reset_index()
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    return out[["dyad", "dyad_label", "language", "language_label", "source_label", "n_articles"]]


def _language_label(code: object) -> str:
    if code is None or code is pd.NA:
        return "(unknown)"
    return LANGUAGE_LABELS.get(str(code), str(code))


# --- entities ----------------------------------------------------------------------------


def _entity_names(entities: pd.DataFrame) -> pd.DataFrame:
    e = entities[["entity_id", "name_en", "name_ar", "type", "affiliation"]].drop_duplicates("entity_id")
    return e.set_index("entity_id")


def entity_name(entities: pd.DataFrame, entity_id: str, *, language: str = "en") -> str:
    """An entity's display name (English unless asked), falling back to its id."""
    row = entities[entities["entity_id"] == entity_id]
    if row.empty:
        return entity_id
    col = "name_ar" if language == "ar" else "name_en"
    name = row.iloc[0][col]
    if name is pd.NA or name is None or str(name) == "":
        name = row.iloc[0]["name_en"]
    return entity_id if name is pd.NA or name is None or str(name) == "" else str(name)


def entity_rates(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entity_tone: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    top: int | None = None,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Entity × dyad: mentions, per 1,000 words, share of articles, tone toward it.

    ``per_1000_words`` is the entity's mentions over all words of the dyad's
    articles × 1,000; ``tone`` is the mean tone of the sentences that mention
    it (weighted across articles by their number of such sentences), with
    ``n_tone_sentences`` behind it. ``top`` keeps the most-mentioned entities
    of each dyad (by rate). Every (entity, dyad) pair of a kept entity is
    present, with zero counts where a dyad never mentions it.
    """
    cols = [
        "dyad",
        "dyad_label",
        "entity_id",
        "name",
        "name_ar",
        "type",
        "n_mentions",
        "n_articles",
        "share_articles",
        "per_1000_words",
        "tone",
        "n_tone_sentences",
        "dyad_articles",
    ]
    arts = focal_articles(articles)
    if arts.empty:
        return pd.DataFrame(columns=cols)
    dyad_of = arts.set_index("article_id")["dyad"]
    words = arts.groupby("dyad")["n_words"].sum().reindex(FOCAL_DYADS).fillna(0).astype(float)
    n_arts = arts.groupby("dyad").size().reindex(FOCAL_DYADS).fillna(0).astype(int)
    excluded = set(exclude)
    m = mentions[mentions["article_id"].isin(dyad_of.index) & ~mentions["entity_id"].isin(excluded)].copy()
    m["dyad"] = m["article_id"].map(dyad_of)
    counts = m.groupby(["dyad", "entity_id"]).agg(n_mentions=("entity_id", "size"), n_articles=("article_id", "nunique"))
    t = entity_tone[entity_tone["article_id"].isin(dyad_of.index) & entity_tone["tone"].notna()].copy()
    t["dyad"] = t["article_id"].map(dyad_of)
    t["w"] = t["n_sentences"].astype(float)
    t["tw"] = t["tone"].astype(float) * t["w"]
    tone = t.groupby(["dyad", "entity_id"]).agg(tw=("tw", "sum"), n_tone_sentences=("w", "sum"))
    tone["tone"] = tone["tw"] / tone["n_tone_sentences"].where(tone["n_tone_sentences"] > 0)
    ids = sorted(set(counts.index.get_level_values("entity_id")))
    if not ids:
        return pd.DataFrame(columns=cols)
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), ids], names=["dyad", "entity_id"])
    out = counts.reindex(full).join(tone[["tone", "n_tone_sentences"]], how="left").reset_index()
    out["n_mentions"] = out["n_mentions"].fillna(0).astype(int)
    out["n_articles"] = out["n_articles"].fillna(0).astype(int)
    out["n_tone_sentences"] = out["n_tone_sentences"].fillna(0).astype(int)
    out["dyad_articles"] = out["dyad"].map(n_arts).astype(int)
    out["share_articles"] = out["n_articles"] / out["dyad_articles"].where(out["dyad_articles"] > 0)
    w = out["dyad"].map(words)
    out["per_1000_words"] = (out["n_mentions"] / w.where(w > 0) * 1000).astype(float)
    names = _entity_names(entities)
    surface = m.groupby("entity_id")["surface"].agg(lambda s: s.value_counts().index[0])
    out["name"] = out["entity_id"].map(names["name_en"]).fillna(out["entity_id"].map(surface)).fillna(out["entity_id"]).astype(str)
    out["name_ar"] = out["entity_id"].map(names["name_ar"])
    out["type"] = out["entity_id"].map(names["type"]).fillna(out["entity_id"].map(m.groupby("entity_id")["type"].first()))
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    if top is not None:
        best = out.sort_values("per_1000_words", ascending=False).groupby("dyad").head(top)
        best = best[best["n_mentions"] > 0]
        out = out[out["entity_id"].isin(set(best["entity_id"]))]
    out["tone"] = out["tone"].astype(float)
    return out.sort_values(["dyad", "per_1000_words", "name"], ascending=[True, False, True])[cols].reset_index(drop=True)


ENTITY_TABLE_MEASURES = {"n_mentions": "Mentions", "share_articles": "Share of articles", "tone": "Tone"}


def entity_dyad_table(rates: pd.DataFrame) -> pd.DataFrame:
    """``entity_rates`` as one row per entity: Entity, Type, then "<measure> · <dyad>"
    columns (mentions, share of articles, tone) in the order US–Turkey, Russia–Turkey,
    most-mentioned entities first."""
    cols = [(m, DYAD_LABELS[d]) for m in ENTITY_TABLE_MEASURES for d in FOCAL_DYADS]
    if rates.empty:
        return pd.DataFrame(columns=["entity_id", "Entity", "Type", *(f"{ENTITY_TABLE_MEASURES[m]} · {d}" for m, d in cols)])
    r = rates.assign(type=rates["type"].astype("string").fillna(""))
    wide = r.set_index(["entity_id", "name", "type", "dyad_label"])[list(ENTITY_TABLE_MEASURES)].unstack("dyad_label")
    wide = wide.reindex(columns=cols)
    wide.columns = [f"{ENTITY_TABLE_MEASURES[m]} · {d}" for m, d in cols]
    mention_cols = [c for c in wide.columns if c.startswith("Mentions")]
    wide = wide.reset_index().rename(columns={"name": "Entity", "type": "Type"})
    wide = (
        wide.assign(_total=wide[mention_cols].sum(axis=1)).sort_values(["_total", "Entity"], ascending=[False, True]).drop(columns="_total")
    )
    return wide.reset_index(drop=True)


def entity_cooccurrence(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    top: int = 20,
    exclude: Iterable[str] = DYAD_DEFINING_ENTITIES,
) -> pd.DataFrame:
    """Pairs of entities named in the same sentence, counted per dyad.

    One row per (dyad, entity pair) with ``n_sentences`` (sentences naming
    both) and ``n_articles``; the ``top`` pairs of each dyad by sentences.
    The dyad-defining countries are left out by default: they co-occur with
    everything by construction.
    """
    cols = ["dyad", "dyad_label", "entity_a", "entity_b", "name_a", "name_b", "n_sentences", "n_articles"]
    arts = focal_articles(articles)
    dyad_of = arts.set_index("article_id")["dyad"]
    m = mentions[mentions["article_id"].isin(dyad_of.index) & ~mentions["entity_id"].isin(list(exclude))]
    m = m[["article_id", "sentence_id", "entity_id"]].drop_duplicates()
    if m.empty:
        return pd.DataFrame(columns=cols)
    pairs = m.merge(m, on=["article_id", "sentence_id"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] < pairs["entity_id_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    pairs["dyad"] = pairs["article_id"].map(dyad_of)
    out = (
        pairs.groupby(["dyad", "entity_id_a", "entity_id_b"])
        .agg(n_sentences=("sentence_id", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
        .rename(columns={"entity_id_a": "entity_a", "entity_id_b": "entity_b"})
    )
    names = _entity_names(entities)["name_en"]
    out["name_a"] = out["entity_a"].map(names).fillna(out["entity_a"]).astype(str)
    out["name_b"] = out["entity_b"].map(names).fillna(out["entity_b"]).astype(str)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out = out.sort_values(["dyad", "n_sentences", "name_a", "name_b"], ascending=[True, False, True, True]).groupby("dyad").head(top)
    return out[cols].reset_index(drop=True)


# --- sentences behind a number ------------------------------------------------------------

EVIDENCE_COLUMNS = ["article_id", "title", "dyad", "dyad_label", "language", "sentence_id", "text", "tone", "tone_method"]


def _with_article(sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    a = articles[["article_id", "title", "dyad", "language"]]
    out = sentences.merge(a, on="article_id", how="inner")
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS).fillna(out["dyad"])
    out["title"] = out["title"].fillna("(untitled)")
    return out


def entity_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame, *, entity_id: str) -> pd.DataFrame:
    """Every sentence that mentions ``entity_id``, with its article and tone."""
    keys = mentions.loc[mentions["entity_id"] == entity_id, ["article_id", "sentence_id"]].drop_duplicates()
    s = sentences.merge(keys, on=["article_id", "sentence_id"], how="inner")
    out = _with_article(s, articles)
    return out.sort_values(["dyad", "article_id", "sentence_id"])[EVIDENCE_COLUMNS].reset_index(drop=True)


def topic_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, sentence_topics: pd.DataFrame, *, topic_id: str) -> pd.DataFrame:
    """Every sentence assigned ``topic_id``, with the evidence that assigned it."""
    keys = sentence_topics.loc[sentence_topics["topic_id"] == topic_id, ["article_id", "sentence_id", "evidence"]]
    keys = keys.groupby(["article_id", "sentence_id"], as_index=False)["evidence"].agg(lambda s: "; ".join(str(x) for x in s.dropna()))
    s = sentences.merge(keys, on=["article_id", "sentence_id"], how="inner")
    out = _with_article(s, articles)
    return out.sort_values(["dyad", "article_id", "sentence_id"])[[*EVIDENCE_COLUMNS, "evidence"]].reset_index(drop=True)


def speaker_quotes(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    *,
    speaker: str | None = None,
    country: str | None = None,
    entities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The quotes behind a speaker or a speaker's country count (pass ``entities`` as to speakers_by_dyad)."""
    q = _quote_rows(quotes, entities)
    if speaker is not None:
        q = q[q["speaker_label"] == speaker]
    if country is not None:
        q = q[q["country"] == country]
    a = articles[["article_id", "title", "dyad"]]
    out = q.merge(a, on="article_id", how="inner")
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS).fillna(out["dyad"])
    return out[["article_id", "title", "dyad_label", "sentence_id", "speaker_label", "country", "quote", "kind"]].reset_index(drop=True)


# --- topics -----------------------------------------------------------------------------


def short_topic_label(label: str) -> str:
    """A topic label without its parenthesised examples ("Energy (TurkStream, …)" → "Energy")."""
    return re.sub(r"\s*\(.*\)\s*$", "", str(label)) or str(label)


def topic_shares_by_dyad(
    articles: pd.DataFrame, sentences: pd.DataFrame, sentence_topics: pd.DataFrame, taxonomy: pd.DataFrame
) -> pd.DataFrame:
    """Topic × dyad: the share of the dyad's sentences assigned the topic.

    Every taxonomy topic appears for both dyads (share 0 when absent), so a
    topic one side never mentions shows as absent rather than missing.
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
    ]
    arts = focal_articles(articles)
    if arts.empty or taxonomy.empty:
        return pd.DataFrame(columns=cols)
    dyad_of = arts.set_index("article_id")["dyad"]
    s = sentences[sentences["article_id"].isin(dyad_of.index)]
    total = s.groupby(s["article_id"].map(dyad_of)).size().reindex(FOCAL_DYADS).fillna(0).astype(int)
    n_arts = arts.groupby("dyad").size().reindex(FOCAL_DYADS).fillna(0).astype(int)
    st = sentence_topics[sentence_topics["article_id"].isin(dyad_of.index)][["article_id", "sentence_id", "topic_id"]].drop_duplicates()
    st = st.assign(dyad=st["article_id"].map(dyad_of))
    counts = st.groupby(["dyad", "topic_id"]).agg(n_sentences=("sentence_id", "size"), n_articles=("article_id", "nunique"))
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), taxonomy["topic_id"].astype(str).tolist()], names=["dyad", "topic_id"])
    out = counts.reindex(full).reset_index()
    out["n_sentences"] = out["n_sentences"].fillna(0).astype(int)
    out["n_articles"] = out["n_articles"].fillna(0).astype(int)
    out["dyad_sentences"] = out["dyad"].map(total).astype(int)
    out["dyad_articles"] = out["dyad"].map(n_arts).astype(int)
    out["share"] = (out["n_sentences"] / out["dyad_sentences"].where(out["dyad_sentences"] > 0)).astype(float)
    tax = taxonomy.set_index("topic_id")
    out["label"] = out["topic_id"].map(tax["label_en"]).fillna(out["topic_id"]).astype(str)
    out["label_ar"] = out["topic_id"].map(tax["label_ar"])
    out["short_label"] = out["label"].map(short_topic_label)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    return out.sort_values(["dyad", "share", "label"], ascending=[True, False, True])[cols].reset_index(drop=True)


# --- quotes -----------------------------------------------------------------------------

ANONYMOUS = "anonymous source"
UNKNOWN_COUNTRY = "(country not stated)"


def _quote_rows(quotes: pd.DataFrame, entities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quotes with ``speaker_label`` and ``country``: a speaker resolved to an
    entity is named by the entity ("the defence minister", "Akar" → Hulusi
    Akar), so one person is one group."""
    q = quotes.copy()
    anon = q["anonymous"].fillna(False).astype(bool)
    q["speaker_label"] = q["speaker"].astype("string").fillna("(unnamed)")
    if entities is not None and "speaker_entity_id" in q.columns:
        names = _entity_names(entities)["name_en"].dropna()
        resolved = q["speaker_entity_id"].map(names)
        q["speaker_label"] = resolved.fillna(q["speaker_label"]).astype("string")
    q.loc[anon, "speaker_label"] = ANONYMOUS
    q["country"] = q["affiliation"].astype("string").fillna(UNKNOWN_COUNTRY)
    q.loc[q["country"].str.strip() == "", "country"] = UNKNOWN_COUNTRY
    return q


def speakers_by_dyad(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    by: Literal["speaker", "country"] = "speaker",
) -> pd.DataFrame:
    """Quotes per dyad grouped by speaker, or by the speaker's country.

    Anonymous speakers are one group, ``"anonymous source"``, in the speaker
    view; in the country view they count under the country the text gives
    them ("a senior US official") or ``"(country not stated)"``. ``share`` is
    of the dyad's quotes; ``n_anonymous`` counts anonymous quotes in a group.
    """
    cols = ["dyad", "dyad_label", "group", "group_label", "n_quotes", "n_anonymous", "share", "n_articles", "dyad_quotes"]
    arts = focal_articles(articles)
    dyad_of = arts.set_index("article_id")["dyad"]
    q = _quote_rows(quotes[quotes["article_id"].isin(dyad_of.index)], entities)
    if q.empty:
        return pd.DataFrame(columns=cols)
    q["dyad"] = q["article_id"].map(dyad_of)
    q["anon"] = q["anonymous"].fillna(False).astype(bool).astype(int)
    key = "speaker_label" if by == "speaker" else "country"
    out = (
        q.groupby(["dyad", key])
        .agg(n_quotes=("article_id", "size"), n_anonymous=("anon", "sum"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    out = out.rename(columns={key: "group"})
    totals = q.groupby("dyad").size()
    out["dyad_quotes"] = out["dyad"].map(totals).astype(int)
    out["share"] = out["n_quotes"] / out["dyad_quotes"]
    if by == "country":
        names = _entity_names(entities)["name_en"]
        out["group_label"] = out["group"].map(names).fillna(out["group"]).astype(str)
    else:
        out["group_label"] = out["group"].astype(str)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    return out.sort_values(["dyad", "n_quotes", "group_label"], ascending=[True, False, True])[cols].reset_index(drop=True)


# --- distinguishing terms --------------------------------------------------------------

#: Distinct tokens whose normal form is remembered: a news vocabulary of
#: 10,000 articles has well under this many word forms per language.
TERM_CACHE_SIZE = 200_000
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_AR_PROCLITICS = ("وال", "ال", "و")
#: A stripped Arabic stem must keep at least this many letters: و in وقت or
#: وفد is part of the word, and stripping it would leave two letters.
MIN_AR_STEM = 3
#: Common news words whose first letter و belongs to the word, not a
#: conjunction (normalised): stripping it would merge وزير with زير.
_AR_W_INITIAL_TEXT = """
    وزير وزراء وزاره وزارة وكاله وكالة ولايات ولايه ولاية وسط وصول وجود وطني وطنية وحده وحدة واشنطن وثيقه وثيقة وقف وفاه
    وفاة وضع وضعت وعد وعود واقع وفق ورقه ورقة وسائل وسيله وسيلة ولي واجه واجهت وصف وصل وصلت وقع وقعت وكيل
"""
AR_W_INITIAL = frozenset(arabic.normalise(w) for w in _AR_W_INITIAL_TEXT.split())


@lru_cache(maxsize=TERM_CACHE_SIZE)
def normalise_term_en(token: str) -> str | None:
    """English term: diacritics folded, casefolded, possessive dropped; None for stopwords."""
    t = fold(token).casefold()
    if t.endswith("'s"):
        t = t[:-2]
    t = t.strip("'")
    if len(t) < 2 or t in EN_STOPWORDS:
        return None
    return t


@lru_cache(maxsize=TERM_CACHE_SIZE)
def normalise_term_ar(token: str) -> str | None:
    """Arabic term: camel-tools normalisation, proclitic و/ال stripped; None for stopwords."""
    t = arabic.normalise(token)
    if t in AR_STOPWORDS:
        return None
    for pre in _AR_PROCLITICS:
        if pre == "و" and t in AR_W_INITIAL:
            break
        if t.startswith(pre) and len(t) - len(pre) >= MIN_AR_STEM:
            t = t[len(pre) :]
            break
    if len(t) < 2 or t in AR_STOPWORDS:
        return None
    return t


def _name_spans(text: str, language: str) -> list[tuple[str, int, int]]:
    """Multi-word names of the gazetteer in ``text`` as single terms.

    "United States" or "الولايات المتحدة" is one term, not "united" and
    "states": a name's words say nothing apart.
    """
    gaz = load_gazetteer()
    found = match_english(text, gaz=gaz) if language == "en" else match_arabic(text, gaz=gaz)
    out = []
    for m in found:
        words = m["surface"].split()
        if len(words) < 2:
            continue
        norm = normalise_term_en if language == "en" else normalise_term_ar
        parts = [norm(w) or (fold(w).casefold() if language == "en" else arabic.normalise(w)) for w in words]
        out.append((" ".join(parts), m["start"], m["end"]))
    return out


def tokens_with_offsets(text: str, language: str) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` for every kept term of ``text``, offsets into ``text``.

    Words are terms; a multi-word name from the gazetteer is one term.
    """
    if language not in ("en", "ar"):
        raise ValueError(f"terms are computed for English ('en') and Arabic ('ar') only, not {language!r}")
    names = _name_spans(text, language)
    out = list(names)
    taken = [(s, e) for _, s, e in names]

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    if language == "ar":
        norm = arabic.normalise_with_offsets(text)
        for m in _TOKEN_RE.finditer(norm.text):
            term = normalise_term_ar(m.group())
            if term:
                s, e = norm.span(m.start(), m.end())
                if free(s, e):
                    out.append((term, s, e))
    else:
        for m in _TOKEN_RE.finditer(text):
            term = normalise_term_en(m.group())
            if term and free(m.start(), m.end()):
                out.append((term, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


def normalise_term(term: str, language: str) -> str | None:
    """The normalised form of a term the user typed (None when it is a stopword)."""
    found = tokens_with_offsets(term.strip(), language)
    return found[0][0] if len(found) == 1 else None


def term_counts(texts: Iterable[str], language: str) -> Counter:
    """Counts of normalised terms over ``texts``."""
    c: Counter = Counter()
    for t in texts:
        c.update(term for term, _, _ in tokens_with_offsets(str(t), language))
    return c


def log_odds_dirichlet(counts_a: Counter, counts_b: Counter, *, prior_scale: float = PRIOR_SCALE) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior.

    α_i = ``prior_scale`` × (y_i^a + y_i^b), α_0 = Σ α_i. For each term:
    δ_i = log((y_i^a+α_i)/(n^a+α_0−y_i^a−α_i)) − log((y_i^b+α_i)/(n^b+α_0−y_i^b−α_i)),
    var(δ_i) ≈ 1/(y_i^a+α_i) + 1/(y_i^b+α_i), z_i = δ_i/√var. Positive z
    favours side a.
    """
    cols = ["term", "count_a", "count_b", "delta", "var", "z"]
    terms = sorted(set(counts_a) | set(counts_b))
    if not terms:
        return pd.DataFrame(columns=cols)
    ya = np.array([counts_a.get(t, 0) for t in terms], dtype=float)
    yb = np.array([counts_b.get(t, 0) for t in terms], dtype=float)
    alpha = prior_scale * (ya + yb)
    a0 = float(alpha.sum())
    na, nb = float(ya.sum()), float(yb.sum())
    # The odds' denominator is the mass of every other term; it is zero only
    # when the vocabulary is one term, and the floor keeps that case finite.
    rest_a = np.maximum(na + a0 - ya - alpha, OTHER_MASS_FLOOR)
    rest_b = np.maximum(nb + a0 - yb - alpha, OTHER_MASS_FLOOR)
    delta = np.log((ya + alpha) / rest_a) - np.log((yb + alpha) / rest_b)
    var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
    z = delta / np.sqrt(var)
    return pd.DataFrame({"term": terms, "count_a": ya.astype(int), "count_b": yb.astype(int), "delta": delta, "var": var, "z": z})


def article_term_counts(sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Normalised term counts per analysed English or Arabic article: article_id, term, n.

    Computed once per corpus, this lets ``distinguishing_terms`` compare any
    filtered subset by summing rows instead of tokenising every sentence again.
    """
    arts = articles[(articles["status"] == "ok") & articles["language"].isin(list(LANGUAGE_LABELS))]
    lang_of = arts.set_index("article_id")["language"].astype(str)
    s = sentences[sentences["article_id"].isin(lang_of.index) & sentences["text"].notna()]
    rows: list[tuple[str, str, int]] = []
    for aid, group in s.groupby("article_id", sort=False):
        counts = term_counts(group["text"].astype(str), lang_of[aid])
        rows.extend((str(aid), term, n) for term, n in counts.items())
    return pd.DataFrame(rows, columns=["article_id", "term", "n"])


class TooFewForTerms(ValueError):
    """One dyad has no text in the language: there is nothing to compare."""


def distinguishing_terms(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    language: Literal["en", "ar"],
    prior_scale: float = PRIOR_SCALE,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Terms that most distinguish US–Turkey from Russia–Turkey coverage in one language.

    ``counts`` may be ``article_term_counts`` of the whole corpus (any
    superset of these articles): the sentences are then not tokenised again.

    Positive ``z`` favours US–Turkey, negative Russia–Turkey; ``favours``
    names the dyad. ``per_1000_a``/``per_1000_b`` are the term's rates per
    1,000 kept terms on each side (US–Turkey = a). Raises TooFewForTerms when
    either dyad has no article in the language.
    """
    arts = focal_articles(articles)
    arts = arts[arts["language"] == language]
    n_a = int((arts["dyad"] == FOCAL_DYADS[0]).sum())
    n_b = int((arts["dyad"] == FOCAL_DYADS[1]).sum())
    lang = LANGUAGE_LABELS.get(language, language)
    if n_a == 0 or n_b == 0:
        missing = [DYAD_LABELS[d] for d, n in zip(FOCAL_DYADS, (n_a, n_b), strict=True) if n == 0]
        raise TooFewForTerms(
            f"No {lang} {' or '.join(missing)} articles match these filters: distinguishing terms need {lang} articles of both dyads"
        )
    dyad_of = arts.set_index("article_id")["dyad"]
    if counts is not None:
        c = counts[counts["article_id"].isin(dyad_of.index)]
        summed = c.groupby([c["article_id"].map(dyad_of), "term"])["n"].sum()
        ca = Counter(summed.get(FOCAL_DYADS[0], pd.Series(dtype=int)).to_dict())
        cb = Counter(summed.get(FOCAL_DYADS[1], pd.Series(dtype=int)).to_dict())
    else:
        s = sentences[sentences["article_id"].isin(dyad_of.index)]
        texts_a = s.loc[s["article_id"].map(dyad_of) == FOCAL_DYADS[0], "text"].dropna()
        texts_b = s.loc[s["article_id"].map(dyad_of) == FOCAL_DYADS[1], "text"].dropna()
        ca, cb = term_counts(texts_a, language), term_counts(texts_b, language)
    out = log_odds_dirichlet(ca, cb, prior_scale=prior_scale)
    na, nb = max(sum(ca.values()), 1), max(sum(cb.values()), 1)
    out["per_1000_a"] = out["count_a"] / na * 1000
    out["per_1000_b"] = out["count_b"] / nb * 1000
    out["favours"] = np.where(out["z"] >= 0, FOCAL_DYADS[0], FOCAL_DYADS[1])
    out["favours_label"] = out["favours"].map(DYAD_LABELS)
    out["language"] = language
    out["n_articles_a"] = n_a
    out["n_articles_b"] = n_b
    out["significant"] = out["z"].abs() >= Z_SIGNIFICANT
    return out.sort_values(["z", "term"], ascending=[False, True]).reset_index(drop=True)


def top_terms(terms: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The ``n`` strongest terms for each side (largest |z|), strongest first."""
    if terms.empty:
        return terms
    a = terms[terms["z"] > 0].nlargest(n, "z")
    b = terms[terms["z"] < 0].nsmallest(n, "z")
    return pd.concat([a, b], ignore_index=True)


def keyword_in_context(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    term: str,
    language: str,
    window: int = 60,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a (normalised) term in the language.

    ``term`` may be typed in any form (Erdoğan's, والتركية): it is normalised
    like the distinguishing terms. One row per occurrence with ``left``,
    ``match`` and ``right`` (``window`` characters each side, from the
    sentence) and the article's title, dyad and the sentence's tone.
    """
    cols = ["article_id", "title", "dyad", "dyad_label", "sentence_id", "left", "match", "right", "tone"]
    target = normalise_term(term, language) if language in LANGUAGE_LABELS else None
    if not target:
        return pd.DataFrame(columns=cols)
    arts = articles[(articles["status"] == "ok") & (articles["language"] == language)]
    s = _with_article(sentences[sentences["article_id"].isin(arts["article_id"])], arts)
    rows = []
    for r in s.itertuples(index=False):
        text = str(r.text)
        for t, a, b in tokens_with_offsets(text, language):
            if t == target:
                rows.append(
                    {
                        "article_id": r.article_id,
                        "title": r.title,
                        "dyad": r.dyad,
                        "dyad_label": r.dyad_label,
                        "sentence_id": r.sentence_id,
                        "left": text[max(0, a - window) : a],
                        "match": text[a:b],
                        "right": text[b : b + window],
                        "tone": r.tone,
                    }
                )
    return pd.DataFrame(rows, columns=cols)


# --- tone -----------------------------------------------------------------------------


def sentence_tones(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Scored sentences of the compared dyads, with dyad and language (for distributions)."""
    cols = ["article_id", "sentence_id", "dyad", "dyad_label", "language", "language_label", "tone", "tone_method", "text", "title"]
    arts = focal_articles(articles)
    s = sentences[sentences["article_id"].isin(arts["article_id"]) & sentences["tone"].notna()]
    out = _with_article(s, arts)
    out["language_label"] = out["language"].map(_language_label)
    out["tone"] = out["tone"].astype(float)
    return out[cols].reset_index(drop=True)


#: Width of a tone histogram bin: ten bins over −1..+1.
TONE_BIN = 0.2


def tone_bins(tones: pd.DataFrame, *, step: float = TONE_BIN) -> pd.DataFrame:
    """Sentence counts per dyad and tone bin (−1..+1 in ``step``s), from ``sentence_tones``.

    A histogram drawn from these few rows instead of every sentence keeps
    the page light on a corpus of thousands of articles.
    """
    cols = ["dyad", "dyad_label", "bin_start", "bin_end", "n_sentences"]
    if tones.empty:
        return pd.DataFrame(columns=cols)
    n_bins = round(2 / step)
    # the small epsilon puts a tone on a bin edge (0.2) in the bin it starts,
    # despite 1.2 / 0.2 = 5.999… in floating point
    idx = np.clip(np.floor((tones["tone"].to_numpy(dtype=float) + 1) / step + 1e-9), 0, n_bins - 1).astype(int)
    counts = tones.assign(bin=idx).groupby(["dyad", "bin"]).size().rename("n_sentences").reset_index()
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), range(n_bins)], names=["dyad", "bin"])
    out = counts.set_index(["dyad", "bin"]).reindex(full, fill_value=0).reset_index()
    out["bin_start"] = -1 + out["bin"] * step
    out["bin_end"] = out["bin_start"] + step
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    return out[cols]


def tone_by_group(articles: pd.DataFrame, sentences: pd.DataFrame, *, by: Literal["dyad", "language"] = "dyad") -> pd.DataFrame:
    """Mean, spread and quartiles of sentence tone per dyad (and language, when asked)."""
    s = sentence_tones(articles, sentences)
    keys = ["dyad", "dyad_label"] + (["language", "language_label", "tone_method"] if by == "language" else [])
    cols = [*keys, "n_sentences", "n_articles", "mean", "sd", "q25", "median", "q75", "share_negative", "share_positive"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    g = s.groupby(keys, dropna=False)
    out = g["tone"].agg(
        n_sentences="size", mean="mean", sd="std", q25=lambda x: x.quantile(0.25), median="median", q75=lambda x: x.quantile(0.75)
    )
    out["n_articles"] = g["article_id"].nunique()
    out = out.reset_index()
    # Shares of negative/positive come from the articles table, which used the
    # tone module's own threshold: pooled over sentences by weighting each
    # article by its scored sentences.
    per_art = s.groupby("article_id").size().rename("n")
    a = articles.set_index("article_id").join(per_art, how="inner")
    a = a.assign(neg=a["share_negative"].astype(float) * a["n"], pos=a["share_positive"].astype(float) * a["n"])
    akeys = [k for k in keys if k in ("dyad", "language", "tone_method")]
    if "tone_method" in akeys:
        akeys.remove("tone_method")
    sh = a.groupby(akeys)[["neg", "pos", "n"]].sum()
    sh = (sh[["neg", "pos"]].div(sh["n"], axis=0)).rename(columns={"neg": "share_negative", "pos": "share_positive"}).reset_index()
    out = out.merge(sh, on=akeys, how="left")
    return out[cols]


def entity_tone_rows(
    articles: pd.DataFrame, entity_tone: pd.DataFrame, entities: pd.DataFrame, *, entity_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Per article and entity: the mean tone of sentences mentioning it, with dyad."""
    cols = ["article_id", "title", "dyad", "dyad_label", "entity_id", "name", "n_sentences", "tone"]
    arts = focal_articles(articles)
    t = entity_tone[entity_tone["article_id"].isin(arts["article_id"]) & entity_tone["tone"].notna()]
    if entity_ids is not None:
        t = t[t["entity_id"].isin(list(entity_ids))]
    out = t.merge(arts[["article_id", "title", "dyad"]], on="article_id")
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out["name"] = out["entity_id"].map(_entity_names(entities)["name_en"]).fillna(out["entity_id"]).astype(str)
    out["title"] = out["title"].fillna("(untitled)")
    out["tone"] = out["tone"].astype(float)
    return out[cols].reset_index(drop=True)


# --- articles ---------------------------------------------------------------------------


def display_title(title: object, file: object = None) -> str:
    """An article's title, or "(untitled) <file name>" when the text gives none."""
    if title is not None and title is not pd.NA and str(title).strip():
        return str(title)
    name = "" if file is None or file is pd.NA else str(file).replace("\\", "/").rsplit("/", 1)[-1]
    return f"(untitled) {name}".strip()


def article_table(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    topics: pd.DataFrame,
    taxonomy: pd.DataFrame,
    *,
    n_entities: int = 3,
    n_topics: int = 2,
) -> pd.DataFrame:
    """Every article with title, date, source, language, dyad and why, words, tone, main entities and topics.

    Main entities are the most-mentioned ones other than the dyad's defining
    countries; main topics the largest by share of the article's sentences.
    """
    a = articles.copy()
    names = _entity_names(entities)["name_en"]
    m = mentions[~mentions["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    ent = (
        m.groupby(["article_id", "entity_id"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["article_id", "n", "entity_id"], ascending=[True, False, True])
        .groupby("article_id")
        .head(n_entities)
    )
    ent["name"] = ent["entity_id"].map(names).fillna(ent["entity_id"]).astype(str)
    main_entities = ent.groupby("article_id")["name"].agg(", ".join)
    labels = taxonomy.set_index("topic_id")["label_en"] if not taxonomy.empty else pd.Series(dtype="string")
    top = (
        topics[topics["share"].fillna(0) > 0]
        .sort_values(["article_id", "share"], ascending=[True, False])
        .groupby("article_id")
        .head(n_topics)
    )
    top = top.assign(
        label=top["topic_id"].map(labels).fillna(top["topic_id"]).astype(str)
        + " ("
        + (top["share"].astype(float) * 100).round().astype(int).astype(str)
        + " %)"
    )
    main_topics = top.groupby("article_id")["label"].agg(", ".join)
    out = pd.DataFrame(
        {
            "article_id": a["article_id"],
            "title": [display_title(t, f) for t, f in zip(a["title"], a["file"], strict=True)],
            "date": a["date"].fillna(UNKNOWN_DATE),
            "source": _sources(a),
            "language": a["language"].map(_language_label),
            "dyad": a["dyad"].map(DYAD_LABELS).fillna(a["dyad"]),
            "dyad_reason": a["dyad_reason"],
            "n_words": a["n_words"],
            "tone": a["tone"].astype("Float64"),
            "main_entities": a["article_id"].map(main_entities).fillna(""),
            "main_topics": a["article_id"].map(main_topics).fillna(""),
            "status": a["status"],
        }
    )
    return out.reset_index(drop=True)


# --- findings ---------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.0f} %"


def _signed(x: float, digits: int = 2) -> str:
    """A signed number with a typographic minus (−0.20, +0.13)."""
    return f"{x:+.{digits}f}".replace("-", "−")


def _link(page: str, **params: str) -> str:
    from urllib.parse import urlencode

    return f"./{page}" + (f"?{urlencode(params)}" if params else "")


def _finding(kind: str, text: str, page: str, params: dict, n_articles: dict) -> dict:
    return {
        "kind": kind,
        "text": text,
        "evidence_link": _link(page, **params),
        "evidence_page": page,
        "evidence_params": params,
        "n_articles": n_articles,
    }


def _basis(n: dict) -> str:
    parts = [f"{n.get(d, 0)} {DYAD_LABELS[d]}" for d in FOCAL_DYADS]
    total = min(n.get(d, 0) for d in FOCAL_DYADS)
    note = f"based on {parts[0]} and {parts[1]} articles"
    if total < FEW_ARTICLES:
        note += ", too few to generalise"
    return note


def findings(corpus, *, seed: int = 0, terms: Mapping[str, pd.DataFrame | str] | None = None) -> list[dict]:
    """A few differences between the two dyads, in plain words, each with its evidence.

    ``corpus`` is anything indexable by table name (``lib.corpus.tables.Corpus``
    or a dict of tables). Each finding is a dict with ``text`` (which always
    says how many articles it rests on), ``evidence_link`` (a relative URL
    with the query parameters that open the evidence, e.g.
    ``./topics?topic=syria``), ``evidence_page``, ``evidence_params`` and
    ``n_articles`` ({dyad: articles}). ``terms`` may give the
    distinguishing terms per language already computed on the same corpus
    (a string there is the reason a language has none).
    """
    articles = corpus["articles"]
    arts = focal_articles(articles)
    n = {d: int((arts["dyad"] == d).sum()) for d in FOCAL_DYADS}
    if min(n.values()) == 0:
        return []
    out: list[dict] = []
    basis = _basis(n)
    by_lang = arts.groupby(["dyad", "language"]).size()

    def lang_desc(d: str) -> str:
        parts = [f"{v} in {LANGUAGE_LABELS.get(lang, lang)}" for (dd, lang), v in by_lang.items() if dd == d]
        return ", ".join(parts)

    a_lbl, b_lbl = (DYAD_LABELS[d] for d in FOCAL_DYADS)
    out.append(
        _finding(
            "volume",
            f"The filtered corpus has {_articles(n[FOCAL_DYADS[0]])} on {a_lbl} ({lang_desc(FOCAL_DYADS[0])}) "
            f"and {_articles(n[FOCAL_DYADS[1]])} on {b_lbl} ({lang_desc(FOCAL_DYADS[1])}).",
            "articles",
            {},
            n,
        )
    )

    # Tone: compared within a language, because each language has its own method.
    sentences = corpus["sentences"]
    for lang in sorted(arts["language"].dropna().unique()):
        sub = arts[arts["language"] == lang]
        nl = {d: int((sub["dyad"] == d).sum()) for d in FOCAL_DYADS}
        if min(nl.values()) == 0:
            continue
        summ = dyad_summary(sub, sentences[sentences["article_id"].isin(sub["article_id"])], seed=seed).set_index("dyad")
        ta, tb = summ.loc[FOCAL_DYADS[0], "tone"], summ.loc[FOCAL_DYADS[1], "tone"]
        if ta is None or tb is None or pd.isna(ta) or pd.isna(tb):
            continue
        gap = float(ta) - float(tb)
        if abs(gap) < MIN_TONE_GAP:
            verdict = f"{LANGUAGE_LABELS.get(lang, lang)} coverage of the two relationships has about the same tone"
        else:
            more, less = (a_lbl, b_lbl) if gap < 0 else (b_lbl, a_lbl)
            verdict = f"In {LANGUAGE_LABELS.get(lang, lang)}, {more} coverage is more negative in tone than {less} coverage"
        intervals = []
        for d in FOCAL_DYADS:
            r = summ.loc[d]
            if r["tone_low"] is not None and not pd.isna(r["tone_low"]):
                intervals.append(f"{DYAD_LABELS[d]} {_signed(r['tone_low'])} to {_signed(r['tone_high'])}")
            else:
                intervals.append(f"{DYAD_LABELS[d]}: too few articles for an interval")
        out.append(
            _finding(
                "tone",
                f"{verdict}: mean sentence tone {_signed(float(ta))} vs {_signed(float(tb))} on a −1..+1 scale "
                f"({_basis(nl)}; {'; '.join(intervals)}).",
                "tone",
                {"lang": lang},
                nl,
            )
        )

    # Topics: the leading topic of each dyad and its share on the other side.
    tshares = topic_shares_by_dyad(articles, sentences, corpus["sentence_topics"], corpus["topics_taxonomy"])
    if not tshares.empty:
        wide = tshares.pivot_table(index=["topic_id", "short_label"], columns="dyad", values="share", aggfunc="first").fillna(0)
        seen_topics: set[str] = set()
        for d, other in (FOCAL_DYADS, FOCAL_DYADS[::-1]):
            col = wide[d] if d in wide.columns else pd.Series(dtype=float)
            if col.empty or col.max() <= 0:
                continue
            (tid, label) = col.idxmax()
            if tid in seen_topics:
                continue
            seen_topics.add(tid)
            mine, theirs = float(col.max()), float(wide.loc[(tid, label)].get(other, 0.0))
            if theirs == 0:
                rest = f"and absent from {DYAD_LABELS[other]} coverage"
            elif mine - theirs >= MIN_TOPIC_SHARE_GAP:
                rest = f"against {_pct(theirs)} in {DYAD_LABELS[other]} coverage"
            else:
                rest = f"and about as common in {DYAD_LABELS[other]} coverage ({_pct(theirs)})"
            out.append(
                _finding(
                    "topic",
                    f"{label} is the leading topic of {DYAD_LABELS[d]} coverage ({_pct(mine)} of sentences) {rest} ({basis}).",
                    "topics",
                    {"topic": str(tid)},
                    n,
                )
            )

    # Entities: the one most over-represented on each side (per 1,000 words).
    rates = entity_rates(articles, corpus["mentions"], corpus["entity_tone"], corpus["entities"], exclude=DYAD_DEFINING_ENTITIES)
    if not rates.empty:
        wide = rates.pivot_table(index=["entity_id", "name"], columns="dyad", values="per_1000_words", aggfunc="first").fillna(0)
        for d, other in (FOCAL_DYADS, FOCAL_DYADS[::-1]):
            if d not in wide.columns:
                continue
            gap = wide[d] - (wide[other] if other in wide.columns else 0)
            if gap.max() <= 0:
                continue
            (eid, name) = gap.idxmax()
            mine = float(wide.loc[(eid, name), d])
            theirs = float(wide.loc[(eid, name)].get(other, 0.0))
            out.append(
                _finding(
                    "entity",
                    f"{name} is mentioned {mine:.1f} times per 1,000 words in {DYAD_LABELS[d]} coverage "
                    f"and {theirs:.1f} in {DYAD_LABELS[other]} coverage ({basis}).",
                    "entities",
                    {"entity": str(eid)},
                    n,
                )
            )

    # Who speaks: anonymous sources.
    sp = speakers_by_dyad(articles, corpus["quotes"], corpus["entities"], by="speaker")
    if not sp.empty:
        totals = sp.groupby("dyad")["n_quotes"].sum().reindex(FOCAL_DYADS).fillna(0).astype(int)
        anon = sp[sp["group"] == ANONYMOUS].groupby("dyad")["n_quotes"].sum().reindex(FOCAL_DYADS).fillna(0).astype(int)
        if totals.min() > 0:
            parts = [f"{anon[d]} of {totals[d]} quotes ({_pct(anon[d] / totals[d])}) in {DYAD_LABELS[d]} coverage" for d in FOCAL_DYADS]
            out.append(_finding("speakers", f"Anonymous sources: {parts[0]}, {parts[1]} ({basis}).", "compare", {"speaker": ANONYMOUS}, n))

    # Terms: the strongest distinguishing term on each side, per language.
    for lang in sorted(arts["language"].dropna().unique()):
        if lang not in LANGUAGE_LABELS:
            continue
        if terms is not None and lang in terms:
            found = terms[lang]
        else:
            try:
                found = distinguishing_terms(sentences, articles, language=lang)
            except TooFewForTerms as exc:
                found = str(exc)
        if isinstance(found, str) or found.empty:
            continue
        nl = {FOCAL_DYADS[0]: int(found["n_articles_a"].iloc[0]), FOCAL_DYADS[1]: int(found["n_articles_b"].iloc[0])}
        best_a, best_b = found.iloc[0], found.iloc[-1]
        caveat = (
            ""
            if max(abs(best_a["z"]), abs(best_b["z"])) >= Z_SIGNIFICANT
            else f"; no term reaches |z| ≥ {Z_SIGNIFICANT}, so neither is a reliable difference"
        )
        out.append(
            _finding(
                "terms",
                f"In {LANGUAGE_LABELS[lang]}, “{best_a['term']}” most distinguishes {a_lbl} coverage (z = {_signed(best_a['z'], 1)}) "
                f"and “{best_b['term']}” {b_lbl} coverage (z = {_signed(best_b['z'], 1)}) ({_basis(nl)}{caveat}).",
                "topics",
                {"term": str(best_a["term"]), "tlang": lang},
                nl,
            )
        )
    return out
