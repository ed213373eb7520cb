"""Every table's columns and dtypes, in one place.

Pages, exports, the CLI and the tests all read column names from here, so a
column renamed in one module cannot silently go missing in another.
``validate`` checks a DataFrame against its schema and returns it with the
declared column order and dtypes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.errors import SchemaError

# pandas extension dtypes keep "missing" distinct from 0 / "" / False.
STR = "string"
INT = "Int64"
FLOAT = "Float64"
BOOL = "boolean"

#: Pipeline version: bump whenever a change alters any analysed output, so
#: stored results computed by an older pipeline are recomputed
#: (``tests/test_pipeline_version.py`` fails when an analysis data file changes without a bump).
PIPELINE_VERSION = "1.8.0"

DYADS = ("us-turkey", "russia-turkey", "both", "other")
#: Dyads whose articles get the full analysis (the rest get the cheap pass only).
RELEVANT_DYADS = ("us-turkey", "russia-turkey", "both")
#: How deeply an article was analysed: ``full`` (every stage) or ``triage``
#: (the cheap pass: cleaning, language, sentences, gazetteer entities, dyad).
DEPTHS = ("full", "triage")
LANGUAGES_ANALYSED = ("en", "ar")
STATUSES = ("ok", "not_analysed", "error")

TABLES: dict[str, dict[str, str]] = {
    # One row per input file (including files that failed).
    "articles": {
        "article_id": STR,
        "file": STR,
        "title": STR,
        "date": STR,  # ISO yyyy-mm-dd, only when the text states it
        "source": STR,
        "url": STR,
        "language": STR,
        "dyad": STR,  # final: user override when given, else dyad_auto
        "dyad_auto": STR,
        "dyad_reason": STR,
        "n_sentences": INT,
        "n_words": INT,
        "tone": FLOAT,
        "share_negative": FLOAT,
        "share_positive": FLOAT,
        "tone_method": STR,
        "status": STR,
        "error": STR,
        "depth": STR,  # full | triage (see DEPTHS)
        "content_hash": STR,
        "text": STR,  # the cleaned text: every offset in other tables points into it
    },
    "sentences": {
        "article_id": STR,
        "sentence_id": INT,
        "start": INT,
        "end": INT,
        "text": STR,
        "tone": FLOAT,
        "tone_method": STR,
        "vader_pos": FLOAT,
        "vader_neu": FLOAT,
        "vader_neg": FLOAT,
        "lexicon_tone": FLOAT,  # Arabic lexicon score, kept beside a model score
    },
    "mentions": {
        "article_id": STR,
        "sentence_id": INT,
        "entity_id": STR,
        "surface": STR,
        "start": INT,  # offsets into the cleaned text
        "end": INT,
        "type": STR,
        "method": STR,
        "canonical": BOOL,
        # tone toward the entity in this sentence (lib.analysis.target_tone)
        "tone": FLOAT,  # P(positive) - P(negative) in English; the scope's tone in Arabic
        "tone_label": INT,  # -1 / 0 / 1
        "tone_method": STR,
    },
    "entities": {
        "entity_id": STR,
        "name_en": STR,
        "name_ar": STR,
        "type": STR,
        "subtype": STR,  # person role, organisation kind (media, think_tank…): data/gazetteer.csv
        "affiliation": STR,
        "qid": STR,
        "canonical": BOOL,
    },
    "boilerplate": {
        "article_id": STR,
        "kind": STR,
        "text": STR,
    },
    "dyad_evidence": {
        "article_id": STR,
        "side": STR,  # us | russia | turkey
        "entity_id": STR,
        "n_mentions": INT,
        "weight": FLOAT,
    },
    "entity_tone": {
        "article_id": STR,
        "entity_id": STR,
        "n_sentences": INT,
        "tone": FLOAT,
    },
    "topics": {
        "article_id": STR,
        "topic_id": STR,
        "share": FLOAT,
        "n_sentences": INT,
    },
    "sentence_topics": {
        "article_id": STR,
        "sentence_id": INT,
        "topic_id": STR,
        "evidence": STR,
    },
    "quotes": {
        "article_id": STR,
        "sentence_id": INT,
        "speaker": STR,
        "speaker_entity_id": STR,
        "affiliation": STR,
        "anonymous": BOOL,
        "quote": STR,
        "kind": STR,  # direct | reported
    },
    "topics_taxonomy": {
        "topic_id": STR,
        "label_en": STR,
        "label_ar": STR,
        "definition": STR,
        "keywords_en": STR,
        "keywords_ar": STR,
    },
}

#: Tables with one or more rows per article, keyed by article_id.
PER_ARTICLE_TABLES = tuple(name for name, cols in TABLES.items() if "article_id" in cols)

#: Tables of the article store (lib/store.py), shown on the Corpus page and
#: printed by the import command; not produced by the analysis pipeline.
STORE_TABLES: dict[str, dict[str, str]] = {
    # What happened to one imported item.
    "import_outcomes": {
        "file": STR,
        "outcome": STR,  # added | not_analysed | duplicate | rejected
        "reason": STR,
        "message": STR,
        "article_id": STR,
        "language": STR,
        "dyad": STR,
        "title": STR,
    },
    # The store's articles with the user's edits applied.
    "corpus_listing": {
        "article_id": STR,
        "file": STR,
        "origin": STR,
        "hidden": BOOL,
        "title": STR,
        "date": STR,
        "source": STR,
        "dyad": STR,
        "dyad_auto": STR,
        "language": STR,
        "status": STR,
        "error": STR,
        "depth": STR,  # full | triage; empty while pending analysis
        "dyad_reason": STR,  # why the computed dyad (e.g. "no Turkish actor named")
        "edited": STR,  # comma-separated fields the user edited
        "added_at": STR,
    },
}

_ALL_TABLES = {**TABLES, **STORE_TABLES}


def empty(name: str) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of table ``name``."""
    cols = _ALL_TABLES[name]
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})


