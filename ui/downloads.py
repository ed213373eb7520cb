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
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from lib.output import exports

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


def table(df: pd.DataFrame, *, name: str, key: str) -> None:
    """CSV and XLSX download buttons for a table (as shown: same rows, same columns)."""
    stem = file_stem(name)
    frame = df.reset_index(drop=True) if not isinstance(df.index, pd.RangeIndex) else df
    with st.container(horizontal=True, gap="small"):
        _button(
            "CSV",
            lambda: exports.to_csv_bytes(frame),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}.csv",
            help="UTF-8 CSV; cells that a spreadsheet would run as formulas are prefixed with '",
        )
        _button(
            "XLSX",
            lambda: exports.to_xlsx_bytes(frame, sheet=stem),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}.xlsx",
            help="Excel workbook; cells that would run as formulas are prefixed with '",
        )


def chart(chart_obj, *, name: str, key: str) -> None:
    """PNG (2×) and SVG download buttons for an Altair chart."""
    stem = file_stem(name)
    with st.container(horizontal=True, gap="small"):
        _button(
            "PNG",
            lambda: exports.chart_png(chart_obj),
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"{key}.png",
            help=f"Image at {exports.PNG_SCALE}× scale, rendered offline",
        )
        _button(
            "SVG",
            lambda: exports.chart_svg(chart_obj),
            file_name=f"{stem}.svg",
            mime="image/svg+xml",
            key=f"{key}.svg",
            help="Vector image for print and slides",
        )


def briefing(corpus, *, fingerprint: str, pipeline_version: str, scope: str, key: str) -> None:
    """PNG and PDF buttons for the one-page briefing of ``corpus`` (the filtered view)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    stem = f"briefing-{exports.short_fingerprint(fingerprint)}-{stamp}"

    def spec() -> dict:
        return exports.briefing_for(corpus, fingerprint=fingerprint, pipeline_version=pipeline_version, scope=scope)

    with st.container(horizontal=True, gap="small"):
        _button(
            "Briefing PNG",
            lambda: exports.briefing_png(spec()),
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"{key}.png",
            help="One page: key charts, findings, and the corpus fingerprint",
        )
        _button(
            "Briefing PDF",
            lambda: exports.briefing_pdf(spec()),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key=f"{key}.pdf",
            help="One page: key charts, findings, and the corpus fingerprint",
        )


# --- drop-in wrappers: draw, then offer the downloads ------------------------------------------


def altair_chart(chart_obj, *, name: str, **kwargs):
    """``st.altair_chart`` followed by PNG/SVG buttons; returns what ``st.altair_chart`` returns."""
    event = st.altair_chart(chart_obj, **kwargs)
    chart(chart_obj, name=name, key=f"dl.{name}")
    return event


def dataframe(data: pd.DataFrame, *, name: str, **kwargs):
    """``st.dataframe`` followed by CSV/XLSX buttons for the columns shown, in their order."""
    event = st.dataframe(data, **kwargs)
    order = kwargs.get("column_order")
    shown = data[[c for c in order if c in data.columns]] if order else data
    table(shown, name=name, key=f"dl.{name}")
    return event


#: How every table of evidence sentences labels its columns.
SENTENCE_COLUMN_CONFIG = {
    "text": st.column_config.TextColumn("Sentence", width="large"),
    "tone": st.column_config.NumberColumn("Tone", format="%+.2f"),
    "title": "Article",
    "dyad_label": "Dyad",
    "language": "Language",
    "evidence": "Why this topic",
}


def sentences(rows: pd.DataFrame, *, name: str, columns: list[str]):
    """The sentences behind a number (a drill-down), with CSV/XLSX buttons.

    ``columns`` are the columns of ``rows`` to show, in order; every
    drill-down labels them the same way.
    """
    return dataframe(
        name=name,
        data=rows[columns],
        hide_index=True,
        column_config={c: SENTENCE_COLUMN_CONFIG[c] for c in columns if c in SENTENCE_COLUMN_CONFIG},
    )
