"""Words that tell the two relationships apart, and every occurrence of a word (keyword in context).

Distinguishing terms: log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008) on normalised terms, per language. Terms are
counted in their normalised form (Arabic: camel-tools normalisation, proclitic
و/ال stripped) but *shown as written*: ``display`` is the form the articles use
most often.

Keyword in context matches words, not terms: a phrase of several words
("united states", "joe biden"), hyphenated words with digits ("S-400") and,
in Arabic, a word carrying clitics (وبايدن، لبايدن، بايدنه) all match.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from lib.analysis.entities import load_gazetteer, match_arabic, match_english
from lib.text import arabic
from lib.text.fold import fold
from lib.views.common import DYAD_LABELS, FOCAL_DYADS, LANGUAGE_LABELS, focal_articles, with_article

#: Informative Dirichlet prior (Monroe et al. 2008): α_i = PRIOR_SCALE × the
#: term's count in the pooled two-dyad corpus, so α_0 = PRIOR_SCALE × the
#: pooled token count. 0.1 lets the prior shrink rare terms towards "no
#: difference" (a term seen once moves little) without drowning real
#: differences in a small corpus; Monroe et al. used the full collection's
#: counts in the same way.
PRIOR_SCALE = 0.1
#: Smallest "mass of the other terms" in a log-odds denominator (half a
#: count): reached only when a side's whole vocabulary is a single term.
OTHER_MASS_FLOOR = 0.5
#: |z| above which a term counts as distinguishing (≈ two-sided p < 0.05).
Z_SIGNIFICANT = 1.96

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
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
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


def _name_spans(text: str, language: str, found: list[dict] | None = None) -> list[tuple[str, int, int]]:
    """Multi-word names of the gazetteer in ``text`` as single terms.

    "United States" or "الولايات المتحدة" is one term, not "united" and
    "states": a name's words say nothing apart. ``found``: the gazetteer's
    mentions in ``text`` when the pipeline already found them (offsets into
    ``text``), so they are not matched again.
    """
    if found is None:
        gaz = load_gazetteer()
        found = match_english(text, gaz=gaz) if language == "en" else match_arabic(text, gaz=gaz)
    out = []
    for m in found:
        words = m["surface"].split()
        if len(words) < 2:
            continue
        norm = normalise_term_en if language == "en" else normalise_term_ar
        parts = [norm(w) or (fold(w).casefold() if language == "en" else arabic.normalise(w)) for w in words]
        out.append((" ".join(parts), m["start"], m["end"]))
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
        for m in _TOKEN_RE.finditer(norm.text):
            term = normalise_term_ar(m.group())
            if term:
                s, e = norm.span(m.start(), m.end())
                if free(s, e):
                    out.append((term, s, e))
    else:
        for m in _TOKEN_RE.finditer(text):
            term = normalise_term_en(m.group())
            if term and free(m.start(), m.end()):
                out.append((term, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


def normalise_term(term: str, language: str) -> str | None:
    """The normalised form of a term the user typed (None when it is a stopword)."""
    found = tokens_with_offsets(term.strip(), language)
    return found[0][0] if len(found) == 1 else None


def term_counts(texts: Iterable[str], language: str) -> Counter:
    """Counts of normalised terms over ``texts``."""
    c: Counter = Counter()
    for t in texts:
        c.update(term for term, _, _ in tokens_with_offsets(str(t), language))
    return c


def log_odds_dirichlet(counts_a: Counter, counts_b: Counter, *, prior_scale: float = PRIOR_SCALE) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior.

    α_i = ``prior_scale`` × (y_i^a + y_i^b), α_0 = Σ α_i. For each term:
    δ_i = log((y_i^a+α_i)/(n^a+α_0−y_i^a−α_i)) − log((y_i^b+α_i)/(n^b+α_0−y_i^b−α_i)),
    var(δ_i) ≈ 1/(y_i^a+α_i) + 1/(y_i^b+α_i), z_i = δ_i/√var. Positive z
    favours side a.
    """
    cols = ["term", "count_a", "count_b", "delta", "var", "z"]
    terms = sorted(set(counts_a) | set(counts_b))
    if not terms:
        return pd.DataFrame(columns=cols)
    ya = np.array([counts_a.get(t, 0) for t in terms], dtype=float)
    yb = np.array([counts_b.get(t, 0) for t in terms], dtype=float)
    alpha = prior_scale * (ya + yb)
    a0 = float(alpha.sum())
    na, nb = float(ya.sum()), float(yb.sum())
    # The odds' denominator is the mass of every other term; it is zero only
    # when the vocabulary is one term, and the floor keeps that case finite.
    rest_a = np.maximum(na + a0 - ya - alpha, OTHER_MASS_FLOOR)
    rest_b = np.maximum(nb + a0 - yb - alpha, OTHER_MASS_FLOOR)
    delta = np.log((ya + alpha) / rest_a) - np.log((yb + alpha) / rest_b)
    var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
    z = delta / np.sqrt(var)
    return pd.DataFrame({"term": terms, "count_a": ya.astype(int), "count_b": yb.astype(int), "delta": delta, "var": var, "z": z})


