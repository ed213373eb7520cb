"""The analysis pipeline: one article in, its rows of every table out.

``analyze_text`` is a pure function of one article's text (plus the loaded
resources and settings): it can run in a worker process or on another
machine unchanged. ``assemble`` then concatenates per-article results into
the corpus tables and checks each against ``lib.schema``. Models load once
per process (``load_resources`` is cached), never once per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lib import schema
from lib.analysis import dyad, entities, quotes, tone, topics
from lib.errors import ArticleError
from lib.schema import LANGUAGES_ANALYSED
from lib.text.cleaning import clean
from lib.text.language import detect_language
from lib.text.reading import article_id_for, content_hash, decode_bytes, read_document
from lib.text.sentences import split_spans

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Resources:
    """Everything the per-article function needs besides the text."""

    gazetteer: entities.Gazetteer
    tone: tone.ToneResources
    taxonomy: topics.Taxonomy
    nlp: object | None = None  # spaCy NER, when enabled
    arabic_ner: entities.ArabicNER | None = None


@cache
def load_resources(*, use_spacy: bool = True) -> Resources:
    """Load every model and table once per process."""
    return Resources(
        gazetteer=entities.load_gazetteer(),
        tone=tone.load_tone_resources(),
        taxonomy=topics.load_taxonomy(),
        nlp=entities.load_spacy() if use_spacy else None,
        arabic_ner=entities.load_camel_ner(),
    )


ArticleRows = dict[str, list[dict]]


def _empty_rows() -> ArticleRows:
    return {name: [] for name in schema.PER_ARTICLE_TABLES}


def error_rows(*, file: str, error: ArticleError | str, data: bytes | str = b"", metadata: dict | None = None) -> ArticleRows:
    """Rows for a file that could not be analysed: one article row saying why."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
    message = str(error)  # an ArticleError reads "<file>: <what is wrong>"
    rows = _empty_rows()
    meta = metadata or {}
    rows["articles"].append(
        {
            "article_id": "err-" + article_id_for(file + "\0" + raw.hex()),
            "file": file,
            "title": meta.get("title"),
            "source": meta.get("source"),
            "status": "error",
            "error": message,
        }
    )
    return rows


def analyze_text(
    raw: str,
    *,
    file: str,
    resources: Resources,
    metadata: dict | None = None,
    dyad_override: str | None = None,
) -> ArticleRows:
    """Analyse one article's decoded text. Raises ArticleError for bad input.

    ``metadata`` may give title, date, source, url, language (e.g. from a CSV
    row); what it gives wins over what is read from the text.
    """
    meta = metadata or {}
    cleaned = clean(raw, file=file, title_hint=meta.get("title"))
    text = cleaned.text
    article_id = article_id_for(raw)
    language = meta.get("language") or detect_language(text)
    article = {
        "article_id": article_id,
        "file": file,
        "title": cleaned.title,
        "date": meta.get("date") or cleaned.date,
        "source": meta.get("source") or cleaned.source,
        "url": meta.get("url") or cleaned.url,
        "language": language,
        "n_words": len(_WORD_RE.findall(text)),
        "content_hash": content_hash(raw),
        "status": "ok",
        "text": text,
    }
    rows = _empty_rows()
    rows["articles"].append(article)
    rows["boilerplate"] = [{"article_id": article_id, **b} for b in cleaned.boilerplate]
    spans = split_spans(text, language)
    texts = [text[s:e] for s, e in spans]
    article["n_sentences"] = len(spans)
    if language not in LANGUAGES_ANALYSED:
        article["status"] = "not_analysed"
        article["error"] = f"language {language!r} is not analysed (only English and Arabic are); the article is stored as is"
        article["dyad"] = dyad_override or "other"
        article["dyad_auto"] = "other"
        article["dyad_reason"] = "not analysed"
        rows["sentences"] = [
            {"article_id": article_id, "sentence_id": i, "start": s, "end": e, "text": t}
            for i, ((s, e), t) in enumerate(zip(spans, texts, strict=True))
        ]
        return rows

    found = entities.find_mentions(text, spans, language, gaz=resources.gazetteer, nlp=resources.nlp, arabic_ner=resources.arabic_ner)
    scores = tone.score_sentences(texts, language, resources=resources.tone)
    rows["sentences"] = [
        {"article_id": article_id, "sentence_id": i, "start": s, "end": e, "text": t, **score}
        for i, ((s, e), t, score) in enumerate(zip(spans, texts, scores, strict=True))
    ]
    rows["mentions"] = [
        {k: m[k] for k in ("sentence_id", "entity_id", "surface", "start", "end", "type", "method", "canonical")}
        | {"article_id": article_id}
        for m in found
    ]
    article.update(tone.article_tone([s["tone"] for s in scores]))
    methods = sorted({s["tone_method"] for s in scores if s["tone_method"]})
    article["tone_method"] = "+".join(methods) if methods else None

    final, auto, reason, evidence = dyad.decide_dyad(found, has_title=cleaned.title is not None, override=dyad_override)
    article.update({"dyad": final, "dyad_auto": auto, "dyad_reason": reason})
    rows["dyad_evidence"] = [{"article_id": article_id, **e} for e in evidence]

    per_sentence_topics = topics.assign_topics(texts, language, taxonomy=resources.taxonomy)
    rows["sentence_topics"] = [
        {"article_id": article_id, "sentence_id": i, "topic_id": tid, "evidence": ev}
        for i, pairs in enumerate(per_sentence_topics)
        for tid, ev in pairs
    ]
    by_sentence: list[list[dict]] = [[] for _ in spans]
    for m in found:
        s0 = spans[m["sentence_id"]][0]
        by_sentence[m["sentence_id"]].append({**m, "start": m["start"] - s0, "end": m["end"] - s0})
    for q in quotes.extract_quotes(texts, language, mentions=by_sentence):
        q = dict(q)
        rows["quotes"].append({"article_id": article_id, "sentence_id": q.pop("sentence_index"), **q})
    return rows


def analyze_bytes(
    data: bytes, *, file: str, resources: Resources, metadata: dict | None = None, dyad_override: str | None = None
) -> ArticleRows:
    """Decode and analyse one file's bytes; bad input becomes an error row."""
    try:
        text, _ = decode_bytes(data, file=file)
        return analyze_text(text, file=file, resources=resources, metadata=metadata, dyad_override=dyad_override)
    except ArticleError as exc:
        return error_rows(file=file, error=exc, data=data, metadata=metadata)


def analyze_path(path: str | Path, *, resources: Resources, dyad_override: str | None = None) -> ArticleRows:
    """Read and analyse one file; bad input becomes an error row."""
    try:
        doc = read_document(path)
        return analyze_text(doc.text, file=doc.file, resources=resources, dyad_override=dyad_override)
    except ArticleError as exc:
        return error_rows(file=str(path), error=exc)
    except OSError as exc:
        return error_rows(file=str(path), error=f"{path}: cannot be read: {exc.strerror or exc}")
