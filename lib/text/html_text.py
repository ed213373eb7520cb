"""HTML page -> its main text and metadata.

Drops scripts, styles, navigation, headers, footers, asides, forms and
elements whose class or id names site furniture; keeps the ``<article>`` (or
``<main>``) element when it holds most of the page's text; drops blocks that
are mostly link text. See :func:`html_to_text`.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from html.parser import HTMLParser

from lib.text.cleaning import parse_date
from lib.text.tables import normalise_language

#: Elements whose content is never article text.
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "canvas",
        "iframe",
        "object",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "head",
    }
)
#: Elements that end a line of text.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "tr",
        "table",
        "blockquote",
        "pre",
        "figcaption",
        "dd",
        "dt",
        "hr",
    }
)
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr", "param"})
#: class/id words that mark site furniture (menus, share bars, related links, cookie banners).
_FURNITURE_ATTR_RE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|footer|header|masthead|sidebar|share|sharing|social|related|recommended|comments?|"
    r"advert|ads?|promo|cookie|consent|newsletter|subscribe|popup|modal|tags?)($|[\s_-])",
    re.IGNORECASE,
)
#: Within a block, the share of characters inside links above which the block
#: is a list of links (navigation, "more stories"), not prose.
MAX_LINK_SHARE = 0.6
#: The <article>/<main> element is trusted as the main text when it holds at
#: least this share of the page's visible text.
MIN_MAIN_SHARE = 0.25
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0]+")

_META_KEYS = {
    "title": ("og:title", "twitter:title", "headline", "dc.title"),
    "date": (
        "article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "og:published_time",
        "publication_date",
    ),
    "source": ("og:site_name", "application-name", "publisher", "dc.publisher"),
    "url": ("og:url",),
}


class _MainTextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, str | None]] = []  # (tag, skipping, region)
        self._open: Counter[str] = Counter()  # tags on the stack, so a stray end tag costs O(1)
        self.blocks: list[tuple[str | None, str, int]] = []  # (region, text, chars in links)
        self._buf: list[str] = []
        self._link_chars = 0
        self._in_link = 0
        self.meta: dict[str, str] = {}
        self.title_tag: list[str] = []
        self.h1: list[str] = []
        self._in_title = False
        self._in_h1 = False
        self.lang: str | None = None
        self.canonical: str | None = None

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def region(self) -> str | None:
        return self.stack[-1][2] if self.stack else None

    def _flush(self) -> None:
        text = _WS_RE.sub(" ", "".join(self._buf)).strip()
        if text:
            self.blocks.append((self.region, text, self._link_chars))
        self._buf = []
        self._link_chars = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
        if tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.canonical = a["href"].strip()
        if tag == "title":
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in _VOID_TAGS:
            return
        furniture = _FURNITURE_ATTR_RE.search(f"{a.get('class', '')} {a.get('id', '')} {a.get('role', '')}") is not None
        skipping = self.skipping or tag in _SKIP_TAGS or (furniture and tag not in ("body", "html", "article", "main"))
        region = tag if tag in ("article", "main") else self.region
        self.stack.append((tag, skipping, region))
        self._open[tag] += 1
        if tag == "a":
            self._in_link += 1
        if tag == "h1" and not skipping:
            self._in_h1 = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in _VOID_TAGS or not self._open[tag]:
            return  # a stray end tag
        while self.stack:
            open_tag, _, _ = self.stack.pop()
            self._open[open_tag] -= 1
            if open_tag == "a":
                self._in_link = max(0, self._in_link - 1)
            if open_tag == "h1":
                self._in_h1 = False
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_tag.append(data)
            return
        if self.skipping:
            return
        self._buf.append(data)
        if self._in_link:
            self._link_chars += len(data.strip())
        if self._in_h1:
            self.h1.append(data)

    def close(self) -> None:
        """End of the page, without HTMLParser's own ``close``.

        ``feed`` stops at the first construct that never ends (a ``<a`` or
        ``<!--`` without its ``>``) and keeps the rest; ``HTMLParser.close``
        then re-reads that rest once per ``<`` in it, which takes minutes on
        200 kB of unclosed tags. A browser drops a tag or comment cut off by
        the end of the file, and so do we; text held back only because it
        ends in an unfinished character reference is kept.
        """
        rest = self.rawdata
        self.rawdata = ""
        if rest and not rest.startswith("<") and not self.cdata_elem:
            self.handle_data(html_lib.unescape(rest))
        self._flush()


def _clean_ws(s: str) -> str:
    return _WS_RE.sub(" ", s).strip()


def html_to_text(html: str, *, parse_dates: bool = True) -> tuple[str, dict]:
    """Main text of an HTML page, one paragraph per line pair, and its metadata.

    With ``parse_dates`` the date is ISO or absent; without, the page's date
    is returned as written, for the caller to check and report.

    Drops scripts, styles, navigation, headers, footers, asides, forms and
    elements whose class or id names site furniture; keeps the ``<article>``
    (or ``<main>``) element's text when it holds most of the page; drops
    blocks that are mostly link text. Metadata comes from ``<meta>`` tags,
    the ``<h1>`` or ``<title>``, ``<link rel=canonical>`` and ``<html lang>``.
    """
    p = _MainTextParser()
    p.feed(html)
    p.close()
    blocks = [(region, text) for region, text, links in p.blocks if links / max(len(text), 1) <= MAX_LINK_SHARE]
    total = sum(len(t) for _, t in blocks)
    for region in ("article", "main"):
        inside = [(r, t) for r, t in blocks if r == region]
        if inside and sum(len(t) for _, t in inside) >= MIN_MAIN_SHARE * total:
            blocks = inside
            break
    paragraphs = [t for _, t in blocks]
    meta: dict[str, str] = {}
    for fld, keys in _META_KEYS.items():
        for k in keys:
            if p.meta.get(k):
                meta[fld] = _clean_ws(p.meta[k])
                break
    h1 = _clean_ws("".join(p.h1))
    title = h1 or meta.get("title") or _clean_ws("".join(p.title_tag))
    if title:
        meta["title"] = title
        if not paragraphs or _clean_ws(paragraphs[0]) != title:
            paragraphs.insert(0, title)
    if "date" in meta and parse_dates:
        iso = parse_date(meta["date"])
        if iso:
            meta["date"] = iso
        else:
            meta.pop("date")
    if "url" not in meta and p.canonical:
        meta["url"] = p.canonical
    lang = normalise_language(p.lang)
    if lang:
        meta["language"] = lang
    return "\n\n".join(paragraphs), meta
