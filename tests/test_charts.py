"""lib.output.charts: every chart builds a valid Vega-Lite spec with the dyad colours and a standalone title."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lib.output import charts
from lib.views import common, compare, entities, terms, tone
from tests.toy import replicated, toy_tables


@pytest.fixture(scope="module")
def toy():
    return toy_tables()


def _all_charts(toy):
    v = compare.compare_view(toy)
    t = tone.tone_view(toy)
    terms_en = v.terms.of("en")
    return {
        "articles": charts.article_compare_chart(v.summary.counts),
        "tone_summary": charts.tone_summary_chart(v.summary.tone),
        "tone_histogram": charts.tone_histogram(v.tone_bins, language="en"),
        "tone_distribution": charts.tone_distribution_chart(t.tones, language="en"),
        "entity_tone": charts.entity_tone_chart(t.entity_tone, language="en"),
        "entity_compare": charts.entity_compare_chart(v.entity_rates),
        "cooccurrence": charts.cooccurrence_chart(entities.entity_cooccurrence(toy["articles"], toy["mentions"], toy["entities"])),
        "topic_compare": charts.topic_compare_chart(v.topics.shares),
        "speakers": charts.speaker_compare_chart(v.speakers.speakers),
        "speaker_countries": charts.speaker_compare_chart(v.speakers.countries, by="country"),
        "terms": charts.term_compare_chart(terms_en),
        "scattertext": charts.scattertext_chart(terms_en),
    }


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
        assert blue in text and orange in text, name  # one paired chart per question: both relationships in it
        assert text.index(blue) < text.index(orange)  # always in the order US–Turkey, Russia–Turkey


def test_paired_charts_put_both_dyads_on_one_scale_and_order(toy):
    """Both relationships share one axis (no per-side scales) and every chart orders them US–Turkey, Russia–Turkey."""
    for name in ("articles", "entity_compare", "topic_compare", "speakers", "tone_histogram"):
        spec = _all_charts(toy)[name].to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert '"dyad_label"' in text, name
        assert '"sort": ["US–Turkey", "Russia–Turkey"]' in text, name
        assert '"resolve"' not in text, name  # no independent scales


def test_time_and_outlet_charts_are_valid_and_paired(toy):
    from lib.views import outlets, timeline

    tl = timeline.timeline_view(toy)
    ov = outlets.outlets_view(toy)
    built = {
        "time_articles": charts.timeline_articles_chart(tl.volume, tl.labels, granularity=tl.granularity),
        "time_tone": charts.timeline_tone_chart(tl.tone, tl.labels, granularity=tl.granularity, language="en"),
        "outlet_articles": charts.outlet_articles_chart(ov.volume, ov.outlets),
        "outlet_tone": charts.outlet_tone_chart(ov.tone, ov.outlets, language="en"),
        "outlet_topics": charts.outlet_topic_chart(ov.topics, ov.outlets, dyad="us-turkey"),
    }
    for name, chart in built.items():
        spec = chart.to_dict()
        assert len(_title_text(spec)) > 15, name
        assert "dyad_label" in json.dumps(spec) or name == "outlet_topics", name
    assert "language_label" in json.dumps(built["time_tone"].to_dict()) and "language_label" in json.dumps(built["outlet_tone"].to_dict())
    assert f'"name": "{charts.SELECT_PARAM}"' in json.dumps(built["time_articles"].to_dict())  # click a period
    for name in ("time_tone", "outlet_tone"):  # one chart per language, never pooled
        spec = built[name].to_dict()
        assert "English" in _title_text(spec) and {r.get("language") for r in _rows(spec) if "language" in r} == {"en"}, name


def _rows(spec: dict) -> list[dict]:
    return [row for values in spec.get("datasets", {}).values() for row in values]


def test_tone_charts_never_pool_languages(toy):
    c = _all_charts(toy)
    assert {r["language_label"] for r in _rows(c["tone_summary"].to_dict()) if "language_label" in r} == {
        "English",
        "Arabic",
    }  # one row per language
    for name in ("tone_histogram", "entity_tone", "tone_distribution"):
        spec = c[name].to_dict()
        assert "English" in _title_text(spec), name  # one chart per language, named in its title
        assert {r.get("language") for r in _rows(spec)} == {"en"}, name


def test_titles_name_scale_and_dyad(toy):
    c = _all_charts(toy)
    assert _title_text(c["tone_summary"].to_dict()) == "Mean sentence tone, by dyad within each language"
    assert "English" in _title_text(c["scattertext"].to_dict()) and "English" in _title_text(c["terms"].to_dict())


def test_drilldown_charts_carry_the_selection(toy):
    c = _all_charts(toy)
    for name in ("entity_compare", "topic_compare", "speakers", "terms", "scattertext", "entity_tone"):
        assert f'"name": "{charts.SELECT_PARAM}"' in json.dumps(c[name].to_dict()), name


def test_arabic_terms_export_to_svg():
    import vl_convert as vlc

    toy = toy_tables()
    # Arabic terms on both sides: make one Russia–Turkey article Arabic.
    a = toy["articles"].copy()
    a.loc[a["article_id"] == "r1", "language"] = "ar"
    s = toy["sentences"].copy()
    s.loc[s["article_id"] == "r1", "text"] = ["قال بوتين إن وقف إطلاق النار في إدلب صامد.", "روسيا وتركيا تتفقان."]
    found = terms.distinguishing_terms(s, a, language="ar")
    svg = vlc.vegalite_to_svg(charts.scattertext_chart(found).to_dict())
    assert "<svg" in svg and "Arabic" in svg
    # the labels are exported as text, in logical order, not reversed or split per letter
    assert any(t in svg for t in ("بوتين", "إدلب", "الأمريكية", "والعقوبات"))


def test_scatter_labels_do_not_collide():
    d = pd.DataFrame(
        {
            "term": ["a", "b", "c"],
            "display": ["alpha", "beta", "gamma"],
            "per_1000_a": [10.0, 10.1, 1.0],
            "per_1000_b": [1.0, 1.0, 9.0],
            "z": [3.0, 2.5, -2.0],
            "favours": ["us-turkey", "us-turkey", "russia-turkey"],
            "favours_label": ["US–Turkey", "US–Turkey", "Russia–Turkey"],
            "count_a": [10, 10, 1],
            "count_b": [1, 1, 9],
            "language": ["en"] * 3,
        }
    )
    spec = json.dumps(charts.scattertext_chart(d).to_dict(), ensure_ascii=False)
    assert '"label": "alpha"' in spec and '"label": "gamma"' in spec
    assert '"label": "beta"' not in spec  # on top of alpha: left unlabelled (its tooltip still names it)


# --- supported differences are marked ----------------------------------------------------------


def _mark_layers(spec: dict) -> list[dict]:
    """The layers that draw the ◆ of a supported difference."""
    return [
        layer
        for layer in spec.get("layer", [])
        if (layer.get("mark") or {}).get("type") == "text" and common.SUPPORTED_MARK in json.dumps(layer, ensure_ascii=False)
    ]


def _paired(toy):
    v = compare.compare_view(toy)
    return {
        "tone_summary": charts.tone_summary_chart(v.summary.tone),
        "entity_compare": charts.entity_compare_chart(v.entity_rates),
        "topic_compare": charts.topic_compare_chart(v.topics.shares),
        "speakers": charts.speaker_compare_chart(v.speakers.speakers),
    }


def test_paired_charts_mark_the_differences_an_interval_supports():
    many = replicated(toy_tables(), {"u1": 8, "u2": 8, "r1": 4, "r2": 4, "r3": 4})
    for name, chart in _paired(many).items():
        spec = chart.to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert common.SUPPORTED_LEGEND in text, name  # the subtitle says what ◆ means
        layers = _mark_layers(spec)
        assert len(layers) == 1, name
        mark = json.dumps(layers[0], ensure_ascii=False)
        assert "diff_supported" in mark or name == "tone_summary", name  # drawn only where the flag is set
        assert "US–Turkey − Russia–Turkey" in text and "90% interval of the difference" in text, name
    # the rows behind the marks: the flag and the interval, formatted with a typographic minus
    rows = _rows(_paired(many)["topic_compare"].to_dict())
    syria = next(r for r in rows if r.get("topic_id") == "syria")
    assert syria["diff_supported"] is True and syria["diff_text"] == "−66.7 points" and syria["diff_interval"].startswith("−")
    tone_rows = [r for r in _rows(_paired(many)["tone_summary"].to_dict()) if "edge" in r]
    assert [r["language"] for r in tone_rows] == ["en"]  # English differs (supported); Arabic has one side only


def test_tone_value_labels_are_outlined_so_a_line_beneath_them_does_not_hide_a_minus_sign(toy):
    """A mean near 0 puts its label on the dashed zero line (and one inside its interval on the
    interval's line): the label is drawn over a white outline of itself."""
    layers = charts.tone_summary_chart(compare.compare_view(toy).summary.tone).to_dict()["layer"]
    texts = [
        i
        for i, layer in enumerate(layers)
        if layer["mark"]["type"] == "text" and layer["encoding"].get("text", {}).get("field") == "tone_text"
    ]
    assert len(texts) == 2
    halo, label = (layers[i] for i in texts)
    assert texts[0] < texts[1]  # the outline first, beneath
    assert halo["mark"]["stroke"] == "white" and halo["mark"]["strokeWidth"] >= 2 and "stroke" not in label["mark"]
    assert "color" not in halo["encoding"]  # white, not the dyad's colour
    assert halo["encoding"] == {k: v for k, v in label["encoding"].items() if k != "color"} and halo["mark"]["dx"] == label["mark"]["dx"]
    rules = [i for i, layer in enumerate(layers) if layer["mark"]["type"] == "rule"]
    assert max(rules) < texts[0]  # both lines (zero, interval) are drawn before the labels


def test_no_mark_without_an_interval(toy):
    for name, chart in _paired(toy).items():
        rows = _rows(chart.to_dict())
        assert not any(r.get("diff_supported") for r in rows), name  # 2 and 3 articles: nothing is marked
        assert all(r.get("diff_interval") == "no interval" for r in rows if "diff_interval" in r), name


def _every_kind_of_column() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "float": [1.5, np.nan, np.inf, -np.inf],
            "int": np.array([1, 2, 3, 4], dtype="int64"),
            "bool": [True, False, True, False],
            "Int64": pd.array([1, None, 3, 4], dtype="Int64"),
            "Float64": pd.array([0.5, None, 2.0, 1.0], dtype="Float64"),
            "boolean": pd.array([True, None, False, True], dtype="boolean"),
            "arrow_text": pd.array(["a", None, "ب", "d"], dtype="string[pyarrow]"),
            "python_text": pd.array(["a", None, "c", "d"], dtype="string[python]"),
            "category": pd.Categorical(["x", None, "y", "x"]),
            "object": pd.Series([None, float("nan"), np.int64(7), np.array([1, 2])], dtype=object),
            "mixed": pd.Series(["s", 1, 2.5, np.float64("nan")], dtype=object),
        }
    )


