"""lib.views (one view per question) on small hand-built tables (and, when the pipeline runs, on the seeds)."""

from __future__ import annotations

import contextlib
import math
from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import schema
from lib.corpus import rollups
from lib.views import articles, common, compare, entities, intervals, outlets, speakers, summary, terms, timeline, tone, topics
from tests.toy import replicated, toy_tables


@pytest.fixture()
def toy():
    return toy_tables()


# --- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"u1", "u2", "r1", "r2", "r3", "b1", "e1"}),
        ({"languages": ["ar"]}, {"u2"}),
        ({"languages": ["en"]}, {"u1", "r1", "r2", "r3", "b1"}),
        ({"languages": []}, set()),
        ({"sources": ["TASS"]}, {"r1", "r3"}),
        ({"sources": [common.UNKNOWN_SOURCE]}, {"u2", "r2", "e1"}),
        ({"date_range": ("2021-01-01", None)}, {"u1", "u2", "b1", "r2", "e1"}),
        ({"date_range": ("2021-01-01", "2021-10-31"), "include_undated": False}, {"u1", "b1"}),
        ({"date_range": (None, "2020-03-05")}, {"r1", "r2", "e1"}),
        ({"include_undated": False}, {"u1", "u2", "r1", "r3", "b1"}),
    ],
)
def test_filter_articles(toy, kwargs, expected):
    assert set(common.filter_articles(toy["articles"], **kwargs)) == expected


def test_date_span_and_sources(toy):
    assert common.date_span(toy["articles"]) == ("2020-03-05", "2021-11-01")
    assert common.date_span(schema.empty("articles")) == (None, None)
    opts = common.source_options(toy["articles"])
    assert opts[0] == common.UNKNOWN_SOURCE and set(opts) == {common.UNKNOWN_SOURCE, "TASS", "Reuters", "AP"}


# --- intervals --------------------------------------------------------------------------


def test_bootstrap_refuses_too_few():
    iv = intervals.bootstrap_interval([0.1, 0.2])
    assert iv.low is None and iv.high is None and iv.n == 2
    assert "too few articles for an interval" in iv.note


def test_bootstrap_is_deterministic_and_brackets_mean():
    vals = [0.1, 0.3, -0.2, 0.4, 0.0]
    a = intervals.bootstrap_interval(vals, seed=1)
    b = intervals.bootstrap_interval(vals, seed=1)
    assert a == b
    assert a.low <= np.mean(vals) <= a.high
    assert min(vals) <= a.low <= a.high <= max(vals)


def test_bootstrap_drops_missing_and_checks_lengths():
    iv = intervals.bootstrap_interval([0.1, None, 0.2, float("nan")])
    assert iv.n == 2 and iv.low is None
    with pytest.raises(ValueError, match="differ in length"):
        intervals.bootstrap_interval([0.1, 0.2, 0.3], weights=[1, 2])


@given(st.lists(st.floats(-1, 1), min_size=3, max_size=30), st.integers(0, 1000))
@settings(max_examples=40, deadline=None)
def test_bootstrap_interval_within_range(values, seed):
    iv = intervals.bootstrap_interval(values, n_boot=200, seed=seed)
    assert min(values) - 1e-9 <= iv.low <= iv.high <= max(values) + 1e-9


# --- summaries ------------------------------------------------------------------------


def test_dyad_summary_never_pools_languages(toy):
    s = summary.dyad_summary(toy["articles"], toy["sentences"])
    # the same rows on both sides, in a fixed order: dyad, then English before Arabic
    assert list(zip(s["dyad"], s["language"], strict=True)) == [
        ("us-turkey", "en"),
        ("us-turkey", "ar"),
        ("russia-turkey", "en"),
        ("russia-turkey", "ar"),
    ]
    s = s.set_index(["dyad", "language"])
    us_en, us_ar, ru_en = s.loc[("us-turkey", "en")], s.loc[("us-turkey", "ar")], s.loc[("russia-turkey", "en")]
    assert us_en["tone"] == pytest.approx((-0.4 + 0.0) / 2)  # VADER-scored English only
    assert us_ar["tone"] == pytest.approx((0.2 + 0.0) / 2)  # the Arabic method only
    assert ru_en["tone"] == pytest.approx((0.4 + 0.2 + 0.3 - 0.1 + 0.2 + 0.2) / 6)
    assert s.loc[("russia-turkey", "ar"), "n_articles"] == 0 and pd.isna(s.loc[("russia-turkey", "ar"), "tone"])
    assert us_en["tone_sd"] == pytest.approx(np.std([-0.4, 0.0], ddof=1))
    # 1 article: no interval, and the note says so; 3 articles: an interval
    assert pd.isna(us_en["tone_low"]) and "too few" in us_en["interval_note"]
    assert ru_en["tone_low"] <= ru_en["tone"] <= ru_en["tone_high"]
    assert us_en["share_negative"] == pytest.approx(0.5)
    vol = summary.dyad_volume(toy["articles"]).set_index("dyad")
    assert vol.loc["us-turkey", "n_articles"] == 2 and vol.loc["us-turkey", "n_words"] == 180
    assert vol.loc["us-turkey", "languages"] == "English 1, Arabic 1"


def test_summaries_ignore_both_and_errors(toy):
    counts = summary.article_counts(toy["articles"])
    assert counts["n_articles"].sum() == 5
    assert set(counts["dyad"]) == set(common.FOCAL_DYADS)
    assert common.UNKNOWN_SOURCE in set(counts["source_label"])


def test_entity_rates(toy):
    r = entities.entity_rates(toy["articles"], toy["mentions"], toy["entity_tone"], toy["entities"])
    putin = r[r["entity_id"] == "putin"].set_index("dyad")
    assert putin.loc["russia-turkey", "n_mentions"] == 3
    assert putin.loc["russia-turkey", "per_1000_words"] == pytest.approx(3 / 270 * 1000)
    assert putin.loc["us-turkey", "n_mentions"] == 0 and putin.loc["us-turkey", "per_1000_words"] == 0
    assert putin.loc["russia-turkey", "share_articles"] == pytest.approx(1.0)
    # tone toward Putin, per language: English sentences r1/0 (0.4), r2/0 (0.3), r3/1 (0.2)
    assert putin.loc["russia-turkey", "tone_en"] == pytest.approx(0.3)
    assert putin.loc["russia-turkey", "n_tone_sentences_en"] == 3
    assert pd.isna(putin.loc["russia-turkey", "tone_ar"]) and pd.isna(putin.loc["us-turkey", "tone_en"])
    assert "tone" not in r.columns  # never a tone pooled over languages
    # Biden is named in English (u1/0: −0.4) and in Arabic (u2/0: +0.2): two numbers, never their mean
    biden = r[(r["entity_id"] == "biden") & (r["dyad"] == "us-turkey")].iloc[0]
    assert biden["tone_en"] == pytest.approx(-0.4) and biden["tone_ar"] == pytest.approx(0.2)
    assert r[r["entity_id"] == "erdogan"]["name"].iloc[0] == "Recep Tayyip Erdoğan"


def test_entity_rates_top_and_exclude(toy):
    r = entities.entity_rates(
        toy["articles"], toy["mentions"], toy["entity_tone"], toy["entities"], top=1, exclude=common.DYAD_DEFINING_ENTITIES
    )
    assert "turkey" not in set(r["entity_id"])
    assert len(r) == 2 * r["entity_id"].nunique()


def test_entity_cooccurrence(toy):
    co = entities.entity_cooccurrence(toy["articles"], toy["mentions"], toy["entities"])
    ru = co[co["dyad"] == "russia-turkey"].set_index(["entity_a", "entity_b"])
    assert ru.loc[("erdogan", "putin"), "n_sentences"] == 2
    assert ru.loc[("erdogan", "putin"), "n_articles"] == 2
    assert not ((co["entity_a"] == "biden") & (co["dyad"] == "russia-turkey")).any()  # 'both' article not counted
    assert "turkey" not in set(co["entity_a"]) | set(co["entity_b"])


