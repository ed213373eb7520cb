"""The Arabic lexicon method (``ar-lexicon``): sentence tone on VADER's scale.

A curated lexicon (``lib/analysis/data/ar_tone_lexicon.csv``), a word list
induced from English VADER across parallel sentences, a few post words and
words valued through Arabic WordNet (``lib/analysis/data/ar_tone_model.json``,
rebuilt by ``scripts/build_ar_tone.py``), and VADER's rules, on camel-tools-normalised
text. ``lexicon_score`` scores one sentence; ``lib.analysis.tone`` calls it
for every Arabic sentence. VADER's scale and constants are in
``lib.analysis.tone_scale``.

How the Arabic scale was aligned with VADER
-------------------------------------------
1. Same valences, copied. A tone word carries a weight on VADER's -4..+4
   valence scale. Where the English gloss of the Arabic word is in VADER's
   lexicon (``SentimentIntensityAnalyzer().lexicon``) the weight is VADER's
   value for that gloss, copied, not tuned (step 5 puts a factor fitted on
   parallel pairs on each word): حرب "war" -2.9, أزمة "crisis"
   -3.1, نجاح "success" +2.7, يقتل "kills" -2.5, حرية "freedom" +3.2,
   غني "rich" +2.6, أسلحة "weapons" -1.9. Each inflected form is valued as
   its own English form (يرغب "wishes" +0.6, رغبة "desire" +1.7); a word
   with two usual glosses gets their mean (أفضل "better; best", مؤيد
   "supporter(s)"). Words VADER lacks (عقوبات "sanctions", قصف "shelling",
   تعاون "cooperation") got a weight of the same size as their nearest
   VADER neighbour. Words whose common sense is not the VADER word's (غرامة
   "fine" the penalty, مظاهرة "demonstration" the protest) keep their own.
   The list of words came from translating the VADER words that occur in
   news (support, help, peace, win, great; kill, war, crisis, threat,
   weapons ...) with their verb conjugations, plurals and feminine forms.
2. Same rules. A negator multiplies the first tone word in its scope (a
   faint induced word gives way to a stronger one after it) by VADER's -0.74 (VADER flips every word within three after "not"; an
   Arabic negator negates the one predicate that follows it). VADER's
   other negations have Arabic twins: رغم / بالرغم من "despite", نادرا
   "rarely", انعدام "lack of" (like عدم); ما لم "unless" is not one.
   Intensifiers and diminishers scale a tone word; after a contrast word
   (لكن، غير أن) words weigh 1.5 and before it 0.5, as VADER does with
   "but"; "!" and "?" add VADER's emphasis.
3. Same normalisation: the sum ``x`` becomes ``x / sqrt(x*x + 15)``, VADER's
   ``normalize`` with alpha = 15 (outside the neutral band of step 5), and
   the same +/-0.05 thresholds decide positive / negative.
4. Words projected from English. The curated list covers about half of news
   sentences, so a second list carries the rest: on 11,582 Arabic-English
   pairs (UN Parallel Corpus, FLORES-200, TICO-19, half of UD Arabic-PUD)
   IBM Model 1 aligns each VADER word of the English sentence with an Arabic
   word, and each Arabic word (keyed by ``light_stem``) gets the VADER
   valence it carried per occurrence (حرب about -1.3: aligned with "war",
   -2.9, in about half its uses), shrunk toward 0 for rare words
   (``v * n / (n + 2)``: a word seen three times keeps 3/5 of it). A token no curated entry matches is looked
   up there; the same negation, modifier and contrast rules apply to it.
   Names of the gazetteer are left out of the list (naming a country is no
   tone), and so are VADER words whose sense in news is not tone ("United",
   "party", "like", "well").
   A third, small list (``post_words``) holds words and emoji of social posts
   that no parallel pair contains, valued by the log-odds of positive over
   negative SemEval-2017 training tweets and kept only where an independent
   lexicon agrees in sign (Arabic WordNet x SentiWordNet; for an emoji,
   VADER's reading of its name). It is consulted after the induced list, so
   news sentences, whose words the parallel pairs hold, are scored as without it.
   A fourth list (``dictionary_words``), consulted last, is step 1 done by a
   bilingual dictionary for the words the pairs hold fewer than three times
   (جحيم "hell", سخط "anger", رخاء "prosperity"): Arabic WordNet gives a
   word's WordNet senses, SentiWordNet the English words of each sense, and
   VADER their valences; a sense is valued at the mean valence of its VADER
   words (0 for a sense without one: objective, or words VADER lacks) and the
   word at the mean over its senses, as no sense is told from another. These
   are VADER valences copied, as the curated ones are, so they take the
   curated scale. Where the pairs hold a word three times or more, they decide
   (WordNet's senses of علي، رئيس or مارس are not their news senses).
   Last, a sentence that holds none of these words is given to the post
   classifier (``ToneModel.post_classifier``, ``post_classifier_score``): a
   logistic regression over negative / neutral / positive SemEval-2017
   training tweets on the presence of their words and emoji, restricted to
   words the parallel pairs hold fewer than three times (dialect, slang,
   invocations: ربنا، يارب، ليش، مو، مفيش، ما شاء الله) and without names,
   brands and the topics of the labelled month. Its tone is
   ``scale * (P(positive) - P(negative))``, ``scale`` the least-squares slope
   of the lexicon's tone on that difference over the training tweets both
   score, so it sits on the lexicon's scale (a strong classifier reading
   gives about +/-0.3: a weak word, not a strong one). It has no negation or
   modifier rules. News sentences hold lexicon words, so it scores about one
   or two in a hundred of them; it scores about one post in six.
5. Calibrated on parallel data, the news-like pairs (FLORES-200 and the
   PUD half). Two factors, one on curated (and dictionary) and one on induced valences
   (``ToneModel.lexicon_scale``, ``stem_scale``), are fitted by least squares
   so that the normalised Arabic sum matches VADER's compound on the English
   side, with out-of-fold word lists. There is no intercept: a sentence is
   pulled to a side only by its words. With them, each curated word gets a
   factor of its own on its copied valence (``ToneModel.curated_factors``),
   fitted on all the pairs with a ridge toward 1: the pairs lower words whose
   English side mostly holds no VADER word (تعاون "cooperation", مرض
   "disease"; أسلحة, as often "arms" as "weapons") and raise a few (دعم
   "support", أمن "security"); a word they seldom hold keeps about its VADER
   valence. The lexicon file keeps the copied valences (``load_lexicon``
   applies the factors; ``model_path=None`` reads the file as it is). Then a neutral band
   (``ToneModel.neutral_band``, see ``calibrate``) is set so that as many
   Arabic sentences fall within +/-0.05 as English ones do under VADER; the
   curve stays continuous and increasing, so "more negative" keeps its order.
6. Measured on held-out data: ``scripts/validate_tone.py`` scores the 964
   English/Arabic sentence pairs of the UD Arabic-PUD treebank (CC BY-SA 3.0)
   with VADER on the English and this method on the Arabic; the odd-id half
   was never read while building either list and is reported as held out.
   It also scores Arabic tweets people rated positive or negative (macro-F1).
   The figures are in ``lib/analysis/data/tone_validation.json`` and in
   ``lib.analysis.tone.METHODS``.

A sentence with Arabic letters but no tone word, curated or from one of the
model's lists, and no word of the post classifier, has no tone (``None``):
no evidence is not a neutral 0.

Arabic rules, on camel-tools-normalised text (``lib.text.arabic``)
-------------------------------------------------------------
* Presentation forms are unfolded (ﻟﻜﻦ is لكن, NFKC) and a run of three or
  more of one letter is one letter (حلوووو is حلو).
* Tokens are words, numbers and single punctuation marks. Every
  punctuation mark, a contrast word and the complementiser إن (written with
  hamza below, as after قال) close a clause: negation and intensifiers do
  not reach across one. So in ``مسؤول لم يذكر اسمه إن المحادثات جرت في جو
  "إيجابي للغاية"`` the لم never reaches إيجابي.
* A token is looked up in a dictionary after stripping the proclitics and
  suffixes of ``lib.text.arabic.term_pattern`` (و ف ب ك ل ال لل; nisba and plural
  endings; pronoun suffixes ها هم ه نا هما كم هن; accusative ا; verb endings
  ت وا). Every candidate is confirmed by the entry's compiled
  ``term_pattern`` regex, so the clitic grammar is the one the rest of the
  project uses. A term ending in ta marbuta (أزمة) also matches its
  ت-form with a suffix (أزمتها، أزمتين) and its plural in ات (أزمات). A
  present-tense verb (يهدد) also matches its future (سيهدد).
* Multi-word entries (وقف إطلاق النار، غير أن) are matched first, and the
  longest match wins. A ``word`` of weight 0 is a fixed phrase that holds a
  negator or a tone word but is not tone: لا يزال "still", لا سيما
  "especially", مسؤول لم يذكر اسمه "an unnamed official", ما لم "unless",
  جماعات الضغط "lobby groups", and names that hold a tone word, which
  ``lib.analysis.tone`` masks on the English side (مجلس الأمن "Security
  Council", وحدات حماية الشعب "People's Protection Units").
* Weight by kind: ``word`` valence -4..+4; ``negator`` its scope in tokens
  (3 for verbal لا لم لن ليس, dialect مش مو, and for رغم نادرا, 1-2 for
  nominal غير عدم انعدام دون); ``intensifier`` and ``diminisher`` a multiplier applied to
  the nearest tone word within two tokens, the one before first (Arabic
  intensifiers mostly follow: إيجابي للغاية، قلق بالغ) and else the one
  after (بالغ الأهمية); ``contrast`` unused (1).
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from lib.analysis.ar_tone_model import MODEL_PATH, PostClassifier, load_model
from lib.analysis.tone_scale import (
    POSITIVE_THRESHOLD,
    VADER_ALPHA,
    VADER_BUT_AFTER,
    VADER_BUT_BEFORE,
    VADER_EXCLAMATION,
    VADER_EXCLAMATION_MAX,
    VADER_NEGATION_SCALAR,
    VADER_QUESTION,
    VADER_QUESTION_MAX,
    vader_normalise,
)
from lib.errors import ToneError
from lib.text.arabic import ARABIC_CHAR_RE, NORM_TABLE, normalise, term_pattern

#: Intensifiers and diminishers reach a tone word at most this many tokens
#: away: Arabic puts them right beside the word (قلق بالغ، بالغ القلق);
#: one token more allows an article-less adjective in between.
MODIFIER_REACH = 2

LEXICON_PATH = Path(__file__).parent / "data" / "ar_tone_lexicon.csv"

KINDS = ("word", "negator", "intensifier", "diminisher", "contrast")


# --- Arabic: normalisation and tokens -----------------------------------------

#: Only the deletions of that table (diacritics, tatweel): the text keeps its
#: hamza forms, and its tokens line up one to one with the normalised ones.
_STRIP_TRANS = str.maketrans({ch: "" for ch, rep in NORM_TABLE.items() if rep == ""})

_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")

#: The complementiser إن (hamza below) opens reported speech after قال and
#: its kin; negation in the reporting clause does not reach into it.
_CLAUSE_OPENERS = frozenset({"إن", "وإن"})


#: Three or more of the same Arabic letter: elongation for emphasis in posts
#: (حلوووو، جداااا). No Arabic word doubles a letter twice in a row.
_ELONGATION_RE = re.compile(r"([\u0621-\u064a])\1{2,}")


def collapse_elongation(text: str) -> str:
    """حلوووو -> حلو: a run of three or more of one Arabic letter becomes one (tokens stay aligned)."""
    return _ELONGATION_RE.sub(r"\1", text)


#: Arabic presentation forms (ﻟﻜﻦ for لكن), typed by some sites and posts.
_PRESENTATION_FORMS_RE = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")


def unfold_presentation_forms(text: str) -> str:
    """ﻟﻜﻦ -> لكن: NFKC, only for a text that holds presentation forms (others are left as they are)."""
    return unicodedata.normalize("NFKC", text) if _PRESENTATION_FORMS_RE.search(text) else text


def prepare_arabic(text: str) -> str:
    """The steps before tokenising an Arabic sentence for tone: presentation forms, then elongation."""
    return collapse_elongation(unfold_presentation_forms(text))


def has_arabic_letter(text: str) -> bool:
    """True when ``text`` holds at least one Arabic-script letter."""
    return any(ch.isalpha() and ARABIC_CHAR_RE.match(ch) for ch in text)


# --- Arabic: the lexicon ------------------------------------------------------

#: Proclitic strings term_pattern accepts: (و|ف)? then (بال|كال|ال|لل|ب|ل|ك)?
_CONJ = ("", "و", "ف")
_PREP = ("", "ال", "بال", "كال", "لل", "ب", "ل", "ك")
PROCLITICS = frozenset(c + p for c in _CONJ for p in _PREP)

#: Suffixes a tone word may carry, passed to term_pattern as ``suffixes``
#: (after its nisba / plural endings ه ين ون ان ات): pronouns (and ني), accusative ا,
#: past-tense ت (3fs) and وا (3mp), and ت/وا followed by a pronoun.
#: ك "your" (sg.) and, on verbs, ني "me" are as common in posts and quotes as
#: the others (يعطيك، يسعدك، أعجبني); a stem is still confirmed by its entry.
_PRONOUNS = ("ها", "هم", "هما", "هن", "ه", "نا", "كم", "ك")
WORD_SUFFIXES = (*_PRONOUNS, "ني", "ا", "ت", "وا", "تا", "تم", "ته", "تها", "تهم", "وه", "وها", "وهم")
#: Suffixes after a ta-marbuta stem's ت: dual, possessive pronouns, "my".
_TA_SUFFIXES = ("ين", "ان", "ي", *_PRONOUNS)
#: Suffixes after the stem of a ta-marbuta word (أزم- of أزمة): its ت-forms
#: and its plural in ات, bare or with a pronoun. At least one is required.
TA_STEM_SUFFIXES = (
    *("ت" + s for s in _TA_SUFFIXES),
    "ات",
    *("ات" + s for s in _PRONOUNS),
)
_NISBA = ("", "ه", "ين", "ون", "ان", "ات")
_SUFFIX_STRINGS = frozenset({n + s for n in _NISBA for s in ("", *WORD_SUFFIXES)} | set(TA_STEM_SUFFIXES) | {"ا"})
_MAX_PROCLITIC = max(map(len, PROCLITICS))
_MAX_SUFFIX = max(map(len, _SUFFIX_STRINGS))
#: Shortest stem worth stripping a clitic for: shorter ones are mostly other
#: words (ب+شر is بشر "humans"), so 2-letter entries match only as written,
#: except negators and phrases after the conjunction و/ف (ولم، فلا، ولا يزال).
_MIN_STRIPPED_STEM = 3
#: Future prefix of a present-tense verb: سيهدد for يهدد.
_FUTURE = "س"
_PRESENT_PREFIXES = ("ي", "ت", "ن")


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    norm: str  # normalised form, tokens joined by one space
    weight: float
    kind: str
    gloss: str


@dataclass(frozen=True)
class _Variant:
    entry: LexiconEntry
    pattern: re.Pattern[str]  # term_pattern regex confirming a match
    tail: tuple[str, ...]  # further tokens of a multi-word entry
    suffixes: frozenset[str] | None  # required suffix strings, or None


@dataclass(frozen=True, repr=False)
class ArabicLexicon:
    entries: tuple[LexiconEntry, ...]
    #: first-token stem -> variants, compiled once at load.
    index: dict[str, tuple[_Variant, ...]]
    #: The parallel-induced word list (``light_stem`` key -> valence, already
    #: scaled), consulted for a token no curated entry matches; empty when the
    #: lexicon is loaded without the model file.
    stems: Mapping[str, float] = field(default_factory=dict)
    #: Factor on every curated word's valence, fitted with the stem weights.
    scale: float = 1.0
    #: Sums of valence smaller than this are neutral (see ``calibrate``).
    neutral_band: float = 0.0
    #: The post word list (``light_stem`` key or emoji -> valence), consulted
    #: after the induced list: words of posts and dialect that no parallel pair holds.
    post_words: Mapping[str, float] = field(default_factory=dict)
    #: The dictionary word list (``light_stem`` key -> valence, already scaled
    #: like curated words), consulted last: words the parallel pairs hold fewer
    #: than three times, valued by VADER through Arabic WordNet.
    dictionary: Mapping[str, float] = field(default_factory=dict)
    #: Scores a sentence that holds no word of the lists above (``post_classifier_score``).
    post_classifier: PostClassifier | None = None

    def __repr__(self) -> str:  # short: resources show up in test failures and logs
        return (
            f"ArabicLexicon({len(self.entries)} entries, {len(self.stems)} induced stems, "
            f"{len(self.post_words)} post words, {len(self.dictionary)} dictionary words, "
            f"{len(self.post_classifier.weights) if self.post_classifier else 0} post classifier words)"
        )


def _check_row(where: str, weight: float, kind: str) -> None:
    if kind not in KINDS:
        raise ToneError(f"{where}: kind {kind!r} is not one of {KINDS}")
    if kind == "word" and not -4 <= weight <= 4:
        raise ToneError(f"{where}: a word's weight must be in -4..4, not {weight}")
    if kind == "negator" and weight not in (1, 2, 3):
        raise ToneError(f"{where}: a negator's weight is its scope, 1..3 tokens, not {weight}")
    if kind == "intensifier" and not 1 < weight <= 2:
        raise ToneError(f"{where}: an intensifier multiplies by more than 1, not {weight}")
    if kind == "diminisher" and not 0 < weight < 1:
        raise ToneError(f"{where}: a diminisher multiplies by 0..1, not {weight}")


def read_lexicon_rows(path: Path = LEXICON_PATH) -> list[LexiconEntry]:
    """The lexicon file's rows, checked, in file order."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ToneError(f"cannot read the Arabic tone lexicon {path}: {exc}") from exc
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, str], int] = {}
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["term", "weight", "kind", "gloss"]:
            raise ToneError(f"{path}: header must be term,weight,kind,gloss")
        for lineno, row in enumerate(reader, start=2):
            term = (row["term"] or "").strip()
            kind = (row["kind"] or "").strip()
            try:
                weight = float(row["weight"])
            except (TypeError, ValueError) as exc:
                raise ToneError(f"{path.name} line {lineno}: weight {row['weight']!r}") from exc
            _check_row(f"{path.name} line {lineno} ({term!r})", weight, kind)
            norm = " ".join(normalise(term).split())
            if not norm:
                raise ToneError(f"{path.name} line {lineno}: empty term")
            first = seen.setdefault((norm, kind), lineno)
            if first != lineno:
                raise ToneError(f"{path.name} line {lineno}: {term!r} normalises to the same form as line {first}")
            entries.append(LexiconEntry(term, norm, weight, kind, (row["gloss"] or "").strip()))
    return entries