def term_surfaces(texts: Iterable[str], language: str, found: Iterable[list[dict] | None] | None = None) -> Counter:
    """Counts of (normalised term, form as written) over ``texts`` (``found``: each text's
    gazetteer mentions, when already known)."""
    c: Counter = Counter()
    for t, f in zip(texts, found if found is not None else itertools.repeat(None), strict=False):
        text = str(t)
        c.update((term, text[a:b]) for term, a, b in tokens_with_offsets(text, language, f))
    return c


#: Mention methods of the gazetteer (the names a term may span).
_GAZETTEER_METHODS = ("gazetteer", "gazetteer-demonym")


def article_term_counts(sentences: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Term counts per analysed English or Arabic article: article_id, term, surface (as written), n.

    Computed once per corpus, this lets ``distinguishing_terms`` compare any
    filtered subset by summing rows instead of tokenising every sentence again.
    With the corpus's ``mentions``, the multi-word names are those the
    pipeline found (nothing is matched again); without, they are matched here.
    """
    arts = articles[(articles["status"] == "ok") & articles["language"].isin(list(LANGUAGE_LABELS))]
    lang_of = arts.set_index("article_id")["language"].astype(str)
    s = sentences[sentences["article_id"].isin(lang_of.index) & sentences["text"].notna()]
    names: dict[tuple[str, int], list[dict]] | None = None
    if mentions is not None:
        m = mentions[mentions["method"].isin(_GAZETTEER_METHODS) & mentions["article_id"].isin(lang_of.index)]
        m = m.merge(s[["article_id", "sentence_id", "start"]].rename(columns={"start": "s0"}), on=["article_id", "sentence_id"])
        names = {}
        for aid, sid, surface, a, b, s0 in zip(m["article_id"], m["sentence_id"], m["surface"], m["start"], m["end"], m["s0"], strict=True):
            names.setdefault((str(aid), int(sid)), []).append({"surface": str(surface), "start": int(a - s0), "end": int(b - s0)})
    rows: list[tuple[str, str, str, int]] = []
    for aid, group in s.groupby("article_id", sort=False):
        found = None if names is None else [names.get((str(aid), int(sid)), []) for sid in group["sentence_id"]]
        counts = term_surfaces(group["text"].astype(str), lang_of[aid], found)
        rows.extend((str(aid), term, surface, n) for (term, surface), n in counts.items())
    return pd.DataFrame(rows, columns=["article_id", "term", "surface", "n"])


def _display_forms(surfaces: pd.DataFrame) -> pd.Series:
    """term → the form the articles write it in most often (ties: the shorter, then alphabetical)."""
    if surfaces.empty:
        return pd.Series(dtype=object)
    g = surfaces.groupby(["term", "surface"], as_index=False)["n"].sum()
    g = g.assign(_len=g["surface"].str.len()).sort_values(["term", "n", "_len", "surface"], ascending=[True, False, True, True])
    return g.drop_duplicates("term").set_index("term")["surface"]


class TooFewForTerms(ValueError):
    """One dyad has no text in the language: there is nothing to compare."""


def distinguishing_terms(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    language: Literal["en", "ar"],
    prior_scale: float = PRIOR_SCALE,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Terms that most distinguish US–Turkey from Russia–Turkey coverage in one language.

    ``counts`` may be ``article_term_counts`` of the whole corpus (any
    superset of these articles): the sentences are then not tokenised again.

    ``display`` is the term as the articles write it most often (Arabic
    as written, not normalised). Positive ``z`` favours US–Turkey, negative Russia–Turkey; ``favours``
    names the dyad. ``per_1000_a``/``per_1000_b`` are the term's rates per
    1,000 kept terms on each side (US–Turkey = a). Raises TooFewForTerms when
    either dyad has no article in the language.
    """
    arts = focal_articles(articles)
    arts = arts[arts["language"] == language]
    n_a = int((arts["dyad"] == FOCAL_DYADS[0]).sum())
    n_b = int((arts["dyad"] == FOCAL_DYADS[1]).sum())
    lang = LANGUAGE_LABELS.get(language, language)
    if n_a == 0 or n_b == 0:
        missing = [DYAD_LABELS[d] for d, n in zip(FOCAL_DYADS, (n_a, n_b), strict=True) if n == 0]
        raise TooFewForTerms(
            f"No {lang} {' or '.join(missing)} articles match these filters: distinguishing terms need {lang} articles of both dyads"
        )
    dyad_of = arts.set_index("article_id")["dyad"]
    if counts is None:
        counts = article_term_counts(sentences, arts)
    c = counts[counts["article_id"].isin(dyad_of.index)]
    summed = c.groupby([c["article_id"].map(dyad_of), "term"])["n"].sum()
    ca = Counter(summed.get(FOCAL_DYADS[0], pd.Series(dtype=int)).to_dict())
    cb = Counter(summed.get(FOCAL_DYADS[1], pd.Series(dtype=int)).to_dict())
    out = log_odds_dirichlet(ca, cb, prior_scale=prior_scale)
    forms = _display_forms(c) if "surface" in c.columns else pd.Series(dtype=object)
    out["display"] = out["term"].map(forms).fillna(out["term"]).astype(str)
    na, nb = max(sum(ca.values()), 1), max(sum(cb.values()), 1)
    out["per_1000_a"] = out["count_a"] / na * 1000
    out["per_1000_b"] = out["count_b"] / nb * 1000
    out["favours"] = np.where(out["z"] >= 0, FOCAL_DYADS[0], FOCAL_DYADS[1])
    out["favours_label"] = out["favours"].map(DYAD_LABELS)
    out["language"] = language
    out["n_articles_a"] = n_a
    out["n_articles_b"] = n_b
    out["significant"] = out["z"].abs() >= Z_SIGNIFICANT
    return out.sort_values(["z", "term"], ascending=[False, True]).reset_index(drop=True)


def top_terms(terms: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The ``n`` strongest terms for each side (largest |z|), strongest first."""
    if terms.empty:
        return terms
    a = terms[terms["z"] > 0].nlargest(n, "z")
    b = terms[terms["z"] < 0].nsmallest(n, "z")
    return pd.concat([a, b], ignore_index=True)


#: Arabic clitics a word may carry in front of the typed word: conjunctions
#: و/ف, prepositions ب/ل/ك, the future marker س and the article ال, alone and
#: combined (وبال، فلل…), normalised. Longest first.
AR_KWIC_PREFIXES = tuple(
    sorted(
        {"", "و", "ف", "ب", "ل", "ك", "س", "ال", "لل"}
        | {c + p for c in ("و", "ف") for p in ("ب", "ل", "ك", "س", "ال", "بال", "كال", "لل")}
        | {"بال", "كال"},
        key=len,
        reverse=True,
    )
)
#: Attached pronouns after the word (بايدنه "his Biden"?, صواريخها "its missiles"), normalised.
AR_KWIC_SUFFIXES = ("", "ه", "ها", "هما", "هم", "هن", "ك", "كما", "كم", "كن", "نا", "ي", "ني")
_KWIC_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def kwic_words(text: str, language: str) -> list[tuple[str, int, int]]:
    """Every word of ``text`` in a comparable form, with offsets into ``text``.

    No stopwords are dropped and no names are merged: a typed phrase is
    matched word by word. English: folded and casefolded, a possessive
    's dropped; Arabic: camel-tools normalisation (offsets mapped back).
    """
    out = []
    if language == "ar":
        norm = arabic.normalise_with_offsets(text)
        for m in _KWIC_WORD_RE.finditer(norm.text):
            s, e = norm.span(m.start(), m.end())
            out.append((m.group(), s, e))
        return out
    for m in _KWIC_WORD_RE.finditer(text):
        w = fold(m.group()).casefold()
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append((w, m.start(), m.end()))
    return out


def _kwic_target(term: str, language: str) -> list[str]:
    words = [w for w, _, _ in kwic_words(term.strip(), language)]
    if language == "ar" and words:
        # a typed article or conjunction is not required in the text (العقوبات finds عقوبات and وبالعقوبات)
        first = words[0]
        for pre in ("وال", "ال"):
            if first.startswith(pre) and len(first) - len(pre) >= 2:
                words[0] = first[len(pre) :]
                break
    return words


def _ar_word_matches(word: str, target: str, *, first: bool, last: bool) -> bool:
    """Is ``word`` the (normalised) ``target`` with clitics? Prefixes only on the
    phrase's first word, pronoun suffixes only on its last."""
    for pre in AR_KWIC_PREFIXES if first else ("",):
        if not word.startswith(pre + target):
            continue
        rest = word[len(pre) + len(target) :]
        if rest in (AR_KWIC_SUFFIXES if last else ("",)):
            if pre and len(target) < MIN_AR_STEM - 1:  # a two-letter target with a clitic is noise
                continue
            return True
    return False


def find_phrase(words: list[tuple[str, int, int]], target: list[str], language: str) -> list[tuple[int, int]]:
    """Character spans where the words ``target`` occur consecutively in ``words``."""
    k = len(target)
    spans = []
    for i in range(len(words) - k + 1):
        ok = True
        for j in range(k):
            w = words[i + j][0]
            ok = _ar_word_matches(w, target[j], first=j == 0, last=j == k - 1) if language == "ar" else w == target[j]
            if not ok:
                break
        if ok:
            spans.append((words[i][1], words[i + k - 1][2]))
    return spans


KWIC_COLUMNS = [
    "article_id",
    "title",
    "dyad",
    "dyad_label",
    "language",
    "sentence_id",
    "start",
    "left",
    "match",
    "right",
    "text",
    "tone",
]


def keyword_in_context(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    term: str,
    language: str,
    window: int = 60,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a word or phrase in the language.

    ``term`` may be typed in any case or form (Erdoğan's, "united states",
    S-400, والتركية); it is matched word by word, and in Arabic with clitics
    tolerated (بايدن finds وبايدن and لبايدن). One row per occurrence with
    ``left``, ``match`` and ``right`` (``window`` characters each side, from
    the sentence), the whole sentence, the article's title and dyad, and the
    sentence's tone.
    """
    target = _kwic_target(term, language) if language in LANGUAGE_LABELS else []
    if not target:
        return pd.DataFrame(columns=KWIC_COLUMNS)
    arts = articles[(articles["status"] == "ok") & (articles["language"] == language)]
    s = with_article(sentences[sentences["article_id"].isin(arts["article_id"])], arts)
    rows = []
    for r in s.itertuples(index=False):
        text = str(r.text)
        for a, b in find_phrase(kwic_words(text, language), target, language):
            rows.append(
                {
                    "article_id": r.article_id,
                    "title": r.title,
                    "dyad": r.dyad,
                    "dyad_label": r.dyad_label,
                    "language": language,
                    "sentence_id": r.sentence_id,
                    "start": r.start,
                    "left": text[max(0, a - window) : a],
                    "match": text[a:b],
                    "right": text[b : b + window],
                    "text": text,
                    "tone": r.tone,
                }
            )
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


@dataclass(frozen=True)
class TermsView:
    """Distinguishing terms per language, or the reason a language has none."""

    terms: dict  # language → distinguishing_terms table, or a message (str)

    def of(self, language: str) -> pd.DataFrame | str:
        return self.terms.get(language, f"No {LANGUAGE_LABELS.get(language, language)} terms")


def terms_view(corpus, *, counts: pd.DataFrame | None = None) -> TermsView:
    """Distinguishing terms of ``corpus`` in every language (``counts``: article_term_counts of a superset)."""
    out: dict = {}
    for lang in LANGUAGE_LABELS:
        try:
            out[lang] = distinguishing_terms(corpus["sentences"], corpus["articles"], language=lang, counts=counts)
        except TooFewForTerms as exc:
            out[lang] = str(exc)
    return TermsView(terms=out)
