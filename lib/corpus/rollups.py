"""Corpus roll-ups, as group-bys over whole tables (no Python loop over rows).

Per-article roll-ups (entity tone, topic shares) can be computed for a batch
of new articles and appended; the entities table is corpus-wide (the
gazetteer plus the names models found) and is rebuilt from all mentions.
"""

from __future__ import annotations

import pandas as pd

from lib import schema
from lib.analysis.topics import topic_shares
from lib.errors import SchemaError

__all__ = ["apply_edits", "entities_table", "entity_tone", "topic_shares"]

_KEYS = ["article_id", "sentence_id"]


def _require(df: pd.DataFrame, name: str, cols: list[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SchemaError(f"{name}: missing columns {missing}")


def entity_tone(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Table ``entity_tone``: per article and entity, the sentences naming it and the tone toward it.

    ``n_sentences`` counts distinct sentences that mention the entity. ``tone``
    is the mean, over those sentences, of the tone toward the entity there:
    the mention's own tone (``lib.analysis.target_tone``) where the mention
    was scored by that method, else the sentence's tone; missing if neither
    exists.
    """
    _require(mentions, "mentions", [*_KEYS, "entity_id"])
    _require(sentences, "sentences", [*_KEYS, "tone"])
    has_own = {"tone", "tone_method"} <= set(mentions.columns)
    m = mentions[[*_KEYS, "entity_id", *(["tone", "tone_method"] if has_own else [])]].dropna(subset=[*_KEYS, "entity_id"])
    if m.empty:
        return schema.empty("entity_tone")
    m = m.astype({"article_id": "string", "sentence_id": "Int64", "entity_id": "string"})
    if has_own:  # per sentence: the mean tone of the entity's scored mentions there
        m = m.assign(own=pd.to_numeric(m["tone"], errors="coerce").astype("float64"), scored=m["tone_method"].notna())
        m = m.groupby([*_KEYS, "entity_id"], sort=False).agg(own=("own", "mean"), scored=("scored", "any")).reset_index()
    else:
        m = m.drop_duplicates().assign(own=float("nan"), scored=False)
    s = sentences[[*_KEYS, "tone"]].astype({"article_id": "string", "sentence_id": "Int64"}).drop_duplicates(subset=_KEYS)
    s = s.assign(sentence_tone=pd.to_numeric(s["tone"], errors="coerce").astype("float64")).drop(columns="tone")
    joined = m.merge(s, on=_KEYS, how="left")
    joined["tone"] = joined["own"].where(joined["scored"], joined["sentence_tone"])
    out = (
        joined.groupby(["article_id", "entity_id"], sort=True)
        .agg(n_sentences=("sentence_id", "nunique"), tone=("tone", "mean"))
        .reset_index()
    )
    return schema.validate("entity_tone", out)


def entities_table(mentions: pd.DataFrame, *, gazetteer_table: pd.DataFrame) -> pd.DataFrame:
    """Schema ``entities``: every gazetteer entity plus the non-canonical names seen,
    each named by its most frequent surface form (ties: the first in sort order)."""
    if mentions.empty:
        return gazetteer_table
    extra = mentions.loc[~mentions["canonical"].fillna(False).astype(bool), ["entity_id", "surface", "type"]].dropna(subset=["entity_id"])
    extra = extra[~extra["entity_id"].isin(gazetteer_table["entity_id"])]
    if extra.empty:
        return gazetteer_table
    counts = extra.groupby(["entity_id", "surface"], sort=True).size().rename("n").reset_index()
    top = counts.sort_values(["entity_id", "n", "surface"], ascending=[True, False, True]).drop_duplicates("entity_id")
    types = extra.drop_duplicates("entity_id").set_index("entity_id")["type"]
    is_ar = top["entity_id"].str.startswith("ner:ar:")
    rows = pd.DataFrame(
        {
            "entity_id": top["entity_id"].to_numpy(),
            "name_en": top["surface"].where(~is_ar).to_numpy(),
            "name_ar": top["surface"].where(is_ar).to_numpy(),
            "type": types.reindex(top["entity_id"]).to_numpy(),
            "subtype": pd.NA,
            "affiliation": pd.NA,
            "qid": pd.NA,
            "canonical": False,
        }
    )
    return schema.validate("entities", pd.concat([gazetteer_table, schema.validate("entities", rows)], ignore_index=True))


def apply_edits(articles: pd.DataFrame, edits: pd.DataFrame) -> pd.DataFrame:
    """The articles table with the user's date, source and dyad applied (a new frame).

    ``edits`` has article_id, field, value (effective edits). A dyad edit is
    recorded as the pipeline records an override: the final dyad changes,
    the computed one stays in ``dyad_auto``, and the reason says who set it.
    """
    if edits.empty or articles.empty:
        return articles
    wide = edits.pivot_table(index="article_id", columns="field", values="value", aggfunc="last")
    out = articles.copy()
    idx = out["article_id"]
    for fld in ("date", "source"):
        if fld in wide.columns:
            new = idx.map(wide[fld])
            out[fld] = new.where(new.notna(), out[fld]).astype(out[fld].dtype)
    if "dyad" in wide.columns:
        new = idx.map(wide["dyad"]).astype("string")
        set_here = new.notna()
        differs = set_here & (new != out["dyad_auto"]).fillna(True)
        out.loc[differs, "dyad_reason"] = "set by user to " + new[differs] + "; computed: " + out.loc[differs, "dyad_reason"].fillna("")
        out.loc[set_here, "dyad"] = new[set_here]
    return out
