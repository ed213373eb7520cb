"""Latin-script folding shared by every English matcher.

``fold`` removes diacritics (Erdoğan -> Erdogan, Çavuşoğlu -> Cavusoglu),
unifies apostrophes and dashes, one character for one, so offsets found in
folded text are offsets in the original.
"""

from __future__ import annotations

import unicodedata
from functools import cache

_APOSTROPHES = "’‘ʼ`´"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


@cache
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if ch == "ı":
        return "i"
    if ord(ch) < 128:
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        self[code] = out = _fold_char(chr(code))
        return out


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` without diacritics, with plain apostrophes and hyphens; same length."""
    return text if text.isascii() else text.translate(_TABLE)
