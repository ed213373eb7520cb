"""The terms of a text: words and multi-word names, normalised, with stopwords dropped.

A term is a word (letters and digits, joined by apostrophes or hyphens:
"S-400", "إف-16") in normal form — English folded and casefolded, Arabic
normalised (camel-tools rules) with the proclitics و/ال stripped — or a
multi-word name of the gazetteer ("united states", "الولايات المتحدة"), which
counts as one term: a name's words say nothing apart. The views count terms
to find those that tell the two relationships apart (``lib.views.terms``);
``lib.corpus.term_counts.count_terms`` counts them for a whole corpus at once.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from lib.analysis.entities import match_arabic, match_english
from lib.analysis.gazetteer import load_gazetteer
from lib.text import arabic
from lib.text.fold import fold

# --- stopwords --------------------------------------------------------------------------

#: English function words dropped from distinguishing terms (casefolded).
_EN_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves said says say told according mr ms mrs
    one two three four five six seven eight nine ten first last new also since its it's would could may might must
    shall us re s t don't didn't doesn't isn't wasn't aren't weren't won't can't cannot via per within without upon
    among amid along across around toward towards however whether although though yet still even ever already
"""
EN_STOPWORDS = frozenset(_EN_STOPWORD_TEXT.split())
# "us" is a pronoun here; the country "US" casefolds to the same token, and
# the country is a dyad-defining entity anyway, never a distinguishing term.

#: Arabic function words, written in normalised form (lib.text.arabic.normalise)
#: and without the proclitics و/ال that are stripped before the lookup.
_AR_STOPWORD_TEXT = """
    في من الى إلى على عن مع هذا هذه ذلك تلك هؤلاء التي الذي الذين اللذين اللتين ما ماذا لا لم لن ان أن إن قد
    كان كانت يكون تكون كما او أو ثم بل لكن لكنه حتى اذا إذا عند عندما بين بعد قبل حول خلال منذ ضد دون غير كل بعض
    هو هي هم هن نحن انا أنا انت أنت انه أنه انها أنها لها له لهم به بها بهم فيه فيها عليه عليها منه منها اليه إليه
    التي عبر وفق لدى نحو اي أي ايضا أيضا فقط حيث كذلك هناك هنا قال قالت يقول تقول وقال وقالت اليوم امس أمس
    ذات الا إلا سوى مثل اكثر أكثر اقل أقل جدا وهو وهي فى يا لقد ولم ولا وان وأن وإن وفي ومن وعلى كلا وقد
"""
AR_STOPWORDS = frozenset(arabic.normalise(w) for w in _AR_STOPWORD_TEXT.split())


