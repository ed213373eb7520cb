"""Who speaks: quotes per relationship by speaker or by the speaker's country."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.views.coded import Coded, Sides
from lib.views.common import (
    DIFF_COLUMNS,
    DYAD_LABELS,
    FOCAL_DYADS,
    article_summary,
    entity_names,
    focal_articles,
    isin,
    whole,
)
from lib.views.intervals import attach_differences, dyad_differences

ANONYMOUS = rollups.ANONYMOUS
UNKNOWN_COUNTRY = rollups.UNKNOWN_COUNTRY


def speakers_by_dyad(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    by: Literal["speaker", "country"] = "speaker",
    seed: int = 0,
    counted: bool = False,
) -> pd.DataFrame:
    """Quotes per dyad grouped by speaker, or by the speaker's country.

    ``quotes`` are the quote rows, or (``counted``) the articles' quote
    summary (``rollups.article_quotes``: a count ``n`` per article, speaker
    group, country and anonymity), which gives the same table.

    Anonymous speakers are one group, ``"anonymous source"``, in the speaker
    view; in the country view they count under the country the text gives
    them ("a senior US official") or ``"(country not stated)"``. ``share`` is
    of the dyad's quotes; ``n_anonymous`` counts anonymous quotes in a group.
    ``diff``…``diff_note`` (the same on both dyads' rows of a group) are
    US–Turkey minus Russia–Turkey share, with an interval from resampling
    each side's articles that quote anyone (``intervals.difference_intervals``;
    for the MAX_DIFF_ITEMS largest or most different groups). A group one
    side never quotes has only that side's row.
    """
    cols = ["dyad", "dyad_label", "group", "group_label", "n_quotes", "n_anonymous", "share", "n_articles", "dyad_quotes", *DIFF_COLUMNS]
    arts = focal_articles(articles)
    sides = Sides.of(arts)
    if not counted:
        quotes = rollups.article_quotes(quotes[isin(quotes["article_id"], sides.ids)], entities)
    key = "speaker_label" if by == "speaker" else "country"
    q = Coded.of(quotes, sides, key=key, count="n")
    if not len(q.rows):
        return pd.DataFrame(columns=cols)
    quoted = np.flatnonzero(q.per_side(np.ones(len(q.rows))).ravel() > 0)  # the (side, group) cells quoted at all
    side, group = np.divmod(quoted, len(q.keys))
    anonymous = quotes["anonymous"].iloc[q.rows].astype(int).to_numpy() * q.n
    dyad_totals = q.sides.totals(q.per_article_total())
    out = pd.DataFrame(
        {
            "dyad": pd.array(np.array(FOCAL_DYADS, dtype=object)[side], dtype=arts["dyad"].dtype),
            "group": pd.array(q.keys[group], dtype=quotes[key].dtype),
            "n_quotes": q.totals().ravel()[quoted].astype(np.int64),
            "n_anonymous": q.per_side(anonymous).ravel()[quoted].astype(np.int64),
            "n_articles": q.n_articles().ravel()[quoted].astype(np.int64),
            "dyad_quotes": dyad_totals[side].astype(np.int64),
        }
    )
    out["share"] = out["n_quotes"] / out["dyad_quotes"]
    if by == "country":
        names = entity_names(entities)["name_en"]
        out["group_label"] = out["group"].map(names).fillna(out["group"]).astype(str)
    else:
        out["group_label"] = out["group"].astype(str)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    shares = np.full(2 * len(q.keys), np.nan)
    shares[quoted] = out["share"].to_numpy()
    diff = dyad_differences(q, shares.reshape(2, -1), denominator=q.per_article_total(), seed=seed)
    attach_differences(out, diff, group)
    return out.sort_values(["dyad", "n_quotes", "group_label", "group"], ascending=[True, False, True, True])[cols].reset_index(drop=True)


def speaker_quotes(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    *,
    speaker: str | None = None,
    country: str | None = None,
    entities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The quotes behind a speaker or a speaker's country count (pass ``entities`` as to speakers_by_dyad)."""
    q = rollups.quote_rows(quotes, entities)
    if speaker is not None:
        q = q[q["speaker_label"] == speaker]
    if country is not None:
        q = q[q["country"] == country]
    a = articles[["article_id", "title", "dyad"]]
    out = q.merge(a, on="article_id", how="inner")
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS).fillna(out["dyad"])
    return out[["article_id", "title", "dyad_label", "sentence_id", "speaker_label", "country", "quote", "kind"]].reset_index(drop=True)


@dataclass(frozen=True)
class SpeakersView:
    """Quotes per side grouped by speaker and by the speaker's country."""

    speakers: pd.DataFrame  # speakers_by_dyad(by="speaker")
    #: What ``countries`` is made from: (articles, article quote summary, entities, seed).
    inputs: tuple = field(repr=False, compare=False)

    @functools.cached_property
    def countries(self) -> pd.DataFrame:
        """speakers_by_dyad(by="country"), made when first read: Compare shows it in a tab that is
        closed until someone opens it, and its intervals were a tenth of a new filter's views."""
        a, q, e, seed = self.inputs
        return speakers_by_dyad(a, q, e, by="country", seed=seed, counted=True)

    def anonymous(self) -> dict[str, tuple[int, int]]:
        """Per dyad: (anonymous quotes, all quotes)."""
        sp = self.speakers
        out = {}
        for d in FOCAL_DYADS:
            rows = sp[sp["dyad"] == d]
            out[d] = (int(rows.loc[rows["group"] == ANONYMOUS, "n_quotes"].sum()), int(rows["n_quotes"].sum()))
        return out


def speakers_view(corpus, *, seed: int = 0, articles: pd.DataFrame | None = None) -> SpeakersView:
    """Quotes per side by speaker and by country (``articles`` may give the corpus's
    articles table, or the columns of it the view reads)."""
    a = corpus["articles"] if articles is None else articles
    q, e = article_summary(whole(corpus), "article_quotes"), corpus["entities"]  # speakers_by_dyad keeps the rows of ``a`` only
    return SpeakersView(speakers=speakers_by_dyad(a, q, e, by="speaker", seed=seed, counted=True), inputs=(a, q, e, seed))
