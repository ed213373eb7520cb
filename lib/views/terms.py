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

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lib.analysis.terms import (  # noqa: F401 (term rules, used by the pages through this module)
    MIN_AR_STEM,
    normalise_term,
    normalise_term_ar,
    normalise_term_en,
    tokens_with_offsets,
)
from lib.corpus.term_counts import TermCounts, count_terms
from lib.text import arabic
from lib.text.fold import fold
from lib.views.common import (
    DYAD_LABELS,
    FOCAL_DYADS,
    LANGUAGE_LABELS,
    VIEW_ARTICLE_COLUMNS,
    focal_articles,
    isin,
    table_columns,
    text_column,
    with_article,
)

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


def log_odds_dirichlet(counts_a: Counter, counts_b: Counter, *, prior_scale: float = PRIOR_SCALE) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior.

    α_i = ``prior_scale`` × (y_i^a + y_i^b), α_0 = Σ α_i. For each term:
    δ_i = log((y_i^a+α_i)/(n^a+α_0−y_i^a−α_i)) − log((y_i^b+α_i)/(n^b+α_0−y_i^b−α_i)),
    var(δ_i) ≈ 1/(y_i^a+α_i) + 1/(y_i^b+α_i), z_i = δ_i/√var. Positive z
    favours side a.
    """
    terms = sorted(set(counts_a) | set(counts_b))
    ya = np.array([counts_a.get(t, 0) for t in terms], dtype=float)
    yb = np.array([counts_b.get(t, 0) for t in terms], dtype=float)
    return _log_odds(np.array(terms, dtype=object), ya, yb, prior_scale=prior_scale)


def _log_odds(terms: np.ndarray, ya: np.ndarray, yb: np.ndarray, *, prior_scale: float) -> pd.DataFrame:
    """``log_odds_dirichlet`` on aligned arrays: the terms and their counts on each side."""
    if not len(terms):
        return pd.DataFrame(columns=["term", "count_a", "count_b", "delta", "var", "z"])
    return pd.DataFrame(_log_odds_columns(terms, ya, yb, prior_scale=prior_scale))


def _log_odds_columns(terms: np.ndarray, ya: np.ndarray, yb: np.ndarray, *, prior_scale: float) -> dict[str, np.ndarray]:
    """The columns of ``_log_odds``: term, count_a, count_b, delta, var, z."""
    alpha = prior_scale * (ya + yb)
    a0 = float(alpha.sum())
    na, nb = float(ya.sum()), float(yb.sum())
    # The odds' denominator is the mass of every other term; it is zero only
    # when the vocabulary is one term, and the floor keeps that case finite.
    rest_a = np.maximum(na + a0 - ya - alpha, OTHER_MASS_FLOOR)
    rest_b = np.maximum(nb + a0 - yb - alpha, OTHER_MASS_FLOOR)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((ya + alpha) / rest_a) - np.log((yb + alpha) / rest_b)
        var = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
        z = delta / np.sqrt(var)
    return {"term": terms, "count_a": ya.astype(int), "count_b": yb.astype(int), "delta": delta, "var": var, "z": z}


class TooFewForTerms(ValueError):
    """One dyad has no text in the language: there is nothing to compare."""


def distinguishing_terms(
    sentences: pd.DataFrame | None,
    articles: pd.DataFrame,
    *,
    language: Literal["en", "ar"],
    prior_scale: float = PRIOR_SCALE,
    counts: TermCounts | None = None,
) -> pd.DataFrame:
    """Terms that most distinguish US–Turkey from Russia–Turkey coverage in one language.

    ``counts`` may be the term counts of the whole corpus (``count_terms``
    of any superset of these articles): the sentences are then not read
    again, and each side's counts are two sums over integer codes.

    ``display`` is the term as the corpus of ``counts`` writes it most
    often (Arabic as written, not normalised). Positive ``z`` favours US–Turkey, negative Russia–Turkey; ``favours``
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
    if counts is None:
        counts = count_terms(sentences, arts)
    ya, yb = counts.group_sums([arts.loc[arts["dyad"] == d, "article_id"] for d in FOCAL_DYADS]).astype(float)
    used = np.flatnonzero((ya + yb) > 0)
    used = used[np.argsort(counts.alphabetical[used])]  # alphabetical, as log_odds_dirichlet orders them
    vocab, shown = counts.text_arrays
    cols = _log_odds_columns(vocab.take(used), ya[used], yb[used], prior_scale=prior_scale)
    # Highest z first, ties alphabetical (the terms are in alphabetical order already); NaN last. The
    # columns are put in that order before the table is made: taking its text columns after costs more.
    # Text is taken from pandas text arrays (the vocabulary's, made once; the two dyads'): converting
    # a language's tens of thousands of terms from Python strings was half of this function's time.
    z = cols["z"]
    order = np.lexsort((np.arange(len(z)), np.where(np.isnan(z), 0.0, -z), np.isnan(z)))
    na, nb = max(ya.sum(), 1), max(yb.sum(), 1)
    favours = np.where(z >= 0, 0, 1)[order]
    out = pd.DataFrame(
        {
            "term": cols.pop("term").take(order),
            **{name: values[order] for name, values in cols.items()},
            "display": shown.take(used[order]),
            "per_1000_a": cols["count_a"][order] / na * 1000,
            "per_1000_b": cols["count_b"][order] / nb * 1000,
            "favours": text_column(FOCAL_DYADS, favours),
            "favours_label": text_column([DYAD_LABELS[d] for d in FOCAL_DYADS], favours),
            "language": text_column([language], np.zeros(len(order))),
            "n_articles_a": n_a,
            "n_articles_b": n_b,
            "significant": np.abs(z[order]) >= Z_SIGNIFICANT,
        },
        index=pd.RangeIndex(len(order)),
    )
    return out


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
    s = with_article(sentences[isin(sentences["article_id"], arts["article_id"])], arts)
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


def terms_view(corpus, *, counts: TermCounts | None = None) -> TermsView:
    """Distinguishing terms of ``corpus`` in every language (``counts``: ``count_terms`` of a superset)."""
    out: dict = {}
    sentences = corpus["sentences"] if counts is None else None  # given counts, no sentence is read
    articles = table_columns(corpus, "articles", VIEW_ARTICLE_COLUMNS)
    for lang in LANGUAGE_LABELS:
        try:
            out[lang] = distinguishing_terms(sentences, articles, language=lang, counts=counts)
        except TooFewForTerms as exc:
            out[lang] = str(exc)
    return TermsView(terms=out)


def article_term_counts(sentences: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Term counts per article (article_id, term, n): ``count_terms`` as a table."""
    return count_terms(sentences, articles, mentions).frame()
