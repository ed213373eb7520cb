"""What an import yields, and the limits it works within.

:class:`Item` is one article found in a file (its text and metadata) or the
error that refused it; :class:`ImportResult` is the items of one import and
how each table file's columns were mapped (:class:`TableMapping`).
:class:`Limits` holds every size limit applied on import, and
:func:`article_item` checks one article against them. Shared by the format
readers (``lib.text.tables``) and the entry points (``lib.text.importers``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lib.errors import ArticleError, ConfigError, EmptyArticleError, InvalidFieldError, TooLargeError
from lib.text.dates import DateProblem, checked_date
from lib.text.reading import MAX_FILE_BYTES

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


def refused(file: str, error: ArticleError) -> ImportResult:
    """A result of one item: ``file``, refused with ``error``."""
    return ImportResult(items=[Item(file=file, error=error)])


def suffix_of(name: str) -> str:
    """A file name's suffix, lower-cased; a backslash counts as a folder separator."""
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def article_item(file: str, text: str, metadata: dict, *, limits: Limits, where: str = "") -> Item:
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