def test_topic_shares(toy):
    t = topics.topic_shares_by_dyad(toy["articles"], toy["sentences"], toy["sentence_topics"], toy["topics_taxonomy"]).set_index(
        ["dyad", "topic_id"]
    )
    assert t.loc[("russia-turkey", "syria"), "share"] == pytest.approx(4 / 6)
    assert t.loc[("us-turkey", "syria"), "share"] == 0
    assert t.loc[("us-turkey", "defence"), "share"] == pytest.approx(2 / 4)
    assert t.loc[("russia-turkey", "syria"), "label"] == "Syria/Idlib"


def test_speakers(toy):
    sp = speakers.speakers_by_dyad(toy["articles"], toy["quotes"], toy["entities"], by="speaker")
    us = sp[sp["dyad"] == "us-turkey"].set_index("group")
    assert us.loc[speakers.ANONYMOUS, "n_quotes"] == 1 and us.loc[speakers.ANONYMOUS, "share"] == pytest.approx(0.5)
    by_c = speakers.speakers_by_dyad(toy["articles"], toy["quotes"], toy["entities"], by="country")
    assert "United States" in set(by_c["group_label"]) and by_c["n_anonymous"].sum() == 1
    empty = speakers.speakers_by_dyad(toy["articles"], schema.empty("quotes"), toy["entities"])
    assert empty.empty


def test_evidence_sentences(toy):
    es = entities.entity_sentences(toy["articles"], toy["sentences"], toy["mentions"], entity_id="putin")
    assert len(es) == 4  # 3 Russia–Turkey + 1 'both'
    assert set(es.columns) >= {"title", "dyad_label", "text", "tone"}
    ts = topics.topic_sentences(toy["articles"], toy["sentences"], toy["sentence_topics"], topic_id="syria")
    assert len(ts) == 4 and set(ts["dyad"]) == {"russia-turkey"} and "Idlib" in set(ts["evidence"])
    q = speakers.speaker_quotes(toy["articles"], toy["quotes"], speaker=speakers.ANONYMOUS)
    assert len(q) == 1 and q["title"].iloc[0] == "Title u1"


# --- terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "language", "expected"),
    [
        ("Erdoğan's", "en", "erdogan"),
        ("The", "en", None),
        ("MISSILES", "en", "missiles"),
        ("a", "en", None),
        ("والتركية", "ar", "تركيه"),
        ("الأمريكي", "ar", "امريكي"),
        ("وزير", "ar", "وزير"),  # و is part of the word: the stem would be too short
        ("في", "ar", None),
        ("إنّ", "ar", None),
    ],
)
def test_term_normalisation(token, language, expected):
    assert terms.normalise_term(token, language) == expected


def test_tokens_with_offsets_map_back():
    text = "وقال الرئيسُ التركيُّ إنَّ العلاقاتِ جيدة"
    for term, s, e in terms.tokens_with_offsets(text, "ar"):
        assert terms.normalise_term(text[s:e], "ar") == term
    with pytest.raises(ValueError, match="English"):
        terms.tokens_with_offsets("bonjour", "fr")


def test_log_odds_matches_formula():
    a, b = Counter({"x": 10, "y": 1}), Counter({"x": 2, "y": 9})
    out = terms.log_odds_dirichlet(a, b, prior_scale=0.5).set_index("term")
    alpha_x, a0 = 0.5 * 12, 0.5 * 22
    d = math.log((10 + alpha_x) / (11 + a0 - 10 - alpha_x)) - math.log((2 + alpha_x) / (11 + a0 - 2 - alpha_x))
    var = 1 / (10 + alpha_x) + 1 / (2 + alpha_x)
    assert out.loc["x", "delta"] == pytest.approx(d)
    assert out.loc["x", "z"] == pytest.approx(d / math.sqrt(var))
    assert out.loc["x", "z"] > 0 > out.loc["y", "z"]


@given(
    st.dictionaries(st.sampled_from(list("abcdefg")), st.integers(1, 50), min_size=1),
    st.dictionaries(st.sampled_from(list("abcdefg")), st.integers(1, 50), min_size=1),
)
@settings(max_examples=50, deadline=None)
def test_log_odds_antisymmetric(ca, cb):
    ab = terms.log_odds_dirichlet(Counter(ca), Counter(cb)).set_index("term")["z"]
    ba = terms.log_odds_dirichlet(Counter(cb), Counter(ca)).set_index("term")["z"]
    assert np.allclose(ab.to_numpy(), -ba.reindex(ab.index).to_numpy())


def test_distinguishing_terms(toy):
    t = terms.distinguishing_terms(toy["sentences"], toy["articles"], language="en")
    assert t["z"].is_monotonic_decreasing
    top_ru = t.iloc[-1]
    assert top_ru["favours"] == "russia-turkey" and top_ru["term"] in {"ceasefire", "idlib", "putin"}
    assert t.iloc[0]["favours"] == "us-turkey" and t.iloc[0]["term"] in {"missiles", "biden", "warned", "sanctions"}
    assert "the" not in set(t["term"]) and "erdogan" in set(t["term"])
    assert t["n_articles_a"].iloc[0] == 1 and t["n_articles_b"].iloc[0] == 3
    with pytest.raises(terms.TooFewForTerms, match="No Arabic Russia–Turkey articles"):
        terms.distinguishing_terms(toy["sentences"], toy["articles"], language="ar")


def test_keyword_in_context(toy):
    k = terms.keyword_in_context(toy["sentences"], toy["articles"], term="Idlib", language="en")
    assert len(k) == 3 and set(k["match"]) == {"Idlib"}
    assert (k["left"] + k["match"] + k["right"]).str.contains("Idlib").all()
    ar = terms.keyword_in_context(toy["sentences"], toy["articles"], term="الأمريكية", language="ar")
    assert list(ar["match"]) == ["الأمريكية"]
    assert terms.keyword_in_context(toy["sentences"], toy["articles"], term="pipelines", language="en").empty
    assert len(terms.keyword_in_context(toy["sentences"], toy["articles"], term="the", language="en")) > 0  # any word can be looked up


# --- tone -------------------------------------------------------------------------------


def test_tone_by_group(toy):
    g = tone.tone_by_group(toy["articles"], toy["sentences"])
    row = g[(g["dyad"] == "us-turkey") & (g["language"] == "ar")].iloc[0]
    assert row["n_sentences"] == 2 and row["mean"] == pytest.approx(0.1) and row["share_positive"] == pytest.approx(0.5)
    assert list(zip(g["dyad"], g["language"], strict=True)) == [("us-turkey", "en"), ("us-turkey", "ar"), ("russia-turkey", "en")]
    assert tone.tone_by_group(toy["articles"].iloc[0:0], toy["sentences"]).empty


def test_article_table(toy):
    t = articles.article_table(toy["articles"], toy["mentions"], toy["entities"], toy["topics"], toy["topics_taxonomy"]).set_index(
        "article_id"
    )
    assert len(t) == 7
    assert t.loc["u2", "source"] == common.UNKNOWN_SOURCE and t.loc["r2", "date"] == common.UNKNOWN_DATE
    assert t.loc["u1", "language"] == "English" and t.loc["u1", "dyad"] == "US–Turkey"
    assert "Turkey" not in t.loc["u1", "main_entities"] and "Joe Biden" in t.loc["u1", "main_entities"]
    assert t.loc["r1", "main_topics"].startswith("Syria/Idlib (100%)")


# --- findings ---------------------------------------------------------------------------


