"""The bilingual gazetteer (``data/gazetteer.csv``): one id per real-world entity, its English and
Arabic names, aliases and demonyms, compiled into the lookups ``lib.analysis.entities`` matches
text with.

English keys are diacritic-folded (Erdoğan == Erdogan); Arabic keys are camel-tools-normalised
stems with clitics and the article set apart, under the ambiguity rules of ``data/ar_ambiguous.csv``.
``entities_table`` is the gazetteer as the corpus's ``entities`` table, read without compiling the
matchers (pages that only name entities need nothing more). Columns and matching rules:
``docs/gazetteer.md``.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from lib import schema
from lib.text import arabic
from lib.text.fold import fold

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.csv"
ENTITY_TYPES = ("person", "country", "organisation", "place", "weapon_system", "event")

METHOD_GAZETTEER = "gazetteer"
METHOD_DEMONYM = "gazetteer-demonym"

#: Arabic titles and roles after which a bare surname is surely a name.
AR_TITLES = frozenset(
    arabic.normalise(w)
    for w in """الرئيس الرئيسين رئيس رئيسه الوزير وزير وزيره الوزيره الخارجيه الدفاع الداخليه السفير سفير المبعوث مبعوث
    الجنرال الفريق اللواء العميد العقيد المقدم الرائد النقيب القائد قائد الزعيم زعيم المتحدث الناطق الشيخ الأمير الملك السلطان
    السيد السيده المستشار مستشار المرشد المرشح النائب السناتور السيناتور عضو الحاكم المحافظ العاهل ولي العهد رئيسا""".split()
)
#: Words that normalise like a first name but mostly are not one before a surname.
_AR_NOT_FIRST = frozenset(arabic.normalise(w) for w in "على إلى حتى لدى متى سيد أبو ابو بن".split())
#: Honorifics before a family name: after them a nisba adjective is a name
#: (الدكتور التركي is a Dr Al-Turki), where after a role it is a nationality
#: (السفير التركي).
AR_HONORIFICS = frozenset(arabic.normalise(w) for w in "الدكتور د الاستاذ المهندس الشيخ السيد الكابتن".split())
#: Nisba endings after a normalised adjective (the demonyms' forms here, and matching): ه (ية), ين، ون، ان، ات.
AR_SUFFIXES = ("ين", "ون", "ان", "ات", "ه")

AR_AMBIGUOUS_PATH = Path(__file__).parent / "data" / "ar_ambiguous.csv"

#: Organisation and person subtypes that never stand for their state: a
#: newspaper, think tank, company, NGO or court case of a country is not the
#: country acting (The Washington Post is not the United States), nor is a
#: journalist or businessperson. ``dyad`` does not count them.
NON_STATE_SUBTYPES = frozenset({"media", "think_tank", "company", "ngo", "court_or_case", "journalist", "businessperson"})

#: Ambiguity rules for Arabic stems that are also common words (data/ar_ambiguous.csv):
#: ``no_bi`` — not after the preposition ب without the article (بحماس "with
#: enthusiasm"); ``no_clitic`` — only as a bare word, without any proclitic;
#: ``titled`` — only right after a title, an introducing word or the entity's
#: own first name (الرئيس روحاني، مصطفى سيجري، قناة أ خبر), because the bare
#: word is a verb or noun too; ``article_only`` — only with the article
#: (الكرد, not كرد فعل "as a reaction"); ``not_after`` — not right after one
#: of the words listed with it (صلاة المغرب is the sunset prayer, not Morocco);
#: ``context`` — only with a title or introducer before it, or one of the
#: listed cue words within a few words around it, and never after ب
#: (حماس is Hamas beside غزة or حركة, "enthusiasm" in بكل حماس).
AR_RULES = ("no_bi", "no_clitic", "titled", "article_only", "not_after", "context")


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


class Alias(NamedTuple):
    """What a gazetteer alias stands for and how it may be matched."""

    entity_id: str
    method: str
    requires_article: bool = False
    adjective: bool = False
    #: One word naming a person (a surname): taken only when no other first
    #: name stands right before it (Jill Biden is not Joe Biden).
    surname: bool = False
    #: Arabic ambiguity rule (one of AR_RULES) or "".
    rule: str = ""
    #: Whether an Arabic alias written without the article may take it: a
    #: name does not (حماس is Hamas, الحماس is "the enthusiasm"), an
    #: adjective does (التركي), and so does a name listed both ways.
    takes_article: bool = True


@dataclass(frozen=True)
class Gazetteer:
    table: pd.DataFrame  # schema "entities"
    info: dict  # entity_id -> {"type", "subtype", "affiliation", "name_en", "name_ar", "qid"}
    en_aliases: dict  # folded alias -> Alias
    ar_aliases: dict  # whitespace-free normalised stem -> Alias
    #: token tuple of a folded alias (and of its ALL-CAPS form) -> en_aliases key
    en_tokens: dict = field(default_factory=dict)
    #: first token of an English alias -> the token counts of aliases starting with it, longest first
    en_first: dict = field(default_factory=dict)
    #: first token of an Arabic stem (after clitics) -> token counts of stems starting with it, longest first
    ar_first: dict = field(default_factory=dict)
    #: Arabic key -> the most tokens any listed form of it has: a one-word name
    #: is not found split in two (سو تشي is Suu Kyi, not Sochi).
    ar_words: dict = field(default_factory=dict)
    en_upper: dict = field(default_factory=dict)  # ALL-CAPS folded alias -> Alias (TURKEY)
    en_name_words: frozenset = frozenset()  # capitalised words of gazetteer names
    en_first_names: frozenset = frozenset()  # first words of English person names
    ar_first_names: frozenset = frozenset()  # normalised first words of Arabic person names

    def entity(self, entity_id: str) -> dict:
        return self.info.get(entity_id, {})


def _ar_stem(form: str) -> tuple[str, bool]:
    """Normalised stem of an Arabic name and whether it carries the article.

    The article is written with a bare alef (ال); a name that starts with
    hamza-alef (ألمانيا، إلهام) does not carry it, so the check runs before
    alef normalisation folds أ and إ into ا.
    """
    has_article = arabic.dediac(form.strip()).startswith("ال")
    norm = " ".join(arabic.normalise(form).split())
    if has_article and len(norm) > 4:
        return norm[2:], True
    return norm, False


def ar_key(form: str) -> str:
    """Whitespace-free normalised stem: the key of ``Gazetteer.ar_aliases``."""
    return re.sub(r"\s+", "", _ar_stem(form)[0])


def en_key(form: str) -> str:
    """Folded form with single spaces: the key of ``Gazetteer.en_aliases``."""
    return " ".join((form if form.isascii() else fold(form)).split())


#: Words and single punctuation marks: the units the matchers compare. Names
#: are looked up as token sequences in dicts (one lookup per word of text),
#: so matching time does not grow with the size of the gazetteer and nothing
#: is compiled at load time.
TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def read_ambiguous(path: str | Path | None = None) -> dict[str, str]:
    """Arabic stem (``ar_key``) -> ambiguity rule, from ``data/ar_ambiguous.csv``.

    ``not_after`` and ``context`` rules carry their words: ``context:word|word`` (normalised).
    """
    df = pd.read_csv(path or AR_AMBIGUOUS_PATH, dtype=str, keep_default_na=False, comment="#")
    if "words" not in df.columns:
        df = df.assign(words="")
    bad = sorted(set(df["rule"]) - set(AR_RULES))
    if bad:
        raise ValueError(f"ar_ambiguous: unknown rules {bad}; expected one of {', '.join(AR_RULES)}")
    out = {}
    for form, rule, words in zip(df["form"], df["rule"], df["words"], strict=True):
        if rule in ("not_after", "context"):
            rule += ":" + "|".join(arabic.normalise(w) for w in _split(words))
        out[ar_key(form)] = rule
    return out


def gazetteer_aliases(df: pd.DataFrame) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Every alias as ``(key, entity_id, source form)``, English then Arabic.

    Keys are what the matcher looks up (``en_key``, ``ar_key``); two entities
    with the same key clash (the validation tests list them).
    """
    df = df.fillna("")
    en, ar = [], []
    for row in _rows(df):
        for alias in [row.name_en, *_split(row.aliases_en), *_split(row.demonyms_en)]:
            if alias:
                en.append((en_key(alias), row.entity_id, alias))
        for alias in [row.name_ar, *_split(row.aliases_ar), *_split(row.adjectives_ar)]:
            if alias:
                ar.append((ar_key(alias), row.entity_id, alias))
    return en, ar