@pytest.mark.parametrize(
    "frame",
    [
        _every_kind_of_column(),
        _every_kind_of_column().iloc[:0],  # no rows
        pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None]), "n": [1, 2]}),  # dates: Altair's own way
        pd.DataFrame(index=range(3)),  # rows without columns
        pd.DataFrame({"n": pd.array([1, None, 3], dtype="int64[pyarrow]"), "x": pd.array([0.5, None, 2.0], dtype="double[pyarrow]")}),
        pd.DataFrame({"u": np.array([1, 2], dtype="uint8"), "f": np.array([0.5, np.nan], dtype="float32")}),
    ],
    ids=["every-kind", "empty", "dates", "no-columns", "arrow-numbers", "small-numpy-types"],
)
def test_chart_values_are_altairs_own(frame):
    """chart_data.to_values gives exactly the records of Altair's default data transformer."""
    import altair as alt
    from altair.vegalite.data import default_data_transformer

    from lib.output import chart_data

    ours = chart_data.to_values(frame)
    theirs = default_data_transformer(frame)
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert ours == theirs
    assert alt.data_transformers.active == chart_data.NAME


def test_chart_values_keep_altairs_row_limit():
    from altair import MaxRowsError

    from lib.output import chart_data

    with pytest.raises(MaxRowsError):
        chart_data.to_values(pd.DataFrame({"n": range(chart_data.MAX_ROWS + 1)}))