def test_findings_say_how_many_articles(toy):
    fs = compare.compare_view(toy).findings
    kinds = [f.kind for f in fs]
    assert {"volume", "tone", "topic", "entity", "speakers", "terms"} <= set(kinds)
    for f in fs:
        assert f.link.startswith("./")
        if f.kind != "volume":
            assert "based on" in f.text and "too few to generalise" in f.text
    topic = next(f for f in fs if f.kind == "topic" and "Syria" in f.text)
    # 2 and 3 articles: no interval of the difference, so no finding claims one
    assert "Syria/Idlib is the leading topic of Russia–Turkey coverage (67% of sentences) and 0% in US–Turkey coverage" in topic.text
    assert topic.link == "./topics?topic=syria"
    tone_f = next(f for f in fs if f.kind == "tone")
    assert "In English, the tone of US–Turkey and Russia–Turkey coverage is not shown to differ" in tone_f.text
    assert "US–Turkey: too few articles for an interval" in tone_f.text
    for f in fs:
        if f.kind in ("tone", "topic", "entity", "speakers"):
            assert "too few articles for an interval of the difference: not a supported difference" in f.text, f.text
            assert "more negative" not in f.text and "absent from" not in f.text
    ent = [f for f in fs if f.kind == "entity"]
    assert any(f.params in ({"entity": "putin"}, {"entity": "idlib"}) and "0.0 in US–Turkey" in f.text for f in ent)
    # English only: US–Turkey u1 (−0.4, 0.0) vs Russia–Turkey r1–r3; the more negative side's number comes first
    assert "mean sentence tone −0.20 (US–Turkey) vs +0.20 (Russia–Turkey)" in tone_f.text


def test_findings_empty_when_one_side_missing(toy):
    ids = common.filter_articles(toy["articles"], languages=["ar"])
    sub = {k: (v[v["article_id"].isin(ids)] if "article_id" in v.columns else v) for k, v in toy.items()}
    assert compare.compare_view(sub).findings == []


def test_lib_never_imports_streamlit():
    from pathlib import Path

    for path in Path(compare.__file__).parent.glob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path


# --- on the seeds (skipped until the pipeline's modules have landed) ------------------------


@pytest.fixture(scope="module")
def seeds():
    from lib.corpus.tables import analyze_seeds

    return analyze_seeds()


def test_seeds_summary(seeds):
    s = summary.dyad_summary(seeds.articles, seeds["sentences"]).set_index(["dyad", "language"])
    assert s.loc[("us-turkey", "en"), "n_articles"] == 1 and s.loc[("us-turkey", "ar"), "n_articles"] == 1
    assert s.loc[("russia-turkey", "en"), "n_articles"] == 3
    assert "too few articles for an interval" in s.loc[("us-turkey", "en"), "interval_note"]
    assert -1 <= s.loc[("russia-turkey", "en"), "tone"] <= 1
    fs = compare.compare_view(seeds).findings
    assert fs and all("based on" in f.text for f in fs if f.kind != "volume")


def test_term_counts_per_article_give_the_same_terms(toy):
    counts = terms.count_terms(toy["sentences"], toy["articles"])
    table = counts.frame()
    assert set(table.columns) == {"article_id", "term", "n"} and "e1" not in set(table["article_id"])
    direct = terms.distinguishing_terms(toy["sentences"], toy["articles"], language="en")
    via = terms.distinguishing_terms(toy["sentences"], toy["articles"], language="en", counts=counts)
    pd.testing.assert_frame_equal(direct, via)


def test_a_large_corpus_is_resampled_within_the_budget(monkeypatch):
    """20,000 articles: MIN_BOOT resamples (the budget), all read from the weight bank; a narrow interval."""
    drawn = []
    real = intervals._poisson_weights
    monkeypatch.setattr(
        intervals, "_poisson_weights", lambda h, first, stop, seed: drawn.append((len(h), first, stop)) or real(h, first, stop, seed)
    )
    values = np.random.default_rng(0).uniform(-1, 1, 20_000)
    iv = intervals.bootstrap_interval(values, ids=[f"large-{i}" for i in range(20_000)])
    assert drawn == [(20_000, 0, common.MIN_BOOT)]
    assert iv.low < values.mean() < iv.high and iv.high - iv.low < 0.05
    again = intervals.bootstrap_interval(values, ids=[f"large-{i}" for i in range(20_000)])
    assert again == iv and len(drawn) == 1  # the second time, every weight comes from the bank


def test_resample_weights_are_poisson_and_fixed_by_the_article():
    ids = [f"article-{i}" for i in range(3_000)]
    w = intervals.article_weights(ids, 2_000)  # articles × resamples
    assert w.shape == (3_000, 2_000) and w.min() == 0
    # Poisson(1): mean 1, variance 1, P(0) = P(1) = 1/e
    assert w.mean() == pytest.approx(1, abs=0.005) and w.var() == pytest.approx(1, abs=0.01)
    assert (w == 0).mean() == pytest.approx(np.exp(-1), abs=0.003) and (w == 1).mean() == pytest.approx(np.exp(-1), abs=0.003)
    # no correlation between articles, nor between resamples
    assert abs(np.corrcoef(w[:200])[np.triu_indices(200, 1)]).max() < 0.12
    assert abs(np.corrcoef(w[:, :200].T)[np.triu_indices(200, 1)]).max() < 0.12
    # an article's weights do not depend on the others, their order, how many resamples are drawn, or the bank
    picked = [ids[i] for i in (2_999, 5, 1_000)]
    np.testing.assert_array_equal(intervals.article_weights(picked, 2_000), w[[2_999, 5, 1_000]])
    np.testing.assert_array_equal(intervals.article_weights(picked, 500), w[[2_999, 5, 1_000], :500])
    fresh = intervals._poisson_weights(intervals._id_hashes(np.asarray(picked, dtype=object)), 0, 2_000, 0)
    np.testing.assert_array_equal(fresh, w[[2_999, 5, 1_000]])
    assert not np.array_equal(intervals.article_weights(picked, 500, seed=1), w[[2_999, 5, 1_000], :500])


def test_the_weight_bank_draws_each_article_once_as_deep_as_needed(monkeypatch):
    drawn = []
    real = intervals._poisson_weights
    monkeypatch.setattr(
        intervals, "_poisson_weights", lambda h, first, stop, seed: drawn.append((len(h), first, stop)) or real(h, first, stop, seed)
    )
    monkeypatch.setattr(intervals, "_banks", {})
    ids = np.asarray([f"bank-{i}" for i in range(50)], dtype=object)
    shallow = intervals.article_weights(ids[:30], 300)
    deep = intervals.article_weights(ids, 1_000)  # 20 new articles; 30 known ones drawn deeper
    again = intervals.article_weights(ids[::-1], 1_000)
    assert drawn == [(30, 0, 300), (20, 0, 1_000), (30, 300, 1_000)]  # each article drawn on from where it stopped
    np.testing.assert_array_equal(deep[:30, :300], shallow)
    np.testing.assert_array_equal(again, deep[::-1])


def test_article_keys_number_each_id_once_and_start_afresh_beyond_their_limit(monkeypatch):
    from lib.views import keys

    monkeypatch.setattr(keys, "_current", keys.ArticleKeys())
    registry = keys.article_keys()
    first = registry.keys_of(np.asarray(["k-b", "k-a", "k-b"], dtype=object))
    assert first.tolist() == [0, 1, 0]  # in the order first seen; a repeat gets the same key
    assert registry.keys_of(np.asarray(["k-c", "k-a"], dtype=object)).tolist() == [2, 1]
    assert registry.ids(np.asarray([2, 0])).tolist() == ["k-c", "k-b"]
    weights = intervals.article_weights(["k-a", "k-c"], 300)
    monkeypatch.setattr(keys, "MAX_ARTICLE_KEYS", 2)
    fresh = keys.article_keys()  # 3 keys > 2: a new numbering, and a new weight bank with it
    assert fresh is not registry and len(fresh) == 0
    np.testing.assert_array_equal(intervals.article_weights(["k-a", "k-c"], 300), weights)  # weights follow the id, not the key
    assert intervals._banks[0].registry is fresh


def test_results_kept_per_table_are_made_once_while_the_table_lives():
    import gc

    from lib.views import keys

    made = []
    table = pd.DataFrame({"article_id": ["a", "b"]})
    assert keys.kept(table, "test", lambda: made.append(1) or "x") == "x"
    assert keys.kept(table, "test", lambda: made.append(1) or "y") == "x" and made == [1]
    assert keys.kept(table.copy(), "test", lambda: made.append(1) or "z") == "z"  # another table object: made again
    assert keys.kept(table, "test", lambda: "w", valid=lambda got: got != "x") == "w"  # no longer valid: made again
    key = (id(table), "test")
    assert key in keys._kept
    del table
    gc.collect()
    gc.disable()  # a table of an earlier test dying in an automatic collection after the purge would fail the check
    try:
        other = pd.DataFrame()
        keys.kept(other, "other", lambda: None)  # a new entry drops those of tables that are gone
        dead = [k for k, (ref, _) in keys._kept.items() if ref() is None]
    finally:
        gc.enable()
    assert dead == []


