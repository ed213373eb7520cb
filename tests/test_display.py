"""Names shown to people: invisible and control characters escaped, Markdown made plain text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.text.display import INVISIBLE_CATEGORIES, MAX_SHOWN_CHARS, markdown_literal, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("invoice_\u202ecod.txt", "invoice_\\u202ecod.txt"),  # right-to-left override
        ("\u2067yekruT\u2069", "\\u2067yekruT\\u2069"),  # right-to-left isolate
        ("a.txt\n[2/2] added     forged.txt", "a.txt\\n[2/2] added     forged.txt"),
        ("x\r\ty", "x\\r\\ty"),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),  # terminal escape sequences
        ("a\x9bb", "a\\x9bb"),  # C1 control sequence introducer
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("line\u2028sep", "line\\u2028sep"),
        ("تقرير أنقرة.txt", "تقرير أنقرة.txt"),  # Arabic is text, not a trick
        ("plain name (1).csv#row2", "plain name (1).csv#row2"),
        (None, ""),
    ],
)
def test_visible_escapes_what_changes_the_display(raw, shown):
    assert visible(raw) == shown


def test_visible_cuts_very_long_names_and_says_so():
    shown = visible("t" * 1_000_000)
    assert len(shown) < MAX_SHOWN_CHARS + 40
    assert shown.endswith("(1,000,000 characters)")
    assert visible("t" * 1000, max_chars=None) == "t" * 1000


@given(st.text())
def test_visible_leaves_no_invisible_character(s):
    shown = visible(s, max_chars=None)
    assert not [ch for ch in shown if unicodedata.category(ch) in INVISIBLE_CATEGORIES]


@pytest.mark.parametrize(
    "raw",
    [
        "![t](http://127.0.0.1:9/x.png)",
        "[x](http://example.com)",
        "**bold** _em_ `code` # heading",
        ":material/warning: :red[red] $x^2$",
        "<img src=x onerror=alert(1)>",
        "http://example.com www.example.com",
    ],
)
def test_markdown_literal_escapes_every_markdown_character(raw):
    out = markdown_literal(raw)
    # every ASCII punctuation that Markdown reads is preceded by a backslash
    i = 0
    while i < len(out):
        if out[i] == "\\":
            i += 2
            continue
        assert out[i] not in "[]()!*_`#:<>$.", (raw, out, i)
        i += 1
    assert out.replace("\\", "") == raw.replace("\\", "")


def test_markdown_literal_shows_invisible_characters_too():
    assert markdown_literal("a\u202eb") == "a\\\\u202eb"