def validate(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check ``df`` has every column of table ``name``; return it typed and ordered.

    Extra columns are an error too: a table that grew a column must grow here
    first, so exports and pages learn of it.
    """
    cols = _ALL_TABLES[name]
    missing = [c for c in cols if c not in df.columns]
    extra = [c for c in df.columns if c not in cols]
    if missing or extra:
        raise SchemaError(f"table {name!r}: missing columns {missing}, unexpected columns {extra}")
    if df.empty:
        return empty(name)
    out = df[list(cols)].copy()
    for col, dtype in cols.items():
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"table {name!r}: column {col!r} is not {dtype}: {exc}") from exc
    return out.reset_index(drop=True)


def from_rows(name: str, rows: list[dict]) -> pd.DataFrame:
    """Build table ``name`` from a list of row dicts (missing keys become NA)."""
    if not rows:
        return empty(name)
    cols = _ALL_TABLES[name]
    df = pd.DataFrame.from_records(rows)
    for c in cols:
        if c not in df.columns:
            df[c] = pd.NA
    return validate(name, df)


def _arrow_strings(column: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column's own Arrow data (no copy) when it holds Arrow-backed strings, else None."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return pa.array(column.array)
    return None


def _string_set(values, type_: pa.DataType) -> pa.Array | None:
    """``values`` as one Arrow array of strings (``None`` and NA as nulls), or None when they are not
    all strings. Arrow-backed values are taken as they are and a list is converted by Arrow, not
    value by value in Python (10,000 article ids, several times per view)."""
    if isinstance(values, (pd.Series, pd.Index)):
        arrow = _arrow_strings(pd.Series(values.array, copy=False))
        if arrow is not None:
            arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
            return arrow if arrow.type == type_ else arrow.cast(type_)
        values = values.astype(object).tolist()
    try:
        return pa.array(values if isinstance(values, list) else list(values), type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def isin(column: pd.Series, values) -> np.ndarray:
    """``column.isin(values)`` as a boolean array, fast for Arrow-backed strings.

    pandas builds one Arrow scalar per value for an Arrow string column: with
    the 10,000 article ids of a large corpus that is most of a view's time.
    Here the values become one Arrow array and Arrow tests membership.
    """
    data = _arrow_strings(column)
    if data is not None:
        vals = _string_set(values, data.type)
        if vals is None:  # values of other types: as pandas, they never match a string
            items = values.astype(object).tolist() if isinstance(values, (pd.Series, pd.Index)) else list(values)
            vals = pa.array([None if v is pd.NA else v for v in items if isinstance(v, str) or v is None or v is pd.NA], type=data.type)
        return np.asarray(pc.is_in(data, value_set=vals, skip_nulls=False).fill_null(False), dtype=bool)
    return column.isin(values).fillna(False).to_numpy(dtype=bool)


def index_in(column: pd.Series, values) -> np.ndarray:
    """The position of each value of ``column`` in ``values`` (distinct), −1 where absent:
    fast for Arrow-backed strings (Arrow looks them up), as ``isin``."""
    data = _arrow_strings(column)
    vals = _string_set(values, data.type) if data is not None else None
    if vals is not None and vals.null_count == 0:
        found = pc.index_in(data, value_set=vals)
        return np.asarray(found.fill_null(-1), dtype=np.int64)
    items = values.astype(object).tolist() if isinstance(values, (pd.Series, pd.Index)) else list(values)
    return pd.Index(items).get_indexer(column.astype(object))