def test_kept_results_drop_the_least_recently_used(monkeypatch):
    from lib.views import keys

    monkeypatch.setattr(keys, "_kept", {})
    monkeypatch.setattr(keys, "MAX_KEPT", 2)
    a, b, c = (pd.DataFrame({"x": [i]}) for i in range(3))
    made = []
    for t in (a, b, a, c):  # a is used again after b: b goes first
        keys.kept(t, "n", lambda t=t: made.append(int(t["x"].iloc[0])) or len(made))
    assert made == [0, 1, 2]
    keys.kept(a, "n", lambda: made.append(0))
    keys.kept(b, "n", lambda: made.append(1))
    assert made == [0, 1, 2, 1]  # a was still kept, b was made again


def test_the_compared_articles_find_their_rows_in_any_table():
    from lib.views.coded import Sides

    sides = Sides.of(pd.DataFrame({"article_id": ["s-b", "s-a", "s-d"], "dyad": ["us-turkey", "russia-turkey", "us-turkey"]}))
    summary = pd.DataFrame({"article_id": pd.array(["s-a", "s-c", "s-b"], dtype="string[pyarrow]"), "n": [1, 2, 3]})
    assert sides.rows_in(summary).tolist() == [2, 0, -1]  # s-d has no row
    assert sides.of_rows(summary).tolist() == [1, -1, 0]  # s-c is not compared
    assert sides.ids == ["s-b", "s-a", "s-d"] and sides.side.tolist() == [0, 1, 0]
    summary["m"] = [np.nan, 5.0, 7.0]
    assert sides.values_in(summary, "n").tolist() == [3.0, 1.0, 0.0]  # 0 without a row
    assert sides.values_in(summary, "m").tolist() == [7.0, 0.0, 0.0]  # 0 without a value
    assert sides.values_in(summary.iloc[0:0], "n").tolist() == [0.0, 0.0, 0.0]


def test_a_resampling_interval_covers_the_true_mean_as_often_as_it_says():
    """90 % intervals of a mean from 150 articles, over 300 simulated corpora: about 90 % cover the mean."""
    rng = np.random.default_rng(7)
    covered = []
    for k in range(300):
        values = rng.normal(0.2, 0.5, 150)
        iv = intervals.bootstrap_interval(values, ids=[f"sim-{k}-{i}" for i in range(150)], n_boot=1_000)
        covered.append(iv.low <= 0.2 <= iv.high)
    assert 0.84 <= np.mean(covered) <= 0.95


def test_tone_bins_count_every_sentence(toy):
    tones = tone.sentence_tones(toy["articles"], toy["sentences"])
    bins = tone.tone_bins(tones)
    assert len(bins) == 2 * 2 * 10  # dyad × language × bin: both sides get the same bins
    assert bins.groupby("dyad")["n_sentences"].sum().to_dict() == {"russia-turkey": 6, "us-turkey": 4}
    assert bins.groupby(["dyad", "language"])["n_sentences"].sum().to_dict() == {
        ("russia-turkey", "ar"): 0,
        ("russia-turkey", "en"): 6,
        ("us-turkey", "ar"): 2,
        ("us-turkey", "en"): 2,
    }
    ru = (
        bins[(bins["dyad"] == "russia-turkey") & (bins["language"] == "en")]
        .assign(b=lambda x: x["bin_start"].round(1))
        .set_index("b")["n_sentences"]
    )
    assert ru.loc[0.2] == 4  # 0.2, 0.3, 0.2, 0.2: a tone on a bin edge starts that bin
    assert ru.loc[0.4] == 1 and ru.loc[-0.2] == 1


def test_entity_dyad_table(toy):
    rates = entities.entity_rates(toy["articles"], toy["mentions"], toy["entity_tone"], toy["entities"])
    t = entities.entity_dyad_table(rates)
    assert list(t.columns[:3]) == ["entity_id", "Entity", "Type"]
    assert list(t.columns[3:5]) == ["Mentions · US–Turkey", "Mentions · Russia–Turkey"]
    putin = t.set_index("entity_id").loc["putin"]
    assert putin["Mentions · Russia–Turkey"] == 3 and putin["Mentions · US–Turkey"] == 0
    assert entities.entity_dyad_table(rates.iloc[0:0]).empty


@pytest.mark.parametrize(
    ("text", "language", "term"),
    [
        ("Talks with the United States stalled.", "en", "united states"),
        ("Recep Tayyip Erdoğan's visit", "en", "recep tayyip erdogan"),
        ("وانضمت إلى الولايات المتحدة", "ar", "ولايات متحده"),
    ],
)
def test_multi_word_names_are_one_term(text, language, term):
    from lib.views.terms import tokens_with_offsets

    terms = tokens_with_offsets(text, language)
    assert term in [t for t, _, _ in terms]
    assert "states" not in [t for t, _, _ in terms]
    for _term, s, e in terms:
        assert 0 <= s < e <= len(text)


# --- findings state their numbers in the order of their words ------------------------------


def _toy_with_tones(toy, us: float, ru: float):
    """The toy corpus with every English US–Turkey sentence at ``us`` and Russia–Turkey one at ``ru``."""
    t = dict(toy)
    s = toy["sentences"].copy()
    s.loc[s["article_id"] == "u1", "tone"] = us
    s.loc[s["article_id"].isin(["r1", "r2", "r3"]), "tone"] = ru
    t["sentences"] = s
    return t


#: Enough copies of the toy's articles for an interval of every difference.
MANY = {"u1": 8, "u2": 8, "r1": 4, "r2": 4, "r3": 4}


@pytest.mark.parametrize(("us", "ru"), [(0.31, -0.21), (-0.21, 0.31)])
def test_tone_finding_numbers_follow_its_words(toy, us, ru):
    f = next(f for f in compare.compare_view(replicated(_toy_with_tones(toy, us, ru), MANY)).findings if f.kind == "tone")
    more, less = ("Russia–Turkey", "US–Turkey") if ru < us else ("US–Turkey", "Russia–Turkey")
    lo, hi = (common.signed(min(us, ru)), common.signed(max(us, ru)))
    assert f"{more} coverage is more negative in tone than {less} coverage" in f.text
    # the first number is the more negative side's, and each is named
    assert f"mean sentence tone {lo} ({more}) vs {hi} ({less})" in f.text
    assert f.text.index(f"({more})") < f.text.index(f"({less})")


# --- differences between the two sides: an interval from resampling articles ----------------


def test_difference_interval_flags_a_clear_difference_and_not_identical_sides():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.3, 0.2, 200), rng.normal(-0.1, 0.2, 200)
    clear = intervals.difference_intervals(a, np.ones(200), b, np.ones(200)).iloc[0]
    assert clear["diff_supported"] and clear["diff_low"] < a.mean() - b.mean() < clear["diff_high"] and clear["diff_low"] > 0
    assert "excludes zero" in clear["diff_note"]
    same = intervals.difference_intervals(a, np.ones(200), a.copy(), np.ones(200)).iloc[0]
    assert not same["diff_supported"] and same["diff_low"] < 0 < same["diff_high"] and "includes zero" in same["diff_note"]
    # deterministic for a seed
    again = intervals.difference_intervals(a, np.ones(200), b, np.ones(200)).iloc[0]
    assert again.equals(clear)


def test_equal_constant_rates_are_no_difference():
    # every sentence at +0.2 on both sides, articles of different lengths: rounding is not a difference
    n_a, n_b = np.arange(1, 41, dtype=float), np.arange(3, 33, dtype=float)
    d = intervals.difference_intervals(0.2 * n_a, n_a, 0.2 * n_b, n_b).iloc[0]
    assert abs(d["diff"]) < 1e-12 and not d["diff_supported"]


