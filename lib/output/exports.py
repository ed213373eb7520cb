"""Exports for briefings: tables as CSV/XLSX, charts as PNG/SVG, a one-page briefing.

Tables: every text cell that a spreadsheet would read as a formula (one
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — the
OWASP list) is prefixed with ``'`` so it stays text. Numbers are left alone,
so a negative tone is still a number. CSV is UTF-8 with a byte-order mark so
that Excel opens Arabic text correctly.

Charts: rendered offline by vl-convert (no browser, no network). vl-convert
shapes Arabic itself; what it cannot do is honour a font *list*: for a glyph
missing from the first family it falls back to an arbitrary face (often a
bold one). Exports therefore use one family that covers Latin and Arabic,
``EXPORT_FONT`` (DejaVu Sans, from the ``fonts-dejavu-core`` package).

The briefing is one Vega-Lite ``vconcat`` spec — a title that stands alone,
what it covers (outlets, dates, articles per side and language), the key
charts, the findings, a methods line and a provenance footer — laid out on
exactly one A4 portrait page or one 16:9 slide, rendered to PNG and PDF. It
renders the Compare view object itself (``lib.views.compare``), so the
briefing and the page never disagree.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import secrets
import shutil
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from lib.errors import CoverageError
from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    SUPPORTED_LEGEND,
    date_span,
    focal_articles,
    source_options,
)
from lib.views.compare import CompareView, compare_view
from lib.views.findings import basis

# --- tables ---------------------------------------------------------------------------

#: First characters that make a spreadsheet cell a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Excel's hard limits.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL_CHARS = 32_767
_XLSX_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: Characters openpyxl refuses to write (XML 1.0 control characters).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportError(CoverageError):
    """A table or chart cannot be exported as asked."""


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`safe_cell`.

    Column names are text cells too (the header row), so they are neutralised.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            mapped = s.map(safe_cell, na_action="ignore")
            out[col] = mapped.astype(s.dtype) if s.dtype != object else mapped  # keep "string" columns "string"
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, *, about: Sequence[str] = ()) -> bytes:
    """The table as CSV (UTF-8 with BOM, formulas neutralised, no index).

    ``about`` lines (filters, provenance) come first, each as one ``# …``
    line (``pandas.read_csv(…, comment="#")`` skips them).
    """
    head = "".join(f"# {safe_cell(str(line)).replace(chr(10), ' ')}\n" for line in about)
    return (head + neutralise(df).to_csv(index=False)).encode("utf-8-sig")


def _xlsx_text(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, dict)):  # openpyxl writes scalars only
        value = json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str)
    if not isinstance(value, str):
        return value
    value = _XLSX_ILLEGAL.sub("", value)
    if len(value) >= XLSX_MAX_CELL_CHARS:  # room for the ' that neutralises a formula
        value = value[: XLSX_MAX_CELL_CHARS - 2] + "…"
    return value


def sheet_name(name: str) -> str:
    """A valid Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = _XLSX_SHEET_BAD.sub("_", name).strip("'") or "table"
    return clean[:31]