def _alternation(options: Iterable[str]) -> str:
    return "|".join(sorted(set(options), key=len, reverse=True))


def _compile(form: str, **options: Any) -> re.Pattern[str]:
    return re.compile(term_pattern(form, **options))


def _variants(entry: LexiconEntry) -> list[tuple[str, _Variant]]:
    """(index key, variant) pairs through which ``entry`` can be found."""
    tokens = entry.norm.split(" ")
    first, tail = tokens[0], tuple(tokens[1:])
    # term_pattern gets the written form: it tells the article (bare ال) from
    # a word that starts with أل/إل (إلغاء), which normalisation would merge.
    raw = " ".join(entry.term.translate(_STRIP_TRANS).split())
    out: list[tuple[str, _Variant]] = []
    if tail:
        return [(first, _Variant(entry, _compile(raw), tail, None))]
    if entry.kind == "word":
        suffixes = _alternation(WORD_SUFFIXES)
        pattern = _compile(raw, adjective=True, suffixes=suffixes)
        out.append((first, _Variant(entry, pattern, (), None)))
        if first.endswith("ه") and len(first) > _MIN_STRIPPED_STEM:
            pattern = _compile(raw[:-1], suffixes=_alternation(TA_STEM_SUFFIXES))
            out.append((first[:-1], _Variant(entry, pattern, (), frozenset(TA_STEM_SUFFIXES))))
        if first.startswith(_PRESENT_PREFIXES) and len(first) >= 4:
            pattern = _compile(_FUTURE + raw, adjective=True, suffixes=suffixes)
            out.append((_FUTURE + first, _Variant(entry, pattern, (), None)))
    elif entry.kind in ("intensifier", "diminisher"):
        # Adjectives agree (شديد، شديدة، الشديدة، شديدا); no pronouns.
        pattern = _compile(raw, adjective=True, suffixes="ا")
        out.append((first, _Variant(entry, pattern, (), None)))
    elif entry.kind == "contrast":
        # لكن takes a pronoun: لكنه، لكنها، ولكنهم.
        pattern = _compile(raw, suffixes=_alternation((*_PRONOUNS, "ني")))
        out.append((first, _Variant(entry, pattern, (), None)))
    else:  # negator: proclitics only (ولا، فلم، بغير)
        out.append((first, _Variant(entry, _compile(raw), (), None)))
    return out


