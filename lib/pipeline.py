"""The analysis pipeline: one article in, its rows of every table out.

``analyze_text`` is a pure function of one article's text (plus the loaded
resources and settings): it can run in a worker process or on another
machine unchanged. ``assemble`` then concatenates per-article results into
the corpus tables and checks each against ``lib.schema``. Models load once
per process (``load_resources`` is cached), never once per article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from lib import dyad, entities, quotes, schema, tone, topics
from lib.cleaning import clean
from lib.errors import ArticleError
from lib.language import detect_language
from lib.reading import article_id_for, collect_paths, content_hash, decode_bytes, read_document
from lib.schema import LANGUAGES_ANALYSED
from lib.sentences import split_spans

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


# --- the corpus ---------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """Every table of an analysed corpus, each checked against ``lib.schema``."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def articles(self) -> pd.DataFrame:
        return self.tables["articles"]

    def subset(self, article_ids: Iterable[str]) -> Corpus:
        """The same corpus restricted to ``article_ids`` (reference tables kept whole)."""
        keep = set(article_ids)
        out = {}
        for name, df in self.tables.items():
            out[name] = df[df["article_id"].isin(keep)].reset_index(drop=True) if "article_id" in df.columns else df
        return Corpus(out)


def assemble(results: Iterable[ArticleRows], *, resources: Resources) -> Corpus:
    """Concatenate per-article rows into validated corpus tables."""
    merged = _empty_rows()
    seen: set[str] = set()
    for rows in results:
        aid = rows["articles"][0]["article_id"]
        if aid in seen:  # the same text twice: keep the first
            continue
        seen.add(aid)
        for name, part in rows.items():
            merged[name].extend(part)
    tables = {name: schema.from_rows(name, part) for name, part in merged.items()}
    tables["entity_tone"] = tone.entity_tone(tables["mentions"], tables["sentences"])
    tables["topics"] = topics.topic_shares(tables["sentence_topics"], tables["sentences"])
    tables["entities"] = entities.entities_table(tables["mentions"], gaz=resources.gazetteer)
    tables["topics_taxonomy"] = schema.validate("topics_taxonomy", resources.taxonomy.table)
    return Corpus(tables)


def analyze_paths(
    paths: list[str | Path],
    *,
    resources: Resources,
    progress: Callable[[int, int, ArticleRows], None] | None = None,
) -> Corpus:
    """Analyse files and folders into a corpus; ``progress(i, n, rows)`` after each file."""
    files = collect_paths(paths)
    results = []
    for i, f in enumerate(files, start=1):
        rows = analyze_path(f, resources=resources)
        results.append(rows)
        if progress:
            progress(i, len(files), rows)
    return assemble(results, resources=resources)


SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def analyze_seeds(*, resources: Resources | None = None) -> Corpus:
    """The default corpus: the seed articles shipped with the project."""
    res = resources or load_resources()
    return analyze_paths([SEEDS_DIR], resources=res)
