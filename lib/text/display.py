"""Names and titles shown to people: what a string says, not what it makes a screen do.

A file name or title comes from the outside. Printed raw, a right-to-left
override (U+202E) shows ``invoice_<U+202E>cod.txt`` as "invoice_txt.doc", a
newline forges a second line of output, and an escape sequence recolours or
clears a terminal. :func:`visible` replaces every such character with a
visible escape (``\\u202e``, ``\\n``, ``\\x1b``) and leaves all other text —
Arabic letters included — as it is. :func:`markdown_literal` makes a string
plain text inside Markdown (no link, image, emphasis or icon), for widgets
that render Markdown and have no plain-text mode.
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode categories shown escaped: control characters (C0, C1: newline,
#: escape…), format characters (bidi overrides and isolates, zero-width
#: characters, the byte-order mark), line and paragraph separators, and lone
#: surrogates.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
#: Short escapes people recognise.
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Longest name or title shown; longer ones end with an ellipsis and their length.
MAX_SHOWN_CHARS = 300


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


def visible(name: object, *, max_chars: int | None = MAX_SHOWN_CHARS) -> str:
    """``name`` with control, bidi and other invisible characters shown as escapes.

    >>> visible("invoice_\\u202ecod.txt")
    'invoice_\\\\u202ecod.txt'
    >>> visible("ok\\n[2/2] added x")
    'ok\\\\n[2/2] added x'

    Longer than ``max_chars`` (``None``: no limit), it is cut and says how long it was.
    """
    s = "" if name is None else str(name)
    if max_chars is not None and len(s) > max_chars:
        s = f"{s[:max_chars]}… ({len(s):,} characters)"
    if s.isprintable():  # the common case: no control, format or separator character at all
        return s
    return "".join(_escape(ch) if _is_invisible(ch) else ch for ch in s)


#: ASCII punctuation that Markdown (CommonMark, GFM, and Streamlit's
#: additions: ``:icon:``, ``:color[…]``, ``$math$``) can give a meaning to.
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$=&\"'])")


def markdown_literal(text: object, *, max_chars: int | None = MAX_SHOWN_CHARS) -> str:
    """``text`` made :func:`visible`, then every Markdown-special character backslash-escaped,
    so that a Markdown renderer shows it as typed: ``![x](http://…)`` is text, not an image."""
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", visible(text, max_chars=max_chars))