# --- Arabic: the parallel-induced word list ------------------------------------

#: Proclitics and suffixes ``light_stem`` strips, longest first: conjunction +
#: preposition + article, the future س; pronoun, plural, dual, nisba, feminine
#: and verb endings. One of each at most, and only when 3 letters stay.
STEM_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "وك", "فب", "فل", "وس", "ال", "و", "ف", "ب", "ل", "ك", "س")
STEM_SUFFIXES = (
    *("تهم", "تها", "تين", "تان", "يات", "يين", "يون", "هما"),
    *("ته", "يه", "ها", "هم", "كم", "نا", "ات", "ون", "ين", "ان", "وا"),
    *("ه", "ي", "ت", "ا"),
)
MIN_STEM = 3


@lru_cache(maxsize=1 << 16)
def light_stem(token: str) -> str:
    """Key of a normalised token in the induced word list: one proclitic and one suffix off.

    Deliberately crude (ازمات، الازمه، بازمتها -> ازم): the list was induced
    with the same function, so its keys are whatever this returns.
    """
    for prefix in STEM_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            token = token[len(prefix) :]
            break
    for suffix in STEM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            return token[: -len(suffix)]
    return token


def apply_curated_factors(entries: Sequence[LexiconEntry], factors: Mapping[str, float]) -> tuple[LexiconEntry, ...]:
    """``entries`` with each ``word`` entry named in ``factors`` weighing ``weight * factor`` (kept within -4..4).

    A factor for a term that is no word entry of the lexicon means the model
    was fitted on another lexicon file: that is an error, not a silent no-op.
    """
    words = {e.term for e in entries if e.kind == "word"}
    unknown = sorted(set(factors) - words)
    if unknown:
        raise ToneError(f"curated_factors name {len(unknown)} terms that are no word of the lexicon, e.g. {unknown[0]!r}")
    return tuple(
        replace(e, weight=max(-4.0, min(4.0, e.weight * factors[e.term]))) if e.kind == "word" and e.term in factors else e for e in entries
    )


