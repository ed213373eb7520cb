"""Markdown -> plain text: headings, links, images, emphasis, quotes, rules and
list markers dropped, their text kept. See :func:`strip_markdown`.
"""

from __future__ import annotations

import re

# Every pattern below is linear in the length of the text: a character class
# never includes the character that could start the next attempt (a link's text
# stops at "[", its address at "("), so no attempt re-reads what another read.
_MD_IMAGE_RE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)")
_MD_LINK_RE = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_MD_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.MULTILINE)
_MD_EMPHASIS_RES = tuple(
    re.compile(rf"(?<!\w){re.escape(d)}(?=\S)([^{re.escape(d[0])}\n]+)(?<=\S){re.escape(d)}(?!\w)") for d in ("**", "__", "*", "_", "`")
)
_MD_QUOTE_RE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_MD_RULE_RE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_MD_LIST_RE = re.compile(r"^([ \t]{0,12})([-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE)
#: The first non-blank characters a heading, rule, quote or list line can have.
_MD_LINE_STARTS = frozenset("#>-*_+0123456789")


def _heading(m: re.Match[str]) -> str:
    """A heading's text without its optional closing ``#`` run."""
    text = m.group(1).rstrip(" \t")
    bare = text.rstrip("#")
    if not bare:
        return ""
    return bare.rstrip(" \t") if bare != text and bare[-1] in " \t" else text


def strip_markdown(text: str) -> str:
    """Markdown to plain text: headings, links, images, emphasis, quotes, rules.

    Linear in the length of the text (see the patterns above)."""
    # Each pattern runs only when the character it needs is in the text
    # (most news has no emphasis or quotes): a bulk feed reads thousands of files.
    if "](" in text:
        text = _MD_IMAGE_RE.sub("", text)
        text = _MD_LINK_RE.sub(r"\1", text)
    # Headings, rules, quotes and list markers are line patterns: only a line
    # whose first non-blank character can start one is matched (a multi-line
    # pattern would try every position of the text), in the same order.
    lines = text.split("\n")
    for i, line in enumerate(lines):
        first = line.lstrip(" \t")[:1]
        if not first or first not in _MD_LINE_STARTS:
            continue
        if first == "#":
            line = _MD_HEADING_RE.sub(_heading, line)
        for rx, repl in ((_MD_RULE_RE, ""), (_MD_QUOTE_RE, ""), (_MD_LIST_RE, r"\1")):
            line = rx.sub(repl, line)
        lines[i] = line
    text = "\n".join(lines)
    for rx, mark in zip(_MD_EMPHASIS_RES, ("**", "__", "*", "_", "`"), strict=True):
        if mark in text:
            text = rx.sub(r"\1", text)
    return text
