"""Integer keys for the views: per-table results made once, and article ids as numbers.

A filter's views look up the same articles again and again: each paired view
finds the compared articles' rows in its long table, and every interval finds
their resample weights. Looking up 10,000 article ids (text) costs
milliseconds each time; here each id gets a number once per process
(``ArticleKeys``), each table's ids are turned into those numbers once per
table (``table_keys``), and every later lookup indexes an integer array.

The corpus's tables are shared and never changed, so what is made from a
table (``kept``: its factorized columns, its keys, its compared articles)
is kept while the table lives. When the live corpus appends articles, the
factorized columns of each table it grew are extended to the grown table
(``lib.corpus.tables.on_append``): only the new rows are hashed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.corpus.tables import on_append

#: Results kept (``kept``), the least recently used dropped first: a few results for each of a
#: corpus's long tables, and for the articles table of each filter the session keeps.
MAX_KEPT = 64
_kept: dict[tuple[int, str], tuple[weakref.ref, Any]] = {}
_kept_lock = threading.Lock()


def kept(frame: pd.DataFrame, name: str, make: Callable[[], Any], *, valid: Callable[[Any], bool] = lambda _: True) -> Any:
    """``make()``, made once per table ``frame`` and ``name`` and kept while the table lives
    (at most MAX_KEPT results in all; ``valid`` says whether a kept one still holds).

    Only for tables that are never changed (the corpus's, and frames made from them):
    what is kept describes the table as it was."""
    key = (id(frame), name)
    with _kept_lock:
        got = _kept.get(key)
        if got is not None:
            _kept[key] = _kept.pop(key)  # the most recently used is dropped last
    if got is not None and got[0]() is frame and valid(got[1]):
        return got[1]
    value = make()
    with _kept_lock:
        for k in [k for k, v in _kept.items() if v[0]() is None]:
            del _kept[k]
        _kept[key] = (weakref.ref(frame), value)
        while len(_kept) > MAX_KEPT:
            _kept.pop(next(iter(_kept)))
    return value


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def factorized(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(each row's code, the distinct values sorted) of ``frame[column]`` (a missing value: −1),
    made once per table (``kept``): the views of every filter reuse them."""

    def make() -> tuple[np.ndarray, np.ndarray]:
        codes, values = pd.factorize(frame[column], sort=True)
        codes, values = codes.astype(np.int64), np.asarray(values, dtype=object)
        _read_only(codes, values)
        return codes, values

    return kept(frame, f"factorized\0{column}", make, valid=lambda got: len(got[0]) == len(frame))


def _extended(codes: np.ndarray, values: np.ndarray, added: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``factorized`` of a column that is the column of (``codes``, ``values``) with ``added`` at
    its end: only the added rows are hashed, and the values they bring are put in their sorted
    places (the old codes move up by how many of them sort before)."""
    add_codes, add_values = pd.factorize(added, sort=True)
    add_values = np.asarray(add_values, dtype=object)
    at = np.searchsorted(values, add_values) if len(values) else np.zeros(len(add_values), dtype=np.int64)
    known = (at < len(values)) & (values[np.minimum(at, len(values) - 1)] == add_values) if len(values) else np.zeros(len(at), dtype=bool)
    merged = np.insert(values, at[~known], add_values[~known]) if (~known).any() else values
    shift = np.searchsorted(np.sort(at[~known]), np.arange(len(values)), side="right")  # new values before each old one
    old_codes = np.where(codes >= 0, codes + shift[np.maximum(codes, 0)] if len(shift) else -1, -1)
    new_of = np.searchsorted(merged, add_values) if len(add_values) else np.zeros(0, dtype=np.int64)
    add = np.where(add_codes >= 0, new_of[np.maximum(add_codes, 0)] if len(new_of) else -1, -1)
    out = np.concatenate([old_codes, add]).astype(np.int64)
    merged = np.asarray(merged, dtype=object)
    _read_only(out, merged)
    return out, merged


def _extend_kept(before: pd.DataFrame, after: pd.DataFrame) -> None:
    """``after`` is ``before`` with rows added at its end (``lib.corpus.tables.on_append``): the
    factorized columns kept for ``before`` are extended to ``after`` instead of made again."""
    with _kept_lock:
        found = [
            (name, got[1])
            for (fid, name), got in _kept.items()
            if fid == id(before) and got[0]() is before and name.startswith("factorized\0")
        ]
    for name, (codes, values) in found:
        column = name.split("\0", 1)[1]
        if column in after.columns and len(codes) == len(before):
            grown = _extended(codes, values, after[column].iloc[len(before) :])
            kept(after, name, lambda grown=grown: grown, valid=lambda got: len(got[0]) == len(after))


on_append(_extend_kept)


#: Article ids a process numbers before it starts afresh (a long-running server comparing
#: ever new corpora); what is kept per article key (resample weights) goes with them.
MAX_ARTICLE_KEYS = 250_000


class ArticleKeys:
    """A number for every article id seen by this process: 0, 1, 2… in the order first seen.

    Arrays indexed by key (a side's positions, resample weights) replace
    lookups of ids. Keys are only added, so a key once given keeps its id.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index = pd.Index([], dtype=object)

    def __len__(self) -> int:
        return len(self._index)

    def keys_of(self, ids: np.ndarray) -> np.ndarray:
        """The key of each of ``ids`` (text, object array), numbering the ones not seen before."""
        with self._lock:
            keys = self._index.get_indexer(ids)
            if (keys < 0).any():
                self._index = self._index.append(pd.Index(pd.unique(ids[keys < 0]), dtype=object))
                keys = self._index.get_indexer(ids)
            return keys.astype(np.int64)

    def ids(self, keys: np.ndarray) -> np.ndarray:
        """The article id of each key (object array)."""
        return self._index.to_numpy(dtype=object)[keys]


_current = ArticleKeys()
_current_lock = threading.Lock()


def article_keys() -> ArticleKeys:
    """This process's article keys (started afresh beyond MAX_ARTICLE_KEYS)."""
    global _current
    with _current_lock:
        if len(_current) > MAX_ARTICLE_KEYS:
            _current = ArticleKeys()
        return _current


def id_array(ids: Sequence) -> np.ndarray:
    """``ids`` as a NumPy array of text (object)."""
    if isinstance(ids, np.ndarray) and ids.dtype == object:
        return ids
    return np.asarray(pd.Index(ids).astype(str), dtype=object)


def table_keys(frame: pd.DataFrame, registry: ArticleKeys) -> np.ndarray:
    """The key in ``registry`` of each distinct ``article_id`` of ``frame`` (in ``factorized`` order), made once per table."""

    def make() -> tuple[ArticleKeys, np.ndarray]:
        _codes, values = factorized(frame, "article_id")
        keys = registry.keys_of(id_array(values)) if len(values) else np.zeros(0, dtype=np.int64)
        _read_only(keys)
        return registry, keys

    return kept(frame, "article keys", make, valid=lambda got: got[0] is registry)[1]


@dataclass(frozen=True)
class KeySet:
    """Articles as keys of one ``ArticleKeys``: a list of ids looked up once, then indexed as an array."""

    registry: ArticleKeys
    keys: np.ndarray

    @classmethod
    def of(cls, ids: Sequence) -> KeySet:
        """The keys of ``ids`` (article ids, as text) in this process's ``article_keys``."""
        registry = article_keys()
        return cls(registry, registry.keys_of(id_array(ids)))

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, where: np.ndarray) -> KeySet:
        """The articles at ``where`` (positions or a mask), as a KeySet."""
        return KeySet(self.registry, self.keys[where])

    def ids(self) -> np.ndarray:
        return self.registry.ids(self.keys)
