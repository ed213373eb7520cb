"""Turn uploaded files into articles: (file name, bytes) -> items.

Pure functions, no storage and no analysis: every function takes a file's
name and bytes and returns a list of :class:`Item` — one per article found,
each with its text and metadata, or with the error that refused it. One bad
file (or one bad row of a CSV, or one bad member of a zip) becomes one
refused item; it never stops the others.

Formats: ``.txt``/``.md`` (plain text; Markdown markup dropped), ``.html``
(main text extracted; navigation and site furniture dropped), ``.csv`` and
``.json``/``.jsonl`` (one article per row, columns mapped by
:func:`detect_mapping` unless the caller gives a mapping), and ``.zip``
archives of these. Archives are read member by member in chunks with a
running total, so a zip bomb is refused after reading at most the limit,
whatever its headers claim.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from lib.errors import (
    ArticleError,
    ConfigError,
    DecodeError,
    EmptyArticleError,
    InvalidFieldError,
    TooLargeError,
    UnsupportedFormatError,
)
from lib.text.cleaning import parse_date
from lib.text.dates import DateProblem, checked_date
from lib.text.reading import MAX_FILE_BYTES, decode_bytes, read_regular_file

MB = 1_000_000

# --- limits -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Every size limit applied on import, in one place.

    Each can be set by an environment variable (see :meth:`from_env`); the
    upload limit must agree with ``server.maxUploadSize`` in
    ``.streamlit/config.toml``, which Streamlit enforces before we see a byte.
    """

    #: Largest uploaded file (an archive or a CSV of many articles). Matches
    #: ``server.maxUploadSize = 50`` (MB) in ``.streamlit/config.toml``.
    max_upload_bytes: int = 50 * MB
    #: Largest single article file (.txt/.md/.html), as for ``analyze``.
    max_file_bytes: int = MAX_FILE_BYTES
    #: Most members read from one archive: a briefing corpus is tens to
    #: hundreds of articles; 2,000 leaves room and bounds a run at minutes.
    max_archive_files: int = 2_000
    #: Most bytes unpacked from one archive, counted as they are read (zip
    #: bombs claim small sizes and expand to gigabytes).
    max_unpacked_bytes: int = 200 * MB
    #: Longest article text kept, in characters. News articles run 2–50 k
    #: characters; 200 k is a long report. Longer texts stall the pipeline.
    max_text_chars: int = 200_000
    #: Most rows read from one CSV/JSON file.
    max_rows: int = 20_000
    #: Most articles taken from one upload — every file and archive member
    #: together — so that four tables of ``max_rows`` in one small zip are
    #: not four times the work a table may be.
    max_articles: int = 20_000
    #: Longest title, source, URL, date or language field, in characters.
    #: Headlines run to ~300 characters and URLs rarely pass 2,000; the title
    #: is analysed with the text, so it must be bounded like the text.
    max_field_chars: int = 2_000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: int) -> Limits:
        """Defaults, then environment variables, then ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, var in LIMIT_ENV_VARS.items():
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                raise ConfigError(f"the environment variable {var}={raw!r} is not a whole number (write e.g. {var}=20000)") from None
            if value <= 0:
                raise ConfigError(f"the environment variable {var}={raw!r} must be a positive whole number")
            values[name] = value
        values.update(overrides)
        return cls(**values)

    def describe(self) -> dict[str, str]:
        """Human-readable limits, for the Corpus page and the CLI help."""
        return {
            "upload size": f"{self.max_upload_bytes / MB:g} MB per file",
            "article file": f"{self.max_file_bytes / MB:g} MB per .txt/.md/.html file",
            "files in an archive": f"{self.max_archive_files:,}",
            "unpacked archive size": f"{self.max_unpacked_bytes / MB:g} MB",
            "article length": f"{self.max_text_chars:,} characters",
            "rows per table": f"{self.max_rows:,}",
            "articles per upload": f"{self.max_articles:,}",
            "title, source, URL or date": f"{self.max_field_chars:,} characters",
        }


#: Environment variable for each limit.
LIMIT_ENV_VARS = {
    "max_upload_bytes": "COVERAGE_MAX_UPLOAD_BYTES",
    "max_file_bytes": "COVERAGE_MAX_FILE_BYTES",
    "max_archive_files": "COVERAGE_MAX_ARCHIVE_FILES",
    "max_unpacked_bytes": "COVERAGE_MAX_UNPACKED_BYTES",
    "max_text_chars": "COVERAGE_MAX_TEXT_CHARS",
    "max_rows": "COVERAGE_MAX_ROWS",
    "max_articles": "COVERAGE_MAX_ARTICLES",
    "max_field_chars": "COVERAGE_MAX_FIELD_CHARS",
}

# --- results ------------------------------------------------------------------------

#: Metadata fields an article can carry besides its text.
FIELDS = ("title", "date", "source", "url", "language")
#: Fields a table column can be mapped to; ``text`` is required.
MAPPED_FIELDS = ("text", *FIELDS)

#: Column names recognised for each field (compared lower-cased, with spaces,
#: dashes and underscores removed), best first.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "articletext", "fulltext", "maintext", "story", "النص", "المحتوى"),
    "title": ("title", "headline", "heading", "head", "العنوان"),
    "date": ("date", "published", "publishedat", "publicationdate", "pubdate", "datepublished", "publishdate", "datetime", "التاريخ"),
    "source": ("source", "publisher", "site", "sitename", "outlet", "publication", "domain", "المصدر"),
    "url": ("url", "link", "href", "uri", "permalink", "الرابط"),
    "language": ("language", "lang", "languagecode", "اللغة"),
}

#: Key of ``mappings`` that applies to every table file.
ALL_TABLES = "*"

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson")
ARCHIVE_SUFFIXES = (".zip",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + TABLE_SUFFIXES + ARCHIVE_SUFFIXES
#: Archives inside archives are refused, not opened: each level multiplies
#: what a small upload can unpack to.
NESTED_ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst")
#: Members that archivers add and nobody means to import.
_ARCHIVE_NOISE_RE = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$)")

#: Bytes read from an archive member at a time.
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Item:
    """One article found in a file, or the error that refused it."""

    file: str
    text: str | None = None
    metadata: dict = field(default_factory=dict)
    error: ArticleError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class TableMapping:
    """How one CSV/JSON file's columns were mapped to article fields."""

    file: str
    columns: tuple[str, ...]
    mapping: dict[str, str | None]
    n_rows: int
    auto: bool  # True when detected, False when the caller gave it


