"""Resampling intervals: how sure a number, or a difference between the two relationships, is.

Intervals come from resampling whole articles, never sentences (sentences of
one article are not independent evidence). The resampling is a Poisson
bootstrap (``article_weights``): in each resample every article counts a
Poisson(1) number of times — 0, 1, 2… with the probabilities of drawing it
that often among n draws from n articles, as n grows — and that number is fixed by the
article's id, the resample and the seed. So an article weighs the same in a
resample whatever else is compared with it: a filter gives the same interval
as a corpus of just its articles, and the weights of a corpus's articles are
drawn once and kept (``_WeightBank``), not drawn again for every filter.
``bootstrap_interval`` for one
side's weighted mean, ``difference_intervals`` for US–Turkey minus
Russia–Turkey of many quantities at once (one matrix product per side), and
``dyad_differences`` for a paired view's items from per-article counts
(coded on the compared articles, ``lib.views.coded``). With
fewer than MIN_ARTICLES_FOR_INTERVAL articles on a side there is no interval,
and the note says so. The words and marks that present these intervals
(DIFF_COLUMNS, ◆, "no interval") are in ``lib.views.common``.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from lib.views.coded import SIDES, Coded
from lib.views.common import (
    BOOT_BUDGET,
    DIFF_COLUMNS,
    DYAD_LABELS,
    FOCAL_DYADS,
    INTERVAL_LEVEL,
    MIN_ARTICLES_FOR_INTERVAL,
    MIN_BOOT,
    N_BOOT,
    articles_phrase,
    text_column,
)
from lib.views.keys import ArticleKeys, KeySet

#: An interval end closer to zero than this counts as zero: two sides with the
#: same constant rate differ only by rounding (1e-17), which is no difference.
SUPPORT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Interval:
    """A resampling interval, or the reason there is none."""

    low: float | None
    high: float | None
    n: int
    note: str

    def as_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "n": self.n, "note": self.note}


def _floats(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``values`` as floats, anything not a number as NaN (a NumPy float array as it is)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.astype(float, copy=False)
    return np.asarray(pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce"), dtype=float)


#: Largest resample weight drawn: Poisson(1) exceeds 12 with probability 1e-10.
MAX_WEIGHT = 12
#: P(weight ≤ k) for k = 0..MAX_WEIGHT − 1; a uniform draw's weight is how many of these it reaches.
_POISSON_CDF = np.cumsum([math.exp(-1) / math.factorial(k) for k in range(MAX_WEIGHT)])
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1, _MIX_2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
#: Fixed key of the article-id hash (pandas' SipHash of each id's UTF-8 text).
_HASH_KEY = "coverage-resampl"


def _id_hashes(ids: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each article id (text), the same in every process and run."""
    return pd.util.hash_array(ids, hash_key=_HASH_KEY, categorize=False)


