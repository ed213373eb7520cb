"""A few differences between the two relationships, in plain words, each with its evidence.

Findings are read off the views the page already shows (``summary``,
``topics``, ``entities``, ``speakers``, ``terms``): nothing is computed
twice, so a finding and the chart beside it always agree. Every finding
states its numbers in the order of its words ("Russia–Turkey … more negative
than US–Turkey: −0.21 vs +0.31") and says how many articles it rests on;
tone is compared only within a language.

A finding claims a difference ("more negative", "against 12%") only where
the view's interval of the difference (``diff_supported``: the 90 %
interval from resampling articles excludes zero) supports it; otherwise it
gives the numbers and says that they do not show a difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    FEW_ARTICLES,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    articles_phrase,
    dyad_wide,
    interval_text,
    number,
    pct,
    signed,
)
from lib.views.speakers import ANONYMOUS, SpeakersView
from lib.views.summary import SummaryView
from lib.views.terms import Z_SIGNIFICANT, TermsView
from lib.views.topics import TopicsView

#: A finding about a topic needs at least this difference in share of
#: sentences to be stated as a difference.
MIN_TOPIC_SHARE_GAP = 0.05
#: Tone below/above ± this is not called "more negative"/"more positive" in a
#: finding: VADER's own neutral band is ±0.05.
MIN_TONE_GAP = 0.05


@dataclass(frozen=True)
class Finding:
    """One sentence about a difference, and where its evidence is."""

    kind: str  # volume | tone | topic | entity | speakers | terms
    text: str  # plain text; always says how many articles it rests on
    page: str  # the page that shows the evidence (URL path)
    params: dict = field(default_factory=dict)  # query parameters that open it
    n_articles: dict = field(default_factory=dict)  # {dyad: articles}

    @property
    def link(self) -> str:
        """A relative URL to the evidence (``./topics?topic=syria``)."""
        return f"./{self.page}" + (f"?{urlencode(self.params)}" if self.params else "")


def basis(n: dict) -> str:
    """ "based on 2 US–Turkey and 3 Russia–Turkey articles, too few to generalise"."""
    parts = [f"{n.get(d, 0)} {DYAD_LABELS[d]}" for d in FOCAL_DYADS]
    note = f"based on {parts[0]} and {parts[1]} articles"
    if min(n.get(d, 0) for d in FOCAL_DYADS) < FEW_ARTICLES:
        note += ", too few to generalise"
    return note


def _volume(summary: SummaryView, n: dict) -> Finding:
    vol = summary.volume.set_index("dyad")
    a, b = FOCAL_DYADS
    return Finding(
        "volume",
        f"The filtered corpus has {articles_phrase(n[a])} on {DYAD_LABELS[a]} ({vol.loc[a, 'languages']}) "
        f"and {articles_phrase(n[b])} on {DYAD_LABELS[b]} ({vol.loc[b, 'languages']}).",
        "articles",
        {},
        n,
    )


def _has_interval(row: pd.Series) -> bool:
    return row.get("diff_low") is not None and not pd.isna(row.get("diff_low"))


def _supported(row: pd.Series) -> bool:
    return bool(row.get("diff_supported", False)) and _has_interval(row)


def difference_clause(row: pd.Series, *, first: str = FOCAL_DYADS[0], digits: int = 2, percent: bool = False) -> str:
    """What the interval of the difference says, in the order of the finding's words.

    ``row`` carries DIFF_COLUMNS (US–Turkey − Russia–Turkey); ``first`` is
    the side the finding names first, so the difference is first − second
    ("difference +18.4 points (90% interval +9.1 to +27.0): supported").
    """
    if not _has_interval(row):
        return "too few articles for an interval of the difference: not a supported difference"
    sign = 1.0 if first == FOCAL_DYADS[0] else -1.0
    d, lo, hi = (sign * float(row[c]) for c in ("diff", "diff_low", "diff_high"))
    lo, hi = min(lo, hi), max(lo, hi)
    diff = f"{signed(d * 100, 1)} points" if percent else signed(d, digits)
    span = interval_text(lo, hi, digits, percent=percent).removesuffix(" points")
    if _supported(row):
        return f"difference {diff} (90% interval {span}): supported"
    return f"difference {diff} (90% interval {span}, which includes zero): not a supported difference"


def _interval(r: pd.Series) -> str:
    if r["tone_low"] is None or pd.isna(r["tone_low"]):
        return f"{r['label']}: too few articles for an interval"
    return f"{r['label']} {signed(r['tone_low'])} to {signed(r['tone_high'])}"


def tone_findings(summary: SummaryView) -> list[Finding]:
    """Per language: which side is more negative, numbers in the order of the words."""
    out = []
    t = summary.tone
    for lang in [x for x in LANGUAGE_LABELS if x in set(t["language"])]:
        rows = t[t["language"] == lang].set_index("dyad")
        nl = {d: int(rows.loc[d, "n_articles"]) for d in FOCAL_DYADS}
        if min(nl.values()) == 0:
            continue
        tones = {d: rows.loc[d, "tone"] for d in FOCAL_DYADS}
        if any(v is None or pd.isna(v) for v in tones.values()):
            continue
        a, b = FOCAL_DYADS
        gap = float(tones[a]) - float(tones[b])
        lang_label = LANGUAGE_LABELS[lang]
        first, second = (a, b) if gap <= 0 else (b, a)
        if abs(gap) < MIN_TONE_GAP:
            first, second = a, b
            verdict = f"In {lang_label}, coverage of the two relationships has about the same tone"
        elif _supported(rows.loc[a]):
            verdict = f"In {lang_label}, {DYAD_LABELS[first]} coverage is more negative in tone than {DYAD_LABELS[second]} coverage"
        else:
            verdict = f"In {lang_label}, the tone of {DYAD_LABELS[first]} and {DYAD_LABELS[second]} coverage is not shown to differ"
        # each side's own interval only where the difference has none (it says more, in fewer words)
        sides = "" if _has_interval(rows.loc[a]) else "; ".join(_interval(rows.loc[d]) for d in (first, second)) + "; "
        out.append(
            Finding(
                "tone",
                f"{verdict}: mean sentence tone {signed(tones[first])} ({DYAD_LABELS[first]}) vs {signed(tones[second])} "
                f"({DYAD_LABELS[second]}) on a −1..+1 scale ({basis(nl)}; "
                f"{sides}{difference_clause(rows.loc[a], first=first)}).",
                "tone",
                {},
                nl,
            )
        )
    return out


def topic_findings(topics: TopicsView, n: dict) -> list[Finding]:
    """The leading topic of each side and its share on the other."""
    shares = topics.shares
    if shares.empty:
        return []
    out = []
    wide = dyad_wide(shares, ["topic_id", "short_label"], "share").fillna(0)
    diffs = shares.drop_duplicates("topic_id").set_index("topic_id")
    seen: set[str] = set()
    for d, other in (FOCAL_DYADS, FOCAL_DYADS[::-1]):
        col = wide[d] if d in wide.columns else pd.Series(dtype=float)
        if col.empty or col.max() <= 0:
            continue
        (tid, label) = col.idxmax()
        if tid in seen:
            continue
        seen.add(tid)
        mine, theirs = float(col.max()), float(wide.loc[(tid, label)].get(other, 0.0))
        diff = diffs.loc[tid]
        if mine - theirs < MIN_TOPIC_SHARE_GAP:
            rest = f"and about as common in {DYAD_LABELS[other]} coverage ({pct(theirs)})"
        elif not _supported(diff):
            rest = f"and {pct(theirs)} in {DYAD_LABELS[other]} coverage"
        elif theirs == 0:
            rest = f"and absent from {DYAD_LABELS[other]} coverage"
        else:
            rest = f"against {pct(theirs)} in {DYAD_LABELS[other]} coverage"
        out.append(
            Finding(
                "topic",
                f"{label} is the leading topic of {DYAD_LABELS[d]} coverage ({pct(mine)} of sentences) {rest}, "
                f"{difference_clause(diff, first=d, percent=True)} ({basis(n)}).",
                "topics",
                {"topic": str(tid)},
                n,
            )
        )
    return out


def entity_findings(rates: pd.DataFrame, n: dict) -> list[Finding]:
    """The entity most over-represented on each side (per 1,000 words; the two countries of the dyad left out)."""
    rates = rates[~rates["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    if rates.empty:
        return []
    out = []
    # Entity × side rates as arrays (the first value of each entity on each side; entities in id
    # order, as a pivot orders them): pivoting thousands of entities was most of the findings' time.
    codes, ids = pd.factorize(rates["entity_id"], sort=True)
    k, row = len(ids), np.arange(len(rates))
    first = np.full(k, len(rates))
    np.minimum.at(first, codes, row)  # each entity's first row
    side = np.select([(rates["dyad"] == d).to_numpy(dtype=bool) for d in FOCAL_DYADS], [0, 1], -1)
    value = rates["per_1000_words"].to_numpy(dtype=float, na_value=np.nan)
    has = (side >= 0) & ~np.isnan(value)
    first_value = np.full(2 * k, len(rates))
    np.minimum.at(first_value, (side * k + codes)[has], row[has])
    wide = np.full(2 * k, np.nan)
    found = first_value < len(rates)
    wide[found] = value[first_value[found]]
    wide = wide.reshape(2, k)
    named = ~np.isnan(wide).all(axis=0)  # entities with a rate on either side
    sides = {d: (rates["dyad"] == d).any() for d in FOCAL_DYADS}
    for (d, other), (i, j) in zip((FOCAL_DYADS, FOCAL_DYADS[::-1]), ((0, 1), (1, 0)), strict=True):
        if not sides[d] or not named.any():
            continue
        mine_all, theirs_all = np.nan_to_num(wide[i]), np.nan_to_num(wide[j]) if sides[other] else np.zeros(k)
        gap = np.where(named, mine_all - theirs_all, -np.inf)
        best = int(np.argmax(gap))  # the first of equal gaps, in id order
        if gap[best] <= 0:
            continue
        eid, name = ids[best], rates["name"].iloc[first[best]]
        mine, theirs = float(mine_all[best]), float(theirs_all[best])
        diff = rates.iloc[first[best]] if "diff" in rates.columns else pd.Series(dtype=object)
        out.append(
            Finding(
                "entity",
                f"{name} is mentioned {number(mine)} times per 1,000 words in {DYAD_LABELS[d]} coverage "
                f"and {number(theirs)} in {DYAD_LABELS[other]} coverage, {difference_clause(diff, first=d, digits=1)} ({basis(n)}).",
                "entities",
                {"entity": str(eid)},
                n,
            )
        )
    return out


def speaker_findings(speakers: SpeakersView, n: dict) -> list[Finding]:
    anon = speakers.anonymous()
    if min(total for _, total in anon.values()) == 0:
        return []
    parts = [f"{k} of {total} quotes ({pct(k / total)}) in {DYAD_LABELS[d]} coverage" for d, (k, total) in anon.items()]
    rows = speakers.speakers[speakers.speakers["group"] == ANONYMOUS]
    clause = difference_clause(rows.iloc[0], percent=True) if len(rows) else "no anonymous quote on either side"
    return [Finding("speakers", f"Anonymous sources: {parts[0]}, {parts[1]}; {clause} ({basis(n)}).", "compare", {"speaker": ANONYMOUS}, n)]


def term_findings(terms: TermsView) -> list[Finding]:
    """The strongest distinguishing term on each side, per language (as the articles write it)."""
    out = []
    a_lbl, b_lbl = (DYAD_LABELS[d] for d in FOCAL_DYADS)
    for lang, found in terms.terms.items():
        if isinstance(found, str) or found.empty:
            continue
        nl = {FOCAL_DYADS[0]: int(found["n_articles_a"].iloc[0]), FOCAL_DYADS[1]: int(found["n_articles_b"].iloc[0])}
        best_a, best_b = found.iloc[0], found.iloc[-1]
        caveat = (
            ""
            if max(abs(best_a["z"]), abs(best_b["z"])) >= Z_SIGNIFICANT
            else f"; no term reaches |z| ≥ {Z_SIGNIFICANT}, so neither is a reliable difference"
        )
        out.append(
            Finding(
                "terms",
                f"In {LANGUAGE_LABELS[lang]}, “{best_a['display']}” most distinguishes {a_lbl} coverage (z = {signed(best_a['z'], 1)}) "
                f"and “{best_b['display']}” {b_lbl} coverage (z = {signed(best_b['z'], 1)}) ({basis(nl)}{caveat}).",
                "topics",
                {"term": str(best_a["display"]), "tlang": lang},
                nl,
            )
        )
    return out


def findings(
    summary: SummaryView, topics: TopicsView, entity_rates: pd.DataFrame, speakers: SpeakersView, terms: TermsView
) -> list[Finding]:
    """Every finding, from the views the page shows (empty when one side has no article)."""
    vol = summary.volume.set_index("dyad")["n_articles"]
    n = {d: int(vol.get(d, 0)) for d in FOCAL_DYADS}
    if min(n.values()) == 0:
        return []
    return [
        _volume(summary, n),
        *tone_findings(summary),
        *topic_findings(topics, n),
        *entity_findings(entity_rates, n),
        *speaker_findings(speakers, n),
        *term_findings(terms),
    ]
