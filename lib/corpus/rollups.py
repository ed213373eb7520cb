"""Corpus roll-ups, as group-bys over whole tables (no Python loop over rows).

Per-article roll-ups (entity tone, topic shares) can be computed for a batch
of new articles and appended; the entities table is corpus-wide (the
gazetteer plus the names models found) and is rebuilt from all mentions.

The *article summaries* (``ARTICLE_SUMMARIES``: ``article_tone``,
``article_mentions``, ``article_quotes``) hold, per article, everything the
comparison views sum: its scored sentences, tone sums and tone histogram,
its mentions per entity and written form, its quotes per speaker and
country. A filter then sums a few rows per article instead of re-filtering
every sentence and mention of the corpus; each is exact (tests compare the
views computed both ways).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from lib import schema
from lib.analysis.topics import topic_shares
from lib.errors import SchemaError

__all__ = [
    "ARTICLE_SUMMARIES",
    "apply_edits",
    "article_mentions",
    "article_quotes",
    "article_tone",
    "entities_table",
    "entity_tone",
    "quote_rows",
    "topic_shares",
]

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


# --- article summaries ------------------------------------------------------------------

#: Width of a tone histogram bin: ten bins over −1..+1.
TONE_BIN = 0.2
N_TONE_BINS = round(2 / TONE_BIN)
TONE_BIN_COLUMNS = [f"tone_bin_{i}" for i in range(N_TONE_BINS)]
ARTICLE_TONE_COLUMNS = ["article_id", "n_sentences", "n_scored", "tone_sum", "tone_sq", "tone_methods", *TONE_BIN_COLUMNS]


def tone_bin_index(tone: np.ndarray, *, step: float = TONE_BIN) -> np.ndarray:
    """The histogram bin (0 … 2/step − 1) of each tone in −1..+1."""
    n_bins = round(2 / step)
    # the small epsilon puts a tone on a bin edge (0.2) in the bin it starts,
    # despite 1.2 / 0.2 = 5.999… in floating point
    return np.clip(np.floor((np.asarray(tone, dtype=float) + 1) / step + 1e-9), 0, n_bins - 1).astype(int)


def article_tone(sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article with sentences: how many, how many scored, their tone sum and sum of
    squares, the tone methods used (comma-joined), and the scored sentences per tone bin
    (``TONE_BIN_COLUMNS``)."""
    _require(sentences, "sentences", ["article_id", "tone"])
    s = sentences[["article_id", "tone", *(["tone_method"] if "tone_method" in sentences.columns else [])]]
    aid = s["article_id"].astype("string")
    tone = pd.to_numeric(s["tone"], errors="coerce").astype("float64").to_numpy()
    scored = ~np.isnan(tone)
    codes, ids = pd.factorize(aid, sort=True)
    n = len(ids)
    out = pd.DataFrame({"article_id": pd.array(ids, dtype="string")})
    out["n_sentences"] = np.bincount(codes, minlength=n).astype("int64")
    out["n_scored"] = np.bincount(codes[scored], minlength=n).astype("int64")
    t = tone[scored]
    out["tone_sum"] = np.bincount(codes[scored], weights=t, minlength=n)
    out["tone_sq"] = np.bincount(codes[scored], weights=t * t, minlength=n)
    if "tone_method" in s.columns:
        m = pd.DataFrame({"article_id": aid, "m": s["tone_method"].astype("string")}).dropna().drop_duplicates()
        joined = m.sort_values("m").groupby("article_id")["m"].agg(", ".join)
        out["tone_methods"] = out["article_id"].map(joined).astype("string")
    else:
        out["tone_methods"] = pd.array([pd.NA] * n, dtype="string")
    bins = np.zeros((n, N_TONE_BINS), dtype="int64")
    np.add.at(bins, (codes[scored], tone_bin_index(t)), 1)
    for i, col in enumerate(TONE_BIN_COLUMNS):
        out[col] = bins[:, i]
    return out[ARTICLE_TONE_COLUMNS]


def article_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per article, entity and written form (and the type it was found as): the mentions (``n``)."""
    cols = SUMMARY_COLUMNS["article_mentions"]
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n" else "string") for c in cols})
    m = mentions[["article_id", "entity_id", "surface", "type"]].dropna(subset=["article_id", "entity_id"])
    out = m.groupby(["article_id", "entity_id", "surface", "type"], dropna=False, sort=False, observed=True).size()
    return out.rename("n").reset_index()[cols]


#: The speaker group of every anonymous quote, and the country of a quote whose text states none.
ANONYMOUS = "anonymous source"
UNKNOWN_COUNTRY = "(country not stated)"


def quote_rows(quotes: pd.DataFrame, entities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quotes with ``speaker_label`` and ``country``: a speaker resolved to an
    entity is named by the entity ("the defence minister", "Akar" → Hulusi
    Akar), so one person is one group; anonymous speakers are ANONYMOUS."""
    q = quotes.copy()
    anon = q["anonymous"].fillna(False).astype(bool)
    q["speaker_label"] = q["speaker"].astype("string").fillna("(unnamed)")
    if entities is not None and "speaker_entity_id" in q.columns:
        names = entities.drop_duplicates("entity_id").set_index("entity_id")["name_en"].dropna()
        resolved = q["speaker_entity_id"].map(names)
        q["speaker_label"] = resolved.fillna(q["speaker_label"]).astype("string")
    q.loc[anon, "speaker_label"] = ANONYMOUS
    q["country"] = q["affiliation"].astype("string").fillna(UNKNOWN_COUNTRY)
    q.loc[q["country"].str.strip() == "", "country"] = UNKNOWN_COUNTRY
    return q


def article_quotes(quotes: pd.DataFrame, entities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per article, speaker group (``quote_rows``), country and anonymity: the quotes (``n``)."""
    cols = SUMMARY_COLUMNS["article_quotes"]
    slim = quotes[[c for c in ("article_id", "speaker", "speaker_entity_id", "affiliation", "anonymous") if c in quotes.columns]]
    q = quote_rows(slim, entities)
    q["anonymous"] = q["anonymous"].fillna(False).astype(bool)
    out = q.groupby(["article_id", "speaker_label", "country", "anonymous"], sort=False, observed=True).size()
    return out.rename("n").reset_index()[cols]


#: The columns of each article summary. A snapshot (``lib.corpus.snapshot``) keeps the summaries:
#: one whose columns differ from these is made again, and a change to what a summary means
#: must bump ``snapshot.SNAPSHOT_FORMAT``.
SUMMARY_COLUMNS = {
    "article_tone": ARTICLE_TONE_COLUMNS,
    "article_mentions": ["article_id", "entity_id", "surface", "type", "n"],
    "article_quotes": ["article_id", "speaker_label", "country", "anonymous", "n"],
}

#: The article summaries of a corpus (name → how it is made from the corpus's tables).
ARTICLE_SUMMARIES: dict[str, Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]] = {
    "article_tone": lambda t: article_tone(t["sentences"]),
    "article_mentions": lambda t: article_mentions(t["mentions"]),
    "article_quotes": lambda t: article_quotes(t["quotes"], t["entities"]),
}
