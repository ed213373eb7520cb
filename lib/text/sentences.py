"""Sentence splitting per language, with character offsets.

English: a rule-based splitter that knows news abbreviations (Sept., U.S.,
Dr., Gen.), initials and decimals. It is deterministic and fast, so spaCy
runs only its NER component (the slowest stage) and never decides sentence
boundaries. Arabic: ``.`` ``؟`` ``?`` ``!`` and line breaks end a sentence;
the Arabic comma ``،`` does not. Every sentence is returned as ``(start,
end)`` offsets into the text, trimmed of outer white space.
"""

from __future__ import annotations

import re

#: Words that end with a full stop without ending the sentence (lower-cased,
#: without the stop). Months, titles, and common news abbreviations.
ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cmdr",
        "adm",
        "sgt",
        "cpl",
        "pvt",
        "rev",
        "fr",
        "sr",
        "jr",
        "st",
        "sen",
        "rep",
        "gov",
        "pres",
        "amb",
        "sec",
        "supt",
        "insp",
        "det",
        "hon",
        "inc",
        "corp",
        "co",
        "ltd",
        "llc",
        "plc",
        "bros",
        "dept",
        "est",
        "approx",
        "no",
        "nos",
        "vol",
        "fig",
        "vs",
        "etc",
        "al",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.a",
        "u.a.e",
        "d.c",
        "a.m",
        "p.m",
        "i.e",
        "e.g",
    ]
)

_EN_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|[.!?]+[\"'”’)\]]*$")
_AR_BOUNDARY_RE = re.compile(r"[.!?؟]+[\"'”’»)\]]*(?=\s)|[.!?؟]+[\"'”’»)\]]*$")
_PREV_TOKEN_RE = re.compile(r"(\S+)$")
_LINE_RE = re.compile(r"[^\n]+")


def _line_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _LINE_RE.finditer(text)]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _is_english_boundary(text: str, punct_start: int, punct_end: int) -> bool:
    mark = text[punct_start]
    rest = text[punct_end:].lstrip()
    if rest and rest[0].islower():
        return False
    if mark != ".":
        return True
    m = _PREV_TOKEN_RE.search(text[:punct_start])
    if not m:
        return True
    prev = m.group(1).lstrip("\"'“‘([").lower()
    if prev in ABBREVIATIONS:
        return False
    # Initials and dotted acronyms: "J. Smith", "U.S." (U.S is caught above).
    return not (len(prev) == 1 and prev.isalpha()) and not re.fullmatch(r"(?:[a-z]\.)+[a-z]", prev)


def split_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``; lines never join across a line break."""
    boundary = _AR_BOUNDARY_RE if language == "ar" else _EN_BOUNDARY_RE
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        cut = 0
        for m in boundary.finditer(line):
            if language == "ar" or _is_english_boundary(line, m.start(), m.end()):
                span = _trimmed(text, line_start + cut, line_start + m.end())
                if span:
                    spans.append(span)
                cut = m.end()
        span = _trimmed(text, line_start + cut, line_end)
        if span:
            spans.append(span)
    return spans
