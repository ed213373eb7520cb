"""Exports opened and checked: CSV/XLSX read back, PNG pixels, SVG, PDF pages."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import altair as alt
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lib import schema
from lib.output import briefing as brief
from lib.output import exports
from lib.output.briefing import briefing_for, briefing_pdf, briefing_png, pdf_page_count
from lib.output.exports import (
    EXPORT_FONT,
    ExportError,
    chart_png,
    chart_spec,
    chart_svg,
    neutralise,
    safe_cell,
    sheet_name,
    to_csv_bytes,
    to_xlsx_bytes,
)

FP = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Erdogan = Putin?", "Erdogan = Putin?"),
        ("أردوغان", "أردوغان"),
        ("", ""),
        (-0.5, -0.5),
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": pd.array(["=1+2", "Turkey and Russia", "أردوغان وبوتين", None], dtype="string"),
            "tone": pd.array([-0.5, 0.25, None, 1.0], dtype="Float64"),
            "n_sentences": pd.array([3, 0, 7, None], dtype="Int64"),
            "note": ["@cmd", "-", "plain", "+x"],
        }
    )


def test_csv_neutralises_formulas_and_keeps_numbers():
    data = to_csv_bytes(_table())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Arabic as UTF-8
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert list(back["title"].fillna("<NA>")) == ["'=1+2", "Turkey and Russia", "أردوغان وبوتين", "<NA>"]
    assert list(back["note"]) == ["'@cmd", "'-", "plain", "'+x"]
    assert back["tone"].tolist()[:2] == [-0.5, 0.25]  # a negative number stays a number


def test_xlsx_reads_back_equal_to_the_neutralised_table():
    df = _table()
    data = to_xlsx_bytes(df, sheet="articles")
    back = pd.read_excel(io.BytesIO(data), sheet_name="articles", dtype={"title": "string", "note": "string"})
    expected = neutralise(df)
    pd.testing.assert_frame_equal(back.astype(expected.dtypes.to_dict()), expected)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    assert ws["A2"].value == "'=1+2"


def test_xlsx_of_a_schema_table_reads_back_equal(seed_corpus):
    arts = seed_corpus.articles
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(arts, sheet="articles")), dtype=str)
    typed = schema.validate("articles", back.replace({"nan": pd.NA}))
    pd.testing.assert_frame_equal(typed, neutralise(arts), check_exact=False, rtol=1e-12)


def test_xlsx_refuses_more_rows_than_excel_holds(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="download it as CSV"):
        to_xlsx_bytes(pd.DataFrame({"a": [1, 2, 3]}))


def test_xlsx_cells_excel_can_hold():
    df = pd.DataFrame(
        {
            "t": ["bell\x07here", "x" * 40_000, "\x01=cmd()", "=" + "y" * 40_000],
            "when": pd.to_datetime(["2021-10-31T12:00:00+03:00"] * 4),
            "ids": [["a", "b"], ("c",), {"k": 1}, None],
        }
    )
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(df)))
    assert back["t"][0] == "bellhere"
    assert len(back["t"][1]) < exports.XLSX_MAX_CELL_CHARS
    assert back["t"][2] == "'=cmd()"  # stripping the control character did not uncover a formula
    assert back["t"][3].startswith("'=") and len(back["t"][3]) <= exports.XLSX_MAX_CELL_CHARS
    assert str(back["when"][0]) == "2021-10-31 09:00:00"  # UTC
    assert list(back["ids"][:3]) == ['["a", "b"]', '["c"]', '{"k": 1}']


@pytest.mark.parametrize(("name", "sheet"), [("articles", "articles"), ("a/b:c*d?[e]", "a_b_c_d__e_"), ("x" * 40, "x" * 31), ("", "table")])
def test_sheet_name(name, sheet):
    assert sheet_name(name) == sheet


_cells = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50, deadline=None)
@given(cells=_cells)
def test_csv_round_trip(cells):
    df = pd.DataFrame({"c": pd.array(cells, dtype="string")})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig", dtype="string", keep_default_na=False, na_values=[""])
    expected = neutralise(df)["c"].replace("", pd.NA)  # CSV cannot tell "" from missing
    assert back["c"].tolist() == expected.tolist()
    assert not any(isinstance(v, str) and v.startswith(exports.FORMULA_PREFIXES) for v in back["c"].dropna())


# --- charts ---------------------------------------------------------------------------


def _bar_chart(labels=("US–Turkey", "روسيا وتركيا")) -> alt.Chart:
    df = pd.DataFrame({"label": list(labels), "n": [3, 5]})
    return (
        alt.Chart(df, title="تغطية — coverage")
        .mark_bar()
        .encode(y="label:N", x="n:Q")
        .properties(width=300, height=80)
        .configure(font="Noto Sans, Noto Sans Arabic")
    )


def _ink(png: bytes) -> tuple[tuple[int, int], int, tuple[int, int, int, int] | None]:
    im = Image.open(io.BytesIO(png)).convert("L")
    mask = im.point(lambda v: 255 if v < 200 else 0)
    return im.size, mask.histogram()[255], mask.getbbox()


def test_chart_png_is_twice_the_svg_size_and_not_blank():
    chart = _bar_chart()
    svg = ET.fromstring(chart_svg(chart))
    w, h = float(svg.get("width")), float(svg.get("height"))
    (pw, ph), ink, _ = _ink(chart_png(chart))
    assert (pw, ph) == (round(2 * w), round(2 * h))
    assert ink > 0.05 * pw * ph


def test_chart_export_uses_one_font_with_arabic_glyphs():
    spec = chart_spec(_bar_chart().properties(width="container"))
    assert spec["config"]["font"] == EXPORT_FONT
    assert "Noto Sans" not in str(spec)
    assert spec["width"] == exports.DEFAULT_WIDTH
    assert EXPORT_FONT in chart_svg(_bar_chart()).decode()


def _text_png(text: str) -> bytes:
    spec = {
        "data": {"values": [{"t": text}]},
        "mark": {"type": "text", "fontSize": 40},
        "encoding": {"text": {"field": "t"}},
        "width": 400,
        "height": 60,
        "config": {"view": {"stroke": None}},
    }
    return chart_png(spec)


def test_arabic_is_shaped_in_exported_images():
    """Joined letters are narrower than the same letters forced apart (ZWNJ),
    and both are drawn (not blank, so the font has the glyphs)."""
    word = "الولايات المتحدة"
    apart = "\u200c".join(word)
    _, ink_joined, box_joined = _ink(_text_png(word))
    _, ink_apart, box_apart = _ink(_text_png(apart))
    assert ink_joined > 0 and ink_apart > 0
    width_joined = box_joined[2] - box_joined[0]
    width_apart = box_apart[2] - box_apart[0]
    assert width_joined < 0.9 * width_apart


# --- the briefing ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def briefing(seed_corpus):
    return briefing_for(seed_corpus, fingerprint=FP, pipeline_version=schema.PIPELINE_VERSION, now=datetime(2024, 5, 6, 7, 8, tzinfo=UTC))


def test_briefing_png_is_one_tall_page_with_ink(briefing):
    (w, h), ink, _ = _ink(briefing_png(briefing))
    assert (w, h) == (2 * 595, 2 * 842)  # A4 portrait at 2×
    assert ink > 0.02 * w * h


@pytest.mark.parametrize(("layout", "box"), [("a4", b"[0 0 595 842]"), ("slide", b"[0 0 960 540]")])
def test_briefing_pdf_is_exactly_a4_or_16_9(seed_corpus, layout, box):
    spec = briefing_for(seed_corpus, fingerprint=FP, pipeline_version="1", layout=layout)
    pdf = briefing_pdf(spec)
    assert pdf_page_count(pdf) == 1
    assert re.search(rb"MediaBox\s*" + re.escape(box), pdf), re.findall(rb"MediaBox\s*\[[^\]]*\]", pdf)


def test_briefing_stands_alone(briefing):
    import vl_convert as vlc

    lines = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(briefing))]
    svg = " ".join(lines)  # wrapped lines joined back
    assert "How English and Arabic news covered US–Turkey and Russia–Turkey relations, 2021-10" in svg
    assert "Outlets (1): (unknown source)" in svg
    assert "Dates: 2021-10-31 to 2021-10-31 (4 undated)" in svg
    assert "US–Turkey 2 (English 1, Arabic 1)" in svg and "Russia–Turkey 3 (English 3)" in svg
    assert "Methods: English sentence tone by VADER, Arabic by" in svg
    assert "click" not in svg.lower()  # nothing in print asks to click
    # tone in the briefing is never pooled: one row per language
    assert "Mean sentence tone (−1 = negative, +1 = positive)" in lines and "English" in lines and "Arabic" in lines


def test_briefing_renders_the_compare_view_it_is_given(seed_corpus):
    """The page and the briefing render one view object: the briefing's findings are the view's."""
    from lib.views.compare import compare_view

    view = compare_view(seed_corpus)
    text = brief.briefing_text(
        view,
        seed_corpus.articles,
        scope="all articles",
        prov=exports.provenance(seed_corpus.articles, fingerprint=FP, pipeline_version="1"),
    )
    kinds = [f.kind for f in view.findings if f.kind != "volume"]
    assert len(text.findings) == len(kinds)
    tone_text = next(f.text for f in view.findings if f.kind == "tone")
    assert tone_text.split(" (based on")[0] in text.findings[kinds.index("tone")]


def test_briefing_pdf_has_one_page(briefing):
    pdf = briefing_pdf(briefing)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 1


def test_briefing_carries_findings_and_provenance(briefing):
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(briefing)
    assert f"Corpus fingerprint {FP[:16]}" in svg
    assert "pipeline " + schema.PIPELINE_VERSION in svg
    assert "exported 2024-05-06 07:08 UTC" in svg
    assert "US–Turkey English: 1" in svg and "Russia–Turkey English: 3" in svg
    assert "Findings" in svg
    assert svg.count("<path") > 20  # the charts drew marks


def test_briefing_of_an_empty_corpus_says_so(seed_corpus):
    empty = seed_corpus.subset([])
    spec = briefing_for(empty, fingerprint=FP, pipeline_version="1")
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    assert "No findings" in svg
    assert "no articles" in svg


def test_every_table_and_chart_on_every_page_offers_downloads():
    """Pages draw tables and charts only through ui.downloads' wrappers (a new
    st.dataframe or st.altair_chart without download buttons fails here)."""
    import re
    from pathlib import Path

    pages = sorted((Path(__file__).resolve().parent.parent / "pages").glob("*.py"))
    assert len(pages) >= 6
    for page in pages:
        source = page.read_text()
        assert not re.search(r"\bst\.(dataframe|altair_chart|vega_lite_chart|table|data_editor)\(", source), page.name


# --- provenance on single exports -------------------------------------------------------------


def test_exported_chart_carries_its_provenance():
    import vl_convert as vlc

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}), title="A chart").mark_bar().encode(x="x:Q", y="y:N")
    lines = [
        "Filters: Arabic articles",
        "Articles: US–Turkey 2, Russia–Turkey 3",
        "Corpus: fingerprint 0123, pipeline 1, exported 2024-05-06",
    ]
    spec = exports.with_footer(chart, lines)
    svg = vlc.vegalite_to_svg(spec)
    for line in lines:
        assert line in html.unescape(svg)
    assert chart_png(spec)[:8] == b"\x89PNG\r\n\x1a\n"


def test_table_exports_carry_filters_and_provenance():
    df = pd.DataFrame({"Tone": [-0.123456, 0.5], "Sentence": ["=HYPERLINK(1)", "ok"]})
    lines = ["Filters: from Reuters", "Corpus: fingerprint 0123"]
    csv = to_csv_bytes(df, about=lines).decode("utf-8-sig")
    assert csv.startswith("# Filters: from Reuters\n# Corpus: fingerprint 0123\n")
    back = pd.read_csv(io.StringIO(csv), comment="#")
    assert list(back.columns) == ["Tone", "Sentence"] and back["Sentence"][0] == "'=HYPERLINK(1)"
    xlsx = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, sheet="t", about=exports.table_about(df, lines))))
    assert xlsx.sheetnames == ["t", "About"]
    about = [[c.value for c in row] for row in xlsx["About"].iter_rows(min_row=2)]
    assert ["Filters", "from Reuters"] in about and ["Rows", "2"] in about


def test_briefing_is_compiled_for_the_charts_vega_lite_version():
    assert brief.BRIEFING_SCHEMA == alt.SCHEMA_URL  # an older schema mis-lays paired bars


def test_briefing_charts_keep_their_own_offset_scales(briefing):
    """Concatenated paired charts must not share their y/yOffset scales (a shared one shifts the bars
    of one chart by the other's bands)."""
    scales = briefing["resolve"]["scale"]
    assert scales["y"] == scales["yOffset"] == scales["xOffset"] == "independent"


def _two_bins() -> pd.DataFrame:
    """A two-bin English tone histogram table, one bin per dyad."""
    return pd.DataFrame(
        {
            "dyad": ["us-turkey", "russia-turkey"],
            "dyad_label": ["US–Turkey", "Russia–Turkey"],
            "language": ["en", "en"],
            "language_label": ["English", "English"],
            "bin_start": [-0.2, 0.0],
            "bin_end": [0.0, 0.2],
            "n_sentences": [3, 4],
        }
    )


def test_a_chart_spec_is_built_once_per_distinct_input(monkeypatch):
    """ui.downloads.spec_of: equal inputs (a second session, a filter seen before) reuse the spec;
    other data builds another; the spec is the builder's own."""
    from lib.output import charts
    from ui import downloads

    downloads._spec.clear()
    built = []
    real = charts.tone_histogram

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "tone_histogram", counting)
    bins = _two_bins()
    first = downloads.spec_of("tone_histogram", bins, language="en")
    again = downloads.spec_of("tone_histogram", bins.copy(), language="en")
    assert len(built) == 1 and first is again
    assert first.spec == real(bins, language="en").to_dict()
    downloads.spec_of("tone_histogram", bins.assign(n_sentences=[5, 4]), language="en")
    assert len(built) == 2

    # Named by a key, the tables are not hashed: the key alone (with the other arguments) finds the spec.
    downloads._spec_named.clear()
    named = downloads.spec_of("tone_histogram", bins, language="en", key=("corpus 1", ("en",), "tone_bins"))
    assert len(built) == 3 and named == first
    same_key = downloads.spec_of("tone_histogram", bins.assign(n_sentences=[9, 9]), language="en", key=("corpus 1", ("en",), "tone_bins"))
    assert len(built) == 3 and same_key == first
    other_key = downloads.spec_of("tone_histogram", bins.assign(n_sentences=[9, 9]), language="en", key=("corpus 2", ("en",), "tone_bins"))
    assert len(built) == 4 and other_key != first
    arabic = bins.assign(language=["ar", "ar"], language_label=["Arabic", "Arabic"])
    downloads.spec_of("tone_histogram", arabic, language="ar", key=("corpus 1", ("en",), "tone_bins"))
    assert len(built) == 5  # the other arguments still count


