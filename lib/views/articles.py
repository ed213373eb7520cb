"""Every article with its metadata and main entities and topics (the Articles page)."""

from __future__ import annotations

import pandas as pd

from lib.views.common import (
    DYAD_DEFINING_ENTITIES,
    DYAD_LABELS,
    UNKNOWN_DATE,
    entity_names,
    language_label,
    pct,
    source_labels,
    titles,
)


def article_table(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    topics: pd.DataFrame,
    taxonomy: pd.DataFrame,
    *,
    n_entities: int = 3,
    n_topics: int = 2,
) -> pd.DataFrame:
    """Every article with title, date, source, language, dyad and why, words, tone, main entities and topics.

    Main entities are the most-mentioned ones other than the dyad's defining
    countries; main topics the largest by share of the article's sentences.
    """
    a = articles.copy()
    names = entity_names(entities)["name_en"]
    m = mentions[~mentions["entity_id"].isin(DYAD_DEFINING_ENTITIES)]
    ent = (
        m.groupby(["article_id", "entity_id"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["article_id", "n", "entity_id"], ascending=[True, False, True])
        .groupby("article_id")
        .head(n_entities)
    )
    ent["name"] = ent["entity_id"].map(names).fillna(ent["entity_id"]).astype(str)
    main_entities = ent.groupby("article_id")["name"].agg(", ".join)
    labels = taxonomy.set_index("topic_id")["label_en"] if not taxonomy.empty else pd.Series(dtype="string")
    top = (
        topics[topics["share"].fillna(0) > 0]
        .sort_values(["article_id", "share"], ascending=[True, False])
        .groupby("article_id")
        .head(n_topics)
    )
    top = top.assign(
        label=top["topic_id"].map(labels).fillna(top["topic_id"]).astype(str)
        + " ("
        + pd.Series([pct(x) for x in top["share"]], index=top.index, dtype="str")
        + ")"
    )
    main_topics = top.groupby("article_id")["label"].agg(", ".join)
    out = pd.DataFrame(
        {
            "article_id": a["article_id"],
            "title": titles(a),
            "date": a["date"].fillna(UNKNOWN_DATE),
            "source": source_labels(a),
            "language": a["language"].map(language_label),
            "dyad": a["dyad"].map(DYAD_LABELS).fillna(a["dyad"]),
            "dyad_reason": a["dyad_reason"],
            "n_words": a["n_words"],
            "tone": a["tone"].astype("Float64"),
            "main_entities": a["article_id"].map(main_entities).fillna(""),
            "main_topics": a["article_id"].map(main_topics).fillna(""),
            "status": a["status"],
        }
    )
    return out.reset_index(drop=True)
