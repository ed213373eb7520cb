"""Download buttons for briefings: every table as CSV and XLSX, every chart as PNG and SVG.

One call after each table or chart on a page::

    st.dataframe(df)
    downloads.table(df, name="entity-sentences", key="compare.dl.sentences")

    st.altair_chart(chart)
    downloads.chart(chart, name="tone-summary", key="compare.dl.tone")

The files (and the chart's Vega-Lite spec) are made only when a button is clicked (Streamlit runs the data
callable then, on its own thread), so a page with twenty charts does not
render forty images on every rerun; ``on_click="ignore"`` keeps the page
from rerunning after a download. The bytes come from ``lib.output.exports``:
formulas neutralised in CSV/XLSX, charts rendered offline by vl-convert.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from lib.output import briefing as brief  # Altair is not imported with these: the briefing imports the charts when made
from lib.output import exports
from lib.views import common
from ui import state

_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(name: str) -> str:
    """A safe file name stem: letters, digits, dot, dash and underscore."""
    return _SLUG_RE.sub("-", name).strip("-.") or "export"


def _button(label: str, data: Callable[[], bytes], *, file_name: str, mime: str, key: str, help: str, kind: str = "tertiary") -> None:
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        icon=":material/download:",
        type=kind,
        help=help,
    )


#: Decimals kept in exported numbers: tone (−1..1) and rates read to 3 places.
EXPORT_DECIMALS = 3


def provenance_lines() -> list[str]:
    """Where an export's numbers come from: the filters, the articles per side, the corpus and the date."""
    from lib.schema import PIPELINE_VERSION
    from lib.views import common
    from ui import data

    filters = state.read_filters()
    focal = common.focal_articles(data.filtered_corpus(filters).articles)
    per = ", ".join(f"{common.DYAD_LABELS[d]} {int((focal['dyad'] == d).sum())}" for d in common.FOCAL_DYADS)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"Filters: {filters.describe()}",
        f"Articles: {per}",
        f"Corpus: fingerprint {exports.short_fingerprint(data.corpus_fingerprint())}, pipeline {PIPELINE_VERSION}, exported {when}",
    ]


def _for_export(df: pd.DataFrame, headers: dict[str, str] | None = None) -> pd.DataFrame:
    """The table as a person reads it: the page's column headers, numbers rounded."""
    out = df.reset_index(drop=True) if not isinstance(df.index, pd.RangeIndex) else df
    floats = [c for c in out.columns if pd.api.types.is_float_dtype(out[c].dtype)]
    if floats:
        out = out.assign(**{c: out[c].round(EXPORT_DECIMALS) for c in floats})
    return out.rename(columns=headers or {})


def table(df: pd.DataFrame, *, name: str, key: str, headers: dict[str, str] | None = None) -> None:
    """CSV and XLSX download buttons for a table (as shown: same rows, same columns, the page's headers),
    with the filters and provenance (CSV: leading # lines; XLSX: an About sheet)."""
    stem = file_stem(name)
    frame = _for_export(df, headers)
    with st.container(horizontal=True, gap="small"):
        _button(
            "CSV",
            lambda: exports.to_csv_bytes(frame, about=provenance_lines()),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}.csv",
            help="UTF-8 CSV; the first lines (starting with #) give the filters and provenance; cells a spreadsheet would run as formulas are prefixed with '",
        )
        _button(
            "XLSX",
            lambda: exports.to_xlsx_bytes(frame, sheet=stem, about=exports.table_about(frame, provenance_lines())),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}.xlsx",
            help="Excel workbook with an About sheet (filters, provenance); cells that would run as formulas are prefixed with '",
        )


def chart(chart_obj, *, name: str, key: str) -> None:
    """PNG (2×) and SVG download buttons for an Altair chart, each with a provenance footer."""
    stem = file_stem(name)
    with st.container(horizontal=True, gap="small"):
        _button(
            "PNG",
            lambda: exports.chart_png(exports.with_footer(chart_obj, provenance_lines())),
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"{key}.png",
            help=f"Image at {exports.PNG_SCALE}× scale, rendered offline",
        )
        _button(
            "SVG",
            lambda: exports.chart_svg(exports.with_footer(chart_obj, provenance_lines())),
            file_name=f"{stem}.svg",
            mime="image/svg+xml",
            key=f"{key}.svg",
            help="Vector image for print and slides",
        )


