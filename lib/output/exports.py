"""Exports for briefings: tables as CSV/XLSX, charts as PNG/SVG, provenance (the one-page briefing is ``lib.output.briefing``).

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from lib.errors import CoverageError
from lib.views.common import (
    DYAD_LABELS,
    LANGUAGE_LABELS,
)

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
def register_fonts() -> tuple[str, ...]:
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

    register_fonts()
    return vlc.vegalite_to_png(chart_spec(chart), scale=scale)


def chart_svg(chart: Any) -> bytes:
    """The chart as SVG (text kept as text; fonts named, not embedded)."""
    import vl_convert as vlc

    register_fonts()
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


# --- text in a chart (the briefing's blocks, a chart's footer) ------------------------------


def chars_per_line(width: int, size: int, *, bold: bool = False) -> int:
    """Characters of DejaVu Sans (average advance ≈ 0.58 em, bold ≈ 0.68 em) that fit ``width`` points at ``size``."""
    return max(20, int(width / (size * (0.68 if bold else 0.58))))


def text_block(lines: Sequence[str], *, width: int, size: int = 11, color: str = "#222", weight: str = "normal", left: int = 0) -> dict:
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


def wrapped(texts: Iterable[str], *, width: int, size: int, bullet: str = "", bold: bool = False) -> list[str]:
    lines: list[str] = []
    per = chars_per_line(width, size, bold=bold) - len(bullet)
    for t in texts:
        wrapped = textwrap.wrap(t, width=per) or [""]
        lines.append(bullet + wrapped[0])
        lines.extend(" " * len(bullet) + w for w in wrapped[1:])
    return lines


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
    text = wrapped(lines, width=max(width, 360), size=FOOTER_SIZE)
    footer = text_block(text, width=max(width, 360), size=FOOTER_SIZE, color="#555")
    return {**top, "vconcat": [spec, footer], "spacing": 10}


def table_about(df: pd.DataFrame, lines: Sequence[str]) -> pd.DataFrame:
    """A two-column table (What, Value) describing an exported table: its provenance lines and its size."""
    rows = [line.split(": ", 1) if ": " in line else [line, ""] for line in lines]
    rows.append(["Rows", str(len(df))])
    return pd.DataFrame(rows, columns=["What", "Value"])