def test_difference_interval_needs_enough_articles_on_both_sides():
    few = intervals.difference_intervals([1.0, 1.0], [1, 1], [0.0] * 50, [1] * 50).iloc[0]
    assert pd.isna(few["diff_low"]) and pd.isna(few["diff_high"]) and not few["diff_supported"]
    assert few["diff"] == 1.0 and "too few articles" in few["diff_note"] and "2 US–Turkey and 50 Russia–Turkey" in few["diff_note"]
    # articles that add nothing to the denominator (no scored sentence) are not counted
    none = intervals.difference_intervals([0.0, 0.5, 0.2, 0.3], [0, 1, 1, 1], [0.1] * 5, [1] * 5).iloc[0]
    assert not pd.isna(none["diff_low"]) and "3 US–Turkey" in none["diff_note"]
    with pytest.raises(ValueError, match="differ in articles"):
        intervals.difference_intervals([1.0, 2.0], [1], [1.0], [1])


def test_difference_interval_is_a_pooled_ratio_per_column():
    num_a = np.array([[2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    den_a = np.array([4.0, 2.0, 2.0])
    d = intervals.difference_intervals(num_a, den_a, np.zeros((3, 2)), np.ones(3))
    assert list(d.columns) == common.DIFF_COLUMNS and len(d) == 2
    assert d["diff"].tolist() == pytest.approx([4 / 8, 2 / 8])


def test_difference_intervals_find_a_small_gap_at_10000_articles():
    rng = np.random.default_rng(0)
    n, k = 5_000, intervals.MAX_DIFF_ITEMS
    a, b = (rng.random((n, k)) < 0.2).astype(float), (rng.random((n, k)) < 0.25).astype(float)
    d = intervals.difference_intervals(a, np.ones(n), b, np.ones(n))
    assert d["diff_supported"].mean() > 0.9  # a 5-point gap on 5,000 articles a side is found almost always
    assert (d["diff_high"] - d["diff_low"]).between(0.01, 0.04).all()  # ± about 1.645 × 0.0083


def test_two_sides_of_the_same_values_but_different_articles_are_resampled_apart():
    values = np.random.default_rng(1).normal(0, 0.3, 100)
    same = intervals.difference_intervals(values, np.ones(100), values, np.ones(100)).iloc[0]
    assert same["diff"] == 0 and same["diff_low"] < -0.03 and same["diff_high"] > 0.03 and not same["diff_supported"]
    with pytest.raises(ValueError, match="ids and denominator differ"):
        intervals.difference_intervals([1.0, 2.0], [1, 1], [1.0], [1], ids_a=["x"])


def test_every_paired_view_carries_the_difference_and_its_flag(toy):
    many = compare.compare_view(replicated(toy, MANY))
    tone_en = many.summary.tone.set_index(["dyad", "language"]).loc[("us-turkey", "en")]
    assert tone_en["diff"] == pytest.approx(-0.4) and tone_en["diff_supported"] and tone_en["diff_high"] < 0
    for table, key, item in (
        (many.entity_rates, "entity_id", "biden"),
        (many.topics.shares, "topic_id", "syria"),
        (many.speakers.speakers, "group", speakers.ANONYMOUS),
    ):
        assert set(common.DIFF_COLUMNS) <= set(table.columns)
        row = table[table[key] == item].iloc[0]
        assert row["diff_supported"] and "excludes zero" in row["diff_note"], key
    # the same corpus with both sides alike: nothing is flagged
    same = replicated(toy, {"r1": 4, "r2": 4, "r3": 4})
    same = {
        k: (v.assign(dyad=np.where(v["article_id"].str.endswith(("-0", "-1")), "us-turkey", v["dyad"])) if k == "articles" else v)
        for k, v in same.items()
    }
    alike = compare.compare_view(same)
    for table in (alike.summary.tone, alike.entity_rates, alike.topics.shares):
        assert not table["diff_supported"].fillna(False).any()
    # the toy itself (2 and 3 articles): no interval, no flag
    few = compare.compare_view(toy)
    for table in (few.summary.tone, few.entity_rates, few.topics.shares, few.speakers.speakers):
        assert table["diff_low"].isna().all() and not table["diff_supported"].any()


def test_findings_claim_only_supported_differences(toy):
    many = compare.compare_view(replicated(toy, MANY)).findings
    assert "In English, US–Turkey coverage is more negative in tone than Russia–Turkey coverage" in next(
        f.text for f in many if f.kind == "tone"
    )
    topic = next(f.text for f in many if f.kind == "topic" and "Syria" in f.text)
    assert (
        "and absent from US–Turkey coverage" in topic
        and "difference +66.7 points (90% interval +" in topic
        and "): supported (based on" in topic
    )
    assert "and absent from US–Turkey coverage, difference" in topic
    # US–Turkey 0.1 lower on average, but its articles spread from −0.8 to +0.9: not a supported difference
    spread = replicated(_toy_with_tones(toy, 0.2, 0.2), MANY)
    us = spread["sentences"]["article_id"].str.startswith("u1")
    spread["sentences"].loc[us, "tone"] = np.repeat([0.9, -0.7, 0.8, -0.6, 0.9, -0.8, 0.7, -0.4], 2)
    f = next(f.text for f in compare.compare_view(spread).findings if f.kind == "tone")
    assert "more negative" not in f and "is not shown to differ" in f and "which includes zero): not a supported difference" in f


def test_tone_is_compared_within_a_language_only(toy):
    fs = [f for f in compare.compare_view(toy).findings if f.kind == "tone"]
    # Arabic has no Russia–Turkey article: no Arabic tone finding, and the English one uses English sentences only
    assert len(fs) == 1 and fs[0].text.startswith("In English,")
    assert common.signed(-0.2) in fs[0].text  # u1 alone: (−0.4 + 0.0) / 2


def test_one_number_format():
    assert common.signed(-0.2) == "−0.20" and common.signed(0.13) == "+0.13" and common.signed(-0.001) == "0.00"
    assert common.signed(None) == "–" and common.pct(0.2742) == "27%" and common.pct(float("nan")) == "–"
    assert common.language_label("en") == "English" and common.language_label(None) == "(unknown)"


def test_intervals_read_with_the_typographic_minus_and_never_round_to_zero():
    assert common.interval_text(-0.44, -0.36) == "−0.44 to −0.36"
    assert common.interval_text(0.004, 0.13, percent=True) == "+0.4 to +13.0 points"
    assert common.interval_text(-0.0004, 0.3) == "−0.0004 to +0.30"  # not "0.00 to +0.30"
    assert common.interval_text(None, 0.3) == "no interval"
    assert common.supported_label(True, -0.1) == "◆ yes" and common.supported_label(False, 0.1) == "no"
    assert common.supported_label(False, float("nan")) == "no interval"


@pytest.mark.parametrize(
    ("text", "rtl"),
    [
        ("قال الرئيس إن العلاقات مهمة.", True),
        ("S-400: قال الرئيس الأمريكي إن الصفقة أزمة.", True),  # Arabic that starts with Latin letters
        ("2019 العقوبات الأمريكية", True),
        ("Biden warned Erdogan over the S-400.", False),
        ("Erdogan (أردوغان) spoke to reporters in Ankara.", False),  # English with an Arabic name in it
        ("", False),
        (None, False),
    ],
)
def test_rtl_cells(text, rtl):
    out = common.rtl_cell(text)
    assert (isinstance(out, str) and out.startswith(common.ARABIC_LETTER_MARK)) is rtl
    if rtl:
        assert out == common.ARABIC_LETTER_MARK + text and common.rtl_cell(out) == out  # once only
    else:
        assert out == text


def test_difference_tables_have_human_headers_and_every_question(toy):
    diffs = compare.compare_view(replicated(toy, MANY)).differences
    assert list(diffs) == ["Tone", "Entities", "Topics", "Who is quoted"]
    topics_t = diffs["Topics"].set_index("Topic")
    syria = topics_t.loc["Syria/Idlib"]
    assert syria["Measure"] == "% of sentences (difference in points)"
    assert syria["US–Turkey"] == 0 and syria["Russia–Turkey"] == pytest.approx(200 / 3)
    assert syria["US–Turkey − Russia–Turkey"] == pytest.approx(-200 / 3)
    assert syria["90% interval, low"] < syria["90% interval, high"] < 0 and syria["Supported"] == "◆ yes"
    ents = diffs["Entities"]
    assert "turkey" not in set(ents["Entity"]) and ents.loc[ents["Entity"] == "Vladimir Putin", "US–Turkey"].item() == 0
    tone_t = diffs["Tone"].set_index("Language")
    assert tone_t.loc["Arabic", "Supported"] == "no interval"  # no Russia–Turkey Arabic article


def test_untitled_articles_are_titled_from_their_lead():
    lead = "Ankara and Washington agreed on Monday to set up a mechanism to improve relations, officials said after the call."
    t = common.display_title(None, "x.txt", text=lead)
    assert t.startswith("Ankara and Washington agreed") and t.endswith("…") and len(t) <= common.LEAD_TITLE_CHARS + 2
    assert common.display_title("", "dir/x.txt", text="Short lead.") == "Short lead."
    assert common.display_title(None, "dir/x.txt") == "(untitled) x.txt"
    assert common.display_title("A title", "x.txt", text=lead) == "A title"


# --- keyword in context: phrases, hyphens, Arabic clitics ------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "language", "matches"),
    [
        ("Talks with the United States stalled; the united states said no.", "united states", "en", ["United States", "united states"]),
        ("President Joe Biden met Erdogan. Biden said…", "joe biden", "en", ["Joe Biden"]),
        ("Turkey bought the S-400 system; S-400s next.", "S-400", "en", ["S-400"]),
        ("Erdoğan's visit to Erdogan's town", "erdogan", "en", ["Erdoğan's", "Erdogan's"]),
        ("قال بايدن إن المحادثات بين أردوغان وبايدن جرت، ولبايدن رأي.", "بايدن", "ar", ["بايدن", "وبايدن", "ولبايدن"]),
        ("الرئيس الأمريكي جو بايدن", "جو بايدن", "ar", ["جو بايدن"]),
        ("فرضت العقوبات وبالعقوبات", "العقوبات", "ar", ["العقوبات", "وبالعقوبات"]),
        ("the states", "united states", "en", []),
    ],
)
def test_kwic_finds_phrases_hyphens_and_clitics(text, term, language, matches):
    words = terms.kwic_words(text, language)
    spans = terms.find_phrase(words, terms._kwic_target(term, language), language)
    assert [text[a:b] for a, b in spans] == matches


def test_kwic_finds_every_biden_in_the_arabic_seed(seeds):
    arts = seeds.articles
    ar = arts[arts["language"] == "ar"].iloc[0]
    expected = ar["text"].count("بايدن")
    assert expected == 7
    k = terms.keyword_in_context(seeds["sentences"], arts, term="بايدن", language="ar")
    assert len(k) == expected
    assert terms.keyword_in_context(seeds["sentences"], arts, term="united states", language="en").shape[0] > 0
    assert terms.keyword_in_context(seeds["sentences"], arts, term="joe biden", language="en").shape[0] > 0
    # every row carries the whole sentence and where it is, for the link to the reader
    assert {"text", "sentence_id", "start", "article_id"} <= set(k.columns)


def test_terms_are_shown_as_written(toy):
    t = dict(toy)
    a = toy["articles"].copy()
    a.loc[a["article_id"] == "r1", "language"] = "ar"
    s = toy["sentences"].copy()
    s.loc[s["article_id"] == "r1", "text"] = ["قال بوتين إن وقف إطلاق النار في إدلب صامد.", "روسيا وتركيا تتفقان."]
    t["articles"], t["sentences"] = a, s
    found = terms.distinguishing_terms(s, a, language="ar")
    shown = dict(zip(found["term"], found["display"], strict=True))
    assert shown["امريكيه"] == "الأمريكية"  # counted normalised, shown as the article writes it
    assert shown["ادلب"] == "إدلب"


def test_tokens_keep_hyphenated_words_whole():
    assert "s-400" in [t for t, _, _ in terms.tokens_with_offsets("The S-400 deal", "en")]
    assert "2021" not in [t for t, _, _ in terms.tokens_with_offsets("In 2021 talks", "en")]


# --- over time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2021-10-01", "2021-10-31", "day"),
        ("2021-01-01", "2021-06-30", "week"),
        ("2020-03-05", "2021-11-01", "month"),
        (None, None, "month"),
    ],
)
def test_period_length_is_chosen_from_the_span(first, last, expected):
    assert timeline.choose_granularity(first, last) == expected