def briefing(view, *, articles: Callable[[], pd.DataFrame], scope: str, fingerprint: str, pipeline_version: str, key: str) -> None:
    """PDF and PNG buttons for the one-page briefing of the Compare ``view`` (A4 portrait, and a 16:9 slide).

    ``articles()`` is the filtered corpus's articles table the view was made from,
    read only when a briefing is made (filtering it, texts and all, is not free).
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    stem = f"briefing-{exports.short_fingerprint(fingerprint)}-{stamp}"

    def spec(layout: str) -> dict:
        return brief.briefing_for_view(
            view, articles(), fingerprint=fingerprint, pipeline_version=pipeline_version, scope=scope, layout=layout
        )

    with st.container(horizontal=True, gap="small"):
        for layout, label in (("a4", "A4"), ("slide", "16:9 slide")):
            _button(
                f"Briefing PDF ({label})",
                lambda layout=layout: brief.briefing_pdf(spec(layout)),
                file_name=f"{stem}-{layout}.pdf",
                mime="application/pdf",
                key=f"{key}.{layout}.pdf",
                help="One page: title, outlets, dates, articles per side and language, key charts, findings, methods and provenance",
            )
            _button(
                f"Briefing PNG ({label})",
                lambda layout=layout: brief.briefing_png(spec(layout)),
                file_name=f"{stem}-{layout}.png",
                mime="image/png",
                key=f"{key}.{layout}.png",
                help="The same page as an image",
            )


# --- what the grid is given: one number format, right-to-left cells ---------------------------

#: Most cells a table may have to be shown through pandas Styler. Styler
#: turns every cell into display text on each rerun (about 1 s per 40,000
#: cells on this project's 2-core machine under load); a larger table (the
#: Articles list of a big corpus) is shown with the grid's own number format.
STYLED_CELLS_MAX = 40_000
_SIGNED_FORMAT_RE = re.compile(r"^%\+\.(\d)f$")


def display_frame(data: pd.DataFrame, column_config: dict | None = None, *, left_anchored: tuple[str, ...] = ()):
    """``data`` as handed to ``st.dataframe``, and the column config to go with it.

    * Text cells are formula-neutralised (``exports.neutralise``), and mostly
      Arabic ones start with an ARABIC LETTER MARK (``common.rtl_cell``) so the
      grid lays each of them out right to left and right-aligned, while
      English cells in the same column stay left to right. Columns in
      ``left_anchored`` are drawn from the left edge whatever their script
      (``common.left_anchored_cell``: the words before a keyword).
    * One number format: a column configured with a signed printf format
      (``NumberColumn(format="%+.2f")``) keeps its numbers (the grid sorts them
      as numbers, and its own CSV download stays numeric) but is *shown*
      through a pandas Styler with ``common.signed`` — "−0.20" with the
      typographic minus the charts and findings use; the printf format can only
      print a hyphen ("-0.20"). Tables over STYLED_CELLS_MAX cells keep the
      printf format (a hyphen-minus) rather than cost seconds per rerun.
    """
    frame = exports.neutralise(data)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            mapped = s.map(common.left_anchored_cell if col in left_anchored else common.rtl_cell, na_action="ignore")
            frame[col] = mapped.astype(s.dtype) if s.dtype != object else mapped
    config = dict(column_config or {})
    formats = {}
    for col, cfg in config.items():
        type_config = cfg.get("type_config") or {} if isinstance(cfg, dict) else {}
        m = _SIGNED_FORMAT_RE.match(str(type_config.get("format") or ""))
        if m and type_config.get("type") == "number" and col in frame.columns:
            formats[col] = partial(common.signed, digits=int(m.group(1)))
    if not formats or frame.size > STYLED_CELLS_MAX:
        return frame, config
    for col in formats:
        config[col] = {**config[col], "type_config": {**config[col]["type_config"], "format": None}}
    return frame.style.format(formats), config


# --- drop-in wrappers: draw, then offer the downloads ------------------------------------------


#: Chart specs kept (``spec_of``): every chart of a few filter combinations for a handful of users.
CHART_CACHE_ENTRIES = 256


@dataclass(frozen=True)
class ChartSpec:
    """A chart made once and shared by every session and rerun (read-only: never mutate it).

    ``spec`` is its Vega-Lite spec, tables inline (what the PNG/SVG exports render);
    ``drawn`` is the same spec with each table already in the Arrow IPC bytes Streamlit
    sends to the browser. Given a table as rows, ``st.vega_lite_chart`` converts it again
    on every rerun (a third of a rerun of Compare with every chart cached, at 10,000 articles).
    """

    spec: dict
    drawn: dict


def _arrow_datasets(spec: dict) -> dict:
    """``spec`` (shallow copy) with its named tables as Arrow IPC bytes, as ``st.vega_lite_chart``
    converts them (``dataframe_util.convert_anything_to_arrow_bytes``), which takes bytes as they are."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {**spec, "datasets": {name: _arrow_bytes(rows) for name, rows in datasets.items()}}