def _poisson_weights(hashes: np.ndarray, first: int, stop: int, seed: int) -> np.ndarray:
    """Articles × resamples ``first``..``stop`` − 1: each article's Poisson(1) weight, a function
    of its hash, the resample's number and ``seed`` only (SplitMix64 of their sum, as a uniform)."""
    r = np.arange(first, stop, dtype=np.uint64) + np.uint64(seed) * np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        x = hashes[:, None] + (r[None, :] + np.uint64(1)) * _GOLDEN
        x ^= x >> np.uint64(30)
        x *= _MIX_1
        x ^= x >> np.uint64(27)
        x *= _MIX_2
        x ^= x >> np.uint64(31)
    u = (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return np.searchsorted(_POISSON_CDF, u, side="right").astype(np.uint8)


class _WeightBank:
    """Compared articles' resample weights, drawn once and kept (by article key, ``lib.views.keys``).

    One row of N_BOOT bytes per article ever compared, filled as deep as a
    side it was on needed (a side of n articles draws max(MIN_BOOT,
    BOOT_BUDGET / n) resamples), so a filter, or the same articles compared
    again, reads its weights instead of drawing them: 2 KB per article, 20 MB
    at 10,000. Finding an article's row is indexing an array by its key.
    """

    def __init__(self, registry: ArticleKeys, seed: int) -> None:
        self.registry = registry
        self.seed = seed
        self._lock = threading.Lock()
        self._row_of = np.zeros(0, dtype=np.int64)  # per article key: its row, −1 before it is compared
        self._hashes = np.zeros(0, dtype=np.uint64)  # per row
        self._depth = np.zeros(0, dtype=np.int64)  # per row: resamples drawn so far
        self._weights = np.zeros((0, N_BOOT), dtype=np.uint8)

    def __len__(self) -> int:
        return len(self._hashes)

    def weights(self, keys: np.ndarray, n_boot: int) -> np.ndarray:
        """Articles × ``n_boot`` (≤ N_BOOT): each article's (by key) first ``n_boot`` resample weights."""
        with self._lock:
            if len(self._row_of) < len(self.registry):
                self._row_of = np.concatenate([self._row_of, np.full(len(self.registry) - len(self._row_of), -1, dtype=np.int64)])
            pos = self._row_of[keys]
            if (pos < 0).any():
                self._add(np.unique(keys[pos < 0]))
                pos = self._row_of[keys]
            short = np.unique(pos[self._depth[pos] < n_boot])
            for depth in np.unique(self._depth[short]):  # each article drawn on from where it stopped
                group = short[self._depth[short] == depth]
                self._weights[group, depth:n_boot] = _poisson_weights(self._hashes[group], int(depth), n_boot, self.seed)
            self._depth[short] = n_boot
            return self._weights[pos, :n_boot]

    def _add(self, new: np.ndarray) -> None:
        n, end = len(self), len(self) + len(new)
        if end > len(self._weights):
            grown = np.zeros((max(end, 2 * len(self._weights), 1024), N_BOOT), dtype=np.uint8)
            grown[:n] = self._weights[:n]
            self._weights = grown
        self._row_of[new] = np.arange(n, end)
        self._hashes = np.concatenate([self._hashes, _id_hashes(self.registry.ids(new))])
        self._depth = np.concatenate([self._depth, np.zeros(len(new), dtype=np.int64)])


_banks: dict[int, _WeightBank] = {}
_banks_lock = threading.Lock()


def _bank(registry: ArticleKeys, seed: int) -> _WeightBank:
    """The weight bank of ``seed`` for ``registry``'s keys (a new one when the process's keys start afresh)."""
    with _banks_lock:
        bank = _banks.get(seed)
        if bank is None or bank.registry is not registry:
            bank = _banks[seed] = _WeightBank(registry, seed)
        return bank


def article_weights(ids: Sequence | KeySet, n_boot: int, *, seed: int = 0) -> np.ndarray:
    """Articles × ``n_boot``: how many times each article (by id, or key) counts in each resample.

    Each weight is a Poisson(1) draw fixed by the article's id, the resample's
    number and ``seed``: the same article gets the same weights in any set of
    articles (Poisson bootstrap; Hanley & MacGibbon 2006, Chamandy et al. 2012).
    """
    articles = _key_set(ids)
    if n_boot > N_BOOT:
        return _poisson_weights(_id_hashes(articles.ids()), 0, n_boot, seed)
    return _bank(articles.registry, seed).weights(articles.keys, n_boot)


def _key_set(ids: Sequence | KeySet) -> KeySet:
    return ids if isinstance(ids, KeySet) else KeySet.of(ids)


def _positions(n: int, side: str = "") -> np.ndarray:
    """Ids for values given without them: their side and position ("A:0", "A:1", …; the two
    sides of a difference are different articles, so their weights must differ too)."""
    return np.asarray([f"{side}:{i}" for i in range(n)], dtype=object)


def bootstrap_interval(
    values: Sequence[float],
    *,
    weights: Sequence[float] | None = None,
    ids: Sequence | KeySet | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
    level: float = INTERVAL_LEVEL,
    min_n: int = MIN_ARTICLES_FOR_INTERVAL,
) -> Interval:
    """Percentile interval of the (weighted) mean from resampling articles.

    ``values`` holds one value per article (e.g. its mean sentence tone),
    ``weights`` how much each article counts (e.g. its number of scored
    sentences, which makes the statistic the pooled sentence mean) and ``ids``
    the articles' ids, which fix their resample weights (``article_weights``;
    without ids, their positions). Missing values are dropped first. With fewer
    than ``min_n`` articles there is no interval, and the note says so.
    """
    v = _floats(values)
    w = np.ones_like(v) if weights is None else _floats(weights)
    if len(w) != len(v):
        raise ValueError(f"values and weights differ in length ({len(v)} vs {len(w)})")
    ids = KeySet.of(_positions(len(v))) if ids is None else _key_set(ids)
    if len(ids) != len(v):
        raise ValueError(f"values and ids differ in length ({len(v)} vs {len(ids)})")
    ok = ~np.isnan(v) & ~np.isnan(w) & (w > 0)
    v, w = v[ok], w[ok]
    n = len(v)
    if n < min_n:
        return Interval(None, None, n, f"based on {articles_phrase(n)}: too few articles for an interval")
    n_boot = max(MIN_BOOT, min(n_boot, BOOT_BUDGET // n))
    sums = _resampled_sums(article_weights(ids[ok], n_boot, seed=seed), np.column_stack([v * w, w]))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums[:, 0] / sums[:, 1]  # a resample that drew no article has no mean (NaN, left out)
    means = np.clip(means, v.min(), v.max())  # a mean of these values lies among them, whatever the sums' rounding
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(means, [tail, 100 - tail])
    return Interval(float(low), float(high), n, f"based on {articles_phrase(n)}; {level:.0%} interval from resampling articles")


#: Most quantities (entities, speakers) per view given a difference interval:
#: the ones with the highest rate on either side and the largest gaps, which
#: covers every bar a chart shows and every finding; the rest say they were
#: not tested. Keeps the resampling bounded however many names a corpus has.
MAX_DIFF_ITEMS = 40


def diff_candidates(values: np.ndarray, *, limit: int = MAX_DIFF_ITEMS) -> np.ndarray:
    """Positions of the items worth an interval, given ``values`` (2 × items: each item's value on
    each side, NaN where it has none): the ``limit`` highest on either side, and the ``limit``
    largest gaps (ties: the earlier item first). Items with no value on either side are left out."""
    has = np.flatnonzero(~np.isnan(values).all(axis=0))
    if len(has) <= limit:
        return has
    w = np.nan_to_num(values[:, has])
    top = has[np.argsort(-w.max(axis=0), kind="stable")[:limit]]
    gap = has[np.argsort(-np.abs(w[0] - w[1]), kind="stable")[:limit]]
    return np.fromiter(dict.fromkeys([*top.tolist(), *gap.tolist()]), dtype=np.int64)


NOT_TESTED = "not among the most frequent or most different, so not tested"


#: The BLAS library NumPy multiplies with, whose threads ``_resampled_sums`` keeps to one.
_BLAS = ThreadpoolController()


def _resampled_sums(w: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``n_boot`` × k: the sum of each column of ``values`` (n × k) in each resample, given the
    articles' resample weights ``w`` (n × n_boot): one matrix product (n_boot × n) · (n × k).

    In single precision, which halves the product's time: the weights are small whole numbers
    (exact), and the sums are off by about 1e-7 of the summed magnitudes, thousands of times
    less than the resampling's own spread. Computed as (k × n) · (n × n_boot), which reads both
    matrices in their memory order (a third faster than multiplying the transposed weights).

    On one BLAS thread: these products are small (a few milliseconds), and on a server whose
    other core is busy (another session, an import) OpenBLAS's second thread waits for it. At
    10,000 articles, with the other core loaded, one product took 10.5 ms (median) and up to
    176 ms on two threads, 4.6 ms and at most 13 ms on one.
    """
    with _BLAS.limit(limits=1, user_api="blas"):
        return (values.astype(np.float32).T @ w.astype(np.float32)).T.astype(float)


def _ratios(w: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``n_boot`` × k resampled ratios sum(num) / sum(den), given the articles' resample weights ``w`` (n × n_boot),
    for dozens of quantities and their denominator at once."""
    sums = _resampled_sums(w, np.column_stack([num, den]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[:, :-1] / sums[:, -1:]


def _percentiles(reps: np.ndarray, q: list[float]) -> np.ndarray:
    """``np.nanpercentile(reps, q, axis=0)``, with NumPy's fast path for the columns without a missing value
    (a resample with no article of a side has none): nanpercentile alone goes column by column."""
    out = np.full((len(q), reps.shape[1]), np.nan)
    gaps = np.isnan(reps).any(axis=0)
    if not gaps.all():
        out[:, ~gaps] = np.percentile(reps[:, ~gaps], q, axis=0)
    if gaps.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a column with no value at all stays NaN
            out[:, gaps] = np.nanpercentile(reps[:, gaps], q, axis=0)
    return out


def difference_intervals(
    num_a: np.ndarray,
    den_a: np.ndarray,
    num_b: np.ndarray,
    den_b: np.ndarray,
    *,
    ids_a: Sequence | KeySet | None = None,
    ids_b: Sequence | KeySet | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
    level: float = INTERVAL_LEVEL,
    min_n: int = MIN_ARTICLES_FOR_INTERVAL,
) -> pd.DataFrame:
    """The difference between two sides in k quantities, each with its interval from resampling articles.

    Each side is a set of articles: ``num`` is articles × k (what each
    article adds to each quantity's numerator: its tone sum, whether it names
    an entity, its sentences on a topic…) and ``den`` the article's
    denominator (its scored sentences, 1, its sentences…), so each quantity
    is sum(num) / sum(den) — the pooled rate the charts show. Articles with
    ``den`` ≤ 0 add nothing and are left out (and not counted). ``ids_a`` and
    ``ids_b`` are the articles' ids, which fix their resample weights
    (``article_weights``; without ids, their positions). Each side is
    resampled on its own, and the interval is the percentile interval of the
    difference A − B. ``diff_supported`` is
    True when the interval excludes zero; with fewer than ``min_n`` articles
    on either side there is no interval and no flag (False), and the note
    says so.

    Returns k rows with DIFF_COLUMNS (in the order of the columns of ``num``).
    """
    sides = []
    for side, num, den, ids in (("A", num_a, den_a, ids_a), ("B", num_b, den_b, ids_b)):
        num = np.asarray(num, dtype=float)
        den = np.asarray(den, dtype=float)
        if num.ndim == 1:
            num = num[:, None]
        if len(num) != len(den):
            raise ValueError(f"numerator and denominator differ in articles ({len(num)} vs {len(den)})")
        ids = KeySet.of(_positions(len(den), side)) if ids is None else _key_set(ids)
        if len(ids) != len(den):
            raise ValueError(f"ids and denominator differ in articles ({len(ids)} vs {len(den)})")
        keep = den > 0
        sides.append((np.nan_to_num(num[keep]), den[keep], ids[keep]))
    (na, da, ia), (nb, db, ib) = sides
    k = na.shape[1]
    if nb.shape[1] != k:
        raise ValueError(f"the two sides have different quantities ({k} vs {nb.shape[1]})")
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = na.sum(axis=0) / da.sum() - nb.sum(axis=0) / db.sum() if len(da) and len(db) else np.full(k, np.nan)
    n_a, n_b = len(da), len(db)
    based = f"based on {n_a} {DYAD_LABELS[FOCAL_DYADS[0]]} and {n_b} {DYAD_LABELS[FOCAL_DYADS[1]]} articles"
    if min(n_a, n_b) < min_n:
        return _diff_frame(diff, None, f"{based}: too few articles for an interval of the difference")
    boot = max(MIN_BOOT, min(n_boot, BOOT_BUDGET // max(n_a, n_b)))
    reps = _ratios(article_weights(ia, boot, seed=seed), na, da) - _ratios(article_weights(ib, boot, seed=seed), nb, db)
    tail = (1 - level) / 2 * 100
    ends = _percentiles(reps, [tail, 100 - tail])
    return _diff_frame(diff, ends, f"{based}; {level:.0%} interval of the difference from resampling articles")


def _diff_frame(diff: np.ndarray, ends: np.ndarray | None, based: str) -> pd.DataFrame:
    """DIFF_COLUMNS from the differences and their interval ends (2 × k; None: no interval, and ``based`` says why)."""
    if ends is None:
        low = high = np.full(len(diff), np.nan)
        supported = np.zeros(len(diff), dtype=bool)
        note = text_column([based], np.zeros(len(diff)))
    else:
        low, high = np.asarray(ends[0], dtype=float), np.asarray(ends[1], dtype=float)
        supported = (low > SUPPORT_TOLERANCE) | (high < -SUPPORT_TOLERANCE)
        note = text_column([based + ", excludes zero: supported", based + ", includes zero: not supported"], np.where(supported, 0, 1))
    return pd.DataFrame(
        {"diff": np.asarray(diff, dtype=float), "diff_low": low, "diff_high": high, "diff_supported": supported, "diff_note": note}
    )


def no_differences(k: int, note: str) -> pd.DataFrame:
    """k rows of DIFF_COLUMNS with no difference and no interval (e.g. one side has no article)."""
    return pd.DataFrame(
        {
            "diff": np.full(k, np.nan),
            "diff_low": np.full(k, np.nan),
            "diff_high": np.full(k, np.nan),
            "diff_supported": np.zeros(k, dtype=bool),
            "diff_note": text_column([note], np.zeros(k)),
        }
    )


def dyad_differences(
    rows: Coded,
    values: np.ndarray,
    *,
    codes: np.ndarray | None = None,
    denominator: np.ndarray,
    scale: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """DIFF_COLUMNS per item of a paired view (one row per column of ``values``, in their order), from per-article counts.

    ``values`` is 2 × items: each item's value on each side (US–Turkey, Russia–Turkey), NaN where
    the view has no row for it. ``rows`` are the long rows counted (one per mention, quote, topic
    sentence…), coded on the compared articles (``coded.Coded``); ``codes`` gives each item's key
    code in ``rows.keys`` (−1: no row; default: item i is code i). ``denominator`` is each compared
    article's denominator (words, sentences, quotes), one per article of the rows' sides, so that
    ``scale`` × counts / denominator pooled over a side is the item's value. Only the items
    ``diff_candidates`` picks are resampled; the rest say NOT_TESTED, and an item with no value on
    either side has none of these columns (NaN).
    """
    k = values.shape[1]
    codes = np.arange(k) if codes is None else np.asarray(codes, dtype=np.int64)
    den = np.asarray(denominator, dtype=float)
    items = diff_candidates(values)
    num = [rows.per_article(codes[items], side) * scale for side in SIDES]
    members = [rows.sides.members(side) for side in SIDES]
    dens = [den[m] for m in members]
    ids = [rows.sides.articles[m] for m in members]
    tested = difference_intervals(num[0], dens[0], num[1], dens[1], ids_a=ids[0], ids_b=ids[1], seed=seed)
    has = ~np.isnan(values).all(axis=0)
    has[items] = False
    rest = np.flatnonzero(has)
    frame = pd.concat([tested, no_differences(len(rest), NOT_TESTED)], ignore_index=True)
    return frame.set_axis(np.concatenate([items, rest])).reindex(np.arange(k))


def attach_differences(out: pd.DataFrame, diff: pd.DataFrame, item: np.ndarray) -> pd.DataFrame:
    """``out`` with the DIFF_COLUMNS of each row's item (``item``: its row in ``diff``), in place."""
    for col in DIFF_COLUMNS:
        out[col] = diff[col].array.take(item)  # the text column stays text: no conversion of each note
    return out