def _for_xlsx(df: pd.DataFrame) -> pd.DataFrame:
    """Cells Excel can hold — no control characters, no over-long text,
    containers as JSON text, datetimes in UTC without a zone — then neutralised
    (last, so that stripping a control character cannot uncover a formula)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            mapped = s.map(_xlsx_text, na_action="ignore")
            out[col] = mapped if s.dtype == object else mapped.astype(s.dtype)
    return neutralise(out)


def to_xlsx_bytes(df: pd.DataFrame, *, sheet: str = "table", about: pd.DataFrame | None = None) -> bytes:
    """The table as an .xlsx workbook (formulas neutralised); ``about`` (filters,
    provenance) goes on a second sheet named "About"."""
    if len(df) + 1 > XLSX_MAX_ROWS:
        raise ExportError(f"the table has {len(df):,} rows; an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} — download it as CSV")
    safe = _for_xlsx(df)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet_name(sheet))
        if about is not None:
            _for_xlsx(about).to_excel(writer, index=False, sheet_name="About")
        for ws in writer.sheets.values():
            for row in ws.iter_rows(min_row=1):
                for cell in row:
                    if cell.data_type == "f":  # belt and braces: nothing is ever written as a formula
                        cell.data_type = "s"
    return buf.getvalue()


# --- export folders ---------------------------------------------------------------------

#: Written last into every export folder: its presence says the export is complete.
PROVENANCE_FILE = "provenance.json"
_INCOMPLETE_RE = re.compile(r"^\.(?P<name>.+)\.incomplete-(?P<pid>\d+)-[0-9a-f]+$")


def check_out_folder(out: Path, *, replaceable: Callable[[str], bool]) -> None:
    """Raise :class:`ExportError` unless ``out`` can take an export: a folder
    that does not exist yet, an empty one, or an earlier export (every entry a
    file that ``replaceable`` accepts). Anything else — a file, a folder of
    other things — is left alone and named in the message."""
    if out.is_symlink():
        raise ExportError(f"--out {out} is a symbolic link; name the folder itself (it is replaced whole by the export)")
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file, not a folder; name a new folder (it is created) or an earlier export's folder")
    if not out.exists():
        if out.parent.exists() and not out.parent.is_dir():
            raise ExportError(f"--out {out}: {out.parent} is a file, not a folder")
        return
    others = sorted(e.name for e in out.iterdir() if not (e.is_file() and not e.is_symlink() and replaceable(e.name)))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise ExportError(
            f"--out {out} holds files that this export does not write ({shown}); "
            "name a new or empty folder, or an earlier export's folder (which is replaced whole)"
        )


def _stale_incomplete(parent: Path, name: str) -> list[Path]:
    """Hidden folders of earlier exports to ``name`` whose process has ended (killed mid-export)."""
    out = []
    for p in parent.glob(f".{name}.incomplete-*"):
        m = _INCOMPLETE_RE.match(p.name)
        if not m or m.group("name") != name:
            continue
        try:
            os.kill(int(m.group("pid")), 0)
        except ProcessLookupError:
            out.append(p)
        except (PermissionError, OverflowError):
            continue
    return out


def write_folder(
    out: Path,
    files: Iterable[tuple[str, Callable[[], bytes]]],
    *,
    replaceable: Callable[[str], bool],
) -> list[Path]:
    """Write an export folder so that it is never half old, half new.

    Every file is made (``files``: name and a function returning its bytes,
    called in order — put :data:`PROVENANCE_FILE` last) into a hidden folder
    beside ``out``; only when all are written is that folder moved to
    ``out``, replacing an earlier export as a whole. An error or a kill
    before then leaves ``out`` as it was (the hidden folder of a killed run
    is removed by the next export to the same place). Returns the paths
    written, under ``out``.
    """
    out = Path(out)
    check_out_folder(out, replaceable=replaceable)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in _stale_incomplete(out.parent, out.name):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = out.parent / f".{out.name}.incomplete-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    names: list[str] = []
    try:
        for name, make in files:
            if PROVENANCE_FILE in names:
                raise ValueError(f"{PROVENANCE_FILE} must be written last: it marks the export complete ({name} came after it)")
            data = make()
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            names.append(name)
        check_out_folder(out, replaceable=replaceable)  # nothing else appeared there meanwhile
        if out.exists():
            old = out.parent / f".{out.name}.replaced-{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]


# --- charts ---------------------------------------------------------------------------

#: One family with Latin and Arabic glyphs (see the module docstring).
EXPORT_FONT = "DejaVu Sans"
#: Where Debian/Ubuntu (and Streamlit Community Cloud, via packages.txt) put fonts.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/noto")
#: PNG scale: 2× reads sharply on a high-density screen and in a printed brief.
PNG_SCALE = 2
#: Width given to a chart whose width is "container" (which only a browser knows).
DEFAULT_WIDTH = 560
_FONT_KEYS = frozenset({"font", "labelFont", "titleFont", "subtitleFont"})


@cache
def _register_fonts() -> tuple[str, ...]:
    """Point vl-convert at the system font folders once per process."""
    import vl_convert as vlc

    found = tuple(d for d in FONT_DIRS if Path(d).is_dir())
    for d in found:
        vlc.register_font_directory(d)
    return found


def _replace_fonts(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (EXPORT_FONT if k in _FONT_KEYS and isinstance(v, str) else _replace_fonts(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_fonts(v) for v in node]
    return node


def _fixed_width(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (DEFAULT_WIDTH if k == "width" and v == "container" else _fixed_width(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fixed_width(v) for v in node]
    return node


def chart_spec(chart: Any) -> dict:
    """A Vega-Lite dict ready for offline rendering: the export font, fixed widths."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    spec = _fixed_width(_replace_fonts(copy.deepcopy(spec)))
    config = spec.setdefault("config", {})
    config["font"] = EXPORT_FONT
    spec.setdefault("background", "white")
    return spec


