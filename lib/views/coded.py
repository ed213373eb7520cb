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

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from lib.views.common import FOCAL_DYADS, LANGUAGE_LABELS
from lib.views.keys import KeySet, article_keys, factorized, kept, table_keys

#: Side codes: 0 is FOCAL_DYADS[0] (US–Turkey), 1 is FOCAL_DYADS[1] (Russia–Turkey).
SIDES = (0, 1)


@dataclass(frozen=True)
class Sides:
    """The compared articles (``focal_articles``), in their table's order, and each one's side."""

    articles: KeySet  # the compared articles, as article keys (``lib.views.keys``)
    side: np.ndarray  # per article: 0 or 1
    language: np.ndarray  # per article: its language code (object), None where the table has none

    @classmethod
    def of(cls, focal: pd.DataFrame) -> Sides:
        """``focal`` holds the compared articles only (``article_id``, ``dyad`` of FOCAL_DYADS, ``language``).
        Made once per table (``keys.kept``): every view of a filter compares the same articles."""
        registry = article_keys()

        def make() -> Sides:
            side = (focal["dyad"] == FOCAL_DYADS[1]).to_numpy(dtype=bool).astype(np.int64)
            language = focal["language"].to_numpy(dtype=object, na_value=None) if "language" in focal else np.full(len(focal), None)
            codes, _ids = factorized(focal, "article_id")
            if (codes < 0).any():
                raise ValueError("every compared article needs an article_id")
            return cls(articles=KeySet(registry, table_keys(focal, registry)[codes]), side=side, language=language)

        return kept(focal, "sides", make, valid=lambda made: made.articles.registry is registry)

    def __len__(self) -> int:
        return len(self.side)

    @cached_property
    def language_number(self) -> np.ndarray:
        """Per article: its language's position in LANGUAGE_LABELS (−1: another or none), so that
        rows are grouped by language as numbers, not by comparing text."""
        out = np.full(len(self), -1, dtype=np.int64)
        for number, code in enumerate(LANGUAGE_LABELS):
            out[self.language == code] = number
        return out

    @cached_property
    def id_array(self) -> np.ndarray:
        """The compared articles' ids (object array)."""
        return self.articles.ids()

    @cached_property
    def ids(self) -> list[str]:
        return self.id_array.tolist()

    @cached_property
    def _rank(self) -> np.ndarray:
        rank = np.full(len(self.articles.registry), -1, dtype=np.int64)
        rank[self.articles.keys] = np.arange(len(self))
        return rank

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """The position among the compared articles of each article key (of ``articles.registry``), −1 where not compared."""
        rank = self._rank
        out = np.full(len(keys), -1, dtype=np.int64)
        known = keys < len(rank)
        out[known] = rank[keys[known]]
        return out

    def of_rows(self, frame: pd.DataFrame) -> np.ndarray:
        """For each row of ``frame`` (a table with ``article_id``), its article's position among the compared ones, −1 where not compared."""
        codes, _ids = factorized(frame, "article_id")
        where = self.positions(table_keys(frame, self.articles.registry))
        return np.where(codes >= 0, where[np.maximum(codes, 0)] if len(where) else -1, -1)

    def rows_in(self, frame: pd.DataFrame) -> np.ndarray:
        """Each compared article's row in ``frame`` (a table of one row per article, such as an
        article summary), −1 where it has none."""
        pos = self.of_rows(frame)
        out = np.full(len(self), -1, dtype=np.int64)
        ok = pos >= 0
        out[pos[ok]] = np.flatnonzero(ok)
        return out

    def values_in(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """``column`` of each compared article's row in ``frame`` (one row per article), as floats: 0 where
        it has no row or no value."""
        row = self.rows_in(frame)
        if not len(frame):
            return np.zeros(len(row))
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)[np.maximum(row, 0)]
        values[row < 0] = 0.0
        return np.nan_to_num(values)

    def members(self, s: int) -> np.ndarray:
        """Positions of side ``s``'s articles, in order."""
        return np.flatnonzero(self.side == s)

    def totals(self, values: np.ndarray) -> np.ndarray:
        """Per side, the sum of ``values`` (one per article)."""
        return np.bincount(self.side, weights=np.asarray(values, dtype=float), minlength=2)


def _pairs(frame: pd.DataFrame, key: str) -> tuple[np.ndarray, int]:
    """(each row's (article, ``key``) pair number, how many pairs) of ``frame``, made once per table."""

    def make() -> tuple[np.ndarray, int]:
        art, _ids = factorized(frame, "article_id")
        codes, keys = factorized(frame, key)
        pair, distinct = pd.factorize((art + 1) * (len(keys) + 1) + codes + 1)
        return pair.astype(np.int64), len(distinct)

    return kept(frame, f"pairs\0{key}", make)


@dataclass(frozen=True)
class Coded:
    """The rows of a long table that fall on the compared articles, as codes.

    ``rows`` are the kept rows' positions in the table; ``art`` each one's
    article (a position in ``sides.ids``); ``key`` its key's code in
    ``keys`` (the distinct keys, sorted); ``n`` what each row counts for;
    ``pair`` its (article, key) pair's number in the table (of ``n_pairs``),
    so that the rows of one article and key count it once.
    """

    sides: Sides
    rows: np.ndarray
    art: np.ndarray
    key: np.ndarray
    keys: np.ndarray
    n: np.ndarray
    pair: np.ndarray
    n_pairs: int

    @classmethod
    def of(cls, frame: pd.DataFrame, sides: Sides, *, key: str, count: str | None = None, keep: np.ndarray | None = None) -> Coded:
        """The rows of ``frame`` on ``sides``' articles (and in ``keep``, when given), coded by ``key``;
        ``count`` names the column of what each row counts for (else each row counts 1).

        The article ids and keys of ``frame`` are factorized, and its articles keyed, once per table
        (``lib.views.keys``): a filter only indexes arrays."""
        pos = sides.of_rows(frame)
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
        pair, n_pairs = _pairs(frame, key)
        return cls(sides, rows, pos[rows], (np.cumsum(present) - 1)[codes].astype(np.int64), all_keys[present], n, pair[rows], n_pairs)

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
        """2 × keys: on each side, how many articles have a row of each key (an article's rows of one key are one pair)."""
        k = len(self.keys)
        cell = np.full(self.n_pairs, -1, dtype=np.int64)
        cell[self.pair] = self.cells()  # every row of a pair has the pair's cell
        return np.bincount(cell[cell >= 0], minlength=2 * k).reshape(2, k)

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

    def per_article(self, codes: np.ndarray, side: int) -> np.ndarray:
        """Side ``side``'s articles × items, given by their key ``codes`` (−1: a key with no row
        here, all zeros; ``codes_of`` finds them for keys): the summed counts of each article for
        each item, 0 where none."""
        codes = np.asarray(codes, dtype=np.int64)
        members = self.sides.members(side)
        out = np.zeros((len(members), len(codes)))
        if not len(codes) or not len(self.rows):
            return out
        item_of = np.full(len(self.keys), -1, dtype=np.int64)
        known = codes >= 0
        item_of[codes[known]] = np.flatnonzero(known)
        rank = np.full(len(self.sides), -1, dtype=np.int64)
        rank[members] = np.arange(len(members))
        col = item_of[self.key]
        ok = (col >= 0) & (self.side == side)
        np.add.at(out, (rank[self.art[ok]], col[ok]), np.nan_to_num(self.n[ok]))
        return out
