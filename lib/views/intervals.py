"""Resampling intervals: how sure a number, or a difference between the two relationships, is.

Intervals come from resampling whole articles, never sentences (sentences of
one article are not independent evidence): ``bootstrap_interval`` for one
side's weighted mean, ``difference_intervals`` for US–Turkey minus
Russia–Turkey of many quantities at once (one matrix product per side), and
``dyad_differences`` for a paired view's items from per-article counts
(coded on the compared articles, ``lib.views.coded``). With
fewer than MIN_ARTICLES_FOR_INTERVAL articles on a side there is no interval,
and the note says so. The words and marks that present these intervals
(DIFF_COLUMNS, ◆, "no interval") are in ``lib.views.common``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.views.coded import SIDES, Coded, Sides
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
    dyad_wide,
)

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


def bootstrap_interval(
    values: Sequence[float],
    *,
    weights: Sequence[float] | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
    level: float = INTERVAL_LEVEL,
    min_n: int = MIN_ARTICLES_FOR_INTERVAL,
) -> Interval:
    """Percentile interval of the (weighted) mean from resampling articles.

    ``values`` holds one value per article (e.g. its mean sentence tone) and
    ``weights`` how much each article counts (e.g. its number of scored
    sentences, which makes the statistic the pooled sentence mean). Missing
    values are dropped first. With fewer than ``min_n`` articles there is no
    interval, and the note says so.
    """
    v = _floats(values)
    w = np.ones_like(v) if weights is None else _floats(weights)
    if len(w) != len(v):
        raise ValueError(f"values and weights differ in length ({len(v)} vs {len(w)})")
    ok = ~np.isnan(v) & ~np.isnan(w) & (w > 0)
    v, w = v[ok], w[ok]
    n = len(v)
    if n < min_n:
        return Interval(None, None, n, f"based on {articles_phrase(n)}: too few articles for an interval")
    n_boot = max(MIN_BOOT, min(n_boot, BOOT_BUDGET // n))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    means = (v * w)[idx].sum(axis=1) / w[idx].sum(axis=1)  # the same products, gathered once
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return Interval(float(low), float(high), n, f"based on {articles_phrase(n)}; {level:.0%} interval from resampling articles")


#: Most quantities (entities, speakers) per view given a difference interval:
#: the ones with the highest rate on either side and the largest gaps, which
#: covers every bar a chart shows and every finding; the rest say they were
#: not tested. Keeps the resampling bounded however many names a corpus has.
MAX_DIFF_ITEMS = 40


def diff_candidates(wide: pd.DataFrame, *, limit: int = MAX_DIFF_ITEMS) -> list:
    """Index labels of ``wide`` (items × the two dyads' values) worth an interval: the
    ``limit`` highest on either side, and the ``limit`` largest gaps."""
    if len(wide) <= limit:
        return list(wide.index)
    w = wide.reindex(columns=list(FOCAL_DYADS)).fillna(0.0)
    top = w.max(axis=1).nlargest(limit).index
    gap = (w[FOCAL_DYADS[0]] - w[FOCAL_DYADS[1]]).abs().nlargest(limit).index
    return list(dict.fromkeys([*top, *gap]))


NOT_TESTED = "not among the most frequent or most different, so not tested"


def _resample_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` × ``n`` matrix: how often each of ``n`` articles is drawn in each resample of ``n``."""
    idx = rng.integers(0, n, size=(n_boot, n))
    flat = (idx + (np.arange(n_boot) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n).astype(float)


def _ratios(w: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``n_boot`` × k resampled ratios sum(num) / sum(den), given the resample counts ``w`` (n_boot × n).

    Drawing counts instead of indices turns the resample into one matrix
    product (n_boot × n) · (n × k): at 10,000 articles and the BOOT_BUDGET it
    stays well under a second for dozens of quantities at once.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w @ num) / (w @ den)[:, None]


#: Resample counts kept (``_paired_resamples``): one view compares the same two sets of articles
#: in several quantities (entities, topics…), and each pair of count matrices is a few MB.
RESAMPLES_KEPT = 2
_resamples: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_resamples_lock = threading.Lock()


def _paired_resamples(n_a: int, n_b: int, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The resample counts of two sides of ``n_a`` and ``n_b`` articles, drawn in that order from
    ``seed`` (so the same for every quantity compared on the same sides), read-only."""
    key = (n_a, n_b, n_boot, seed)
    with _resamples_lock:
        got = _resamples.get(key)
    if got is None:
        rng = np.random.default_rng(seed)
        got = (_resample_counts(n_a, n_boot, rng), _resample_counts(n_b, n_boot, rng))
        for w in got:
            w.flags.writeable = False
        with _resamples_lock:
            _resamples[key] = got
            while len(_resamples) > RESAMPLES_KEPT:
                _resamples.pop(next(iter(_resamples)))
    return got


def difference_intervals(
    num_a: np.ndarray,
    den_a: np.ndarray,
    num_b: np.ndarray,
    den_b: np.ndarray,
    *,
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
    ``den`` ≤ 0 add nothing and are left out (and not counted). Articles are
    resampled with replacement, each side on its own, and the interval is
    the percentile interval of the difference A − B. ``diff_supported`` is
    True when the interval excludes zero; with fewer than ``min_n`` articles
    on either side there is no interval and no flag (False), and the note
    says so.

    Returns k rows with DIFF_COLUMNS (in the order of the columns of ``num``).
    """
    sides = []
    for num, den in ((num_a, den_a), (num_b, den_b)):
        num = np.asarray(num, dtype=float)
        den = np.asarray(den, dtype=float)
        if num.ndim == 1:
            num = num[:, None]
        if len(num) != len(den):
            raise ValueError(f"numerator and denominator differ in articles ({len(num)} vs {len(den)})")
        keep = den > 0
        sides.append((np.nan_to_num(num[keep]), den[keep]))
    (na, da), (nb, db) = sides
    k = na.shape[1]
    if nb.shape[1] != k:
        raise ValueError(f"the two sides have different quantities ({k} vs {nb.shape[1]})")
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = na.sum(axis=0) / da.sum() - nb.sum(axis=0) / db.sum() if len(da) and len(db) else np.full(k, np.nan)
    out = pd.DataFrame({"diff": np.asarray(diff, dtype=float)})
    n_a, n_b = len(da), len(db)
    based = f"based on {n_a} {DYAD_LABELS[FOCAL_DYADS[0]]} and {n_b} {DYAD_LABELS[FOCAL_DYADS[1]]} articles"
    if min(n_a, n_b) < min_n:
        out["diff_low"] = np.nan
        out["diff_high"] = np.nan
        out["diff_supported"] = False
        out["diff_note"] = f"{based}: too few articles for an interval of the difference"
        return out[DIFF_COLUMNS]
    boot = max(MIN_BOOT, min(n_boot, BOOT_BUDGET // max(n_a, n_b)))
    wa, wb = _paired_resamples(n_a, n_b, boot, seed)
    reps = _ratios(wa, na, da) - _ratios(wb, nb, db)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(reps, [tail, 100 - tail], axis=0)
    out["diff_low"] = low.astype(float)
    out["diff_high"] = high.astype(float)
    out["diff_supported"] = (out["diff_low"] > SUPPORT_TOLERANCE) | (out["diff_high"] < -SUPPORT_TOLERANCE)
    base = f"{based}; {level:.0%} interval of the difference from resampling articles"
    out["diff_note"] = np.where(out["diff_supported"], base + ", excludes zero: supported", base + ", includes zero: not supported")
    return out[DIFF_COLUMNS]


def no_differences(k: int, note: str) -> pd.DataFrame:
    """k rows of DIFF_COLUMNS with no difference and no interval (e.g. one side has no article)."""
    return pd.DataFrame(
        {"diff": np.nan, "diff_low": np.nan, "diff_high": np.nan, "diff_supported": False, "diff_note": note}, index=range(k)
    )[DIFF_COLUMNS]


def dyad_differences(
    rows: pd.DataFrame | Coded,
    articles: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    key: str,
    value: str,
    denominator: pd.Series | np.ndarray,
    count: str | None = None,
    scale: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """DIFF_COLUMNS per ``key`` of ``rates`` (item × dyad rows of ``value``), from per-article counts.

    ``rows`` are the long rows counted (one per mention, quote, topic
    sentence…, with ``article_id`` and ``key``; or, given ``count``, rows
    that carry how many each stands for, as the article summaries do), or
    those rows already coded on the compared articles (``coded.Coded``).
    ``articles`` are the compared articles (``article_id``, ``dyad``),
    ``denominator`` each article's denominator (words, sentences, quotes) by
    article id, or as one value per article of the coded rows' sides, so
    that ``scale`` × counts / denominator pooled over a side is ``value``.
    Only the items ``diff_candidates`` picks are resampled; the rest say
    NOT_TESTED.
    """
    if not isinstance(rows, Coded):
        rows = Coded.of(rows, Sides.of(articles[articles["dyad"].isin(FOCAL_DYADS)]), key=key, count=count)
    den = rows.sides.aligned(denominator) if isinstance(denominator, pd.Series) else np.asarray(denominator, dtype=float)
    wide = dyad_wide(rates, key, value)
    items = diff_candidates(wide)
    num = [rows.per_article(items, side) * scale for side in SIDES]
    dens = [den[rows.sides.members(side)] for side in SIDES]
    diff = difference_intervals(num[0], dens[0], num[1], dens[1], seed=seed).assign(**{key: items})
    rest = [x for x in wide.index if x not in set(items)]
    return pd.concat([diff, no_differences(len(rest), NOT_TESTED).assign(**{key: rest})], ignore_index=True)
