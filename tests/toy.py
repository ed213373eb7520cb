"""A toy corpus, every table built by hand: two US–Turkey articles (en, ar), three Russia–Turkey (en), one 'both', one error."""

from __future__ import annotations

import pandas as pd

from lib import schema


def toy_tables() -> dict[str, pd.DataFrame]:
    """Two US–Turkey articles (en, ar), three Russia–Turkey (en), one 'both', one error."""
    arts = [
        # id, dyad, language, date, source, words, tone, neg, pos
        ("u1", "us-turkey", "en", "2021-10-31", "Reuters", 100, -0.2, 0.5, 0.0),
        ("u2", "us-turkey", "ar", "2021-11-01", None, 80, 0.1, 0.0, 0.5),
        ("r1", "russia-turkey", "en", "2020-03-05", "TASS", 120, 0.3, 0.0, 0.5),
        ("r2", "russia-turkey", "en", None, None, 60, 0.1, 0.0, 0.5),
        ("r3", "russia-turkey", "en", "2020-03-06", "TASS", 90, 0.2, 0.0, 1.0),
        ("b1", "both", "en", "2021-01-01", "AP", 50, 0.0, 0.0, 0.0),
    ]
    articles = [
        {
            "article_id": a,
            "file": f"{a}.txt",
            "title": f"Title {a}",
            "date": date,
            "source": src,
            "language": lang,
            "dyad": dyad,
            "dyad_auto": dyad,
            "dyad_reason": f"weighted mentions → {dyad}",
            "n_sentences": 2,
            "n_words": words,
            "tone": tone,
            "share_negative": neg,
            "share_positive": pos,
            "tone_method": "vader" if lang == "en" else "arabic-lexicon",
            "status": "ok",
        }
        for a, dyad, lang, date, src, words, tone, neg, pos in arts
    ]
    articles.append({"article_id": "e1", "file": "bad.bin", "status": "error", "error": "binary file"})
    texts = {
        "u1": [("Biden warned Erdogan over the S-400 missiles.", -0.4), ("Sanctions loom over missiles.", 0.0)],
        "u2": [("قال الرئيس الأمريكي جو بايدن إن العلاقات مع أردوغان مهمة.", 0.2), ("والعقوبات الأمريكية على تركيا.", 0.0)],
        "r1": [("Putin and Erdogan agreed a ceasefire in Idlib.", 0.4), ("The ceasefire in Syria holds.", 0.2)],
        "r2": [("Putin praised the gas pipeline.", 0.3), ("Idlib talks went on.", -0.1)],
        "r3": [("A ceasefire in Idlib was agreed.", 0.2), ("Erdogan thanked Putin.", 0.2)],
        "b1": [("Putin, Biden and Erdogan met.", 0.0), ("Nothing else.", 0.0)],
    }
    sentences, pos = [], 0
    for aid, rows in texts.items():
        pos = 0
        for i, (t, tone) in enumerate(rows):
            sentences.append(
                {"article_id": aid, "sentence_id": i, "start": pos, "end": pos + len(t), "text": t, "tone": tone, "tone_method": "x"}
            )
            pos += len(t) + 1
    found = {
        "u1": [(0, "biden", "Biden"), (0, "erdogan", "Erdogan"), (0, "s-400", "S-400"), (0, "turkey", "Turkey")],
        "u2": [(0, "biden", "بايدن"), (0, "erdogan", "أردوغان"), (1, "turkey", "تركيا")],
        "r1": [(0, "putin", "Putin"), (0, "erdogan", "Erdogan"), (0, "idlib", "Idlib")],
        "r2": [(0, "putin", "Putin"), (1, "idlib", "Idlib")],
        "r3": [(0, "idlib", "Idlib"), (1, "erdogan", "Erdogan"), (1, "putin", "Putin")],
        "b1": [(0, "putin", "Putin"), (0, "biden", "Biden")],
    }
    mentions = []
    for aid, ms in found.items():
        for sid, eid, surface in ms:
            s = next(x for x in sentences if x["article_id"] == aid and x["sentence_id"] == sid)
            start = s["text"].find(surface)
            mentions.append(
                {
                    "article_id": aid,
                    "sentence_id": sid,
                    "entity_id": eid,
                    "surface": surface,
                    "start": s["start"] + start,
                    "end": s["start"] + start + len(surface),
                    "type": "person",
                    "method": "gazetteer",
                    "canonical": True,
                }
            )
    sent_tone = {(s["article_id"], s["sentence_id"]): s["tone"] for s in sentences}
    et: dict[tuple[str, str], list[float]] = {}
    for m in mentions:
        et.setdefault((m["article_id"], m["entity_id"]), []).append(sent_tone[(m["article_id"], m["sentence_id"])])
    entity_tone = [{"article_id": a, "entity_id": e, "n_sentences": len(v), "tone": sum(v) / len(v)} for (a, e), v in et.items()]
    entities = [
        {
            "entity_id": "biden",
            "name_en": "Joe Biden",
            "name_ar": "جو بايدن",
            "type": "person",
            "affiliation": "united-states",
            "canonical": True,
        },
        {
            "entity_id": "erdogan",
            "name_en": "Recep Tayyip Erdoğan",
            "name_ar": "أردوغان",
            "type": "person",
            "affiliation": "turkey",
            "canonical": True,
        },
        {
            "entity_id": "putin",
            "name_en": "Vladimir Putin",
            "name_ar": "بوتين",
            "type": "person",
            "affiliation": "russia",
            "canonical": True,
        },
        {"entity_id": "idlib", "name_en": "Idlib", "name_ar": "إدلب", "type": "place", "canonical": True},
        {"entity_id": "s-400", "name_en": "S-400", "name_ar": "إس-400", "type": "weapon_system", "canonical": True},
        {"entity_id": "turkey", "name_en": "Turkey", "name_ar": "تركيا", "type": "country", "canonical": True},
        {"entity_id": "united-states", "name_en": "United States", "name_ar": "الولايات المتحدة", "type": "country", "canonical": True},
        {"entity_id": "russia", "name_en": "Russia", "name_ar": "روسيا", "type": "country", "canonical": True},
    ]
    taxonomy = [
        {
            "topic_id": "syria",
            "label_en": "Syria/Idlib",
            "label_ar": "سوريا/إدلب",
            "definition": "war in Syria",
            "keywords_en": "idlib|syria",
            "keywords_ar": "إدلب",
        },
        {
            "topic_id": "defence",
            "label_en": "Defence deals",
            "label_ar": "صفقات دفاعية",
            "definition": "arms",
            "keywords_en": "s-400",
            "keywords_ar": "إس-400",
        },
        {"topic_id": "energy", "label_en": "Energy", "label_ar": "الطاقة", "definition": "gas", "keywords_en": "gas", "keywords_ar": "غاز"},
    ]
    sentence_topics = [
        ("u1", 0, "defence", "S-400"),
        ("u1", 1, "defence", "missiles"),
        ("r1", 0, "syria", "Idlib"),
        ("r1", 1, "syria", "Syria"),
        ("r2", 0, "energy", "gas"),
        ("r2", 1, "syria", "Idlib"),
        ("r3", 0, "syria", "Idlib"),
    ]
    quotes = [
        {
            "article_id": "u1",
            "sentence_id": 0,
            "speaker": "a senior US official",
            "affiliation": "united-states",
            "anonymous": True,
            "quote": "x",
            "kind": "reported",
        },
        {
            "article_id": "u1",
            "sentence_id": 1,
            "speaker": "Erdogan",
            "speaker_entity_id": "erdogan",
            "affiliation": "turkey",
            "anonymous": False,
            "quote": "y",
            "kind": "direct",
        },
        {
            "article_id": "r1",
            "sentence_id": 0,
            "speaker": "Putin",
            "speaker_entity_id": "putin",
            "affiliation": "russia",
            "anonymous": False,
            "quote": "z",
            "kind": "direct",
        },
    ]
    boiler = [{"article_id": "u1", "kind": "related", "text": "Also read: <b>other</b>"}]
    topics = []
    for aid in texts:
        for tid in ("syria", "defence", "energy"):
            n = sum(1 for a, _, t, _ in sentence_topics if a == aid and t == tid)
            if n:
                topics.append({"article_id": aid, "topic_id": tid, "share": n / 2, "n_sentences": n})
    return {
        "articles": schema.from_rows("articles", articles),
        "sentences": schema.from_rows("sentences", sentences),
        "mentions": schema.from_rows("mentions", mentions),
        "entities": schema.from_rows("entities", entities),
        "boilerplate": schema.from_rows("boilerplate", boiler),
        "dyad_evidence": schema.empty("dyad_evidence"),
        "entity_tone": schema.from_rows("entity_tone", entity_tone),
        "topics": schema.from_rows("topics", topics),
        "sentence_topics": schema.from_rows(
            "sentence_topics", [dict(zip(("article_id", "sentence_id", "topic_id", "evidence"), r, strict=True)) for r in sentence_topics]
        ),
        "quotes": schema.from_rows("quotes", quotes),
        "topics_taxonomy": schema.from_rows("topics_taxonomy", taxonomy),
    }


def replicated(tables: dict[str, pd.DataFrame], copies: dict[str, int]) -> dict[str, pd.DataFrame]:
    """``tables`` with each article in ``copies`` repeated that many times (ids ``u1-0``, ``u1-1``…) and
    every other article dropped: a larger corpus with the same per-article values, for resampling tests."""
    out = {}
    for name, t in tables.items():
        if "article_id" not in t.columns:
            out[name] = t
            continue
        parts = [t[t["article_id"] == aid].assign(article_id=f"{aid}-{i}") for aid, n in copies.items() for i in range(n)]
        out[name] = pd.concat(parts, ignore_index=True) if parts else t.iloc[:0]
    return out