def _arrow_bytes(rows: list[dict]) -> bytes:
    """A chart table's rows as Arrow IPC bytes. Made as an Arrow table from the rows (Streamlit
    takes one as it is), not through a pandas frame as Streamlit does with rows: a third of the
    time of Compare's charts at a new filter. Rows Arrow cannot type (a column of numbers and
    text) go Streamlit's way."""
    import pyarrow as pa
    from streamlit import dataframe_util

    try:
        table = pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return dataframe_util.convert_anything_to_arrow_bytes(rows)
    return dataframe_util.convert_anything_to_arrow_bytes(table)


def _build_spec(builder: str, args: tuple, kwargs: dict) -> ChartSpec:
    import altair as alt  # imported with the first chart, after the text above it is sent

    from lib.output import charts

    # The builders' specs are validated against the Vega-Lite schema by the chart tests. Validating
    # again on every draw, whole (to_dict) or object by object as they are made (Altair's debug
    # mode), costs more than building them: Compare's 8 charts at 10,000 articles 0.69 -> 0.30 s.
    alt.utils.schemapi.disable_debug_mode()
    chart = getattr(charts, builder)(*args, **kwargs)
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict(validate=False)  # a vl.Spec is made fresh: no copy
    return ChartSpec(spec=spec, drawn=_arrow_datasets(spec))


@st.cache_resource(show_spinner=False, max_entries=CHART_CACHE_ENTRIES)
def _spec(builder: str, args: tuple, kwargs: dict) -> ChartSpec:
    return _build_spec(builder, args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=CHART_CACHE_ENTRIES)
def _spec_named(builder: str, key: tuple, kwargs: dict, _args: tuple) -> ChartSpec:
    return _build_spec(builder, _args, kwargs)


def spec_of(builder: str, *args, key: tuple | None = None, **kwargs) -> ChartSpec:
    """The chart ``lib.output.charts.<builder>(*args, **kwargs)``, made once per
    distinct input and shared by every session and rerun: a second visitor, or a filter
    seen before, draws the same charts without building them.

    ``key``, when given, names the tables in ``args`` instead of their contents, which are then
    not hashed (hashing a large view's tables was a third of a cached rerun at 10,000 articles).
    It must change whenever they do: ``ui.data.view_key`` (the corpus and filters a view was
    made from) and which of the view's tables.
    """
    if key is None:
        return _spec(builder, args, kwargs)
    return _spec_named(builder, key, kwargs, args)


def altair_chart(chart_obj, *, name: str, **kwargs):
    """The chart (an Altair chart, a Vega-Lite dict, or a ``ChartSpec`` from ``spec_of``)
    followed by PNG/SVG buttons; returns what ``st.altair_chart`` returns."""
    if isinstance(chart_obj, ChartSpec):
        event = st.vega_lite_chart(spec=chart_obj.drawn, **kwargs)
        chart_obj = chart_obj.spec
    elif isinstance(chart_obj, dict):
        event = st.vega_lite_chart(spec=chart_obj, **kwargs)
    else:
        event = st.altair_chart(chart_obj, **kwargs)
    chart(chart_obj, name=name, key=f"dl.{name}")
    return event