#: Distinct tokens whose normal form is remembered: a news vocabulary of
#: 10,000 articles has well under this many word forms per language.
TERM_CACHE_SIZE = 200_000
#: A word: letters and digits, joined by apostrophes or hyphens ("S-400",
#: "Erdoğan's", "إف-16"); a term needs at least one letter (no bare numbers).
TOKEN_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
#: The marks Arabic normalisation deletes that are not word characters
#: (short vowels, tanwin, shadda, sukun, dagger alef).
AR_MARKS = "".join(ch for ch, rep in arabic.NORM_TABLE.items() if rep == "" and not re.match(r"[^\W_]", ch))
#: A word of Arabic text *as written*: ``TOKEN_RE`` with the deleted marks
#: inside words ("جداً" is one word), so the words found before and after
#: normalisation are the same and each keeps its written form.
SOURCE_TOKEN_RE_AR = re.compile(rf"(?:[^\W_]|[{AR_MARKS}])+(?:['’-](?:[^\W_]|[{AR_MARKS}])+)*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_AR_PROCLITICS = ("وال", "ال", "و")
#: A stripped Arabic stem must keep at least this many letters: و in وقت or
#: وفد is part of the word, and stripping it would leave two letters.
MIN_AR_STEM = 3
#: Common news words whose first letter و belongs to the word, not a
#: conjunction (normalised): stripping it would merge وزير with زير.
_AR_W_INITIAL_TEXT = """
    وزير وزراء وزاره وزارة وكاله وكالة ولايات ولايه ولاية وسط وصول وجود وطني وطنية وحده وحدة واشنطن وثيقه وثيقة وقف وفاه
    وفاة وضع وضعت وعد وعود واقع وفق ورقه ورقة وسائل وسيله وسيلة ولي واجه واجهت وصف وصل وصلت وقع وقعت وكيل
"""
AR_W_INITIAL = frozenset(arabic.normalise(w) for w in _AR_W_INITIAL_TEXT.split())


@lru_cache(maxsize=TERM_CACHE_SIZE)
def normalise_term_en(token: str) -> str | None:
    """English term: diacritics folded, casefolded, possessive dropped; None for stopwords."""
    t = fold(token).casefold()
    if t.endswith("'s"):
        t = t[:-2]
    t = t.strip("'")
    if len(t) < 2 or t in EN_STOPWORDS or not _LETTER_RE.search(t):
        return None
    return t


@lru_cache(maxsize=TERM_CACHE_SIZE)
def normalise_term_ar(token: str) -> str | None:
    """Arabic term: camel-tools normalisation, proclitic و/ال stripped; None for stopwords."""
    t = arabic.normalise(token)
    if t in AR_STOPWORDS:
        return None
    for pre in _AR_PROCLITICS:
        if pre == "و" and t in AR_W_INITIAL:
            break
        if t.startswith(pre) and len(t) - len(pre) >= MIN_AR_STEM:
            t = t[len(pre) :]
            break
    if len(t) < 2 or t in AR_STOPWORDS or not _LETTER_RE.search(t):
        return None
    return t


@lru_cache(maxsize=TERM_CACHE_SIZE)
def name_term(surface: str, language: str) -> str | None:
    """The term of a gazetteer name as written (``surface``), or None when it is one word.

    "United States" or "الولايات المتحدة" is one term, not "united" and
    "states": a name's words say nothing apart. Its words are normalised
    as terms are, but kept even when one is a stopword ("bank of england").
    """
    words = surface.split()
    if len(words) < 2:
        return None
    norm = normalise_term_en if language == "en" else normalise_term_ar
    return " ".join(norm(w) or (fold(w).casefold() if language == "en" else arabic.normalise(w)) for w in words)


def name_mentions(text: str, language: str) -> list[dict]:
    """The gazetteer's mentions in ``text`` (surface, start, end), matched here."""
    gaz = load_gazetteer()
    return match_english(text, gaz=gaz) if language == "en" else match_arabic(text, gaz=gaz)


def _name_spans(text: str, language: str, found: list[dict] | None = None) -> list[tuple[str, int, int]]:
    """Multi-word names of the gazetteer in ``text`` as single terms (``name_term``).

    ``found``: the gazetteer's mentions in ``text`` when the pipeline already
    found them (offsets into ``text``), so they are not matched again.
    """
    out = []
    for m in name_mentions(text, language) if found is None else found:
        term = name_term(m["surface"], language)
        if term is not None:
            out.append((term, m["start"], m["end"]))
    return out


def tokens_with_offsets(text: str, language: str, found: list[dict] | None = None) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` for every kept term of ``text``, offsets into ``text``.

    Words are terms; a multi-word name from the gazetteer is one term
    (``found``: its gazetteer mentions, when already known).
    """
    if language not in ("en", "ar"):
        raise ValueError(f"terms are computed for English ('en') and Arabic ('ar') only, not {language!r}")
    names = _name_spans(text, language, found)
    out = list(names)
    taken = [(s, e) for _, s, e in names]

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    if language == "ar":
        norm = arabic.normalise_with_offsets(text)
        for m in TOKEN_RE.finditer(norm.text):
            term = normalise_term_ar(m.group())
            if term:
                s, e = norm.span(m.start(), m.end())
                if free(s, e):
                    out.append((term, s, e))
    else:
        for m in TOKEN_RE.finditer(text):
            term = normalise_term_en(m.group())
            if term and free(m.start(), m.end()):
                out.append((term, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


def normalise_term(term: str, language: str) -> str | None:
    """The normalised form of a term the user typed (None when it is a stopword)."""
    found = tokens_with_offsets(term.strip(), language)
    return found[0][0] if len(found) == 1 else None


def term_surfaces(texts: Iterable[str], language: str, found: Iterable[list[dict] | None] | None = None) -> Counter:
    """Counts of (normalised term, form as written) over ``texts`` (``found``: each text's
    gazetteer mentions, when already known)."""
    c: Counter = Counter()
    for t, f in zip(texts, found if found is not None else itertools.repeat(None), strict=False):
        text = str(t)
        c.update((term, text[a:b]) for term, a, b in tokens_with_offsets(text, language, f))
    return c