def compile_index(entries: Iterable[LexiconEntry]) -> dict[str, tuple[_Variant, ...]]:
    """First-token stem -> the variants through which the entries are found."""
    index: dict[str, list[_Variant]] = {}
    for entry in entries:
        for key, variant in _variants(entry):
            index.setdefault(key, []).append(variant)
    return {k: tuple(v) for k, v in index.items()}


def with_curated_factors(lexicon: ArabicLexicon, factors: Mapping[str, float]) -> ArabicLexicon:
    """``lexicon`` with ``apply_curated_factors`` applied to its entries (the model's lists and scales kept)."""
    entries = apply_curated_factors(lexicon.entries, factors)
    return replace(lexicon, entries=entries, index=compile_index(entries))


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH, model_path: Path | None = MODEL_PATH) -> ArabicLexicon:
    """Read and compile the curated lexicon and, unless ``model_path`` is None, the model file (cached).

    With the model, curated words weigh their file weight times the model's
    ``curated_factors`` (then ``lexicon_scale``); without it, as the file says.
    """
    entries = tuple(read_lexicon_rows(path))
    if model_path is None:
        return ArabicLexicon(entries, compile_index(entries))
    model = load_model(model_path)
    entries = apply_curated_factors(entries, model.curated_factors)
    stems = {k: v * model.stem_scale for k, v in model.stems.items()}
    dictionary = {k: v * model.lexicon_scale for k, v in model.dictionary.items()}
    return ArabicLexicon(
        entries, compile_index(entries), stems, model.lexicon_scale, model.neutral_band, model.post_words, dictionary, model.post_classifier
    )