def test_a_kept_chart_is_drawn_from_arrow_tables_and_exported_from_its_rows():
    """ChartSpec.drawn holds each table as the Arrow bytes Streamlit would send (so a rerun does
    not convert them again), with the same rows as the inline tables the exports render."""
    import pyarrow as pa

    from ui import downloads

    downloads._spec.clear()
    bins = _two_bins().assign(language="ar", language_label="Arabic")
    made = downloads.spec_of("tone_histogram", bins, language="ar")
    assert made.spec["datasets"] and set(made.drawn["datasets"]) == set(made.spec["datasets"])
    assert {k: v for k, v in made.drawn.items() if k != "datasets"} == {k: v for k, v in made.spec.items() if k != "datasets"}
    for name, rows in made.spec["datasets"].items():
        assert isinstance(rows, list) and rows
        table = pa.ipc.open_stream(made.drawn["datasets"][name]).read_all()
        got = [{k: v for k, v in row.items() if not k.startswith("__")} for row in table.to_pylist()]
        assert got == rows


def test_chart_rows_become_arrow_tables_and_rows_arrow_cannot_type_go_streamlits_way():
    import pyarrow as pa

    from ui import downloads

    rows = [{"dyad": "us-turkey", "share": 0.5, "n": 3, "note": None}, {"dyad": "russia-turkey", "share": None, "n": 4, "note": "x"}]
    table = pa.ipc.open_stream(downloads._arrow_bytes(rows)).read_all()
    assert table.to_pylist() == rows  # missing values stay missing (null), numbers stay numbers
    assert table.schema.field("share").type == pa.float64() and table.schema.field("n").type == pa.int64()
    mixed = [{"label": 1}, {"label": "one"}]  # Arrow cannot type this column: Streamlit's own conversion
    with pytest.raises(pa.ArrowInvalid):
        pa.Table.from_pylist(mixed)
    back = pa.ipc.open_stream(downloads._arrow_bytes(mixed)).read_all()
    assert [r["label"] for r in back.to_pylist()] == ["1", "one"]
