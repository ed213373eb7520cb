"""lib.output.charts: every chart builds a valid Vega-Lite spec with the dyad colours and a standalone title."""

from __future__ import annotations

import json

import pytest

from lib.output import charts
from lib.views import compare
from tests.test_compare import toy_tables


@pytest.fixture(scope="module")
def toy():
    return toy_tables()


def _all_charts(toy):
    a, s = toy["articles"], toy["sentences"]
    rates = compare.entity_rates(a, toy["mentions"], toy["entity_tone"], toy["entities"])
    shares = compare.topic_shares_by_dyad(a, s, toy["sentence_topics"], toy["topics_taxonomy"])
    speakers = compare.speakers_by_dyad(a, toy["quotes"], toy["entities"])
    terms = compare.distinguishing_terms(s, a, language="en")
    tones = compare.sentence_tones(a, s)
    out = {
        "tone_summary": charts.tone_summary_chart(compare.dyad_summary(a, s)),
        "tone_distribution": charts.tone_distribution_chart(tones),
        "entity_tone": charts.entity_tone_chart(rates),
        "entity_compare": charts.entity_compare_chart(rates),
        "cooccurrence": charts.cooccurrence_chart(compare.entity_cooccurrence(a, toy["mentions"], toy["entities"])),
        "topic_compare": charts.topic_compare_chart(shares),
        "scattertext": charts.scattertext_chart(terms),
    }
    for d in compare.FOCAL_DYADS:
        out[f"articles_{d}"] = charts.article_bars(compare.article_counts(a), dyad=d, x_max=3)
        out[f"tone_hist_{d}"] = charts.tone_histogram(compare.tone_bins(tones), dyad=d)
        out[f"entities_{d}"] = charts.entity_bars(rates, dyad=d, x_max=20)
        out[f"topics_{d}"] = charts.topic_bars(shares, dyad=d, x_max=1)
        out[f"speakers_{d}"] = charts.speaker_bars(speakers, dyad=d)
        out[f"terms_{d}"] = charts.term_bars(terms, dyad=d)
    return out


def _title_text(spec: dict) -> str:
    t = spec.get("title")
    return t if isinstance(t, str) else (t or {}).get("text", "")


def test_every_chart_is_valid_and_titled(toy):
    for name, chart in _all_charts(toy).items():
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        title = _title_text(spec)
        assert len(title) > 15, name
        text = json.dumps(spec, ensure_ascii=False)
        assert "undefined" not in text.lower(), name


def test_one_colour_per_dyad_everywhere(toy):
    blue, orange = charts.DYAD_COLORS["us-turkey"], charts.DYAD_COLORS["russia-turkey"]
    for name, chart in _all_charts(toy).items():
        text = json.dumps(chart.to_dict())
        if name.endswith("us-turkey"):
            assert blue in text and orange not in text, name
        elif name.endswith("russia-turkey"):
            assert orange in text and blue not in text, name
        else:
            assert blue in text and orange in text, name
            assert text.index(blue) < text.index(orange)  # always in the order US–Turkey, Russia–Turkey


def test_titles_name_scale_and_dyad(toy):
    c = _all_charts(toy)
    assert _title_text(c["tone_summary"].to_dict()) == "Mean sentence tone by dyad (−1 = negative, +1 = positive)"
    assert _title_text(c["entities_russia-turkey"].to_dict()).startswith("Russia–Turkey:")
    assert "English" in _title_text(c["scattertext"].to_dict())


def test_drilldown_charts_carry_the_selection(toy):
    c = _all_charts(toy)
    for name in ("entity_compare", "topic_compare", "entities_us-turkey", "topics_us-turkey", "scattertext", "entity_tone"):
        assert f'"name": "{charts.SELECT_PARAM}"' in json.dumps(c[name].to_dict()), name


def test_arabic_terms_export_to_svg():
    vlc = pytest.importorskip("vl_convert")
    toy = toy_tables()
    # Arabic terms on both sides: make one Russia–Turkey article Arabic.
    a = toy["articles"].copy()
    a.loc[a["article_id"] == "r1", "language"] = "ar"
    s = toy["sentences"].copy()
    s.loc[s["article_id"] == "r1", "text"] = ["قال بوتين إن وقف إطلاق النار في إدلب صامد.", "روسيا وتركيا تتفقان."]
    terms = compare.distinguishing_terms(s, a, language="ar")
    svg = vlc.vegalite_to_svg(charts.scattertext_chart(terms).to_dict())
    assert "<svg" in svg and "Arabic" in svg
    # the labels are exported as text, in logical order, not reversed or split per letter
    assert any(t in svg for t in ("بوتين", "ادلب", "امريكيه", "عقوبات"))