@lru_cache(maxsize=1 << 16)
def _splits(token: str) -> tuple[tuple[str, str, str], ...]:
    """(proclitic, stem, suffix) splits of ``token`` the clitic grammar allows (cached: words repeat)."""
    out = []
    n = len(token)
    for i in range(min(_MAX_PROCLITIC, n - 1) + 1):
        pre = token[:i]
        if pre not in PROCLITICS:
            continue
        for j in range(min(_MAX_SUFFIX, n - i - 1) + 1):
            suf = token[n - j :] if j else ""
            if j and suf not in _SUFFIX_STRINGS:
                continue
            stem = token[i : n - j]
            if (i or j) and len(stem) < _MIN_STRIPPED_STEM and not (pre in _CONJ and not suf and len(stem) == 2):
                continue
            out.append((pre, stem, suf))
    return tuple(out)


def _match_at(lexicon: ArabicLexicon, tokens: Sequence[str], i: int) -> tuple[LexiconEntry, int] | None:
    """The lexicon entry matched at token ``i``, and how many tokens it spans."""
    token = tokens[i]
    best: tuple[LexiconEntry, int] | None = None
    best_rank: tuple[int, int, int] = (0, 0, 0)
    for pre, stem, suf in _splits(token):
        short = bool(pre) and len(stem) < _MIN_STRIPPED_STEM
        for variant in lexicon.index.get(stem, ()):
            if short and not (variant.entry.kind == "negator" or variant.tail):
                continue  # و/ف + a 2-letter word: ولم، ولا سيما, but not وشك as شك
            span = 1 + len(variant.tail)
            if variant.tail:
                if tuple(tokens[i + 1 : i + span]) != variant.tail:
                    continue
                text = " ".join(tokens[i : i + span])
            else:
                if variant.suffixes is not None and suf not in variant.suffixes:
                    continue
                text = token
            if not variant.pattern.fullmatch(text):
                continue
            # Longest phrase, then the longest entry, then the least suffix
            # stripped: المهم is ال+مهم before it is الم+هم.
            rank = (span, len(variant.entry.norm), -len(suf))
            if best is None or rank > best_rank:
                best, best_rank = (variant.entry, span), rank
    return best


