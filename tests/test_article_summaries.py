"""Article summaries (lib.corpus.rollups.ARTICLE_SUMMARIES): every comparison view made from them
equals the same view made from the sentences, mentions and quotes, on the whole corpus and on a
filtered one, with resampling intervals (enough articles on each side)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.corpus import rollups
from lib.corpus.tables import Corpus
from lib.views import compare, entities, speakers, summary, terms, tone, topics

COPIES = 4


@pytest.fixture(scope="module")
def many(seed_corpus) -> Corpus:
    """The seed corpus four times over (distinct article ids): 8 US–Turkey and 12 Russia–Turkey
    articles in two languages, so every difference gets its interval."""
    out = {}
    for name, df in seed_corpus.tables.items():
        if "article_id" not in df.columns:
            out[name] = df
            continue
        parts = [df.assign(article_id=df["article_id"].astype("string") + f"-{i}") for i in range(COPIES)]
        out[name] = pd.concat(parts, ignore_index=True)
    return Corpus(out)


@pytest.fixture(scope="module")
def english(many) -> Corpus:
    a = many.articles
    return many.subset(a.loc[(a["language"] == "en") | a["article_id"].str.endswith("-1"), "article_id"])


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False, check_exact=False, rtol=1e-9
    )


def test_article_tone_counts_every_sentence_and_bins_every_scored_one():
    sentences = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b", "c"],
            "tone": [0.5, None, 0.2, -1.0, None],
            "tone_method": ["vader", None, "vader", "ar-lexicon", "ar-lexicon"],
        }
    )
    out = rollups.article_tone(sentences).set_index("article_id")
    assert out.loc["a", "n_sentences"] == 3 and out.loc["a", "n_scored"] == 2
    assert out.loc["a", "tone_sum"] == pytest.approx(0.7) and out.loc["a", "tone_sq"] == pytest.approx(0.29)
    assert out.loc["a", "tone_methods"] == "vader" and out.loc["c", "tone_methods"] == "ar-lexicon"
    assert out.loc["c", "n_scored"] == 0 and out.loc["c", "tone_sum"] == 0
    bins = out[rollups.TONE_BIN_COLUMNS]
    assert bins.loc["a"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 0, 0]  # 0.2 sits in the bin it starts; 0.5 in 0.4..0.6
    assert bins.loc["b"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert bins.sum(axis=1).tolist() == out["n_scored"].tolist()


def test_article_mentions_and_quotes_count_rows():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b"],
            "entity_id": ["erdogan", "erdogan", "erdogan", "putin"],
            "surface": ["Erdogan", "Erdogan", "Erdoğan", "Putin"],
            "type": ["PERSON"] * 4,
        }
    )
    m = rollups.article_mentions(mentions)
    assert m["n"].sum() == 4
    assert m.set_index(["article_id", "surface"]).loc[("a", "Erdogan"), "n"] == 2
    quotes = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"],
            "speaker": ["Akar", None, "official"],
            "speaker_entity_id": ["hulusi-akar", None, None],
            "affiliation": ["turkey", None, "united-states"],
            "anonymous": [False, False, True],
        }
    )
    ents = pd.DataFrame({"entity_id": ["hulusi-akar"], "name_en": ["Hulusi Akar"]})
    q = rollups.article_quotes(quotes, ents).set_index(["article_id", "speaker_label"])
    assert q.loc[("a", "Hulusi Akar"), "country"] == "turkey"
    assert q.loc[("a", "(unnamed)"), "country"] == rollups.UNKNOWN_COUNTRY
    assert bool(q.loc[("b", rollups.ANONYMOUS), "anonymous"]) and q["n"].sum() == 3


@pytest.mark.parametrize("which", ["many", "english"])
def test_views_from_summaries_equal_views_from_rows(which, request):
    c = request.getfixturevalue(which)
    a = c.articles
    at = c.article_summary("article_tone")
    assert (summary.dyad_summary(a, c["sentences"])["tone_low"].notna()).any()  # intervals are exercised
    _same(summary.tone_summary(a, at), summary.dyad_summary(a, c["sentences"]))
    _same(tone.tone_bins_of(a, at), tone.tone_bins(tone.sentence_tone_values(a, c["sentences"])))
    by_rows = topics.topic_shares_by_dyad(a, c["sentences"], c["sentence_topics"], c["topics_taxonomy"])
    _same(topics.topics_view(c).shares, by_rows)
    args = (c["entity_tone"], c["entities"])
    _same(
        entities.entity_rates(a, c.article_summary("article_mentions"), *args, counted=True), entities.entity_rates(a, c["mentions"], *args)
    )
    for by in ("speaker", "country"):
        counted = speakers.speakers_by_dyad(a, c.article_summary("article_quotes"), c["entities"], by=by, counted=True)
        _same(counted, speakers.speakers_by_dyad(a, c["quotes"], c["entities"], by=by))


def test_a_subset_filters_the_corpus_summaries_and_reads_no_sentence(many, english):
    tables = {name: english[name] for name in ("articles", "sentences", "mentions", "quotes", "entities")}
    for name, make in rollups.ARTICLE_SUMMARIES.items():
        kept = english.article_summary(name)
        made = make(tables)
        key = [c for c in made.columns if made[c].dtype.kind not in "fiub"]
        _same(kept.sort_values(key), made.sort_values(key))
    fresh = many.subset(english.articles["article_id"])
    view = compare.compare_view(fresh, terms=terms.terms_view(fresh, counts=many.term_counts()))  # as the dashboard does
    assert "sentences" not in fresh.tables._done  # the comparison summed the summaries instead
    assert "articles" not in fresh.tables._done  # nor filtered every article's text: only the columns it reads
    # The summaries and row tables it counts are the whole corpus's, unfiltered: each view keeps its articles' rows itself.
    assert not fresh._summaries._done and not {"entity_tone", "topics", "quotes", "mentions"} & set(fresh.tables._done)
    assert fresh.whole() is many and many.whole() is many and fresh.subset(english.articles["article_id"][:3]).whole() is many
    same = compare.compare_view(english, terms=terms.terms_view(english, counts=english.term_counts()))
    for name in ("entity_rates", "tone_bins"):
        _same(getattr(view, name), getattr(same, name))
    _same(view.summary.tone, same.summary.tone)
    _same(view.topics.shares, same.topics.shares)
    _same(view.speakers.speakers, same.speakers.speakers)


def test_a_subsets_columns_are_the_filtered_tables_columns(many, english):
    cols = ["article_id", "language", "dyad"]
    fresh = many.subset(english.articles["article_id"])
    picked = fresh.columns("articles", cols)
    pd.testing.assert_frame_equal(picked, fresh["articles"][cols])
    assert len(picked) == len(english.articles)
    pd.testing.assert_frame_equal(many.columns("articles", cols), many.articles[cols])


def test_compare_view_reads_the_summaries_and_matches_the_row_views(english):
    v = compare.compare_view(english)
    _same(v.summary.tone, summary.dyad_summary(english.articles, english["sentences"]))
    assert np.isclose(v.tone_bins["n_sentences"].sum(), english["sentences"]["tone"].notna().sum() - _off_focal(english))


def _off_focal(c: Corpus) -> int:
    a = c.articles
    off = a.loc[~a["dyad"].isin(["us-turkey", "russia-turkey"]) | (a["status"] != "ok"), "article_id"]
    s = c["sentences"]
    return int(s.loc[s["article_id"].isin(off), "tone"].notna().sum())


def test_each_summary_has_its_declared_columns(many):
    for name, make in rollups.ARTICLE_SUMMARIES.items():
        assert list(make(many.tables).columns) == rollups.SUMMARY_COLUMNS[name], name