def chart_png(chart: Any, *, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG at ``scale`` × its CSS size."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(chart_spec(chart), scale=scale)


def chart_svg(chart: Any) -> bytes:
    """The chart as SVG (text kept as text; fonts named, not embedded)."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(chart_spec(chart)).encode("utf-8")


# --- provenance -----------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """Where a briefing's numbers come from."""

    fingerprint: str
    pipeline_version: str
    exported_at: str  # ISO date-time, UTC
    counts: tuple[tuple[str, str, int], ...]  # (dyad, language, articles)

    def lines(self) -> list[str]:
        per = "; ".join(f"{DYAD_LABELS.get(d, d)} {LANGUAGE_LABELS.get(lang, lang)}: {n}" for d, lang, n in self.counts) or "no articles"
        return [
            f"Corpus fingerprint {short_fingerprint(self.fingerprint)} · pipeline {self.pipeline_version} · exported {self.exported_at}",
            f"Articles per dyad and language — {per}",
        ]

    def as_dict(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "pipeline_version": self.pipeline_version,
            "exported_at": self.exported_at,
            "articles": [{"dyad": d, "language": lang, "n_articles": n} for d, lang, n in self.counts],
        }


#: Characters of the fingerprint shown to people: 16 hex digits (64 bits)
#: tell corpora apart; the full hash is in the export's provenance.json.
FINGERPRINT_SHOWN = 16


def short_fingerprint(fp: str) -> str:
    return fp[:FINGERPRINT_SHOWN]


def provenance(articles: pd.DataFrame, *, fingerprint: str, pipeline_version: str, now: datetime | None = None) -> Provenance:
    """Provenance of a corpus: its fingerprint and articles per dyad and language."""
    ok = articles[articles["status"] != "error"] if "status" in articles.columns else articles
    counts = ok.groupby([ok["dyad"].fillna("(none)"), ok["language"].fillna("(unknown)")]).size() if not ok.empty else pd.Series(dtype=int)
    rows = tuple((str(d), str(lang), int(n)) for (d, lang), n in sorted(counts.items()))
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Provenance(fingerprint, pipeline_version, when, rows)


# --- the briefing ---------------------------------------------------------------------

#: Page sizes in PDF points (vl-convert draws 1 CSS pixel as 1 point): A4
#: portrait for print, 16:9 (PowerPoint's widescreen, 13.33 × 7.5 in) for slides.
PAGE_SIZES = {"a4": (595, 842), "slide": (960, 540)}
BRIEFING_PADDING = 22
#: Width of the A4 briefing's content (kept for callers that size to it).
BRIEFING_WIDTH = PAGE_SIZES["a4"][0] - 2 * BRIEFING_PADDING
#: Axis labels in the briefing: long topic names end in "…" sooner than on screen.
BRIEFING_LABEL_LIMIT = 150
#: The Vega-Lite version the charts are written for (Altair's): vl-convert
#: compiles a spec by the version its $schema names, and v5 lays out the
#: paired bars (yOffset) of a v6 chart differently.
BRIEFING_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
#: Bars per ranked chart in the briefing: the page must stay one page.
BRIEFING_TOP = 6
#: Font size of chart titles in the briefing (subtitles 2 points smaller).
BRIEFING_TITLE_SIZE = 11
#: Height of one pair of bars (both dyads) in a briefing chart, in points.
BRIEFING_BAR_PAIR = 16
METHODS_LINE = (
    "Methods: English sentence tone by VADER, Arabic by the project's lexicon method (each −1..+1; compare within a language); "
    "entities from a gazetteer plus NER; topics from a bilingual keyword taxonomy; distinctive words by log-odds with an "
    "informative prior (Monroe et al. 2008); intervals from resampling articles; "
    f"{SUPPORTED_LEGEND}."
)


def _chars_per_line(width: int, size: int, *, bold: bool = False) -> int:
    """Characters of DejaVu Sans (average advance ≈ 0.58 em, bold ≈ 0.68 em) that fit ``width`` points at ``size``."""
    return max(20, int(width / (size * (0.68 if bold else 0.58))))


#: Room left of a chart's plot for its axis labels. Every text block starts
#: this far left of the plots (concatenated views align their plots), so the
#: page is exactly its width whatever the labels.
BRIEFING_LEFT = BRIEFING_LABEL_LIMIT + 16


def _text_block(lines: Sequence[str], *, width: int, size: int = 11, color: str = "#222", weight: str = "normal", left: int = 0) -> dict:
    """Lines of text ``width`` wide, starting ``left`` points left of the column's plots."""
    values = [{"line": t, "y": i * (size + 4) + size} for i, t in enumerate(lines)]
    return {
        "width": width - left,
        "height": max(1, len(lines)) * (size + 4) + 2,
        "data": {"values": values},
        "mark": {"type": "text", "align": "left", "baseline": "alphabetic", "fontSize": size, "color": color, "fontWeight": weight},
        "encoding": {
            "x": {"value": -left},
            "y": {"field": "y", "type": "quantitative", "scale": None, "axis": None},
            "text": {"field": "line", "type": "nominal"},
        },
        "view": {"stroke": None},
    }


def _wrapped(texts: Iterable[str], *, width: int, size: int, bullet: str = "", bold: bool = False) -> list[str]:
    lines: list[str] = []
    per = _chars_per_line(width, size, bold=bold) - len(bullet)
    for t in texts:
        wrapped = textwrap.wrap(t, width=per) or [""]
        lines.append(bullet + wrapped[0])
        lines.extend(" " * len(bullet) + w for w in wrapped[1:])
    return lines


def _as_subspec(chart: Any, datasets: dict, index: int, *, width: int, shrink: int = 0) -> dict:
    """A chart's spec without its top-level-only keys, datasets hoisted, selections renamed, sized to ``width``."""
    spec = chart_spec(chart)
    datasets.update(spec.pop("datasets", {}))
    for key in ("$schema", "config", "background", "autosize", "padding"):
        spec.pop(key, None)
    names = [p["name"] for p in spec.get("params", []) if "select" in p]
    for name in names:  # two charts' "pick" selections would clash in one view
        spec = _rename_param(spec, name, f"{name}_{index}")
    if "mark" in spec or "layer" in spec:
        spec["width"] = max(120, width - BRIEFING_LEFT - shrink)
    title = spec.get("title")
    if isinstance(title, dict):  # titles wrap to the column (a line wider than the page would widen it)
        title = dict(title)
        per = _chars_per_line(width - BRIEFING_LEFT - shrink, BRIEFING_TITLE_SIZE, bold=True)
        title["text"] = textwrap.wrap(str(title.get("text", "")), per) or [""]
        subtitle = title.get("subtitle")
        if isinstance(subtitle, (str, list)):  # a list is one line each (charts.py): wrap every one
            per = _chars_per_line(width - BRIEFING_LEFT - shrink, BRIEFING_TITLE_SIZE - 2)
            title["subtitle"] = [
                w for line in ([subtitle] if isinstance(subtitle, str) else subtitle) for w in textwrap.wrap(str(line), per)
            ]
        spec["title"] = title
    return spec


def _rename_param(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: (new if k in ("param", "name") and v == old else _rename_param(v, old, new)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_param(v, old, new) for v in node]
    return node


@dataclass(frozen=True)
class BriefingText:
    """The words of a briefing: a title that stands alone, what it covers, findings, provenance."""

    title: str
    scope: list[str]  # outlets, date span, counts per side and language, filters
    findings: list[str]
    footer: list[str]  # methods and provenance


def _config(size: int) -> dict:
    return {
        "font": EXPORT_FONT,
        "view": {"stroke": None},
        "concat": {"spacing": 10},
        "axis": {"labelFontSize": size - 1, "titleFontSize": size - 1, "labelLimit": BRIEFING_LABEL_LIMIT},
        "legend": {"labelFontSize": size - 1, "titleFontSize": size - 1},
        "title": {"fontSize": BRIEFING_TITLE_SIZE, "subtitleFontSize": BRIEFING_TITLE_SIZE - 2, "anchor": "start"},
        "header": {"labelFontSize": size},
    }


def _compose(text: BriefingText, chart_objs: Sequence[Any], *, layout: str, shrink: int = 0) -> dict:
    page_w, _ = PAGE_SIZES[layout]
    inner = page_w - 2 * BRIEFING_PADDING
    size = 10 if layout == "a4" else 11
    datasets: dict = {}

    def words(width: int, left: int) -> list[dict]:
        return [
            _text_block(["Findings"], width=width, size=size + 2, weight="bold", left=left),
            _text_block(
                _wrapped(text.findings, width=width, size=size, bullet="• ") or ["No findings: the corpus needs articles on both dyads."],
                width=width,
                size=size,
                left=left,
            ),
        ]

    L = BRIEFING_LEFT
    head = [
        _text_block(_wrapped([text.title], width=inner, size=15, bold=True), width=inner, size=15, weight="bold", left=L),
        _text_block(_wrapped(text.scope, width=inner, size=size), width=inner, size=size, color="#333", left=L),
    ]
    foot = _text_block(_wrapped(text.footer, width=inner, size=size - 2), width=inner, size=size - 2, color="#555", left=L)
    if layout == "a4":
        body = [_as_subspec(c, datasets, i, width=inner, shrink=shrink) for i, c in enumerate(chart_objs)] + words(inner, L)
        parts = [*head, *body, foot]
    else:  # slide: charts on the left, findings on the right
        gap = 18
        left_w = int(inner * 0.55)
        right_w = inner - left_w - gap
        left = {
            "vconcat": [_as_subspec(c, datasets, i, width=left_w, shrink=shrink) for i, c in enumerate(chart_objs)]
            or [_text_block([""], width=left_w, left=L)]
        }
        right = {"vconcat": words(right_w, 0)}
        parts = [*head, {"hconcat": [left, right], "spacing": gap}, foot]
    spec = {
        "$schema": BRIEFING_SCHEMA,
        "vconcat": parts,
        "spacing": 8,
        "padding": BRIEFING_PADDING,
        "background": "white",
        # Each chart keeps its own legend (merged legends are dropped in a vconcat).
        "resolve": {
            "legend": {"color": "independent"},
            "scale": {"color": "independent", "x": "independent", "y": "independent", "xOffset": "independent", "yOffset": "independent"},
        },
        "config": _config(size),
    }
    if datasets:
        spec["datasets"] = datasets
    return spec


def _svg_size(spec: dict) -> tuple[float, float]:
    import vl_convert as vlc

    _register_fonts()
    svg = vlc.vegalite_to_svg(spec)
    m = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


MORE_FINDINGS = " (more findings on the Compare page)"
#: Findings kept before a chart is dropped to fit the page: tone, the two leading topics, one entity.
BRIEFING_MIN_FINDINGS = 4


def fit_page(text: BriefingText, chart_objs: Sequence[Any], *, layout: str = "a4") -> dict:
    """The briefing spec laid out on exactly one page of ``layout`` (``a4`` or ``slide``).

    The spec is measured (rendered to SVG); while it is taller than the page,
    findings beyond the first BRIEFING_MIN_FINDINGS are cut from the end
    (saying so), then the last chart is dropped, then more findings; a blank
    block then fills the page to its exact height.
    """
    page_w, page_h = PAGE_SIZES[layout]
    charts_left = list(chart_objs)
    findings = list(text.findings)
    shrink = 0
    for _ in range(len(chart_objs) + len(findings) + 4):
        spec = _compose(BriefingText(text.title, text.scope, findings, text.footer), charts_left, layout=layout, shrink=shrink)
        w, h = _svg_size(spec)
        if w > page_w + 0.5:  # a chart's labels made the page wider: narrow the charts
            shrink += int(w - page_w) + 1
            continue
        if h <= page_h:
            break
        if len(findings) > BRIEFING_MIN_FINDINGS:  # keep the key charts: cut the later findings first
            findings = findings[:-1]
            if not findings[-1].endswith(MORE_FINDINGS):
                findings[-1] = findings[-1] + MORE_FINDINGS
        elif len(charts_left) > 1:
            charts_left.pop()
        elif len(findings) > 1:
            findings = findings[:-1]
            if not findings[-1].endswith(MORE_FINDINGS):
                findings[-1] = findings[-1] + MORE_FINDINGS
        elif charts_left:
            charts_left.pop()
        else:
            break
    gap = int(page_h - h)
    if gap > 0:  # fill the page to its exact height, above the footer
        spacer = {"width": 1, "height": max(1, gap - spec["spacing"]), "mark": "point", "data": {"values": []}}
        spec["vconcat"].insert(len(spec["vconcat"]) - 1, spacer)
    return spec


def briefing_spec(
    *, title: str, charts: Sequence[Any], findings: Sequence[str], prov: Provenance, subtitle: str | None = None, layout: str = "a4"
) -> dict:
    """One Vega-Lite spec on one page: title, scope, key charts, plain-language findings, provenance footer."""
    text = BriefingText(title, [subtitle] if subtitle else [], list(findings), [METHODS_LINE, *prov.lines()])
    return fit_page(text, charts, layout=layout)


def briefing_png(spec: dict, *, scale: float = PNG_SCALE) -> bytes:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(spec, scale=scale)


def briefing_pdf(spec: dict) -> bytes:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_pdf(spec)


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF (counts page objects; enough for the PDFs made here)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def briefing_charts(view: CompareView, *, top: int = BRIEFING_TOP) -> list:
    """The key Compare charts, drawn from the Compare view itself: tone by dyad and language, topics, entities."""
    from lib.output import charts  # imported when a briefing is made: Altair is not needed to draw a page's text

    out = []
    tone = view.summary.tone
    if not tone.empty and (tone["n_sentences"] > 0).any():
        out.append(charts.tone_summary_chart(tone, legend_line=False).properties(height=34 * max(1, tone["language"].nunique())))
    shares = view.topics.shares
    if not shares.empty and shares["share"].max() > 0:
        keep = shares.groupby("topic_id")["share"].max().nlargest(top).index
        out.append(
            charts.topic_compare_chart(shares[shares["topic_id"].isin(keep)], legend_line=False).properties(
                height=BRIEFING_BAR_PAIR * len(keep)
            )
        )
    rates = view.entity_rates[~view.entity_rates["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    if not rates.empty:
        n = min(top, rates["entity_id"].nunique())
        out.append(
            charts.entity_compare_chart(
                rates, top=top, subtitle="The two countries of each relationship left out", legend_line=False
            ).properties(height=BRIEFING_BAR_PAIR * n)
        )
    return out


def _span_text(articles: pd.DataFrame) -> str:
    first, last = date_span(focal_articles(articles))
    undated = int(focal_articles(articles)["date"].isna().sum())
    span = f"{first} to {last}" if first else "no dated articles"
    return span + (f" ({undated} undated)" if undated else "")


def briefing_text(view: CompareView, articles: pd.DataFrame, *, scope: str, prov: Provenance) -> BriefingText:
    """The words of the briefing of ``view`` (made from ``articles``, the filtered corpus)."""
    focal = focal_articles(articles)
    first, last = date_span(focal)
    period = f", {first[:7]} to {last[:7]}" if first and last and first[:7] != last[:7] else (f", {first[:7]}" if first else "")
    title = f"How English and Arabic news covered US–Turkey and Russia–Turkey relations{period}"
    outlets = source_options(focal)
    shown = ", ".join(outlets[:8]) + (f" and {len(outlets) - 8} more" if len(outlets) > 8 else "")
    per = []
    tone = view.summary.tone
    for d in FOCAL_DYADS:
        rows = tone[tone["dyad"] == d]
        langs = ", ".join(f"{r.language_label} {r.n_articles}" for r in rows.itertuples() if r.n_articles)
        per.append(f"{DYAD_LABELS[d]} {int((focal['dyad'] == d).sum())} ({langs or 'none'})")
    n = {d: int((focal["dyad"] == d).sum()) for d in FOCAL_DYADS}
    common_basis = f" ({basis(n)})"
    scope_lines = [
        f"Articles: {'; '.join(per)}. Articles on both relationships ({view.summary.n_both}) are counted in neither.",
        f"Outlets ({len(outlets)}): {shown or 'none'}. Dates: {_span_text(articles)}.",
        f"Selection: {scope}. Unless a finding says otherwise, it is {basis(n)}.",
    ]
    # the volume finding repeats the first scope line; a finding on all articles need not repeat their count
    found = [f.text.replace(common_basis, "") for f in view.findings if f.kind != "volume"]
    return BriefingText(title, scope_lines, found, [METHODS_LINE, *prov.lines()])


def briefing_for_view(
    view: CompareView,
    articles: pd.DataFrame,
    *,
    fingerprint: str,
    pipeline_version: str,
    scope: str = "all articles",
    layout: str = "a4",
    now: datetime | None = None,
) -> dict:
    """The one-page briefing of a Compare view (``articles``: the filtered corpus it was made from)."""
    prov = provenance(articles, fingerprint=fingerprint, pipeline_version=pipeline_version, now=now)
    return fit_page(briefing_text(view, articles, scope=scope, prov=prov), briefing_charts(view), layout=layout)


def briefing_for(
    corpus: Mapping[str, pd.DataFrame] | Any,
    *,
    fingerprint: str,
    pipeline_version: str,
    scope: str = "all articles",
    layout: str = "a4",
    now: datetime | None = None,
) -> dict:
    """The briefing spec of a corpus (or of a filtered part of it, named by ``scope``)."""
    view = compare_view(corpus)
    return briefing_for_view(
        view, corpus["articles"], fingerprint=fingerprint, pipeline_version=pipeline_version, scope=scope, layout=layout, now=now
    )


# --- provenance on single exports -------------------------------------------------------

#: Font size of the provenance footer under an exported chart.
FOOTER_SIZE = 9


def with_footer(chart: Any, lines: Sequence[str]) -> dict:
    """The chart's spec with ``lines`` (filters, counts, corpus, date) printed under it,
    so an exported image says where its numbers come from."""
    spec = chart_spec(chart)
    if not lines:
        return spec
    top = {k: spec.pop(k) for k in ("$schema", "config", "background", "datasets", "padding") if k in spec}
    spec.pop("autosize", None)
    width = int(spec["width"]) if isinstance(spec.get("width"), int | float) else DEFAULT_WIDTH
    text = _wrapped(lines, width=max(width, 360), size=FOOTER_SIZE)
    footer = _text_block(text, width=max(width, 360), size=FOOTER_SIZE, color="#555")
    return {**top, "vconcat": [spec, footer], "spacing": 10}


def table_about(df: pd.DataFrame, lines: Sequence[str]) -> pd.DataFrame:
    """A two-column table (What, Value) describing an exported table: its provenance lines and its size."""
    rows = [line.split(": ", 1) if ": " in line else [line, ""] for line in lines]
    rows.append(["Rows", str(len(df))])
    return pd.DataFrame(rows, columns=["What", "Value"])
