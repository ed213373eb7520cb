"""Coverage over time: articles and tone per relationship (tone per language) by day, week or month.

The period length is chosen from the span of the dated articles (days for a
few weeks, weeks for up to a year, months beyond) unless asked for; every
period between the first and the last is present, with 0 articles where
there are none, so a gap shows as a gap. Undated articles cannot be placed
in time: they are counted (``n_undated``) and left out of every period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    EVIDENCE_COLUMNS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    entity_names,
    focal_articles,
    isin,
    language_label,
    with_article,
)
from lib.views.topics import short_topic_label

Granularity = Literal["day", "week", "month"]
GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month")
#: Spans up to this many days are shown by day (about six weeks of daily bars stay readable).
MAX_DAYS_BY_DAY = 45
#: Spans up to this many days are shown by week (a year is 53 weekly bars); longer ones by month.
MAX_DAYS_BY_WEEK = 400
#: Entities and topics named per period.
TOP_PER_PERIOD = 3


def choose_granularity(first: str | None, last: str | None) -> Granularity:
    """Day, week or month, from the span between the first and last ISO date."""
    if not first or not last:
        return "month"
    days = (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days
    if days <= MAX_DAYS_BY_DAY:
        return "day"
    return "week" if days <= MAX_DAYS_BY_WEEK else "month"


def period_start(day: date, granularity: Granularity) -> date:
    """The first day of the period holding ``day`` (weeks start on Monday)."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: date, granularity: Granularity) -> date:
    """The last day of the period starting on ``start``."""
    if granularity == "day":
        return start
    if granularity == "week":
        return start + timedelta(days=6)
    nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def period_label(start: date, granularity: Granularity) -> str:
    """ "2021-10-31", "week of 2021-10-25", "2021-10"."""
    if granularity == "day":
        return start.isoformat()
    if granularity == "week":
        return f"week of {start.isoformat()}"
    return start.strftime("%Y-%m")


def _periods(first: date, last: date, granularity: Granularity) -> list[date]:
    out, p = [], period_start(first, granularity)
    while p <= last:
        out.append(p)
        p = period_end(p, granularity) + timedelta(days=1)
    return out