def test_periods_start_on_monday_and_first_of_month():
    from datetime import date

    assert timeline.period_start(date(2021, 10, 31), "week") == date(2021, 10, 25)
    assert timeline.period_end(date(2021, 2, 1), "month") == date(2021, 2, 28)
    assert timeline.period_label(date(2021, 10, 25), "week") == "week of 2021-10-25"


def test_timeline_counts_articles_and_tone_per_language(toy):
    v = timeline.timeline_view(toy)
    assert v.granularity == "month" and v.periods[0] == "2020-03-01" and v.periods[-1] == "2021-11-01"
    assert len(v.periods) == 21  # every month between, empty ones included
    assert v.n_dated == 4 and v.n_undated == 1  # r2 has no date
    vol = v.volume.set_index(["dyad", "period"])["n_articles"]
    assert vol[("russia-turkey", "2020-03-01")] == 2 and vol[("us-turkey", "2021-11-01")] == 1 and vol[("us-turkey", "2020-06-01")] == 0
    tone_rows = v.tone.set_index(["dyad", "language", "period"])
    assert tone_rows.loc[("us-turkey", "en", "2021-10-01"), "tone"] == pytest.approx(-0.2)
    assert tone_rows.loc[("us-turkey", "ar", "2021-11-01"), "tone"] == pytest.approx(0.1)  # Arabic apart, never pooled
    top = v.top.set_index(["dyad", "period"])
    assert "Idlib (2)" in top.loc[("russia-turkey", "2020-03-01"), "entities"]
    assert "Turkey" not in top.loc[("russia-turkey", "2020-03-01"), "entities"]
    assert top.loc[("russia-turkey", "2020-03-01"), "topics"].startswith("Syria/Idlib (3)")


def test_a_period_opens_its_sentences(toy):
    rows = timeline.period_sentences(toy["articles"], toy["sentences"], period="2020-03-01", granularity="month")
    assert set(rows["article_id"]) == {"r1", "r3"} and len(rows) == 4
    day = timeline.period_sentences(toy["articles"], toy["sentences"], period="2020-03-06", granularity="day")
    assert set(day["article_id"]) == {"r3"}


def test_timeline_of_undated_articles_is_empty(toy):
    t = dict(toy)
    t["articles"] = toy["articles"].assign(date=pd.NA)
    v = timeline.timeline_view(t)
    assert v.periods == [] and v.n_undated == 5


# --- by outlet ----------------------------------------------------------------------------------


def test_outlets_side_by_side(toy):
    v = outlets.outlets_view(toy)
    assert v.outlets[0] == common.UNKNOWN_SOURCE and set(v.outlets) == {common.UNKNOWN_SOURCE, "TASS", "Reuters"}
    vol = v.volume.set_index(["outlet", "dyad"])["n_articles"]
    assert vol[("TASS", "russia-turkey")] == 2 and vol[("TASS", "us-turkey")] == 0  # both dyads for every outlet
    tone_rows = v.tone.set_index(["outlet", "dyad", "language"])
    assert tone_rows.loc[("TASS", "russia-turkey", "en"), "tone"] == pytest.approx(0.25)
    assert tone_rows.loc[(common.UNKNOWN_SOURCE, "us-turkey", "ar"), "tone"] == pytest.approx(0.1)
    mix = v.topics.set_index(["outlet", "dyad", "topic_id"])["share"]
    assert mix[("TASS", "russia-turkey", "syria")] == pytest.approx(3 / 4)


def test_the_smallest_outlets_are_grouped(toy):
    v = outlets.outlets_view(toy, max_outlets=1)
    assert v.outlets == [common.UNKNOWN_SOURCE, outlets.OTHER_OUTLETS] and v.n_outlets == 3
    assert v.volume.groupby("outlet")["n_articles"].sum()[outlets.OTHER_OUTLETS] == 3


