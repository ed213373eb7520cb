"""Long per-article rows over the two compared sides, as integer codes.

The paired views (entities, topics, speakers) count long rows — one per
article and entity, topic or speaker group — per relationship, and resample
each side's articles for the intervals. Mapping every row's article to its
dyad and grouping on strings was most of their time at 10,000 articles;
here each row is looked up once (``Coded.of``: its article's position among
the compared articles, and its key's code) and every count is a ``bincount``
over those codes.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from lib.schema import index_in
from lib.views.common import FOCAL_DYADS

#: Side codes: 0 is FOCAL_DYADS[0] (US–Turkey), 1 is FOCAL_DYADS[1] (Russia–Turkey).
SIDES = (0, 1)


@dataclass(frozen=True)
class Sides:
    """The compared articles (``focal_articles``), in their table's order, and each one's side."""

    ids: list[str]
    side: np.ndarray  # per article: 0 or 1
    language: np.ndarray  # per article: its language code (object), None where the table has none

    @classmethod
    def of(cls, focal: pd.DataFrame) -> Sides:
        """``focal`` holds the compared articles only (``article_id``, ``dyad`` of FOCAL_DYADS, ``language``)."""
        side = (focal["dyad"] == FOCAL_DYADS[1]).to_numpy(dtype=bool).astype(np.int64)
        language = focal["language"].to_numpy(dtype=object, na_value=None) if "language" in focal else np.full(len(focal), None)
        return cls(ids=focal["article_id"].astype(str).tolist(), side=side, language=language)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def id_array(self) -> np.ndarray:
        """``ids`` as a NumPy array (object)."""
        return np.asarray(self.ids, dtype=object)

    def members(self, s: int) -> np.ndarray:
        """Positions of side ``s``'s articles, in order."""
        return np.flatnonzero(self.side == s)

    def totals(self, values: np.ndarray) -> np.ndarray:
        """Per side, the sum of ``values`` (one per article)."""
        return np.bincount(self.side, weights=np.asarray(values, dtype=float), minlength=2)

    def aligned(self, by_article: pd.Series) -> np.ndarray:
        """``by_article`` (indexed by article id) as one float per compared article, 0 where absent."""
        return by_article.reindex(pd.Index(self.ids, dtype=object)).fillna(0).to_numpy(dtype=float)


#: Factorized columns (``factorized``) kept: a few long tables of one or two corpora, a column or two each.
FACTORIZED_KEPT = 32
_factorized: dict[tuple[int, str], tuple[weakref.ref, np.ndarray, np.ndarray]] = {}
_factorized_lock = threading.Lock()


