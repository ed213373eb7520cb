"""Who is mentioned: entity × relationship rates, tone toward each entity per language, pairs.

Tone toward an entity is the mean tone of the sentences naming it, and is
given per language (``tone_en``, ``tone_ar``): the two languages are scored
by different methods and are never averaged together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.corpus import rollups
from lib.views.coded import Coded, Sides
from lib.views.common import (
    DIFF_COLUMNS,
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    EVIDENCE_COLUMNS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    article_summary,
    entity_names,
    focal_articles,
    isin,
    language_label,
    supported_label,
    text_column,
    with_article,
)
from lib.views.intervals import attach_differences, dyad_differences
from lib.views.keys import kept

#: Tone columns of ``entity_rates``: one mean and its sentence count per language.
TONE_COLUMNS = [c for lang in LANGUAGE_LABELS for c in (f"tone_{lang}", f"n_tone_sentences_{lang}")]


def entity_tone_by_language(
    articles: pd.DataFrame, entity_tone: pd.DataFrame, entities: pd.DataFrame, *, entity_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Entity × dyad × language: mean tone of the sentences naming the entity, and how many.

    Weighted across articles by their number of such sentences; one language
    per row, never pooled.
    """
    cols = ["dyad", "dyad_label", "language", "language_label", "entity_id", "name", "tone", "n_tone_sentences"]
    arts = focal_articles(articles).set_index("article_id")
    t = entity_tone[isin(entity_tone["article_id"], arts.index) & entity_tone["tone"].notna().to_numpy(dtype=bool)].copy()
    if entity_ids is not None:
        t = t[t["entity_id"].isin(list(entity_ids))]
    if t.empty:
        return pd.DataFrame(columns=cols)
    t["dyad"] = t["article_id"].map(arts["dyad"])
    t["language"] = t["article_id"].map(arts["language"])
    t["w"] = t["n_sentences"].astype(float)
    t["tw"] = t["tone"].astype(float) * t["w"]
    out = t.groupby(["dyad", "language", "entity_id"]).agg(tw=("tw", "sum"), n_tone_sentences=("w", "sum")).reset_index()
    out["tone"] = (out["tw"] / out["n_tone_sentences"].where(out["n_tone_sentences"] > 0)).astype(float)
    out["n_tone_sentences"] = out["n_tone_sentences"].astype(int)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out["language_label"] = out["language"].map(language_label)
    out["name"] = out["entity_id"].map(entity_names(entities)["name_en"]).fillna(out["entity_id"]).astype(str)
    return out[cols].reset_index(drop=True)