def build_gazetteer(df: pd.DataFrame, *, ambiguous: dict[str, str] | None = None) -> Gazetteer:
    """Compile a gazetteer table (columns of ``gazetteer.csv``) into matchers.

    ``ambiguous`` maps Arabic stems to rules (default: ``data/ar_ambiguous.csv``).
    """
    df = df.fillna("")
    if "subtype" not in df.columns:
        df = df.assign(subtype="")
    bad = sorted(set(df["type"]) - set(ENTITY_TYPES))
    if bad:
        raise ValueError(f"gazetteer: unknown entity types {bad}")
    rules = read_ambiguous() if ambiguous is None else ambiguous
    en: dict[str, Alias] = {}
    ar: dict[str, Alias] = {}
    info: dict[str, dict] = {}
    ar_forms: set[str] = set()
    name_words: set[str] = set()
    first_ar: set[str] = set()
    first_en: set[str] = set()
    for row in _rows(df):
        eid = row.entity_id
        info[eid] = {
            "type": row.type,
            "subtype": row.subtype or None,
            "affiliation": row.affiliation or None,
            "name_en": row.name_en,
            "name_ar": row.name_ar,
            "qid": row.qid or None,
        }
        person = row.type == "person"
        for alias in [row.name_en, *_split(row.aliases_en)]:
            if alias:
                key = en_key(alias)
                en.setdefault(key, Alias(eid, METHOD_GAZETTEER, surname=person and " " not in key))
                name_words.update(w for w in re.findall(r"[A-Za-z]+", key) if w[:1].isupper())
        for dem in _split(row.demonyms_en):
            en.setdefault(en_key(dem), Alias(eid, METHOD_DEMONYM))
        ar_names = [row.name_ar, *_split(row.aliases_ar)]
        if person:
            first_en.update(en_key(a).split()[0] for a in [row.name_en, *_split(row.aliases_en)] if " " in a.strip())
            first_ar.update(arabic.normalise(a).split()[0] for a in ar_names if len(a.split()) > 1)
        for alias in ar_names:
            if alias:
                stem, article = _ar_stem(alias)
                key = stem.replace(" ", "")
                ar_forms.add(stem)
                surname = person and " " not in stem
                prior = ar.get(key)
                if prior is None:
                    # A one-word name of a person, or one that is also a common word, does not
                    # take the article (حماس, not الحماس "the enthusiasm"); others may
                    # (البوينغ، الحلف الأطلسي).
                    takes = article or " " in stem or not (person or key in rules)
                    ar[key] = Alias(eid, METHOD_GAZETTEER, article, surname=surname, rule=rules.get(key, ""), takes_article=takes)
                elif prior.entity_id == eid and prior.requires_article != article:  # listed with and without ال
                    ar[key] = prior._replace(requires_article=False, takes_article=True)
        for adj in _split(row.adjectives_ar):
            stem, _ = _ar_stem(adj)
            ar_forms.add(stem)
            key = stem.replace(" ", "")
            ar.setdefault(key, Alias(eid, METHOD_DEMONYM, adjective=True, rule=rules.get(key, "")))
    # ALL-CAPS headlines (TURKEY, ERDOGAN) match the alias they spell.
    upper = {k.upper(): a for k, a in en.items() if k.upper() != k and len(k) >= 4}
    upper = {k: a for k, a in upper.items() if k not in en}
    en_tokens: dict[tuple, str] = {}
    en_first: dict[str, set] = {}
    for key in [*en, *upper]:
        toks = tuple(TOKEN_RE.findall(key))
        if toks:
            en_tokens.setdefault(toks, key)
            en_first.setdefault(toks[0], set()).add(len(toks))
    ar_first: dict[str, set] = {}
    ar_words: dict[str, int] = {}
    for stem in ar_forms:
        toks = TOKEN_RE.findall(stem)
        if toks:
            ar_first.setdefault(toks[0], set()).add(len(toks))
            ar_first.setdefault("".join(toks), set()).add(1)  # written as one word (ابوظبي)
            key = "".join(toks)
            ar_words[key] = max(ar_words.get(key, 0), len(toks))
    for key, alias in ar.items():
        if alias.adjective:  # with a nisba ending: التركية، الأمريكيين
            for suf in AR_SUFFIXES:
                ar_first.setdefault(key + suf, set()).add(1)
    # First names only: not titles, not words with the article, not على (on),
    # which normalises like the name علي.
    first_ar = {w for w in first_ar if not w.startswith("ال") and w not in AR_TITLES and w not in AR_HONORIFICS and w not in _AR_NOT_FIRST}
    return Gazetteer(
        entities_table(df),
        info,
        en,
        ar,
        en_tokens=en_tokens,
        en_first={k: tuple(sorted(v, reverse=True)) for k, v in en_first.items()},
        ar_first={k: tuple(sorted(v, reverse=True)) for k, v in ar_first.items()},
        ar_words=ar_words,
        en_upper=upper,
        en_name_words=frozenset(name_words),
        en_first_names=frozenset(first_en),
        ar_first_names=frozenset(first_ar),
    )