def test_every_chart_is_the_spec_altairs_transformer_makes(toy):
    import altair as alt

    ours = {name: c.to_dict(validate=False) for name, c in _all_charts(toy).items()}
    with alt.data_transformers.enable("default"):
        theirs = {name: c.to_dict(validate=False) for name, c in _all_charts(toy).items()}
    assert ours == theirs


# --- Vega-Lite specs written as dicts (lib.output.vl) --------------------------------------------


def test_vl_specs_are_what_altair_makes_of_the_same_chart():
    """A chart written with lib.output.vl equals Altair's spec of the same chart, view names aside."""
    import altair as alt

    from lib.output import vl

    frame = pd.DataFrame({"item": ["a", "b"], "n": [3, 1], "dyad_label": ["US–Turkey", "Russia–Turkey"], "ok": [True, False]})
    tip = [vl.tooltip("item:N", "Item"), vl.tooltip("n:Q", "Count", format="d")]
    ours = vl.layer(
        [
            {"mark": {"type": "bar"}, "encoding": {"y": vl.field("item:N", title=None), "x": vl.field("n:Q"), "tooltip": tip}},
            {
                "mark": {"type": "text", "dx": 4},
                "encoding": {"y": vl.field("item:N", title=None), "x": vl.field("n:Q"), "text": {"value": "◆"}},
            },
        ],
        config=charts.CONFIG,
        data=frame,
        params=[{"name": "pick", "select": {"type": "point", "fields": ["item"]}}],
        title=vl.title("Items", ["one line", None, "two lines"]),
        height=120,
    ).to_dict()
    y = alt.Y("item:N", title=None)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(y=y, x=alt.X("n:Q"), tooltip=[alt.Tooltip("item:N", title="Item"), alt.Tooltip("n:Q", title="Count", format="d")])
        .add_params(alt.selection_point(name="pick", fields=["item"]))
    )
    marks = alt.Chart().mark_text(dx=4).encode(y=y, x=alt.X("n:Q"), text=alt.TextValue("◆"))
    theirs = charts.styled(
        alt.layer(bars, marks, data=frame, title=alt.TitleParams(text="Items", subtitle=["one line", "two lines"]), height=120)
    ).to_dict()
    view = theirs["layer"][0].pop("name")
    assert ours["layer"][0].pop("name") == ours["params"][0]["views"][0] and theirs["params"][0]["views"] == [view]
    ours["params"][0]["views"] = theirs["params"][0]["views"] = []
    assert ours == theirs


def test_vl_spec_is_validated_and_a_shared_table_is_sent_once():
    from jsonschema import ValidationError

    from lib.output import vl

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    spec = vl.layer(
        [
            {"data": frame, "mark": {"type": "rule"}, "encoding": {"x": vl.field("x:Q")}},
            {"data": frame, "mark": {"type": "tick"}, "encoding": {"x": vl.field("x:Q")}},
        ],
        config=charts.CONFIG,
    )
    assert len(spec["datasets"]) == 1 and spec["layer"][0]["data"] == spec["layer"][1]["data"]
    assert spec.properties(height=50).to_dict()["height"] == 50 and "height" not in spec
    with pytest.raises(ValidationError):
        vl.chart(frame, config=charts.CONFIG, mark={"type": "no such mark"}).to_dict()