def entity_rates(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entity_tone: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    top: int | None = None,
    exclude: Iterable[str] = (),
    seed: int = 0,
    counted: bool = False,
) -> pd.DataFrame:
    """Entity × dyad: mentions, per 1,000 words, share of articles, tone toward it.

    ``mentions`` are the mention rows, or (``counted``) the articles' mention
    summary (``rollups.article_mentions``: a count ``n`` per article, entity
    and written form), which gives the same table.

    ``per_1000_words`` is the entity's mentions over all words of the dyad's
    articles × 1,000; ``tone_en``/``tone_ar`` are the mean tone of the
    English/Arabic sentences that mention it (weighted across articles by
    their number of such sentences), with ``n_tone_sentences_en``/``_ar``
    behind them. ``top`` keeps the most-mentioned entities
    of each dyad (by rate). Every (entity, dyad) pair of a kept entity is
    present, with zero counts where a dyad never mentions it.

    ``diff``…``diff_note`` (the same on both dyads' rows of an entity) are
    US–Turkey minus Russia–Turkey mentions per 1,000 words, with an interval
    from resampling each side's articles (``intervals.difference_intervals``;
    computed for the MAX_DIFF_ITEMS most mentioned or most different entities).
    """
    cols = [
        "dyad",
        "dyad_label",
        "entity_id",
        "name",
        "name_ar",
        "type",
        "n_mentions",
        "n_articles",
        "share_articles",
        "per_1000_words",
        *TONE_COLUMNS,
        "dyad_articles",
        *DIFF_COLUMNS,
    ]
    arts = focal_articles(articles)
    if arts.empty:
        return pd.DataFrame(columns=cols)
    sides = Sides.of(arts)
    words_of = arts["n_words"].to_numpy(dtype=float, na_value=np.nan)
    words = sides.totals(np.nan_to_num(words_of))
    n_arts = np.bincount(sides.side, minlength=2)
    if not counted:
        mentions = rollups.article_mentions(mentions[isin(mentions["article_id"], sides.ids)])
    excluded = set(exclude)
    m = Coded.of(mentions, sides, key="entity_id", count="n", keep=~isin(mentions["entity_id"], excluded) if excluded else None)
    if not len(m.keys):
        return pd.DataFrame(columns=cols)
    ids = [str(k) for k in m.keys]  # sorted
    k = len(ids)
    # Rows: every entity on US–Turkey, then every entity on Russia–Turkey. Each column is made per
    # entity (k values) and taken for both sides: looking 2k rows up by id (``Series.map``) and
    # building a two-level index to flatten were a third of this function's time at 10,000 articles.
    side_of, entity_of = np.repeat([0, 1], k), np.tile(np.arange(k), 2)
    names = entity_names(entities)
    at = names.index.get_indexer(pd.Index(ids, dtype=object))

    def per_entity(column: str) -> pd.Series:
        """``column`` of the entities table for each of ``ids`` (missing where it has none)."""
        return pd.Series(names[column].array.take(at, allow_fill=True))

    entity_id = pd.Series(text_column(ids, np.arange(k)))
    out = pd.DataFrame(
        {
            "dyad": text_column(FOCAL_DYADS, side_of),
            "entity_id": entity_id.array.take(entity_of),
            "n_mentions": m.totals().ravel().astype(np.int64),
            "n_articles": m.n_articles().ravel().astype(np.int64),
        }
    )
    for lang, (tone, n_tone) in _tone_toward(sides, entity_tone, ids).items():
        out[f"tone_{lang}"], out[f"n_tone_sentences_{lang}"] = tone.ravel(), n_tone.ravel()
    cell = np.arange(2 * k)  # each row's (side, entity): side × entities + the entity's position in ``ids``
    out["dyad_articles"] = np.repeat(n_arts, k).astype(int)
    out["share_articles"] = out["n_articles"] / out["dyad_articles"].where(out["dyad_articles"] > 0)
    w = pd.Series(np.repeat(words, k), index=out.index)
    out["per_1000_words"] = (out["n_mentions"] / w.where(w > 0) * 1000).astype(float)
    name = per_entity("name_en")
    unnamed = [ids[i] for i in np.flatnonzero(name.isna().to_numpy())]
    if unnamed:  # the most frequent written form (ties: alphabetical) of entities the entities table does not name
        rows = mentions.iloc[m.rows[m.wanted(unnamed)[m.key]]]
        by_form = rows.groupby(["entity_id", "surface"])["n"].sum().reset_index()
        surface = (
            by_form.sort_values(["entity_id", "n", "surface"], ascending=[True, False, True])
            .drop_duplicates("entity_id")
            .set_index("entity_id")["surface"]
        )
        name = name.fillna(entity_id.map(surface))
    out["name"] = name.fillna(entity_id).astype(str).array.take(entity_of)
    out["name_ar"] = per_entity("name_ar").array.take(entity_of)
    etype = per_entity("type")
    untyped = [ids[i] for i in np.flatnonzero(etype.isna().to_numpy())]
    if untyped:
        etype = etype.fillna(entity_id.map(m.first(mentions, "type", untyped)))
    out["type"] = etype.array.take(entity_of)
    out["dyad_label"] = text_column([DYAD_LABELS[d] for d in FOCAL_DYADS], side_of)
    if top is not None:
        best = out.sort_values("per_1000_words", ascending=False).groupby("dyad").head(top)
        best = best[best["n_mentions"] > 0]
        kept_rows = out["entity_id"].isin(set(best["entity_id"])).to_numpy()
        out, cell = out[kept_rows], cell[kept_rows]
    rates = np.full(2 * len(ids), np.nan)  # an entity left out above has no rate on either side
    rates[cell] = out["per_1000_words"].to_numpy()
    diff = dyad_differences(m, rates.reshape(2, -1), denominator=words_of, scale=1000, seed=seed)
    attach_differences(out, diff, cell % len(ids))
    return out.sort_values(["dyad", "per_1000_words", "name"], ascending=[True, False, True])[cols].reset_index(drop=True)