@dataclass(frozen=True)
class Hit:
    """One lexicon match in a sentence (positions count word tokens)."""

    term: str
    kind: str
    weight: float
    position: int
    clause: int
    valence: float = 0.0  # a word's contribution after the rules
    source: str = "lexicon"  # "lexicon" (curated), "induced", "post" or "dictionary" (the model's three word lists)


def _find_hits(lexicon: ArabicLexicon, text: str) -> list[Hit]:
    text = prepare_arabic(text)
    norm_tokens = _TOKEN_RE.findall(normalise(text))
    raw_tokens = _TOKEN_RE.findall(text.translate(_STRIP_TRANS))
    if len(raw_tokens) != len(norm_tokens):  # cannot happen with a 1:1 table
        raw_tokens = norm_tokens
    hits: list[Hit] = []
    position = 0
    clause = 0
    i = 0
    n = len(norm_tokens)
    while i < n:
        token = norm_tokens[i]
        if not token[0].isalnum():
            emoji = lexicon.post_words.get(token)
            if emoji:  # 😍 💔: a tone word, then a clause break like any mark
                hits.append(Hit(token, "word", emoji, position, clause, source="post"))
                position += 1
            clause += 1
            i += 1
            continue
        if raw_tokens[i] in _CLAUSE_OPENERS:
            clause += 1
        match = _match_at(lexicon, norm_tokens, i) if token[0].isalpha() else None
        if match is None:
            key = light_stem(token) if token[0].isalpha() else ""
            induced = lexicon.stems.get(key)
            if induced:
                hits.append(Hit(raw_tokens[i], "word", induced, position, clause, source="induced"))
            elif post := lexicon.post_words.get(key):
                hits.append(Hit(raw_tokens[i], "word", post, position, clause, source="post"))
            elif known := lexicon.dictionary.get(key):
                hits.append(Hit(raw_tokens[i], "word", known, position, clause, source="dictionary"))
            position += 1
            i += 1
            continue
        entry, span = match
        if entry.kind == "contrast":
            clause += 1
        weight = entry.weight * lexicon.scale if entry.kind == "word" else entry.weight
        hits.append(Hit(entry.term, entry.kind, weight, position, clause))
        if entry.kind == "contrast":
            clause += 1
        position += span
        i += span
    return hits


