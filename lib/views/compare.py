"""The landing view: both relationships side by side, and the findings read off them.

``compare_view`` builds every per-question view once (summary, tone,
entities, topics, speakers, terms) and the findings from those same
objects; the Compare page and the briefing export both render this one
object, so nothing is computed twice and the two never disagree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import partial

import pandas as pd

from lib.views.common import DYAD_DEFINING_ENTITIES, VIEW_ARTICLE_COLUMNS, article_summary, difference_table, table_columns, whole
from lib.views.entities import entity_rates
from lib.views.findings import Finding, findings
from lib.views.keys import kept
from lib.views.speakers import SpeakersView, speakers_view
from lib.views.summary import SummaryView, summary_view
from lib.views.terms import TermsView, terms_view
from lib.views.tone import tone_bins_of
from lib.views.topics import TopicsView, topics_view


@dataclass(frozen=True)
class CompareView:
    """Everything the Compare page and the briefing show."""

    summary: SummaryView
    tone_bins: pd.DataFrame  # tone.tone_bins: dyad × language × bin
    entity_rates: pd.DataFrame  # entities.entity_rates: every entity
    topics: TopicsView
    speakers: SpeakersView
    terms: TermsView
    findings: list[Finding]
    entity_names: dict  # entity_id → English name

    @property
    def n_focal(self) -> int:
        return self.summary.n_focal

    @functools.cached_property
    def differences(self) -> dict[str, pd.DataFrame]:
        """``differences_tables``: question → table with human headers. Made when first read: only
        the "every difference" panel shows them, closed until someone opens it."""
        return differences_tables(self.summary, self.entity_rates, self.topics, self.speakers)


def differences_tables(
    summary: SummaryView, rates: pd.DataFrame, topics: TopicsView, speakers: SpeakersView, *, top_speakers: int = 8
) -> dict[str, pd.DataFrame]:
    """Every difference the Compare charts show, per question, with its interval and whether it is
    supported (``common.difference_table``): tone per language, entities (the two countries left
    out), topics any side has, the most-quoted speakers."""
    tone = summary.tone[summary.tone["n_sentences"].fillna(0) > 0]
    named = rates.loc[rates["n_mentions"] > 0, "entity_id"]
    ents = rates[rates["entity_id"].isin(named) & ~rates["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    shares = topics.shares[topics.shares.groupby("topic_id")["share"].transform("max") > 0]
    sp = speakers.speakers
    keep = sp.groupby("group")["share"].max().nlargest(top_speakers).index if not sp.empty else []
    shares_table = partial(difference_table, value="share", scale=100, diff_unit="points")  # shares as % and points
    return {
        "Tone": difference_table(
            tone, key="language", label="language_label", label_header="Language", value="tone", unit="mean sentence tone, −1..+1"
        ),
        "Entities": difference_table(
            ents, key="entity_id", label="name", label_header="Entity", value="per_1000_words", unit="mentions per 1,000 words"
        ),
        "Topics": shares_table(shares, key="topic_id", label="short_label", label_header="Topic", unit="% of sentences"),
        "Who is quoted": shares_table(
            sp[sp["group"].isin(keep)], key="group", label="group_label", label_header="Speaker", unit="% of quotes", absent=0.0
        ),
    }


def _names(entities: pd.DataFrame) -> dict[str, str]:
    """Entity id → English name, for every entity with one (made once per entities table, shared)."""

    def make() -> dict[str, str]:
        named = entities.dropna(subset=["name_en"])
        return dict(zip(named["entity_id"].to_numpy(dtype=object), named["name_en"].astype(str).to_numpy(dtype=object), strict=True))

    return kept(entities, "names_en", make)


def compare_view(corpus, *, seed: int = 0, terms: TermsView | None = None) -> CompareView:
    """The Compare view of ``corpus`` (any mapping of table name → table).

    ``terms`` may pass distinguishing terms already made on the same corpus
    (they are the slowest part: the page computes them from per-article
    counts shared across filters).
    """
    # Every view below keeps the rows of the articles ``a`` only: they read the whole corpus's
    # tables and summaries rather than a subset's, which would be filtered first.
    a, rows = table_columns(corpus, "articles", VIEW_ARTICLE_COLUMNS), whole(corpus)
    tone = article_summary(rows, "article_tone")
    summary = summary_view(a, tone, seed=seed)
    topics = topics_view(corpus, seed=seed, articles=a)
    mentions = article_summary(rows, "article_mentions")
    rates = entity_rates(a, mentions, rows["entity_tone"], corpus["entities"], seed=seed, counted=True)
    speakers = speakers_view(corpus, seed=seed, articles=a)
    terms = terms if terms is not None else terms_view(corpus)
    return CompareView(
        summary=summary,
        tone_bins=tone_bins_of(a, tone),
        entity_rates=rates,
        topics=topics,
        speakers=speakers,
        terms=terms,
        findings=findings(summary, topics, rates, speakers, terms),
        entity_names=_names(corpus["entities"]),
    )