def dataframe(data: pd.DataFrame, *, name: str, left_anchored: tuple[str, ...] = (), **kwargs):
    """``st.dataframe`` followed by CSV/XLSX buttons for the columns shown, in their order.

    The cells handed to ``st.dataframe`` are formula-neutralised too (a text
    cell starting with = + - @ gets a leading '), so a table taken from the
    grid itself — its own "Download as CSV", or copy and paste into a
    spreadsheet — is as safe as the buttons' files; see ``display_frame``
    for Arabic cells and signed numbers.
    """
    order = kwargs.get("column_order")
    shown = data[[c for c in order if c in data.columns]] if order else data
    headers = _headers(kwargs.get("column_config") or {})
    frame, kwargs["column_config"] = display_frame(data, kwargs.get("column_config"), left_anchored=left_anchored)
    event = st.dataframe(frame, **kwargs)
    table(shown, name=name, key=f"dl.{name}", headers=headers)
    return event


def _headers(column_config: dict) -> dict[str, str]:
    """Column → the header the page shows (a label string, or a column config's label)."""
    out = {}
    for col, cfg in column_config.items():
        label = cfg if isinstance(cfg, str) else (cfg or {}).get("label") if isinstance(cfg, dict) else None
        if label:
            out[col] = label
    return out


#: Sentences shown at once in a drill-down (more scroll inside the table).
SENTENCE_ROWS_SHOWN = 8
#: Height of a table's header row, in pixels.
HEADER_ROW_PX = 38
#: Row height that lets a table cell wrap a whole sentence over four lines
#: (Streamlit wraps text only in rows taller than 4 rem).
WRAP_ROW_HEIGHT = 96


def sentences(rows: pd.DataFrame, *, name: str, extra: dict[str, str] | None = None, key: str | None = None):
    """The sentences behind a number (a drill-down), with CSV/XLSX buttons.

    Every drill-down shows the same columns with the same headers: the whole
    sentence (wrapped), its tone,
    dyad, language, article, and a link that opens the article in the reader
    at that sentence. Arabic sentences read right to left, English ones left
    to right, in the same column. ``extra`` maps more columns of ``rows`` to their
    headers (e.g. ``{"evidence": "Why this topic"}``), shown after the sentence.
    """
    extra = extra or {}
    frame = pd.DataFrame(
        {
            "Sentence": rows["text"].astype("string"),
            **{label: rows[col] for col, label in extra.items()},
            "Tone": rows["tone"].astype("Float64").round(2),
            "Dyad": rows["dyad_label"],
            "Language": rows["language_label"] if "language_label" in rows.columns else rows["language"],
            "Article": rows["title"],
        }
    ).reset_index(drop=True)
    links = [
        state.link("articles", {"article": str(a), "sentence": str(int(sid))})
        for a, sid in zip(rows["article_id"], rows["sentence_id"], strict=True)
    ]
    shown, column_config = display_frame(
        frame.assign(Read=links),
        {
            "Sentence": st.column_config.TextColumn("Sentence", width="large"),
            "Tone": st.column_config.NumberColumn("Tone", format="%+.2f", help="Sentence tone, −1 (negative) to +1 (positive)"),
            "Article": st.column_config.TextColumn("Article", width="medium"),
            "Read": st.column_config.LinkColumn(
                "Read", display_text="Open at sentence", help="The article in the reader, at this sentence"
            ),
            **{label: st.column_config.TextColumn(label, width="medium") for label in extra.values()},
        },
    )
    # Each Arabic sentence is right to left and right-aligned by itself (display_frame), English
    # ones left-aligned, so a column of both reads right: no column-wide alignment is set.
    event = st.dataframe(
        shown,
        hide_index=True,
        row_height=WRAP_ROW_HEIGHT,
        height=min(len(frame), SENTENCE_ROWS_SHOWN) * WRAP_ROW_HEIGHT + HEADER_ROW_PX,
        key=key,
        column_config=column_config,
    )
    table(frame, name=name, key=f"dl.{name}")
    return event


def differences(df: pd.DataFrame, *, name: str, digits: int, signed_values: bool = False) -> None:
    """A table of ``common.difference_table`` (its headers are the export's), numbers to ``digits``
    decimals; differences and their interval (and, with ``signed_values``, the values: tone) signed,
    with the typographic minus."""
    config = {}
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col].dtype):
            continue
        if " − " in col or col.startswith("90% interval"):
            config[col] = st.column_config.NumberColumn(col, format=f"%+.{digits}f", help=common.DIFF_HELP)
        else:
            config[col] = st.column_config.NumberColumn(col, format=f"%{'+' if signed_values else ''}.{digits}f")
    config["Basis"] = st.column_config.TextColumn("Basis", width="medium")
    dataframe(df, name=name, hide_index=True, column_config=config)