def test_term_counts_from_the_pipelines_mentions_equal_matching_again(seed_corpus):
    """The corpus's own gazetteer mentions give the same term counts as matching the names again."""
    c = seed_corpus
    again = terms.article_term_counts(c["sentences"], c.articles)
    reused = terms.article_term_counts(c["sentences"], c.articles, c["mentions"])
    key = ["article_id", "term"]
    pd.testing.assert_frame_equal(again.sort_values(key).reset_index(drop=True), reused.sort_values(key).reset_index(drop=True))
    assert (reused["term"].str.contains(" ")).any()  # multi-word names are single terms


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_isin_matches_pandas_for_both_string_storages(storage):
    col = pd.Series(["a1", "b2", None, "c3", "a1"], dtype=pd.StringDtype(storage))
    chunked = pd.concat([pd.Series(["zz"], dtype="string[pyarrow]"), pd.Series(["c3"], dtype="string[pyarrow]")], ignore_index=True)
    for values in (
        ["a1", "c3"],
        pd.Index(["c3", "zz"], dtype="string"),
        pd.Series(["b2"], dtype="string"),
        set(),
        [None, "a1"],
        [pd.NA, "b2"],
        [1, "a1", 2.5],  # other types never match a string
        chunked,  # Arrow data in two pieces
        pd.Series(["a1"], dtype=pd.ArrowDtype(pa.large_string())),
        np.array(["c3", "b2"], dtype=object),
    ):
        expected = col.isin(values).fillna(False).to_numpy(dtype=bool)
        np.testing.assert_array_equal(common.isin(col, values), expected)


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_index_in_gives_each_values_position_or_minus_one(storage):
    from lib.schema import index_in

    col = pd.Series(["a1", "b2", None, "c3", "a1"], dtype=pd.StringDtype(storage))
    np.testing.assert_array_equal(index_in(col, ["c3", "a1"]), [1, -1, -1, 0, 1])
    np.testing.assert_array_equal(index_in(col, pd.Index(["b2"], dtype="string")), [-1, 0, -1, -1, -1])
    np.testing.assert_array_equal(index_in(col, []), [-1] * 5)
    chunked = pd.concat([pd.Series(["c3"], dtype="string[pyarrow]"), pd.Series(["b2", "a1"], dtype="string[pyarrow]")], ignore_index=True)
    np.testing.assert_array_equal(index_in(col, chunked), [2, 1, -1, 0, 2])
    np.testing.assert_array_equal(index_in(col, ("a1", 7)), [0, -1, -1, -1, 0])  # not all strings: looked up by pandas


def test_coded_rows_sum_per_article_and_key_on_each_side():
    from lib.views.coded import Coded, Sides

    rows = pd.DataFrame(
        {
            "article_id": pd.array(["a", "a", "b", "c", "a", "d", "b"], dtype="string[pyarrow]"),
            "k": ["x", "y", "x", "x", "x", "z", "z"],
            "n": [1, 2, 3, 4, np.nan, 5, 6],
        }
    )
    sides = Sides.of(pd.DataFrame({"article_id": ["b", "a", "d"], "dyad": ["us-turkey", "us-turkey", "russia-turkey"]}))
    coded = Coded.of(rows, sides, key="k", count="n")
    assert list(coded.keys) == ["x", "y", "z"]  # c is not a compared article
    # side 0 (US–Turkey) is b then a: c is not asked for, a missing value adds nothing, w has no row
    np.testing.assert_array_equal(coded.per_article(coded.codes_of(["x", "y", "w"]), 0), [[3, 0, 0], [1, 2, 0]])
    np.testing.assert_array_equal(coded.per_article(coded.codes_of(["z", "x"]), 1), [[5, 0]])
    np.testing.assert_array_equal(Coded.of(rows, sides, key="k").per_article(np.array([0]), 0), [[1], [2]])  # rows counted
    np.testing.assert_array_equal(coded.totals(), [[4, 2, 6], [0, 0, 5]])  # a missing count adds nothing
    np.testing.assert_array_equal(coded.n_articles(), [[2, 1, 1], [0, 0, 1]])  # a's two x rows are one article
    assert coded.first(rows, "n", ["z", "y", "q"]).to_dict() == {"y": 2.0, "z": 5.0}  # in row order
    np.testing.assert_array_equal(sides.totals(np.array([1.0, 2.0, 4.0])), [3.0, 4.0])
    summary = pd.DataFrame({"article_id": pd.array(["a", "z"], dtype="string[pyarrow]"), "v": [7.0, 1.0]})
    np.testing.assert_array_equal(sides.values_in(summary, "v"), [0.0, 7.0, 0.0])  # by position; 0 where absent


def test_coded_rows_of_any_filter_match_coding_the_filtered_rows(monkeypatch):
    """A table's article ids, keys and pairs are factorized once (keys.factorized) and every filter's
    coding equals coding just its rows; another table object is factorized afresh."""
    from lib.views import coded as coded_mod
    from lib.views.coded import Coded, Sides

    made = []
    real = coded_mod.pd.factorize
    monkeypatch.setattr(coded_mod.pd, "factorize", lambda *a, **k: made.append(len(a[0])) or real(*a, **k))
    rng = np.random.default_rng(3)
    n = 400
    rows = pd.DataFrame(
        {
            "article_id": pd.array([f"a{i}" for i in rng.integers(0, 60, n)], dtype="string[pyarrow]"),
            "k": pd.array([None if x == 0 else f"k{x}" for x in rng.integers(0, 9, n)], dtype="string[pyarrow]"),
            "n": rng.integers(1, 5, n).astype(float),
        }
    )
    for _ in range(5):
        chosen = [f"a{i}" for i in rng.permutation(70)[:30]]  # some have no row
        sides = Sides.of(pd.DataFrame({"article_id": chosen, "dyad": rng.choice(["us-turkey", "russia-turkey"], 30)}))
        got = Coded.of(rows, sides, key="k", count="n")
        pos = pd.Index(chosen).get_indexer(rows["article_id"].astype(object))
        keep = np.flatnonzero((pos >= 0) & rows["k"].notna().to_numpy())
        keys = sorted(set(rows["k"].iloc[keep]))
        assert list(got.keys) == keys
        np.testing.assert_array_equal(got.rows, keep)
        np.testing.assert_array_equal(got.art, pos[keep])
        np.testing.assert_array_equal(got.keys[got.key], rows["k"].iloc[keep].to_numpy(dtype=object))
        kept_rows = pd.DataFrame({"a": pos[keep], "k": rows["k"].iloc[keep].to_numpy(dtype=object)}).drop_duplicates()
        want = np.zeros((2, len(keys)), dtype=np.int64)  # articles per side and key, each article once
        for (side, k), count in kept_rows.groupby([sides.side[kept_rows["a"]], "k"]).size().items():
            want[side, keys.index(k)] = count
        np.testing.assert_array_equal(got.n_articles(), want)
    made = [m for m in made if m == n]  # the rows' table, not each filter's compared articles
    assert made == [n, n, n]  # article ids, keys and (article, key) pairs, once for the five filters
    Coded.of(rows.copy(), sides, key="k", count="n")
    assert [m for m in made if m == n] == [n] * 6


def test_tone_summary_of_articles_without_a_scored_sentence(toy):
    """Articles whose sentences are all unscored, or absent from the tone summary, count with no tone."""
    none = summary.tone_summary(toy["articles"], rollups.article_tone(toy["sentences"].iloc[0:0]))
    assert len(none) == 4 and none["n_sentences"].tolist() == [0, 0, 0, 0]  # dyad × language rows all the same
    assert none["tone"].isna().all() and none["tone_low"].isna().all() and none["diff"].isna().all()
    assert none.groupby("dyad")["n_articles"].sum().to_dict() == {
        d: int(((toy["articles"]["dyad"] == d) & (toy["articles"]["status"] == "ok")).sum()) for d in common.FOCAL_DYADS
    }
    some = toy["sentences"][toy["sentences"]["article_id"] != toy["articles"]["article_id"].iloc[0]]
    part = summary.tone_summary(toy["articles"], rollups.article_tone(some))
    full = summary.tone_summary(toy["articles"], rollups.article_tone(toy["sentences"]))
    assert part["n_articles"].tolist() == full["n_articles"].tolist()  # an article without a row still counts as an article
    assert part["n_sentences"].sum() < full["n_sentences"].sum()