def _apply_rules(hits: list[Hit], faint: float = 0.0) -> list[Hit]:
    """Each word hit with its valence after negation, modifiers and contrast (``faint``: see negation)."""
    words = [h for h in hits if h.kind == "word" and h.weight != 0]
    valence = {id(h): h.weight for h in words}
    for mod in (h for h in hits if h.kind in ("intensifier", "diminisher")):
        same = [w for w in words if w.clause == mod.clause]
        before = [w for w in same if 0 < mod.position - w.position <= MODIFIER_REACH]
        after = [w for w in same if 0 < w.position - mod.position <= MODIFIER_REACH]
        target = max(before, key=lambda w: w.position) if before else None
        if target is None and after:
            target = min(after, key=lambda w: w.position)
        if target is not None:
            valence[id(target)] *= mod.weight
    for neg in (h for h in hits if h.kind == "negator"):
        # A negator negates one predicate: the first tone word in its scope
        # (لن يهدد الاتفاق: "will not threaten the agreement" flips يهدد
        # only), passing over faint words, too weak to leave the neutral band
        # alone, when a stronger one follows (أفعاله in رغم أفعاله القاسية).
        scope = [w for w in words if w.clause == neg.clause and 0 < w.position - neg.position <= neg.weight]
        if scope:
            strong = [w for w in scope if abs(w.weight) >= faint]
            valence[id(min(strong or scope, key=lambda w: w.position))] *= VADER_NEGATION_SCALAR
    contrast = next((h for h in hits if h.kind == "contrast"), None)
    if contrast is not None:
        for w in words:
            if w.position < contrast.position:
                valence[id(w)] *= VADER_BUT_BEFORE
            elif w.position > contrast.position:
                valence[id(w)] *= VADER_BUT_AFTER
    return [Hit(w.term, w.kind, w.weight, w.position, w.clause, valence[id(w)], w.source) for w in words]


