"""Read article files: bytes -> text, with the encoding found and clear errors.

Accepted encodings, in the order they are tried: UTF-8 (with or without BOM),
UTF-16/UTF-32 with a BOM, then Windows-1256 (common for Arabic). Windows-1256
maps almost every byte to some character, so a cp1256 reading is accepted only
when it looks like text (see ``_looks_like_text``); anything else is refused
with an error naming the file.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lib.errors import BinaryFileError, DecodeError, EmptyArticleError, TooLargeError, UnsupportedFormatError

#: Largest article file read, in bytes. Real news articles are 2–50 kB; 5 MB
#: of plain text is a book, not an article, and would stall the pipeline.
MAX_FILE_BYTES = 5_000_000

#: File suffixes read as plain-text articles.
TEXT_SUFFIXES = (".txt", ".md")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Share of characters that must be ordinary text for a cp1256 reading to be
#: believed. Genuine cp1256 Arabic is ~100 % Arabic letters, ASCII and
#: punctuation; random bytes decoded as cp1256 are mostly Latin-1 symbols.
_CP1256_MIN_TEXT_SHARE = 0.95

#: Share of control characters above which bytes are taken as binary.
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class RawDocument:
    """One decoded input file."""

    file: str
    text: str
    encoding: str


#: Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) other
#: than the white space \t \n \v \f \r.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    ok = 0
    for ch in text:
        cp = ord(ch)
        if ch.isspace() or 0x20 <= cp < 0x7F or 0x0600 <= cp <= 0x06FF or ch in "«»–—’‘“”…":
            ok += 1
    return ok / len(text) >= _CP1256_MIN_TEXT_SHARE and any(0x0621 <= ord(c) <= 0x064A for c in text)


def decode_bytes(data: bytes, *, file: str) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` or raise an error naming ``file``."""
    if not data.strip():
        raise EmptyArticleError(file, "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(file, f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}") from exc
            return _checked(text, file=file), encoding
    if b"\x00" in data:
        raise BinaryFileError(file, "looks like a binary file (it contains NUL bytes), not a text article")
    try:
        return _checked(data.decode("utf-8"), file=file), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256", errors="replace")
    if _looks_like_text(text):
        return _checked(text, file=file), "cp1256"
    raise DecodeError(file, "cannot be decoded: it is not UTF-8, UTF-16 with a byte-order mark, or Windows-1256 text")


def _checked(text: str, *, file: str) -> str:
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise BinaryFileError(file, "looks like a binary file (many control characters), not a text article")
    if not text.strip():
        raise EmptyArticleError(file, "the file contains only white space")
    return text


def read_regular_file(path: str | os.PathLike, *, max_bytes: int, file: str | None = None) -> bytes:
    """The bytes of the ordinary file at ``path``, at most ``max_bytes`` of them.

    Anything else named on a command line is refused before a byte is read:
    a device (``/dev/zero`` never ends), a named pipe (never returns until
    someone writes), a socket or a folder. The size is checked on the opened
    file, and the read stops one byte past the limit, so a file that grows
    meanwhile cannot pass it either.
    """
    label = file or str(path)
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UnsupportedFormatError(label, f"cannot be read: {exc.strerror or exc}") from exc
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = UnsupportedFormatError(label, "is a folder, not a file")
    elif not stat.S_ISREG(info.st_mode):
        problem = UnsupportedFormatError(label, "is not an ordinary file (a device, pipe or socket); only files are read")
    elif info.st_size > max_bytes:
        problem = TooLargeError(label, f"is {info.st_size:,} bytes; the limit for this kind of file is {max_bytes:,} bytes")
    if problem is not None:
        os.close(fd)
        raise problem
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise UnsupportedFormatError(label, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise TooLargeError(label, f"grew past {max_bytes:,} bytes, the limit for this kind of file, while it was read")
    return data


def read_document(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> RawDocument:
    """Read and decode one article file (an ordinary file of at most ``max_bytes``)."""
    p = Path(path)
    text, encoding = decode_bytes(read_regular_file(p, max_bytes=max_bytes), file=str(p))
    return RawDocument(file=str(p), text=text, encoding=encoding)


def collect_paths(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of article files.

    A folder contributes its ``.txt``/``.md`` files (recursively); a file named
    directly is always returned, whatever its suffix, so reading it reports
    what is wrong with it instead of skipping it silently.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES))
        else:
            out.append(p)
    return out


def content_hash(text: str) -> str:
    """Hash of the text with line endings and outer white space normalised."""
    norm = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def text_identity(cleaned: str) -> str:
    """The id of an article by its cleaned text: white space collapsed, so the
    same article read from a .txt, a CSV row, JSON or HTML gets one id."""
    norm = " ".join(unicodedata.normalize("NFC", cleaned).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def article_id_for(text: str) -> str:
    """Stable article id: the same text always gets the same id."""
    return content_hash(text)[:16]