@given(
    st.lists(st.sampled_from(["b", "d", "f", None]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", "f", "g", None]), min_size=1, max_size=30),
)
@settings(max_examples=60, deadline=None)
def test_a_factorized_column_extended_by_rows_equals_factorizing_it_whole(old, added):
    from lib.views import keys

    before = pd.Series(pd.array(old, dtype="string[pyarrow]"))
    after = pd.Series(pd.array(old + added, dtype="string[pyarrow]"))
    codes, values = pd.factorize(before, sort=True)
    got_codes, got_values = keys._extended(codes.astype(np.int64), np.asarray(values, dtype=object), after.iloc[len(old) :])
    want_codes, want_values = pd.factorize(after, sort=True)
    np.testing.assert_array_equal(got_codes, want_codes)
    assert list(got_values) == list(want_values)


def test_an_appended_corpus_extends_the_factorized_columns_of_the_tables_it_grew(tmp_path, monkeypatch):
    """After an append, a view's factorized columns of a grown table hash only the new rows,
    and equal factorizing the whole table."""
    from lib.corpus import ingest
    from lib.corpus.store import Store
    from lib.corpus.tables import LiveCorpus
    from lib.text.items import Item
    from lib.views import keys
    from tests.test_store import FakeAnalyze, items

    s = Store(tmp_path / "s.sqlite")
    ingest.import_items(s, items("US one talks with Turkey.", "Russia two and Turkey."), origin="upload", analyze=FakeAnalyze())
    live = LiveCorpus(s, gazetteer_table=schema.empty("entities"), taxonomy_table=schema.empty("topics_taxonomy"), snapshots=False)
    before = live.current()["sentences"]
    keys.factorized(before, "article_id")
    ingest.import_items(s, [Item("n.txt", text="US three and Turkey. More.")], origin="upload", analyze=FakeAnalyze())
    hashed = []
    real = keys.pd.factorize
    monkeypatch.setattr(keys.pd, "factorize", lambda values, **kw: hashed.append(len(values)) or real(values, **kw))
    after = live.current()["sentences"]
    assert live.source == "appended" and len(after) > len(before)
    codes, values = keys.factorized(after, "article_id")
    assert hashed == [len(after) - len(before)]  # only the new rows: the rest was extended at the append
    monkeypatch.undo()
    want_codes, want_values = pd.factorize(after["article_id"], sort=True)
    np.testing.assert_array_equal(codes, want_codes)
    assert list(values) == list(want_values)


def test_a_failing_append_listener_is_logged_and_the_append_goes_on(tmp_path, monkeypatch, caplog):
    from lib.corpus import ingest, tables
    from lib.corpus.store import Store
    from lib.corpus.tables import LiveCorpus
    from lib.text.items import Item
    from tests.test_store import FakeAnalyze, items

    def broken(before, after):
        raise RuntimeError("listener bug")

    monkeypatch.setattr(tables, "_append_listeners", [broken])
    s = Store(tmp_path / "s.sqlite")
    ingest.import_items(s, items("US one talks with Turkey."), origin="upload", analyze=FakeAnalyze())
    live = LiveCorpus(s, gazetteer_table=schema.empty("entities"), taxonomy_table=schema.empty("topics_taxonomy"), snapshots=False)
    assert len(live.current().articles) == 1
    ingest.import_items(s, [Item("n.txt", text="Russia two and Turkey.")], origin="upload", analyze=FakeAnalyze())
    with caplog.at_level("ERROR"):
        grown = live.current()
    assert live.source == "appended" and len(grown.articles) == 2
    assert "listener bug" in caplog.text


def test_speakers_countries_are_made_when_first_read_and_equal_the_direct_table(toy, monkeypatch):
    calls = []
    real = speakers.speakers_by_dyad

    def counted(*args, **kwargs):
        calls.append(kwargs.get("by", "speaker"))
        return real(*args, **kwargs)

    monkeypatch.setattr(speakers, "speakers_by_dyad", counted)
    view = compare.compare_view(toy)
    assert calls == ["speaker"]  # the countries tab is closed until opened: nothing made for it yet
    direct = real(toy["articles"], toy["quotes"], toy["entities"], by="country")
    pd.testing.assert_frame_equal(view.speakers.countries, direct)
    assert view.speakers.countries is view.speakers.countries  # made once
    assert calls == ["speaker", "country"]


def test_resampled_sums_run_on_one_blas_thread(monkeypatch):
    seen = []

    class Controller:
        def limit(self, *, limits, user_api):
            seen.append((limits, user_api))
            return contextlib.nullcontext()

    monkeypatch.setattr(intervals, "_BLAS", Controller())
    w = np.array([[1, 0, 2], [0, 1, 1]], dtype=np.uint8)  # 2 articles × 3 resamples
    values = np.array([[1.0, 10.0], [2.0, 20.0]])
    np.testing.assert_allclose(intervals._resampled_sums(w, values), [[1, 10], [2, 20], [4, 40]])
    assert seen == [(1, "blas")]


def test_notes_of_untested_items_are_text_and_follow_their_item():
    frame = intervals._diff_frame(np.array([0.1, -0.2]), np.array([[0.05, -0.3], [0.2, 0.1]]), "based on 5 and 6 articles")
    assert frame["diff_note"].tolist() == [
        "based on 5 and 6 articles, excludes zero: supported",
        "based on 5 and 6 articles, includes zero: not supported",
    ]
    none = intervals.no_differences(3, intervals.NOT_TESTED)
    assert none["diff_note"].tolist() == [intervals.NOT_TESTED] * 3 and none["diff_supported"].tolist() == [False] * 3
    assert isinstance(none["diff_note"].dtype, pd.StringDtype) and none.columns.tolist() == common.DIFF_COLUMNS
    out = pd.DataFrame({"item": ["a", "b", "d", "a"]})
    intervals.attach_differences(out, frame.reindex([0, 1, 0, 1]).reset_index(drop=True), np.array([0, 1, 2, 0]))
    assert out["diff_note"].tolist()[:2] == frame["diff_note"].tolist() and out["diff_note"].iloc[3] == frame["diff_note"].iloc[0]


def test_entity_findings_name_the_largest_gap_on_each_side_and_need_a_rate(toy):
    from lib.views import findings

    rates = compare.compare_view(toy).entity_rates
    n = {d: 3 for d in common.FOCAL_DYADS}
    got = findings.entity_findings(rates, n)
    shown = rates[~rates["entity_id"].isin(common.DYAD_DEFINING_ENTITIES)]
    wide = shown.pivot_table(index="entity_id", columns="dyad", values="per_1000_words", aggfunc="first").fillna(0)
    expected = []
    for d, other in (common.FOCAL_DYADS, common.FOCAL_DYADS[::-1]):
        gap = wide[d] - wide[other]
        if gap.max() > 0:
            expected.append(gap.idxmax())
    assert expected and [f.params["entity"] for f in got] == expected
    assert findings.entity_findings(rates.assign(per_1000_words=np.nan), n) == []  # no rate anywhere: no finding (not an error)


def test_the_compared_articles_are_coded_once_per_table_and_again_with_new_article_keys(toy, monkeypatch):
    from lib.views import coded, keys

    focal = common.focal_articles(toy["articles"])
    first = coded.Sides.of(focal)
    assert coded.Sides.of(focal) is first  # every view of a filter shares it
    assert coded.Sides.of(focal.copy()) is not first  # another table
    monkeypatch.setattr(keys, "_current", keys.ArticleKeys())  # the process's keys started afresh
    again = coded.Sides.of(focal)
    assert again is not first and again.articles.registry is keys.article_keys()
    assert again.ids == first.ids and again.side.tolist() == first.side.tolist()
