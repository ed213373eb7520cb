"""The analysis pipeline: one article in, its rows of every table out.

``analyze_text`` is a pure function of one article's text (plus the
resources and settings): it runs in a worker process or on another machine
unchanged. It works in two depths:

- the **cheap pass** (every article): clean, language, sentences, a scan for
  any Turkish actor, then (only when one is named) gazetteer entities and the
  dyad. An article about neither relationship stops here (``depth`` =
  ``triage``): it is stored, counted and listed with the reason.
- the **full analysis** (``us-turkey``, ``russia-turkey``, ``both``, or any
  article a user assigns to one of them): spaCy NER, tone, topics, quotes and
  the optional models — exactly the same analysis whatever the corpus.

Models load on first need, once per process (``Resources`` is lazy), so a
worker that only triages never loads spaCy, and a dashboard that reads stored
analysis loads no model at all.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Literal

from lib import schema
from lib.analysis import dyad, entities, gazetteer, quotes, target_tone, tone, topics
from lib.analysis.triage import TurkeyScan
from lib.errors import ArticleError
from lib.schema import LANGUAGES_ANALYSED, RELEVANT_DYADS
from lib.text.cleaning import clean
from lib.text.language import detect_language
from lib.text.reading import article_id_for, content_hash, decode_bytes, read_document, text_identity
from lib.text.sentences import split_spans

_WORD_RE = re.compile(r"\w+")

Depth = Literal["auto", "full", "triage"]


class Resources:
    """Everything the per-article function needs besides the text, loaded on first use.

    Each part is loaded once (thread-safe) when an article first needs it:
    the gazetteer and the Turkey scan for the cheap pass; spaCy, tone,
    topics and the optional camel-tools model only for a full analysis.
    Never mutated after loading; safe to share between threads.
    """

    def __init__(self, *, use_spacy: bool = True) -> None:
        self.use_spacy = use_spacy
        self._lock = threading.RLock()
        self._loaded: dict[str, object] = {}

    def _get(self, name: str, load):
        if name not in self._loaded:
            with self._lock:
                if name not in self._loaded:
                    self._loaded[name] = load()
        return self._loaded[name]

    @property
    def gazetteer(self) -> gazetteer.Gazetteer:
        return self._get("gazetteer", gazetteer.load_gazetteer)

    @property
    def turkey_scan(self) -> TurkeyScan:
        return self._get("turkey_scan", lambda: TurkeyScan.from_gazetteer(self.gazetteer))

    @property
    def tone(self) -> tone.ToneResources:
        return self._get("tone", tone.load_tone_resources)

    @property
    def taxonomy(self) -> topics.Taxonomy:
        return self._get("taxonomy", topics.load_taxonomy)

    @property
    def nlp(self):
        return self._get("nlp", entities.load_spacy) if self.use_spacy else None

    @property
    def arabic_ner(self) -> entities.ArabicNER | None:
        return self._get("arabic_ner", entities.load_camel_ner)

    @property
    def target(self) -> target_tone.TargetResources:
        """Tone toward each mention: the parser (with spaCy on) and the fitted model."""
        return self._get("target", lambda: target_tone.load_target_resources(tone_resources=self.tone, use_parser=self.use_spacy))

    @property
    def models_loaded(self) -> bool:
        """Whether the expensive models (spaCy, tone, camel-tools) are in memory."""
        return any(k in self._loaded for k in ("nlp", "tone", "arabic_ner", "target"))

    def preload(self) -> Resources:
        """Load everything now (a benchmark or a worker that wants no first-article pause)."""
        for name in ("gazetteer", "turkey_scan", "tone", "taxonomy", "nlp", "arabic_ner", "target"):
            getattr(self, name)
        return self


@cache
def load_resources(*, use_spacy: bool = True) -> Resources:
    """The process's resources (each part loads on first use, once per process)."""
    return Resources(use_spacy=use_spacy)


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
    depth: Depth = "auto",
) -> ArticleRows:
    """Analyse one article's decoded text. Raises ArticleError for bad input.

    ``metadata`` may give title, date, source, url, language (e.g. from a CSV
    row); what it gives wins over what is read from the text. ``depth``:
    ``auto`` runs the full analysis only for an article of a focal dyad (as
    computed, or as ``dyad_override`` says); ``full`` always; ``triage`` never.
    The article's id is the identity of its cleaned text, so the same article
    read from a .txt, a CSV row, JSON or HTML is one article.
    """
    meta = metadata or {}
    cleaned = clean(raw, file=file, title_hint=meta.get("title"))
    text = cleaned.text
    article_id = text_identity(text)
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
        "depth": "full",
        "text": text,
    }
    rows = _empty_rows()
    rows["articles"].append(article)
    spans = split_spans(text, language)
    texts = [text[s:e] for s, e in spans]
    article["n_sentences"] = len(spans)
    if language not in LANGUAGES_ANALYSED:
        rows["boilerplate"] = [{"article_id": article_id, **b} for b in cleaned.boilerplate]
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

    # --- the cheap pass: is this about either relationship? ---------------------------
    if depth != "full" and not resources.turkey_scan.names_turkey(text, language):
        final, auto, reason = dyad_override or "other", "other", "no Turkish actor named (cheap pass)"
        if depth == "triage" or final not in RELEVANT_DYADS:
            if dyad_override and dyad_override != auto:
                reason = f"set by user to {dyad_override}; computed: {reason}"
            return _triaged(rows, article, final=final, auto=auto, reason=reason, evidence=[])
    gaz_found = entities.find_mentions(text, spans, language, gaz=resources.gazetteer)
    final, auto, reason, evidence = dyad.decide_dyad(gaz_found, has_title=cleaned.title is not None, override=dyad_override)
    if depth == "triage" or (depth == "auto" and final not in RELEVANT_DYADS):
        return _triaged(rows, article, final=final, auto=auto, reason=reason, evidence=evidence)

    # --- the full analysis ------------------------------------------------------------
    rows["boilerplate"] = [{"article_id": article_id, **b} for b in cleaned.boilerplate]
    found = entities.find_mentions(
        text,
        spans,
        language,
        gaz=resources.gazetteer,
        nlp=resources.nlp if language == "en" else None,  # each model loads only where its language needs it
        arabic_ner=resources.arabic_ner if language == "ar" else None,
    )
    scores = tone.score_sentences(texts, language, resources=resources.tone)
    rows["sentences"] = [
        {"article_id": article_id, "sentence_id": i, "start": s, "end": e, "text": t, **score}
        for i, ((s, e), t, score) in enumerate(zip(spans, texts, scores, strict=True))
    ]
    targeted = target_tone.score_mentions(texts, spans, found, language, resources=resources.target)
    rows["mentions"] = [
        {k: m[k] for k in ("sentence_id", "entity_id", "surface", "start", "end", "type", "method", "canonical")}
        | {"article_id": article_id}
        | t
        for m, t in zip(found, targeted, strict=True)
    ]
    article.update(tone.article_tone([s["tone"] for s in scores]))
    methods = sorted({s["tone_method"] for s in scores if s["tone_method"]})
    article["tone_method"] = "+".join(methods) if methods else None

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


def _triaged(rows: ArticleRows, article: dict, *, final: str, auto: str, reason: str, evidence: list[dict]) -> ArticleRows:
    """The cheap pass's rows: the article row (no text, no tone) and the dyad evidence."""
    article.update({"dyad": final, "dyad_auto": auto, "dyad_reason": reason, "depth": "triage", "text": None})
    rows["dyad_evidence"] = [{"article_id": article["article_id"], **e} for e in evidence]
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