def _tone_toward(sides: Sides, entity_tone: pd.DataFrame, ids: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per language: 2 × ``ids`` mean tone of the sentences naming each entity on each side
    (weighted across articles by their number of such sentences; NaN where none), and that number."""
    tone = kept(entity_tone, "tone", lambda: entity_tone["tone"].to_numpy(dtype=float, na_value=np.nan))
    scored = kept(entity_tone, "scored", lambda: ~np.isnan(tone))
    t = Coded.of(entity_tone, sides, key="entity_id", count="n_sentences", keep=scored)
    col = pd.Index(ids, dtype=object).get_indexer(pd.Index(t.keys, dtype=object))[t.key] if len(t.rows) else t.key
    named = col >= 0  # an entity not among ``ids`` adds nothing
    col = col[named]
    w_row = np.nan_to_num(t.n[named])
    tw_row = np.nan_to_num(tone[t.rows[named]] * t.n[named])
    lang = sides.language_number[t.art[named]]  # compared per row as numbers, not as text
    side = t.side[named]
    k, out = len(ids), {}
    for number, code in enumerate(LANGUAGE_LABELS):
        here = lang == number
        cell = side[here] * k + col[here]
        w = np.bincount(cell, weights=w_row[here], minlength=2 * k).reshape(2, k)
        tw = np.bincount(cell, weights=tw_row[here], minlength=2 * k).reshape(2, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[code] = (np.where(w > 0, tw / np.where(w > 0, w, 1), np.nan), w.astype(np.int64))
    return out


ENTITY_TABLE_MEASURES = {
    "n_mentions": "Mentions",
    "per_1000_words": "Per 1,000 words",
    "share_articles": "Share of articles",
    **{f"tone_{lang}": f"Tone in {label}" for lang, label in LANGUAGE_LABELS.items()},
}
#: The difference columns of ``entity_dyad_table`` (mentions per 1,000 words, US–Turkey − Russia–Turkey).
ENTITY_TABLE_DIFF = {
    "diff": f"Per 1,000 words: difference ({DYAD_LABELS[FOCAL_DYADS[0]]} − {DYAD_LABELS[FOCAL_DYADS[1]]})",
    "diff_low": "Per 1,000 words: difference, 90% interval low",
    "diff_high": "Per 1,000 words: difference, 90% interval high",
    "diff_supported": "Per 1,000 words: difference supported",
}


def entity_dyad_table(rates: pd.DataFrame) -> pd.DataFrame:
    """``entity_rates`` as one row per entity: Entity, Type, then "<measure> · <dyad>"
    columns (mentions, per 1,000 words, share of articles, tone per language) in the order US–Turkey,
    Russia–Turkey, then the difference in mentions per 1,000 words with its interval and whether it is
    supported (ENTITY_TABLE_DIFF), most-mentioned entities first."""
    cols = [(m, DYAD_LABELS[d]) for m in ENTITY_TABLE_MEASURES for d in FOCAL_DYADS]
    if rates.empty:
        return pd.DataFrame(
            columns=[
                "entity_id",
                "Entity",
                "Type",
                *(f"{ENTITY_TABLE_MEASURES[m]} · {d}" for m, d in cols),
                *ENTITY_TABLE_DIFF.values(),
            ]
        )
    r = rates.assign(type=rates["type"].astype("string").fillna(""))
    wide = r.set_index(["entity_id", "name", "type", "dyad_label"])[list(ENTITY_TABLE_MEASURES)].unstack("dyad_label")
    wide = wide.reindex(columns=cols)
    wide.columns = [f"{ENTITY_TABLE_MEASURES[m]} · {d}" for m, d in cols]
    mention_cols = [c for c in wide.columns if c.startswith("Mentions")]
    wide = wide.reset_index().rename(columns={"name": "Entity", "type": "Type"})
    diff = r.drop_duplicates("entity_id").set_index("entity_id")
    for col, header in ENTITY_TABLE_DIFF.items():
        wide[header] = wide["entity_id"].map(diff[col])
    supported = ENTITY_TABLE_DIFF["diff_supported"]
    wide[supported] = [supported_label(x, lo) for x, lo in zip(wide[supported], wide[ENTITY_TABLE_DIFF["diff_low"]], strict=True)]
    wide = (
        wide.assign(_total=wide[mention_cols].sum(axis=1)).sort_values(["_total", "Entity"], ascending=[False, True]).drop(columns="_total")
    )
    return wide.reset_index(drop=True)


def entity_cooccurrence(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    top: int = 20,
    exclude: Iterable[str] = DYAD_DEFINING_ENTITIES,
) -> pd.DataFrame:
    """Pairs of entities named in the same sentence, counted per dyad.

    One row per (dyad, entity pair) with ``n_sentences`` (sentences naming
    both) and ``n_articles``; the ``top`` pairs of each dyad by sentences.
    The dyad-defining countries are left out by default: they co-occur with
    everything by construction.
    """
    cols = ["dyad", "dyad_label", "entity_a", "entity_b", "name_a", "name_b", "n_sentences", "n_articles"]
    arts = focal_articles(articles)
    dyad_of = arts.set_index("article_id")["dyad"]
    m = mentions[isin(mentions["article_id"], dyad_of.index) & ~isin(mentions["entity_id"], list(exclude))]
    m = m[["article_id", "sentence_id", "entity_id"]].drop_duplicates()
    if m.empty:
        return pd.DataFrame(columns=cols)
    pairs = m.merge(m, on=["article_id", "sentence_id"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] < pairs["entity_id_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    pairs["dyad"] = pairs["article_id"].map(dyad_of)
    out = (
        pairs.groupby(["dyad", "entity_id_a", "entity_id_b"])
        .agg(n_sentences=("sentence_id", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
        .rename(columns={"entity_id_a": "entity_a", "entity_id_b": "entity_b"})
    )
    names = entity_names(entities)["name_en"]
    out["name_a"] = out["entity_a"].map(names).fillna(out["entity_a"]).astype(str)
    out["name_b"] = out["entity_b"].map(names).fillna(out["entity_b"]).astype(str)
    out["dyad_label"] = out["dyad"].map(DYAD_LABELS)
    out = out.sort_values(["dyad", "n_sentences", "name_a", "name_b"], ascending=[True, False, True, True]).groupby("dyad").head(top)
    return out[cols].reset_index(drop=True)


def entity_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame, *, entity_id: str) -> pd.DataFrame:
    """Every sentence that mentions ``entity_id``, with its article and tone."""
    keys = mentions.loc[mentions["entity_id"] == entity_id, ["article_id", "sentence_id"]].drop_duplicates()
    s = sentences.merge(keys, on=["article_id", "sentence_id"], how="inner")
    out = with_article(s, articles)
    return out.sort_values(["dyad", "article_id", "sentence_id"])[EVIDENCE_COLUMNS].reset_index(drop=True)


#: Entities per dyad on the Compare page's bars.
COMPARE_TOP_ENTITIES = 8


@dataclass(frozen=True)
class EntitiesView:
    """Who is mentioned on each side: rates, the wide table, pairs named together."""

    n_focal: int
    rates: pd.DataFrame  # entity_rates (every entity)
    table: pd.DataFrame  # entity_dyad_table
    pairs: pd.DataFrame  # entity_cooccurrence
    names: dict  # entity_id → English name


def entities_view(corpus) -> EntitiesView:
    """The Entities page's view of ``corpus`` (any mapping of table name → table)."""
    a = corpus["articles"]
    rates = entity_rates(a, article_summary(corpus, "article_mentions"), corpus["entity_tone"], corpus["entities"], counted=True)
    return EntitiesView(
        n_focal=len(focal_articles(a)),
        rates=rates,
        table=entity_dyad_table(rates),
        pairs=entity_cooccurrence(a, corpus["mentions"], corpus["entities"]),
        names=corpus["entities"].dropna(subset=["name_en"]).set_index("entity_id")["name_en"].astype(str).to_dict(),
    )