def factorized(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(each row's code, the distinct values sorted) of ``frame[column]`` (a missing value: −1), made
    once per table: the corpus's tables are shared and never changed, so the views of every filter
    reuse them (kept while the table lives, at most FACTORIZED_KEPT)."""
    key = (id(frame), column)
    with _factorized_lock:
        got = _factorized.get(key)
    if got is not None and got[0]() is frame and len(got[1]) == len(frame):
        return got[1], got[2]
    codes, values = pd.factorize(frame[column], sort=True)
    codes, values = codes.astype(np.int64), np.asarray(values, dtype=object)
    for a in (codes, values):
        a.flags.writeable = False
    with _factorized_lock:
        for k in [k for k, v in _factorized.items() if v[0]() is None]:
            del _factorized[k]
        _factorized[key] = (weakref.ref(frame), codes, values)
        while len(_factorized) > FACTORIZED_KEPT:
            _factorized.pop(next(iter(_factorized)))
    return codes, values


@dataclass(frozen=True)
class Coded:
    """The rows of a long table that fall on the compared articles, as codes.

    ``rows`` are the kept rows' positions in the table; ``art`` each one's
    article (a position in ``sides.ids``); ``key`` its key's code in
    ``keys`` (the distinct keys, sorted); ``n`` what each row counts for.
    """

    sides: Sides
    rows: np.ndarray
    art: np.ndarray
    key: np.ndarray
    keys: np.ndarray
    n: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, sides: Sides, *, key: str, count: str | None = None, keep: np.ndarray | None = None) -> Coded:
        """The rows of ``frame`` on ``sides``' articles (and in ``keep``, when given), coded by ``key``;
        ``count`` names the column of what each row counts for (else each row counts 1).

        The article ids and keys of ``frame`` are factorized once per table (``factorized``): a
        filter looks up only the table's distinct articles among its own."""
        art, articles = factorized(frame, "article_id")
        where = index_in(pd.Series(articles, dtype=object), sides.ids) if len(articles) else np.zeros(0, dtype=np.int64)
        pos = np.where(art >= 0, where[np.maximum(art, 0)] if len(where) else -1, -1)
        ok = pos >= 0
        if keep is not None:
            ok &= keep
        rows = np.flatnonzero(ok)
        all_codes, all_keys = factorized(frame, key)
        codes = all_codes[rows]
        rows, codes = rows[codes >= 0], codes[codes >= 0]  # a row without a key is left out, as pandas' groupby leaves it
        present = np.zeros(len(all_keys), dtype=bool)
        present[codes] = True
        n = frame[count].iloc[rows].to_numpy(dtype=float, na_value=np.nan) if count else np.ones(len(rows))
        return cls(sides, rows, pos[rows], (np.cumsum(present) - 1)[codes].astype(np.int64), all_keys[present], n)

    def cells(self) -> np.ndarray:
        """Each row's (side, key) cell, as side × keys + key (the layout of ``totals``)."""
        return self.side * len(self.keys) + self.key

    def per_side(self, values: np.ndarray) -> np.ndarray:
        """2 × keys: ``values`` (one per row; a missing one adds nothing) summed per side and key."""
        k = len(self.keys)
        return np.bincount(self.cells(), weights=np.nan_to_num(np.asarray(values, dtype=float)), minlength=2 * k).reshape(2, k)

    def per_article_total(self) -> np.ndarray:
        """Each compared article's summed counts over every key."""
        return np.bincount(self.art, weights=np.nan_to_num(self.n), minlength=len(self.sides))

    @property
    def side(self) -> np.ndarray:
        return self.sides.side[self.art]

    def totals(self) -> np.ndarray:
        """2 × keys: the summed counts of each key on each side (a missing count adds nothing)."""
        return self.per_side(self.n)

    def n_articles(self) -> np.ndarray:
        """2 × keys: on each side, how many articles have a row of each key."""
        k = len(self.keys)
        pairs = pd.unique(self.art * k + self.key)  # hashed, not sorted
        art, key = np.divmod(pairs, k) if k else (pairs, pairs)
        return np.bincount(self.sides.side[art] * k + key, minlength=2 * k).reshape(2, k)

    def first(self, frame: pd.DataFrame, column: str, keys: list) -> pd.Series:
        """For each of ``keys``, ``column`` of its first kept row with a value (pandas' ``first``)."""
        chosen = np.flatnonzero(self.wanted(keys)[self.key])
        sub = frame[column].iloc[self.rows[chosen]]
        return sub.groupby(self.keys[self.key[chosen]]).first()

    def codes_of(self, keys: list) -> np.ndarray:
        """The code of each of ``keys``, −1 for a key with no row."""
        return pd.Index(self.keys, dtype=object).get_indexer(pd.Index(list(keys), dtype=object))

    def wanted(self, keys: list) -> np.ndarray:
        """Per key code: whether it is one of ``keys``."""
        wanted = np.zeros(len(self.keys), dtype=bool)
        codes = self.codes_of(keys)
        wanted[codes[codes >= 0]] = True
        return wanted

    def per_article(self, items: list, side: int) -> np.ndarray:
        """Side ``side``'s articles × ``items`` (keys): the summed counts of each article for each
        item, 0 where none (an item with no row here is all zeros)."""
        members = self.sides.members(side)
        out = np.zeros((len(members), len(items)))
        if not len(items) or not len(self.rows):
            return out
        item_of = np.full(len(self.keys), -1, dtype=np.int64)
        known = self.codes_of(items)
        item_of[known[known >= 0]] = np.flatnonzero(known >= 0)
        rank = np.full(len(self.sides), -1, dtype=np.int64)
        rank[members] = np.arange(len(members))
        col = item_of[self.key]
        ok = (col >= 0) & (self.side == side)
        np.add.at(out, (rank[self.art[ok]], col[ok]), np.nan_to_num(self.n[ok]))
        return out