def _rows(df: pd.DataFrame):
    """Rows as named tuples of plain Python strings (faster than itertuples on Arrow strings)."""
    cols = list(df.columns)
    Row = namedtuple("Row", cols, rename=True)
    return [Row(*vals) for vals in zip(*(df[c].astype(object).tolist() for c in cols), strict=True)]


def entities_table(df: pd.DataFrame) -> pd.DataFrame:
    """Schema ``entities`` for the gazetteer table ``df`` (columns of ``gazetteer.csv``)."""
    df = df.fillna("")
    subtype = df["subtype"] if "subtype" in df.columns else pd.Series("", index=df.index)
    table = pd.DataFrame(
        {
            "entity_id": df["entity_id"],
            "name_en": df["name_en"],
            "name_ar": df["name_ar"],
            "type": df["type"],
            "subtype": subtype.replace("", pd.NA),
            "affiliation": df["affiliation"].replace("", pd.NA),
            "qid": df["qid"].replace("", pd.NA),
            "canonical": True,
        }
    )
    return schema.validate("entities", table)


@cache
def load_entities_table(path: str | None = None) -> pd.DataFrame:
    """The gazetteer's entities as a table, without compiling its matchers (for pages
    that only name entities: reading the CSV takes milliseconds, compiling seconds)."""
    return entities_table(read_gazetteer_table(path))


def read_gazetteer_table(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer CSV as a string table (empty cells are '')."""
    return pd.read_csv(path or GAZETTEER_PATH, dtype=str, keep_default_na=False)


@cache
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Load and compile the gazetteer once per process."""
    return build_gazetteer(read_gazetteer_table(path))