@dataclass
class ImportResult:
    items: list[Item] = field(default_factory=list)
    tables: list[TableMapping] = field(default_factory=list)

    def extend(self, other: ImportResult) -> None:
        self.items.extend(other.items)
        self.tables.extend(other.tables)


class UploadBudget:
    """Articles an upload may still yield (:attr:`Limits.max_articles`), shared by its files.

    Pass one to every :func:`import_file` call of one upload (as
    :func:`import_files` does); a call without one has the whole limit.
    """

    def __init__(self, limits: Limits) -> None:
        self.limit = limits.max_articles
        self.left = limits.max_articles

    def refusal(self, file: str, n: int, *, more_than: bool = False) -> TooLargeError | None:
        """An error when ``n`` (or, with ``more_than``, more than ``n``) further
        articles would pass the limit; else None, and they are taken."""
        if n > self.left or more_than:
            return TooLargeError(
                file,
                f"holds {'more than ' if more_than else ''}{n:,} articles; with the {self.limit - self.left:,} before it in this "
                f"upload that passes {self.limit:,}, the limit per upload — import it separately",
            )
        self.left -= n
        return None


def _refused(file: str, error: ArticleError) -> ImportResult:
    return ImportResult(items=[Item(file=file, error=error)])


def suffix_of(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


# --- entry point --------------------------------------------------------------------


def import_file(
    name: str,
    data: bytes,
    *,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
    budget: UploadBudget | None = None,
) -> ImportResult:
    """Read one uploaded file into items; never raises for bad input.

    ``mappings`` maps a table file's name (as it appears in
    ``ImportResult.tables``, e.g. ``"batch.zip/rows.csv"``), or ``"*"`` for
    every table file, to a column mapping that replaces the detected one.
    """
    lim = limits or Limits()
    budget = budget or UploadBudget(lim)
    if len(data) > lim.max_upload_bytes:
        return _refused(name, TooLargeError(name, f"is {len(data):,} bytes; the upload limit is {lim.max_upload_bytes:,} bytes"))
    suffix = suffix_of(name)
    if suffix in ARCHIVE_SUFFIXES:
        return read_zip(name, data, limits=lim, mappings=mappings, budget=budget)
    return _read_member(name, data, limits=lim, mappings=mappings, budget=budget)


def import_files(
    files: Iterable[tuple[str, bytes]],
    *,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
) -> ImportResult:
    """:func:`import_file` over several files (one upload), results in order.

    All the files together yield at most :attr:`Limits.max_articles` articles;
    a file that would pass the limit is refused whole.
    """
    lim = limits or Limits()
    budget = UploadBudget(lim)
    out = ImportResult()
    for name, data in files:
        out.extend(import_file(name, data, limits=lim, mappings=mappings, budget=budget))
    return out


def _read_member(name: str, data: bytes, *, limits: Limits, mappings: dict | None, budget: UploadBudget) -> ImportResult:
    """One non-archive file."""
    suffix = suffix_of(name)
    try:
        if suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
            if len(data) > limits.max_file_bytes:
                raise TooLargeError(name, f"is {len(data):,} bytes; the limit for one article file is {limits.max_file_bytes:,} bytes")
            if err := budget.refusal(name, 1):
                raise err
            text, _ = decode_bytes(data, file=name)
            meta: dict = {}
            if suffix in HTML_SUFFIXES:
                text, meta = html_to_text(text, parse_dates=False)
            elif suffix != ".txt":
                text = strip_markdown(text)
            return ImportResult(items=[_article(name, text, meta, limits=limits)])
        if suffix in TABLE_SUFFIXES:
            text, _ = decode_bytes(data, file=name)
            # Parsing stops at the first row past either limit, so an upload's work is bounded by them.
            cap = min(limits.max_rows, budget.left)
            reader = read_json if suffix != ".csv" else read_csv
            try:
                rows, columns = reader(name, text, limits=limits, max_rows=cap)
            except _TooManyRows:
                if cap == limits.max_rows:
                    raise TooLargeError(name, f"has more than {cap:,} rows; the limit is {cap:,} per file") from None
                raise budget.refusal(name, cap, more_than=True) from None
            budget.refusal(name, len(rows))  # within the cap: always taken
            given = mappings or {}
            return rows_to_items(name, rows, columns, limits=limits, mapping=given.get(name, given.get(ALL_TABLES)))
        if suffix in NESTED_ARCHIVE_SUFFIXES:
            raise UnsupportedFormatError(name, "is an archive format that is not read; upload a .zip of .txt/.md/.html/.csv/.json files")
        raise UnsupportedFormatError(
            name, f"has an unsupported type {suffix or '(no suffix)'!r}; accepted: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    except ArticleError as exc:
        return _refused(name, exc)


def _article(file: str, text: str, metadata: dict, *, limits: Limits, where: str = "") -> Item:
    """An item for one article's text, checked for emptiness and length, its
    fields checked for length and its date for being a real publication date.
    ``where`` (e.g. "line 7: ") starts every message."""
    meta = {k: v for k, v in metadata.items() if v is not None}
    error: ArticleError | None = None
    if not text or not text.strip():
        error = EmptyArticleError(file, f"{where}no article text was found")
    elif len(text) > limits.max_text_chars:
        error = TooLargeError(file, f"{where}the article is {len(text):,} characters long; the limit is {limits.max_text_chars:,}")
    else:
        long = [(k, len(str(v))) for k, v in meta.items() if len(str(v)) > limits.max_field_chars]
        if long:
            fld, n = long[0]
            error = TooLargeError(
                file, f"{where}the {fld} is {n:,} characters long; the limit for a {fld} is {limits.max_field_chars:,} characters"
            )
        elif meta.get("date"):
            try:
                meta["date"] = checked_date(str(meta["date"]))
            except DateProblem as exc:
                error = InvalidFieldError(file, f"{where}{exc}")
    if error is not None:
        return Item(file=file, error=error, metadata={k: v for k, v in meta.items() if len(str(v)) <= limits.max_field_chars})
    return Item(file=file, text=text, metadata=meta)


# --- archives -----------------------------------------------------------------------


#: Unix file types in a zip member's external attributes (high 16 bits).
_S_IFMT, _S_IFREG = 0o170000, 0o100000


def _member_type_problem(m: zipfile.ZipInfo) -> str | None:
    """Why a member is not an ordinary file (a symbolic link, a device…), or None."""
    if m.create_system != 3:  # only Unix archivers record file types
        return None
    kind = (m.external_attr >> 16) & _S_IFMT
    if kind in (0, _S_IFREG):
        return None
    return "is a symbolic link, not a file; links are not followed" if kind == 0o120000 else "is not an ordinary file"


def read_zip(
    name: str, data: bytes, *, limits: Limits | None = None, mappings: dict | None = None, budget: UploadBudget | None = None
) -> ImportResult:
    """Every member of a zip archive, each read with a running size total.

    The whole archive is refused when it has too many members, when its
    headers declare more than the unpacked limit, or when the bytes actually
    unpacked pass it (a header can lie; the count cannot).
    """
    lim = limits or Limits()
    budget = budget or UploadBudget(lim)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        return _refused(name, UnsupportedFormatError(name, f"is not a readable zip archive ({exc})"))
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not _ARCHIVE_NOISE_RE.search(m.filename)]
        if not members:
            return _refused(name, EmptyArticleError(name, "the archive contains no files"))
        if len(members) > lim.max_archive_files:
            return _refused(name, TooLargeError(name, f"holds {len(members):,} files; the limit is {lim.max_archive_files:,} per archive"))
        declared = sum(m.file_size for m in members)
        if declared > lim.max_unpacked_bytes:
            return _refused(
                name, TooLargeError(name, f"would unpack to {declared:,} bytes; the limit is {lim.max_unpacked_bytes:,} bytes per archive")
            )
        out = ImportResult()
        room = lim.max_unpacked_bytes  # bytes that may still be unpacked
        for m in members:
            label = f"{name}/{m.filename}"
            suffix = suffix_of(m.filename)
            if suffix in NESTED_ARCHIVE_SUFFIXES:
                out.items.append(
                    Item(file=label, error=UnsupportedFormatError(label, "is an archive inside an archive; nested archives are not opened"))
                )
                continue
            if suffix not in SUPPORTED_SUFFIXES:
                out.extend(_read_member(label, b"", limits=lim, mappings=mappings, budget=budget))  # the unsupported-type message
                continue
            if problem := _member_type_problem(m):
                out.items.append(Item(file=label, error=UnsupportedFormatError(label, problem)))
                continue
            if m.flag_bits & 0x1:
                out.items.append(Item(file=label, error=UnsupportedFormatError(label, "is encrypted; encrypted archives are not read")))
                continue
            cap = lim.max_file_bytes if suffix in TEXT_SUFFIXES + HTML_SUFFIXES else lim.max_upload_bytes
            try:
                payload = _read_capped(zf, m, member_cap=cap, budget=room)
            except _ArchiveTooLarge as exc:
                return _refused(
                    name,
                    TooLargeError(name, f"unpacks to more than {lim.max_unpacked_bytes:,} bytes ({exc}); refused as a possible zip bomb"),
                )
            except _MemberTooLarge:
                out.items.append(
                    Item(file=label, error=TooLargeError(label, f"unpacks to more than {cap:,} bytes, the limit for this kind of file"))
                )
                room -= cap
                continue
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
                out.items.append(Item(file=label, error=UnsupportedFormatError(label, f"cannot be unpacked: {exc}")))
                continue
            room -= len(payload)
            out.extend(_read_member(label, payload, limits=lim, mappings=mappings, budget=budget))
        return out


class _ArchiveTooLarge(Exception):
    pass


class _MemberTooLarge(Exception):
    pass


def _read_capped(zf: zipfile.ZipFile, member: zipfile.ZipInfo, *, member_cap: int, budget: int) -> bytes:
    """Read a member in chunks, stopping as soon as either limit is passed."""
    parts: list[bytes] = []
    total = 0
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                raise _ArchiveTooLarge(f"passed the limit while reading {member.filename!r}")
            if total > member_cap:
                raise _MemberTooLarge
            parts.append(chunk)
    return b"".join(parts)


# --- HTML ---------------------------------------------------------------------------

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


# --- Markdown -----------------------------------------------------------------------

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


# --- tables (CSV / JSON) ------------------------------------------------------------

_LANGUAGE_NAMES = {
    "english": "en",
    "arabic": "ar",
    "العربية": "ar",
    "عربي": "ar",
    "الإنجليزية": "en",
    "انجليزي": "en",
    "turkish": "tr",
    "russian": "ru",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "persian": "fa",
    "farsi": "fa",
}
_LANG_CODE_RE = re.compile(r"^([a-z]{2,3})([-_][a-z0-9]+)*$")


def normalise_language(value: object) -> str | None:
    """ISO 639-1 code from a language field ('English', 'en-US', 'ar'), or None."""
    if value is None:
        return None
    s = str(value).strip().lower()
    if not s:
        return None
    if s in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[s]
    m = _LANG_CODE_RE.match(s)
    return m.group(1) if m else None


def _norm_col(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", str(name).strip().lower())


def detect_mapping(columns: Iterable[str]) -> dict[str, str | None]:
    """Map each article field to the column that names it, or None.

    >>> detect_mapping(["Headline", "Body", "Published"])
    {'text': 'Body', 'title': 'Headline', 'date': 'Published', 'source': None, 'url': None, 'language': None}
    """
    cols = list(columns)
    normed = {_norm_col(c): c for c in reversed(cols)}  # first column wins on a clash
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for fld in MAPPED_FIELDS:
        out[fld] = None
        for syn in COLUMN_SYNONYMS[fld]:
            col = normed.get(_norm_col(syn))
            if col is not None and col not in taken:
                out[fld] = col
                taken.add(col)
                break
    return out


def check_mapping(file: str, mapping: dict[str, str | None], columns: Iterable[str]) -> dict[str, str | None]:
    """A complete mapping (every field present) that names only real columns."""
    cols = set(columns)
    unknown_fields = set(mapping) - set(MAPPED_FIELDS)
    if unknown_fields:
        raise UnsupportedFormatError(
            file, f"the column mapping names unknown fields {sorted(unknown_fields)}; fields are {', '.join(MAPPED_FIELDS)}"
        )
    full = {fld: (mapping.get(fld) or None) for fld in MAPPED_FIELDS}
    missing = [c for c in full.values() if c is not None and c not in cols]
    if missing:
        raise UnsupportedFormatError(file, f"the column mapping names columns that are not in the file: {missing}")
    if full["text"] is None:
        raise UnsupportedFormatError(file, f"no column holds the article text; columns are {sorted(cols)} — choose the text column")
    return full


#: Delimiters a CSV file may use, in order of preference on a tie.
CSV_DELIMITERS = (",", ";", "\t", "|")


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV file, read from its header line.

    csv.Sniffer also guesses quoting from the data and gets it wrong on
    cells such as a lone '"'; a header line names columns, so the character
    it repeats most is the delimiter, and the quoting is the standard one.
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


#: Most columns a table file may have: an article table has a handful; a
#: header of thousands of names is not one, and every name becomes a choice
#: in the column-mapping menus.
MAX_TABLE_COLUMNS = 200


@dataclass(frozen=True)
class Row:
    """One record of a table file, or the reason it cannot be read.

    ``key`` ends the item's label (``rows.csv#row3``, ``rows.jsonl#line58``);
    ``where`` starts its messages (``"line 7: "``) so the user can find it.
    """

    key: str
    where: str
    fields: dict | None = None
    error: str | None = None
    error_type: type[ArticleError] = DecodeError


class _TooManyRows(Exception):
    pass


def _checked_columns(file: str, columns: list[str], *, limits: Limits) -> list[str]:
    if len(columns) > MAX_TABLE_COLUMNS:
        raise UnsupportedFormatError(file, f"has {len(columns):,} columns; an article table has at most {MAX_TABLE_COLUMNS}")
    long = [c for c in columns if len(c) > limits.max_field_chars]
    if long:
        raise TooLargeError(file, f"has a column name of {len(long[0]):,} characters; the limit is {limits.max_field_chars:,}")
    return columns


class _Lines:
    """The lines of a text, read one at a time by csv.reader, with a position
    that can be moved back to resume after a malformed record."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text).readlines()
        self.i = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.i >= len(self.lines):
            raise StopIteration
        self.i += 1
        return self.lines[self.i - 1]


def read_csv(file: str, text: str, *, limits: Limits | None = None, max_rows: int | None = None) -> tuple[list[Row], list[str]]:
    """Rows of a CSV file (delimiter read from the header: , ; tab |) and its columns.

    Quoting is read strictly. A record that breaks it — a quote opened and
    never closed, text after a closing quote — would otherwise swallow the
    rows after it into one cell; instead it becomes one refused row naming
    the line it starts on, and reading resumes on the next line, so the rows
    after it keep their numbers. A row with more cells than the header has
    columns is refused too (its cells cannot be matched to columns).
    """
    lim = limits or Limits()
    cap = lim.max_rows if max_rows is None else max_rows
    csv.field_size_limit(max(csv.field_size_limit(), lim.max_upload_bytes))  # long article cells are normal here
    body = text.lstrip("\ufeff")
    delimiter = csv_delimiter(body)
    src = _Lines(body)
    reader = csv.reader(src, delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DecodeError(file, f"the header row cannot be read as CSV ({exc}, line {src.i})") from exc
    if not header:
        raise EmptyArticleError(file, "the CSV file has no header row")
    columns = _checked_columns(file, [c for c in header], limits=lim)
    rows: list[Row] = []
    while True:
        first = src.i + 1  # the line this record starts on
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(
                Row(
                    key=f"row{len(rows) + 1}",
                    where=f"line {first}: ",
                    error=f"this row is not valid CSV ({exc}, found on line {src.i}): "
                    "a quote opened in it is not closed, or text follows a closing quote; "
                    "the row is skipped and reading goes on at the next line",
                )
            )
            src.i = first  # resume on the line after the one this record started on
            reader = csv.reader(src, delimiter=delimiter, strict=True)
        else:
            if not cells or cells == [""]:
                continue  # a blank line
            where = f"line {first}: "
            extra = [c for c in cells[len(columns) :] if c.strip()]
            if extra:
                rows.append(
                    Row(
                        key=f"row{len(rows) + 1}",
                        where=where,
                        error_type=UnsupportedFormatError,
                        error=f"this row has {len(cells)} cells but the header names {len(columns)} columns "
                        f"(an unquoted {delimiter!r} inside a cell?)",
                    )
                )
            else:
                rows.append(Row(key=f"row{len(rows) + 1}", where=where, fields=dict(zip(columns, cells, strict=False))))
        if len(rows) > cap:
            raise _TooManyRows
    return rows, columns


#: Keys of a JSON object that hold its list of articles.
_JSON_LIST_KEYS = ("articles", "items", "data", "records", "rows", "results")


#: Most digits in a JSON integer. No article field is a number this long;
#: Python refuses to convert past 4,300 digits, with a message about itself.
MAX_JSON_INT_DIGITS = 100


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"a number of {len(digits):,} digits; no article field is a number that long")
    return int(digits)


def _json_loads(file: str, text: str, *, one_line: bool = False) -> object:
    """``json.loads`` with every failure turned into a sentence: bad syntax,
    nesting deeper than Python's parser goes, numbers too long to convert."""
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
        raise DecodeError(file, f"is not valid JSON: {exc.msg} at {at}") from exc
    except RecursionError as exc:
        raise DecodeError(file, "is nested too deeply to read; an article table is a list of flat objects") from exc
    except ValueError as exc:
        raise DecodeError(file, f"holds a value that cannot be read: {exc}") from exc


def _json_columns(file: str, rows: list[Row], *, limits: Limits) -> list[str]:
    seen: dict[str, None] = {}
    for r in rows:
        if r.fields:
            seen.update(dict.fromkeys(r.fields))
            if len(seen) > MAX_TABLE_COLUMNS:
                break
    return _checked_columns(file, list(seen), limits=limits)


def _json_row(key: str, where: str, value: object) -> Row:
    if isinstance(value, dict):
        return Row(key=key, where=where, fields=value)
    return Row(
        key=key,
        where=where,
        error=f"this row is a JSON {type(value).__name__}, not an object with named fields",
        error_type=UnsupportedFormatError,
    )


def read_json(file: str, text: str, *, limits: Limits | None = None, max_rows: int | None = None) -> tuple[list[Row], list[str]]:
    """Rows of a JSON file (a list of objects, or an object holding one) or JSON Lines.

    JSON Lines are read line by line: a line that is not a JSON object is one
    refused row naming its line; the others go in.
    """
    lim = limits or Limits()
    cap = lim.max_rows if max_rows is None else max_rows
    rows: list[Row] = []
    if suffix_of(file) in (".jsonl", ".ndjson"):
        for n, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
            if not line.strip():
                continue
            key, where = f"line{n}", f"line {n}: "
            try:
                value = _json_loads(file, line, one_line=True)
            except DecodeError as exc:
                rows.append(Row(key=key, where=where, error=f"the line {exc.message}"))
            else:
                rows.append(_json_row(key, where, value))
            if len(rows) > cap:
                raise _TooManyRows
    else:
        doc = _json_loads(file, text.lstrip("\ufeff"))
        if isinstance(doc, dict):
            lists = [v for k, v in doc.items() if isinstance(v, list) and k.lower() in _JSON_LIST_KEYS]
            doc = lists[0] if lists else [doc]
        if not isinstance(doc, list):
            raise UnsupportedFormatError(file, "JSON must be a list of article objects (or an object with an 'articles' list)")
        if len(doc) > cap:
            raise _TooManyRows
        for i, value in enumerate(doc, start=1):
            rows.append(_json_row(f"row{i}", f"row {i}: ", value))
    return rows, _json_columns(file, rows, limits=lim)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return None
    s = str(value).strip()
    return s or None


def rows_to_items(
    file: str,
    rows: list[Row],
    columns: list[str],
    *,
    limits: Limits | None = None,
    mapping: dict[str, str | None] | None = None,
) -> ImportResult:
    """One item per row, fields taken from the mapped columns; a row that could
    not be read is a refused item naming its line."""
    lim = limits or Limits()
    if not rows:
        return ImportResult(items=[Item(file=file, error=EmptyArticleError(file, "the table has no rows"))])
    if len(rows) > lim.max_rows:
        return _refused(file, TooLargeError(file, f"has {len(rows):,} rows; the limit is {lim.max_rows:,} per file"))
    if all(r.fields is None for r in rows):  # nothing to map: every row's own reason
        return _row_items(file, rows, dict.fromkeys(MAPPED_FIELDS), ImportResult(), limits=lim)
    auto = mapping is None
    try:
        full = check_mapping(file, detect_mapping(columns) if auto else mapping, columns)
    except ArticleError as exc:
        m = detect_mapping(columns) if auto else {fld: (mapping or {}).get(fld) for fld in MAPPED_FIELDS}
        return ImportResult(items=[Item(file=file, error=exc)], tables=[TableMapping(file, tuple(columns), m, len(rows), auto)])
    out = ImportResult(tables=[TableMapping(file, tuple(columns), full, len(rows), auto)])
    return _row_items(file, rows, full, out, limits=lim)


def _row_items(file: str, rows: list[Row], full: dict[str, str | None], out: ImportResult, *, limits: Limits) -> ImportResult:
    lim = limits
    for row in rows:
        label = f"{file}#{row.key}"
        if row.fields is None:
            out.items.append(Item(file=label, error=row.error_type(label, f"{row.where}{row.error}")))
            continue
        raw_text = row.fields.get(full["text"])
        if raw_text is not None and not isinstance(raw_text, str):
            if isinstance(raw_text, (dict, list)):
                out.items.append(
                    Item(
                        file=label,
                        error=UnsupportedFormatError(
                            label, f"{row.where}the text column {full['text']!r} holds a {type(raw_text).__name__}, not text"
                        ),
                    )
                )
                continue
            raw_text = str(raw_text)
        meta = {fld: _cell(row.fields.get(full[fld])) for fld in FIELDS if full[fld]}
        if meta.get("language"):
            meta["language"] = normalise_language(meta["language"])
        out.items.append(_article(label, raw_text or "", meta, limits=lim, where=row.where))
    return out


# --- files on disk --------------------------------------------------------------------


def collect_import_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to import: folders give their supported files (recursively, sorted);
    a file named directly is always kept, so its import reports what is wrong."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not _ARCHIVE_NOISE_RE.search(f.as_posix())
                )
            )
        else:
            out.append(p)
    return out


def import_path(
    path: str | os.PathLike,
    *,
    name: str | None = None,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
    budget: UploadBudget | None = None,
) -> ImportResult:
    """Read one ordinary file from disk into items, refusing an oversize file,
    a device, a named pipe or a folder before reading it."""
    lim = limits or Limits()
    p = Path(path)
    label = name or str(p)
    cap = lim.max_file_bytes if suffix_of(label) in TEXT_SUFFIXES + HTML_SUFFIXES else lim.max_upload_bytes
    try:
        data = read_regular_file(p, max_bytes=cap, file=label)
    except ArticleError as exc:
        return _refused(label, exc)
    return import_file(label, data, limits=lim, mappings=mappings, budget=budget)