def punctuation_emphasis(text: str) -> float:
    """VADER's emphasis from "!" and repeated "?" (Arabic ؟ counts too)."""
    exclamations = min(text.count("!"), VADER_EXCLAMATION_MAX)
    questions = text.count("?") + text.count("؟")
    emphasis = exclamations * VADER_EXCLAMATION
    if questions > 3:
        emphasis += VADER_QUESTION_MAX
    elif questions > 1:
        emphasis += questions * VADER_QUESTION
    return emphasis


#: The valence whose VADER normalisation is exactly the positive threshold
#: (about 0.19): where ``calibrate`` joins its neutral band to VADER's curve.
_THRESHOLD_VALENCE = POSITIVE_THRESHOLD * math.sqrt(VADER_ALPHA) / math.sqrt(1 - POSITIVE_THRESHOLD**2)


def calibrate(total: float, neutral_band: float) -> float:
    """An Arabic valence sum on VADER's -1..1 scale, with the neutral band fitted to English.

    English VADER leaves about four sentences in ten at 0 (no VADER word);
    Arabic sums are rarely exactly 0, since the induced list gives small
    valences to many words. So sums within ``neutral_band`` map linearly into
    (-0.05, 0.05), neutral but still signed and ordered, and larger ones
    follow VADER's ``x/sqrt(x^2+15)`` shifted to join at +/-0.05: the curve
    is continuous and increasing, so "more negative" keeps its order. The
    band is fitted by ``scripts/build_ar_tone.py`` so that the neutral share
    of Arabic sentences equals VADER's on the English side of the pairs.
    With a band of 0 this is ``vader_normalise``.
    """
    if neutral_band <= 0:
        return vader_normalise(total)
    if abs(total) < neutral_band:
        return POSITIVE_THRESHOLD * total / neutral_band
    return vader_normalise(total - (1 if total > 0 else -1) * (neutral_band - _THRESHOLD_VALENCE))


def arabic_hits(text: str, lexicon: ArabicLexicon) -> list[Hit]:
    """The tone words of an Arabic sentence with their valences (for display)."""
    return _apply_rules(_find_hits(lexicon, text), lexicon.neutral_band)


#: A normalised token made of Arabic letters only (no Latin, digit or mark).
ARABIC_WORD_RE = re.compile(r"[\u0621-\u064a]+")


def is_emoji(token: str) -> bool:
    """One symbol character (😍, ❤): how posts carry tone without words."""
    return len(token) == 1 and unicodedata.category(token) == "So"


def arabic_keys(text: str) -> list[str]:
    """``light_stem`` keys of the Arabic words of ``text``, in order (Latin words, digits, punctuation dropped)."""
    tokens = _TOKEN_RE.findall(normalise(prepare_arabic(text)))
    return [light_stem(t) for t in tokens if ARABIC_WORD_RE.fullmatch(t)]


def post_keys(text: str) -> set[str]:
    """The keys of the post word list and the post classifier in ``text``: its Arabic words' keys, and its emoji."""
    keys = set()
    for token in _TOKEN_RE.findall(normalise(prepare_arabic(text))):
        if ARABIC_WORD_RE.fullmatch(token):
            keys.add(light_stem(token))
        elif is_emoji(token):
            keys.add(token)
    return keys


def post_classifier_score(text: str, lexicon: ArabicLexicon) -> tuple[float | None, int]:
    """(tone, number of classifier words) of a sentence from the post classifier (``PostClassifier.tone``); (None, 0) without one."""
    if lexicon.post_classifier is None:
        return None, 0
    return lexicon.post_classifier.tone(post_keys(text))


def lexicon_score(text: str, lexicon: ArabicLexicon) -> tuple[float | None, int]:
    """(tone, number of tone words) of an Arabic sentence.

    A sentence without a word of the lexicon or the model's word lists is
    scored by the post classifier (``post_classifier_score``), when one of
    its words is there. The tone is None when the sentence holds no Arabic
    letter or none of these words: no evidence is a missing score, never a
    neutral 0.
    """
    if not has_arabic_letter(text):
        return None, 0
    words = arabic_hits(text, lexicon)
    if not words:
        return post_classifier_score(text, lexicon)
    total = sum(w.valence for w in words)
    if total > 0:
        total += punctuation_emphasis(text)
    elif total < 0:
        total -= punctuation_emphasis(text)
    return calibrate(total, lexicon.neutral_band), len(words)