def _dated(articles: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """Focal dated articles with the start of their period (``period``, ISO)."""
    a = focal_articles(articles)
    d = pd.to_datetime(a["date"].astype("string").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
    a = a[d.notna()].copy()
    a["period"] = [period_start(x.date(), granularity).isoformat() for x in d[d.notna()]]
    return a


@dataclass(frozen=True)
class TimelineView:
    """Articles and tone per relationship and period (tone per language), and what each period was about."""

    granularity: Granularity
    periods: list[str]  # ISO start of every period, first to last
    labels: dict  # period → label
    volume: pd.DataFrame  # dyad × period: n_articles
    tone: pd.DataFrame  # dyad × language × period: tone, n_sentences, n_articles
    top: pd.DataFrame  # dyad × period: entities, topics (text)
    n_dated: int
    n_undated: int


def timeline_view(corpus, *, granularity: Granularity | None = None) -> TimelineView:
    """The Over-time view of ``corpus`` (any mapping of table name → table)."""
    articles = corpus["articles"]
    focal = focal_articles(articles)
    dates = focal["date"].dropna().astype(str).str.slice(0, 10)
    first, last = (dates.min(), dates.max()) if len(dates) else (None, None)
    g: Granularity = granularity or choose_granularity(first, last)
    a = _dated(articles, g)
    periods = [p.isoformat() for p in _periods(date.fromisoformat(first), date.fromisoformat(last), g)] if first else []
    labels = {p: period_label(date.fromisoformat(p), g) for p in periods}
    full = pd.MultiIndex.from_product([list(FOCAL_DYADS), periods], names=["dyad", "period"])
    volume = a.groupby(["dyad", "period"]).size().rename("n_articles").reindex(full, fill_value=0).reset_index()
    volume["dyad_label"] = volume["dyad"].map(DYAD_LABELS)
    volume["period_label"] = volume["period"].map(labels)
    return TimelineView(
        granularity=g,
        periods=periods,
        labels=labels,
        volume=volume,
        tone=_tone(a, corpus["sentences"], labels),
        top=_top(a, corpus, labels),
        n_dated=len(a),
        n_undated=len(focal) - len(a),
    )


def _tone(a: pd.DataFrame, sentences: pd.DataFrame, labels: dict) -> pd.DataFrame:
    cols = ["dyad", "dyad_label", "language", "language_label", "period", "period_label", "tone", "n_sentences", "n_articles"]
    s = sentences[isin(sentences["article_id"], a["article_id"]) & sentences["tone"].notna().to_numpy(dtype=bool)][["article_id", "tone"]]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s = s.merge(a[["article_id", "dyad", "language", "period"]], on="article_id")
    s["tone"] = s["tone"].astype(float)
    out = (
        s.groupby(["dyad", "language", "period"])
        .agg(tone=("tone", "mean"), n_sentences=("tone", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    out = out[out["language"].isin(list(LANGUAGE_LABELS))]
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out["language_label"] = out["language"].map(language_label)
    out["period_label"] = out["period"].map(labels)
    return out[cols].sort_values(["dyad", "language", "period"]).reset_index(drop=True)


def _top(a: pd.DataFrame, corpus, labels: dict) -> pd.DataFrame:
    """Per dyad and period: the most-mentioned entities (not the dyad's countries) and the largest topics."""
    cols = ["dyad", "dyad_label", "period", "period_label", "n_articles", "entities", "topics"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    keys = a[["article_id", "dyad", "period"]]
    m = corpus["mentions"].merge(keys, on="article_id")
    m = m[~m["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    names = entity_names(corpus["entities"])["name_en"]
    ent = m.groupby(["dyad", "period", "entity_id"]).size().rename("n").reset_index()
    ent["name"] = ent["entity_id"].map(names).fillna(ent["entity_id"]).astype(str)
    ent = (
        ent.sort_values(["dyad", "period", "n", "name"], ascending=[True, True, False, True])
        .groupby(["dyad", "period"])
        .head(TOP_PER_PERIOD)
    )
    ent_text = ent.assign(t=ent["name"] + " (" + ent["n"].astype(str) + ")").groupby(["dyad", "period"])["t"].agg(", ".join)
    stp = corpus["sentence_topics"][["article_id", "sentence_id", "topic_id"]].drop_duplicates().merge(keys, on="article_id")
    tax = corpus["topics_taxonomy"].set_index("topic_id")["label_en"] if len(corpus["topics_taxonomy"]) else pd.Series(dtype=str)
    top = stp.groupby(["dyad", "period", "topic_id"]).size().rename("n").reset_index()
    top["label"] = top["topic_id"].map(tax).fillna(top["topic_id"]).astype(str).map(short_topic_label)
    top = (
        top.sort_values(["dyad", "period", "n", "label"], ascending=[True, True, False, True])
        .groupby(["dyad", "period"])
        .head(TOP_PER_PERIOD)
    )
    top_text = top.assign(t=top["label"] + " (" + top["n"].astype(str) + ")").groupby(["dyad", "period"])["t"].agg(", ".join)
    out = a.groupby(["dyad", "period"]).size().rename("n_articles").reset_index()
    idx = pd.MultiIndex.from_frame(out[["dyad", "period"]])
    out["entities"] = ent_text.reindex(idx).fillna("").to_numpy()
    out["topics"] = top_text.reindex(idx).fillna("").to_numpy()
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out["period_label"] = out["period"].map(labels)
    order = {d: i for i, d in enumerate(FOCAL_DYADS)}
    return out[cols].sort_values(["period", "dyad"], key=lambda c: c.map(order) if c.name == "dyad" else c).reset_index(drop=True)


def period_sentences(
    articles: pd.DataFrame, sentences: pd.DataFrame, *, period: str, granularity: Granularity, dyad: str | None = None
) -> pd.DataFrame:
    """Every sentence of the articles dated in the period starting on ``period`` (ISO), with its tone."""
    start = date.fromisoformat(period)
    end = period_end(start, granularity)
    a = focal_articles(articles)
    d = a["date"].astype("string").str.slice(0, 10)
    a = a[(d >= start.isoformat()).fillna(False) & (d <= end.isoformat()).fillna(False)]
    if dyad is not None:
        a = a[a["dyad"] == dyad]
    out = with_article(sentences[isin(sentences["article_id"], a["article_id"])], a)
    return out.sort_values(["dyad", "article_id", "sentence_id"])[EVIDENCE_COLUMNS].reset_index(drop=True)
