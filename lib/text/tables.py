"""Tables (CSV / JSON / JSON Lines) -> one article per row.

:func:`read_csv` and :func:`read_json` read a file into :class:`Row` records
and its columns; :func:`detect_mapping` maps columns to article fields by
their names (:func:`check_mapping` checks a mapping the caller gives);
:func:`rows_to_items` makes one item per row. A row that cannot be read is
one refused item naming its line; it never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lib.errors import ArticleError, DecodeError, EmptyArticleError, TooLargeError, UnsupportedFormatError
from lib.text.items import ImportResult, Item, Limits, TableMapping, article_item, refused, suffix_of

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


class TooManyRows(Exception):
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
            raise TooManyRows
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
                raise TooManyRows
    else:
        doc = _json_loads(file, text.lstrip("\ufeff"))
        if isinstance(doc, dict):
            lists = [v for k, v in doc.items() if isinstance(v, list) and k.lower() in _JSON_LIST_KEYS]
            doc = lists[0] if lists else [doc]
        if not isinstance(doc, list):
            raise UnsupportedFormatError(file, "JSON must be a list of article objects (or an object with an 'articles' list)")
        if len(doc) > cap:
            raise TooManyRows
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
        return refused(file, TooLargeError(file, f"has {len(rows):,} rows; the limit is {lim.max_rows:,} per file"))
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
        out.items.append(article_item(label, raw_text or "", meta, limits=lim, where=row.where))
    return out
