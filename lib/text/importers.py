"""Turn uploaded files into articles: (file name, bytes) -> items.

Pure functions, no storage and no analysis: every function takes a file's
name and bytes and returns a list of :class:`~lib.text.items.Item` — one per
article found, each with its text and metadata, or with the error that
refused it. One bad file (or one bad row of a CSV, or one bad member of a
zip) becomes one refused item; it never stops the others.

Formats: ``.txt``/``.md`` (plain text; Markdown markup dropped by
:mod:`lib.text.markdown`), ``.html`` (main text extracted by
:mod:`lib.text.html_text`; navigation and site furniture dropped), ``.csv``
and ``.json``/``.jsonl`` (one article per row, read by :mod:`lib.text.tables`,
columns mapped by :func:`~lib.text.tables.detect_mapping` unless the caller
gives a mapping), and ``.zip`` archives of these, read here. Archives are read
member by member in chunks with a running total, so a zip bomb is refused
after reading at most the limit, whatever its headers claim. Limits and
results are in :mod:`lib.text.items`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from lib.errors import ArticleError, EmptyArticleError, TooLargeError, UnsupportedFormatError
from lib.text.html_text import html_to_text
from lib.text.items import ImportResult, Item, Limits, article_item, refused, suffix_of
from lib.text.markdown import strip_markdown
from lib.text.reading import decode_bytes, read_regular_file
from lib.text.tables import TooManyRows, read_csv, read_json, rows_to_items

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
        return refused(name, TooLargeError(name, f"is {len(data):,} bytes; the upload limit is {lim.max_upload_bytes:,} bytes"))
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
            return ImportResult(items=[article_item(name, text, meta, limits=limits)])
        if suffix in TABLE_SUFFIXES:
            text, _ = decode_bytes(data, file=name)
            # Parsing stops at the first row past either limit, so an upload's work is bounded by them.
            cap = min(limits.max_rows, budget.left)
            reader = read_json if suffix != ".csv" else read_csv
            try:
                rows, columns = reader(name, text, limits=limits, max_rows=cap)
            except TooManyRows:
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
        return refused(name, exc)


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
        return refused(name, UnsupportedFormatError(name, f"is not a readable zip archive ({exc})"))
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not _ARCHIVE_NOISE_RE.search(m.filename)]
        if not members:
            return refused(name, EmptyArticleError(name, "the archive contains no files"))
        if len(members) > lim.max_archive_files:
            return refused(name, TooLargeError(name, f"holds {len(members):,} files; the limit is {lim.max_archive_files:,} per archive"))
        declared = sum(m.file_size for m in members)
        if declared > lim.max_unpacked_bytes:
            return refused(
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
                return refused(
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
        return refused(label, exc)
    return import_file(label, data, limits=lim, mappings=mappings, budget=budget)


#: Files per task when several processes read (``import_paths``).
READ_CHUNK = 64
#: Fewer files than this are read in this process: starting readers would cost more than it saves.
MIN_FILES_FOR_READERS = 256


def import_paths(
    paths: Iterable[str | os.PathLike],
    *,
    limits: Limits | None = None,
    mappings: dict[str, dict[str, str | None]] | None = None,
    workers: int = 1,
) -> Iterator[ImportResult]:
    """``import_path`` of each path, in their order. With ``workers`` > 1 and many files,
    that many processes read them (reading and cleaning is about a sixth of importing a
    feed of long articles, and would otherwise keep the other cores waiting)."""
    paths = list(paths)
    read = partial(import_path, limits=limits, mappings=mappings)
    if workers <= 1 or len(paths) < MIN_FILES_FOR_READERS:
        yield from map(read, paths)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read, paths, chunksize=READ_CHUNK)
