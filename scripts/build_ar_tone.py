"""Rebuild lib/analysis/data/ar_tone_model.json: Arabic tone words induced from parallel text.

What it fits (offline; the app only reads the resulting file):

1. English tone words, projected. Each Arabic–English sentence pair is scored
   on the English side with the app's own VADER (names masked as in
   ``lib.analysis.tone``). IBM Model 1 (EM, ``EM_ITERATIONS`` rounds) aligns
   every VADER word of the English sentence with a word of the Arabic one
   (or with nothing). An Arabic word's valence is the VADER valence it
   carried per occurrence: sum over its expected alignments of the English
   word's valence, divided by how often it occurs. حرب is aligned with "war"
   (-2.9) about half the time and gets about -1.3; في, aligned with nothing
   in particular, gets about 0. The valence is then shrunk toward 0 by the
   word's count, ``v * n / (n + SHRINK)``, so a word seen three times does
   not weigh like one seen three hundred. Words are keyed by ``ar_tone.light_stem``.
   English words whose VADER sense is not their news sense (``NOT_TONE``:
   "United", "party", "like", "well" ...) are not projected, and no word of
   an Arabic name in the gazetteer (أنقرة، تركي، الناتو ...) is kept: naming
   a country is not a tone, as on the English side.
2. The scales, calibrated on the pairs. The curated lexicon and the induced
   words both feed the same rules (negation, intensifiers, contrast) and
   VADER's ``x/sqrt(x^2+15)``; two factors, one for curated valences and one
   for induced ones, are fitted by least squares against the English VADER
   compound, on out-of-fold induced words (``FOLDS``-fold), so the fit sees
   the induced list as it behaves on unseen sentences. The fit uses the
   news-like pairs only (``CALIBRATION_SOURCES``: FLORES-200, drawn from
   Wikinews and Wikivoyage, and the PUD half, news and Wikipedia); UN
   resolutions, the bulk of the words' data, are a register of their own.
   No intercept: a sentence without tone words is not pulled to either side.
   With the scales, each curated word gets a factor on its copied VADER
   valence (``curated_factors``, ``fit_curated_factors``): the same squared
   error of the normalised sum against the English compound, now over all
   training pairs (a news-like pair weighs ``FACTOR_NEWS_WEIGHT``, the others
   1), plus ``FACTOR_RIDGE`` times each factor's squared distance from 1, so
   a word the pairs seldom hold keeps about its VADER valence. The pairs
   lower curated words whose English side mostly holds no VADER word (تعاون
   "cooperation" x0.35, تنمية "development" x0.46, مرض "disease" x0.28; أسلحة
   x0.32, as often "arms" as "weapons") and raise a few (دعم "support" x1.31,
   أمن "security" x1.40). The factors are fitted on the out-of-fold hits of
   the induced words, and for the out-of-fold figure a fold's factors come
   from the other folds only. Out of fold on the news-like pairs r was 0.724
   without factors and 0.732 with them (coverage unchanged); on the held-out
   PUD half r 0.669 -> 0.689 (paired bootstrap 95 % interval of the gain
   0.005-0.035), macro-F1 by sign 0.671 -> 0.665 (UMSAB test; 5 of 580 signs
   changed) and 0.608 -> 0.608 (Abdulla et al.). The lexicon file keeps the
   copied valences; ``ar_tone.load_lexicon`` applies the factors.
3. The neutral band (``ar_tone.calibrate``): the valence sum below which an
   Arabic sentence is neutral, set so that the share of neutral sentences
   (|tone| < 0.05) equals that of VADER on the English side of the same pairs.
4. Post words (``post_words``): words and emoji of social posts that occur in
   none of the training pairs, valued by the smoothed log-odds of positive
   over negative SemEval-2017 Task 4A training tweets (positive/negative rows,
   repeats dropped) and kept only where an independent lexicon agrees in sign
   (Arabic WordNet x SentiWordNet; for an emoji, VADER's words in its name).
   Since no pair holds them, they leave the scales and the band of steps 2-3
   unchanged. The 5-fold macro-F1 by sign on those tweets, with and without
   the list, is written beside it (``post_words_cross_validated``).
5. Dictionary words (``dictionary_words``): the words the pairs hold fewer
   than ``MIN_COUNT`` times, valued through a bilingual dictionary (see
   ``dictionary_valences``): Arabic WordNet's senses of the word, the English
   words SentiWordNet gives each sense, their VADER valences, averaged per
   sense and then over the word's senses. VADER valences copied, like the
   curated ones, so they count with the curated valences in the fit of step 2
   (out of fold: a fold's list holds the words its training folds hold fewer
   than ``MIN_COUNT`` times) and take the curated scale. A key that is also a
   post word stays a post word. Where the pairs hold a word more often, they
   decide: many of the dictionary's frequent keys are senses news does not use
   (علي "high", رئيس "chief", مارس "practised"), and words the pairs show
   carry no tone are already left out of the induced list by ``MIN_VALENCE``.
   Out of fold on the news-like pairs r was 0.722 without the list and 0.724
   with it (coverage 90 % -> 91 %); the 5-fold macro-F1 by sign on the
   SemEval training posts 0.655 -> 0.666.
6. The post classifier (``post_classifier``, ``fit_post_classifier``): for a
   sentence none of the words above reaches. A multinomial logistic
   regression (scikit-learn, L2, ``CLASSIFIER_C``, classes weighed alike) on
   the presence of each key (``ar_tone.post_keys``: light_stem keys and
   emoji) in the SemEval-2017 training tweets, all three labels, repeats
   dropped. Its keys are those of at least ``CLASSIFIER_MIN_POSTS`` tweets
   that the pairs hold fewer than ``MIN_COUNT`` times, leaving out gazetteer
   names, ``POST_NOT_TONE`` and ``CLASSIFIER_NOT_TONE`` (the people, brands,
   places and topics of the labelled month, read off the strongest weights).
   Its tone, ``scale * (P(positive) - P(negative))``, takes ``scale`` from the
   tweets (``cross_validated_classifier``): the least-squares slope of the
   lexicon's tone on the out-of-fold difference, over tweets both score.
   5-fold on the training tweets, macro-F1 by sign 0.667 -> 0.699, coverage
   89 % -> 97 %; on tweets no build step reads, 0.665 -> 0.685 (UMSAB test)
   and 0.608 -> 0.673 (Abdulla et al.), with PUD held-out r 0.689 -> 0.688.

Data (read from ``../shared/data``; none of its text is written out, only
word -> number): the 11,112 pairs of ``arabic/parallel_ar_en`` (UN Parallel
Corpus v1.0 dev+test, FLORES-200 devtest, TICO-19 test) and the even-id half
of the UD Arabic-PUD pairs; ``arabic/semeval2017_ar/official_train_full.tsv``
(labels CC BY 3.0) and ``arabic/lexicon_awn_swn/awn_swn_lexicon.tsv`` (CC BY-SA
4.0) for the post words and the post classifier; ``arabic/lexicon_awn_swn/awn_swn_senses.tsv`` (CC BY-SA
4.0) for the dictionary words. The odd-id half of PUD, the UMSAB test tweets and the
Abdulla et al. tweets are never read here: they are what
``scripts/validate_tone.py`` reports. The output file is CC BY-SA 4.0
(``LICENCE``), its sources listed in its ``sources`` and ``licence`` fields.

The output is a function of the data and this script: running it again
writes the same file but for the ``built`` date.

    .venv/bin/python scripts/build_ar_tone.py [--data-dir DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from lib.analysis import ar_tone, ar_tone_model, tone, tone_scale  # noqa: E402
from lib.analysis.gazetteer import GAZETTEER_PATH  # noqa: E402
from lib.text.arabic import normalise  # noqa: E402

DATA_CANDIDATES = (ROOT.parent / "shared" / "data", Path("/work/shared/data"))
PARALLEL_FILES = {
    "un_v1.0_devset.tsv": "UN Parallel Corpus v1.0 dev set (Ziemski et al., LREC 2016)",
    "un_v1.0_testset.tsv": "UN Parallel Corpus v1.0 test set (Ziemski et al., LREC 2016)",
    "flores200_devtest.tsv": "FLORES-200 devtest, arb_Arab-eng_Latn (CC BY-SA 4.0)",
    "tico19_test.tsv": "TICO-19 test set, en-ar (CC0)",
}
PUD_FILE = "parallel_ar_en_pud.tsv"
#: The word list is derived from share-alike data (FLORES-200, UD Arabic-PUD),
#: so it is a separately licensed data file, whatever the code's licence.
LICENCE = (
    "CC BY-SA 4.0. Derived from: United Nations Parallel Corpus v1.0 (source: the United Nations; Ziemski et al. 2016), "
    "FLORES-200 (CC BY-SA 4.0), TICO-19 (CC0), UD Arabic-PUD treebank (CC BY-SA 3.0), VADER lexicon (MIT, Hutto & Gilbert 2014); "
    "post words: counts of words in the SemEval-2017 Task 4 Arabic training labels (Rosenthal et al. 2017, CC BY 3.0), no tweet text, "
    "kept where Arabic WordNet (Abouenour et al. 2013; CC BY-SA 3.0) x SentiWordNet 3.0 (Baccianella et al. 2010; CC BY-SA 4.0) agrees in sign; "
    "dictionary words: Arabic WordNet senses, their English words in SentiWordNet 3.0, valued by the VADER lexicon; "
    "post classifier: logistic regression weights of words fitted on the SemEval-2017 Task 4 Arabic training labels, no tweet text"
)
PUD_SOURCE = "UD Arabic-PUD treebank, even-id half (CC BY-SA 3.0)"
#: People-labelled posts the post word list (positive/negative rows) and the
#: post classifier (all rows) are fitted on. UMSAB's test split has no tweet in common with it and the
#: Abdulla et al. tweets are another set: both stay for validate_tone.py.
POST_FILE = Path("arabic") / "semeval2017_ar" / "official_train_full.tsv"
POST_SOURCE = (
    "SemEval-2017 Task 4A Arabic training tweets and their negative/neutral/positive labels (annotations CC BY 3.0; no tweet text kept)"
)
#: A post word must also be a sentiment word of the same sign here (an emoji:
#: in VADER's reading of its name; see ``sentiment_signs``): without
#: this filter most of the list was the topics of the labelled month (رونالدو،
#: فيدرر، سامسونغ، غوتشي all "positive"), whose 5-fold gain (macro-F1 by sign
#: 0.62 -> 0.71) only repeats the month and names are not tone.
POST_PRIOR_FILE = Path("arabic") / "lexicon_awn_swn" / "awn_swn_lexicon.tsv"
POST_PRIOR_SOURCE = "Arabic WordNet (CC BY-SA 3.0) x SentiWordNet 3.0 (CC BY-SA 4.0) polarity signs and VADER's emoji names, as a filter"
#: Arabic WordNet forms with their WordNet 3.0 senses and, for a sense
#: SentiWordNet scores one-sided, its English words: the bilingual dictionary
#: of the dictionary words (``dictionary_words``).
SENSES_FILE = Path("arabic") / "lexicon_awn_swn" / "awn_swn_senses.tsv"
DICTIONARY_SOURCE = (
    "Arabic WordNet (CC BY-SA 3.0) senses with the English words SentiWordNet 3.0 (CC BY-SA 4.0) gives them, valued by the VADER lexicon"
)

#: EM rounds for IBM Model 1; the alignments barely move after 6.
EM_ITERATIONS = 8
#: An Arabic word needs this many occurrences to be kept ...
MIN_COUNT = 3
#: Valence per occurrence is shrunk toward 0 by its count, ``v * n / (n + SHRINK)``
#: (as if the word had also occurred SHRINK times beside no tone word): a word
#: seen 3 times keeps 3/5 of its valence, one seen 100 times 98 %. Chosen on
#: the tuning data only: out of fold on the news-like pairs r was 0.717 at 0,
#: 0.720 at 2, 0.727 at 4 (coverage 93 %, 90 %, 87 %), and 5-fold macro-F1 by
#: sign on the SemEval training posts 0.644, 0.646, 0.637: 2 is the best
#: compromise; the larger the shrinkage, the fewer posts have a tone word.
SHRINK = 2
#: ... and at least this much valence per occurrence (VADER's -4..4 scale):
#: smaller values are function words that happened to sit near tone words.
MIN_VALENCE = 0.1
#: The post word list: a word (or emoji) needs this many labelled posts ...
POST_MIN_COUNT = 3
#: ... a smoothed log-odds of positive over negative at least this large ...
POST_MIN_LOG_ODDS = 0.5
#: ... with this add-k smoothing of both counts ...
POST_SMOOTHING = 1.0
#: ... and no occurrence at all in the parallel pairs. Post words that news-like
#: text also uses (أبل "Apple", هاتف "phone", the topics of the labelled month)
#: cut out-of-fold r on the PUD tuning half from 0.74 to 0.38-0.64; words
#: absent from 11,582 pairs (dialect, slang, emoji) leave it as it was.
POST_MAX_PARALLEL = 0
#: Valence per unit of log-odds: ln 3 (three times likelier in positive posts)
#: gives 1.1, about VADER's "ok" (1.2); the neutral band is the news one.
POST_SCALE = 1.0
#: Post-word keys that passed the filters but are not tone: the personal names
#: ناصر (Nasser; the WordNet sense is "supporter") and سعد (Saad; "good
#: fortune"), and the dialect question word مين "who". Read off the list once;
#: naming a person is no tone, as on the English side.
POST_NOT_TONE = frozenset({"ناصر", "سعد", "مين"})
#: The post classifier (``post_classifier``, ``fit_post_classifier``): a key
#: needs this many training posts (negative, neutral or positive) ...
CLASSIFIER_MIN_POSTS = 2
#: ... and fewer than ``MIN_COUNT`` occurrences in the parallel pairs, as a
#: dictionary word: words that news-like text uses are the lexicon's, valued
#: by the pairs. With every key of the posts instead, the classifier also
#: scored news sentences and out-of-fold r on the PUD tuning half fell from
#: 0.775 to 0.766; with these, it scores 1-2 news sentences in a hundred.
#: The inverse strength of its L2 penalty: scikit-learn's default; 0.3 and 3
#: gave the same 5-fold macro-F1 on the posts within 0.004.
CLASSIFIER_C = 1.0
#: Classifier keys that are not tone but what the labelled month talked
#: about, read off the 220 strongest weights once (as ``POST_NOT_TONE``):
#: people (Federer, Rafa, Younis Mahmoud, Ronaldo, Messi, Bashar, Sisi,
#: Justin Bieber, De Niro, Casillas, Dembele's first name, Fahd, Abdullah,
#: Abdul Wahhab), brands and products (Gucci, Samsung, Windows, Microsoft,
#: iPhone, Galaxy Note, Nougat, widget, browser, Skype, Nike, PlayStation,
#: Pokémon, Baidu, App Store, computer, specifications), places and teams
#: (Real, Bernabeu, Dubai, Mars, Swiss, Paraguay, Hit), events and topics
#: (Ramadan and its fasting, Nobel, WikiLeaks, Twitter, encyclopedia, chemistry, the Times,
#: the Huffington Post), news words for groups and roles (ally, rebels,
#: militia, Zionists, Kharijites, agent, merchant, senator) and fragments of
#: such words that light_stem leaves (تاع of بتاع، ينك of فينك، طار of بطارية).
#: Naming a person or a product is no tone, as on the English side.
CLASSIFIER_NOT_TONE = frozenset(
    {
        *("يدرر", "راف", "يونس", "رونالدو", "يسي", "شار", "جستن", "نيرو", "كاسير", "عثم", "فهد", "عبدالل", "وهاب"),
        *("غوتش", "امسونغ", "يندوز", "مايكروسوف", "ايف", "نوت", "نوج", "يدج", "متصفح", "سكايب", "نايك", "تيشن"),
        *("بوكيم", "ايدو", "تور", "مبيوتر", "مواصف", "تستحوذ", "تتحد", "تتصدر"),
        *("ريال", "برنابيو", "دبي", "مريخ", "سويس", "بارغوا", "هيت", "🎾"),
        *("رمض", "صوم", "نوبل", "يكيليكس", "وتر", "موسوع", "كيمياء", "تايمز", "وست", "جونقكوك"),
        *("حليف", "ثوار", "مليشي", "صهاين", "خوارج", "وكيل", "تاجر", "يناتور"),
        *("تاع", "ينك", "طار", "يته", "ابنت", "معرب", "عراف", "اان", "حرير", "خام", "عطر", "عطور"),
    }
)
#: Retweet marks, handles, links and hash signs: two posts that differ only
#: in these are the same post (the training file holds such repeats).
_POST_NOISE = re.compile(r"https?://\S+|@\w+|\bRT\b|#")

CALIBRATION_SOURCES = ("flores200_devtest.tsv", PUD_FILE)
#: Folds for the out-of-fold fit of the two scales.
FOLDS = 5
#: Curated factors (``fit_curated_factors``): the ridge pulling each factor
#: toward 1 (against a squared error summed over the 9,800 training texts
#: that hold a tone word, weights of mean 1) ...
FACTOR_RIDGE = 3.0
#: ... and the weight of a news-like pair (``CALIBRATION_SOURCES``) against 1
#: for a UN or TICO-19 one, so the news-like fifth of the pairs carries about
#: half the fit. Chosen out of fold on the news-like pairs (r without factors
#: 0.724): ridge 1 / 3 / 10 / 30 gave 0.732 / 0.732 / 0.729 / 0.727 at weight
#: 5; weight 1 / 5 / 20 gave 0.729 / 0.732 / 0.733 at ridge 3.
FACTOR_NEWS_WEIGHT = 5.0
#: VADER words whose sense in news and UN text is not tone: "United" (the UN,
#: the US), "party" (to a treaty), "like"/"well" (as in "such as"/"as well
#: as"), "respectively", "on the other hand", "please" (UN politeness), "no"
#: (a negation, handled by the Arabic negators).
NOT_TONE = frozenset({"united", "party", "parties", "like", "well", "respectively", "respective", "hand", "please", "no"})

#: A key that still starts with the article's letters (الم of ألم "pain")
#: is also what light_stem leaves of article + word (الألمان -> الم): such
#: keys are dropped rather than risk the collision.
ARTICLE = "ال"
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
NULL = ""  # the empty Arabic word of Model 1


def data_dir(given: Path | None) -> Path:
    for candidate in (given,) if given else DATA_CANDIDATES:
        if candidate and (candidate / PUD_FILE).is_file():
            return candidate
    raise SystemExit(f"no {PUD_FILE} in {given or ' or '.join(map(str, DATA_CANDIDATES))}")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=3, dtype=str, keep_default_na=False)


def read_training_pairs(root: Path) -> pd.DataFrame:
    """Columns ar, en, source: the parallel pairs plus PUD's even-id half."""
    frames = [_read(root / "arabic" / "parallel_ar_en" / name).assign(source=name) for name in PARALLEL_FILES]
    pud = _read(root / PUD_FILE)
    even = pud["id"].str.extract(r"(\d+)$")[0].astype(int) % 2 == 0
    frames.append(pud[even].assign(source=PUD_FILE))
    return pd.concat([f[["ar", "en", "source"]] for f in frames], ignore_index=True)


def read_posts(root: Path, labels: Sequence[str] = ("positive", "negative")) -> pd.DataFrame:
    """label (one of ``labels``) and keys of the labelled training posts, repeats dropped."""
    df = _read(root / POST_FILE)
    df = df[df.label.isin(labels)]
    df = df.assign(plain=df.text.map(lambda t: " ".join(_POST_NOISE.sub(" ", t).split()))).drop_duplicates("plain")
    return pd.DataFrame({"label": df.label.to_numpy(), "keys": df.text.map(ar_tone.post_keys).to_numpy(), "text": df.text.to_numpy()})


def sentiment_signs(root: Path, vader: SentimentIntensityAnalyzer) -> dict[str, float]:
    """Independent sentiment of each key: the mean Arabic WordNet x SentiWordNet score of the one-word
    forms with that light_stem key, and for an emoji the VADER valences of the words of its name
    (VADER reads an emoji by its name: 😍 "smiling face with heart-eyes" +2.0, 😢 "crying face" -2.1).
    """
    df = _read(root / POST_PRIOR_FILE)
    df = df[~df.ar_form_nodiac.str.contains(" ")]
    keys = df.ar_form_nodiac.map(lambda form: ar_tone.light_stem(normalise(form)))
    signs = df.assign(key=keys, score=df.score.astype(float)).groupby("key").score.mean().to_dict()
    for emoji, name in vader.emojis.items():
        if ar_tone.is_emoji(emoji):
            signs[emoji] = sum(vader.lexicon.get(word, 0.0) for word in name.lower().split())
    return signs


def fit_post_words(posts: pd.DataFrame, excluded: Callable[[str], bool], signs: dict[str, float]) -> dict[str, tuple[float, int]]:
    """key -> (valence, posts holding it): smoothed log-odds of positive over negative, times POST_SCALE.

    A key is kept only when ``signs`` gives it the same sign.
    """
    positive = Counter(k for keys in posts["keys"][posts.label == "positive"] for k in keys)
    negative = Counter(k for keys in posts["keys"][posts.label == "negative"] for k in keys)
    prior = math.log((posts.label == "positive").sum() / (posts.label == "negative").sum())
    out = {}
    for key in positive.keys() | negative.keys():
        p, n = positive[key], negative[key]
        log_odds = math.log((p + POST_SMOOTHING) / (n + POST_SMOOTHING)) - prior
        if p + n < POST_MIN_COUNT or abs(log_odds) < POST_MIN_LOG_ODDS or excluded(key):
            continue
        if signs.get(key, 0.0) * log_odds > 0:
            out[key] = (max(-4.0, min(4.0, POST_SCALE * log_odds)), p + n)
    return out


def cross_validated_posts(
    posts: pd.DataFrame, lexicon: ar_tone.ArabicLexicon, excluded: Callable[[str], bool], signs: dict[str, float]
) -> dict:
    """Macro-F1 by sign (a missing score is a miss) of FOLDS-fold post word lists, against the lexicon without them."""
    fold = np.arange(len(posts)) % FOLDS
    with_words = np.full(len(posts), np.nan)
    for k in range(FOLDS):
        words = fit_post_words(posts[fold != k], excluded, signs)
        fitted = dataclasses.replace(lexicon, post_words={key: v for key, (v, _n) in words.items()})
        for i in np.flatnonzero(fold == k):
            with_words[i] = _nan(ar_tone.lexicon_score(posts.text.iat[i], fitted)[0])
    without = np.array([_nan(ar_tone.lexicon_score(t, lexicon)[0]) for t in posts.text])
    return {
        "posts": len(posts),
        "folds": FOLDS,
        "macro_f1_by_sign": round(_macro_f1_by_sign(posts.label.to_numpy(), with_words), 4),
        "macro_f1_by_sign_without": round(_macro_f1_by_sign(posts.label.to_numpy(), without), 4),
        "coverage": round(float(np.mean(~np.isnan(with_words))), 4),
    }


def fit_post_classifier(posts: pd.DataFrame, excluded: Callable[[str], bool]) -> ar_tone_model.PostClassifier:
    """A multinomial logistic regression over ``posts``' labels on the presence of their keys (scale 1).

    Its words are the keys held by at least ``CLASSIFIER_MIN_POSTS`` posts
    and not ``excluded``; classes weigh alike (``class_weight="balanced"``).
    Weights are rounded as the model file stores them.
    """
    held = Counter(k for keys in posts["keys"] for k in keys)
    vocabulary = sorted(k for k, n in held.items() if n >= CLASSIFIER_MIN_POSTS and not excluded(k))
    column = {k: j for j, k in enumerate(vocabulary)}
    cells = [(i, column[k]) for i, keys in enumerate(posts["keys"]) for k in keys if k in column]
    rows, cols = zip(*cells, strict=True) if cells else ((), ())
    matrix = sparse.csr_matrix((np.ones(len(cells)), (rows, cols)), shape=(len(posts), len(vocabulary)))
    model = LogisticRegression(C=CLASSIFIER_C, class_weight="balanced", max_iter=5000).fit(matrix, posts.label.to_numpy())
    order = [list(model.classes_).index(c) for c in ar_tone_model.POST_CLASSES]
    coef = model.coef_[order]
    intercept = tuple(round(float(b), 4) for b in model.intercept_[order])
    weights = {k: tuple(round(float(w), 4) for w in coef[:, j]) for j, k in enumerate(vocabulary)}
    return ar_tone_model.PostClassifier(intercept, weights, 1.0)  # type: ignore[arg-type]


def cross_validated_classifier(posts: pd.DataFrame, lexicon: ar_tone.ArabicLexicon, excluded: Callable[[str], bool]) -> tuple[float, dict]:
    """The classifier's scale, and FOLDS-fold figures of the lexicon with and without it on ``posts``.

    Each post gets P(positive) - P(negative) from a classifier fitted on the
    other folds. The scale is the least-squares slope (no intercept) of the
    lexicon's tone on that difference over the posts both score: the tone
    the lexicon gives, on average, to a post with that difference, so the
    classifier's tones sit on the lexicon's (VADER-calibrated) scale. Then a
    post without a lexicon word takes ``scale`` times its difference, as
    ``ar_tone.lexicon_score`` does, and macro-F1 by sign is taken over the
    positive and negative posts.
    """
    fold = np.arange(len(posts)) % FOLDS
    difference = np.full(len(posts), np.nan)
    for k in range(FOLDS):
        classifier = fit_post_classifier(posts[fold != k], excluded)
        for i in np.flatnonzero(fold == k):
            difference[i] = _nan(classifier.tone(posts["keys"].iat[i])[0])
    alone = np.array([_nan(ar_tone.lexicon_score(t, lexicon)[0]) for t in posts.text])
    both = ~np.isnan(alone) & ~np.isnan(difference)
    scale = float(np.sum(alone[both] * difference[both]) / np.sum(difference[both] ** 2))
    combined = np.where(np.isnan(alone), scale * difference, alone)
    polar = (posts.label != "neutral").to_numpy()
    labels = posts.label.to_numpy()[polar]
    return scale, {
        "posts": len(posts),
        "folds": FOLDS,
        "scale_fitted_on_posts": int(both.sum()),
        "pearson_r_with_lexicon": round(float(np.corrcoef(alone[both], difference[both])[0, 1]), 4),
        "macro_f1_by_sign": round(_macro_f1_by_sign(labels, combined[polar]), 4),
        "macro_f1_by_sign_without": round(_macro_f1_by_sign(labels, alone[polar]), 4),
        "coverage": round(float(np.mean(~np.isnan(combined[polar]))), 4),
        "coverage_without": round(float(np.mean(~np.isnan(alone[polar]))), 4),
    }


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def _macro_f1_by_sign(labels: np.ndarray, scores: np.ndarray) -> float:
    predicted = np.where(scores > 0, "positive", np.where(scores < 0, "negative", ""))  # NaN and 0: no prediction
    f1s = []
    for label in ("positive", "negative"):
        tp = np.sum((predicted == label) & (labels == label))
        fp = np.sum((predicted == label) & (labels != label))
        fn = np.sum((predicted != label) & (labels == label))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


def dictionary_valences(root: Path, valences: dict[str, float], names: frozenset[str]) -> dict[str, tuple[float, int, str]]:
    """key -> (VADER valence through Arabic WordNet, senses, English VADER words): the bilingual dictionary.

    Each one-word Arabic WordNet form is keyed by its ``light_stem``; each of
    the key's WordNet senses is valued at the mean VADER valence of its
    English words that VADER holds (``NOT_TONE`` left out), 0 for a sense
    with none (SentiWordNet finds it objective, or VADER lacks its words),
    and the key at the mean over its senses: the expected valence of a
    translation when the sense is unknown. Names of the gazetteer, keys
    starting with the article's letters, two-letter keys (لب "heart" is also
    ل+ب) and keys below ``MIN_VALENCE`` are left out.
    """
    df = _read(root / SENSES_FILE)
    df = df[~df.ar_form_nodiac.str.contains(" ")]
    df = df.assign(key=df.ar_form_nodiac.map(lambda form: ar_tone.light_stem(normalise(form))))
    df = df.drop_duplicates(["key", "synset_wn30"])
    out = {}
    for key, senses in df.groupby("key", sort=True):
        if key in names or key.startswith(ARTICLE) or len(key) < ar_tone.MIN_STEM or not ar_tone.ARABIC_WORD_RE.fullmatch(key):
            continue
        total, words = 0.0, []
        for terms in senses.en_terms_swn:
            found = [w for w in terms.lower().split() if w in valences and w not in NOT_TONE]
            if found:
                total += sum(valences[w] for w in found) / len(found)
                words += [w for w in found if w not in words]
        valence = total / len(senses)
        if abs(valence) >= MIN_VALENCE:
            out[key] = (max(-4.0, min(4.0, valence)), len(senses), " ".join(words))
    return out


def dictionary_words(
    dictionary: dict[str, tuple[float, int, str]], pairs: Sequence[tuple[list[str], list[str]]]
) -> dict[str, tuple[float, int, str]]:
    """The dictionary's keys the pairs hold fewer than ``MIN_COUNT`` times: where they hold a word more
    often, its projected valence (or its absence from the induced list) is the evidence, not the dictionary."""
    occurrences = Counter(a for arabic, _ in pairs for a in arabic)
    return {key: row for key, row in dictionary.items() if occurrences[key] < MIN_COUNT}


def name_keys(path: Path = GAZETTEER_PATH) -> frozenset[str]:
    """light_stem keys of the gazetteer's one-word Arabic names, aliases and adjectives (أنقرة، تركي، الناتو).

    Words of longer names (the "security" of مجلس الأمن, the "justice" of
    حزب العدالة والتنمية) stay: the curated lexicon holds such names as
    zero-weight phrases, which are matched before any induced word.
    """
    gazetteer = pd.read_csv(path, dtype=str, keep_default_na=False)
    forms = "|".join(gazetteer[["name_ar", "aliases_ar", "adjectives_ar"]].to_numpy().ravel()).split("|")
    return frozenset(key for form in forms if len(keys := ar_tone.arabic_keys(form)) == 1 for key in keys)


def english_tone_words(text: str, valences: dict[str, float]) -> list[str]:
    words = _EN_WORD.findall(tone.mask_english_names(text).lower())
    return [w for w in words if w in valences and w not in NOT_TONE]


def model1(pairs: Sequence[tuple[list[str], list[str]]], iterations: int = EM_ITERATIONS) -> dict[tuple[str, str], float]:
    """Expected alignment counts (english word, arabic key) after EM; NULL is the empty key."""
    t: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)
    counts: dict[tuple[str, str], float] = {}
    for _ in range(iterations):
        counts = defaultdict(float)
        totals: dict[str, float] = defaultdict(float)
        for arabic, english in pairs:
            if not english:
                continue
            candidates = [*arabic, NULL]
            for e in english:
                weights = [t[(e, a)] for a in candidates]
                z = sum(weights)
                for a, w in zip(candidates, weights, strict=True):
                    p = w / z
                    counts[(e, a)] += p
                    totals[a] += p
        t = defaultdict(float, {(e, a): c / totals[a] for (e, a), c in counts.items()})
    return counts


def induce(
    pairs: Sequence[tuple[list[str], list[str]]], valences: dict[str, float], *, names: frozenset[str] = frozenset()
) -> dict[str, tuple[float, int, str]]:
    """key -> (valence per occurrence, occurrences, most aligned English word), filtered; ``names`` left out."""
    counts = model1(pairs)
    occurrences = Counter(a for arabic, _ in pairs for a in arabic)
    total: dict[str, float] = defaultdict(float)
    best: dict[str, tuple[float, str]] = {}
    for (e, a), c in counts.items():
        if a == NULL:
            continue
        total[a] += c * valences[e]
        if c > best.get(a, (0.0, ""))[0]:
            best[a] = (c, e)
    out = {}
    for a, v in total.items():
        if a in names or a.startswith(ARTICLE):
            continue
        n = occurrences[a]
        valence = max(-4.0, min(4.0, v / (n + SHRINK)))
        if n >= MIN_COUNT and abs(valence) >= MIN_VALENCE:
            out[a] = (valence, n, best[a][1])
    return out


def split_sums(texts: Sequence[str], lexicon: ar_tone.ArabicLexicon) -> tuple[list[dict[str, float]], np.ndarray]:
    """Per text: each curated word's valence after the rules (term -> sum), and (sum of dictionary valences,
    sum of induced valences) after the rules, at scale 1; NaN in the latter without evidence. Dictionary
    words are VADER valences copied, as curated ones are: they share a scale (``curated_sums``)."""
    terms: list[dict[str, float]] = []
    out = np.full((len(texts), 2), np.nan)
    for i, text in enumerate(texts):
        hits = ar_tone.arabic_hits(text, lexicon)
        found: dict[str, float] = defaultdict(float)
        for h in hits:
            if h.source == "lexicon":
                found[h.term] += h.valence
        terms.append(dict(found))
        if hits:
            out[i] = (
                sum(h.valence for h in hits if h.source == "dictionary"),
                sum(h.valence for h in hits if h.source == "induced"),
            )
    return terms, out


def curated_sums(terms: Sequence[dict[str, float]], rest: np.ndarray, factors: dict[str, float]) -> np.ndarray:
    """(curated and dictionary valence sum with each curated word times its factor, induced sum) per text;
    NaN without evidence. The rules multiply a word's weight, so a factor on the weight is a factor on its valence."""
    out = rest.copy()
    for i, found in enumerate(terms):
        out[i, 0] += sum(v * factors.get(t, 1.0) for t, v in found.items())
    return out


def fit_curated_factors(
    terms: Sequence[dict[str, float]], rest: np.ndarray, target: np.ndarray, weights: np.ndarray, ridge: float | None = None
) -> dict[str, float]:
    """term -> factor on each curated word's valence, fitted with the two scales: least squares of the
    VADER-normalised sum against the target (rows weighted by ``weights``, texts without evidence left
    out) plus ``ridge`` times the squared distance of every factor from 1, so a word seen a few times
    stays near its copied VADER valence. Factors are kept within 0..``ar_tone_model.MAX_CURATED_FACTOR``."""
    ridge = FACTOR_RIDGE if ridge is None else ridge
    ok = np.flatnonzero(~np.isnan(rest[:, 0]))
    names = sorted({t for i in ok for t in terms[i]})
    column = {t: j for j, t in enumerate(names)}
    rows, cols, values = [], [], []
    for r, i in enumerate(ok):
        for t, v in terms[i].items():
            rows.append(r)
            cols.append(column[t])
            values.append(v)
    x = sparse.csr_matrix((values, (rows, cols)), shape=(len(ok), len(names)))
    xt = x.T.tocsr()
    other, induced, y = rest[ok, 0], rest[ok, 1], target[ok]
    w = weights[ok] / weights[ok].mean()

    def loss(p: np.ndarray) -> tuple[float, np.ndarray]:
        a, b, m = p[0], p[1], p[2:]
        curated = other + x @ m
        s = a * curated + b * induced
        q = np.sqrt(s * s + tone_scale.VADER_ALPHA)
        r = s / q - y
        g = 2 * w * r * tone_scale.VADER_ALPHA / q**3  # d loss / d s
        value = float(np.sum(w * r * r) + ridge * np.sum((m - 1) ** 2))
        return value, np.concatenate([[g @ curated, g @ induced], a * (xt @ g) + 2 * ridge * (m - 1)])

    start = np.concatenate([[1.0, 1.0], np.ones(len(names))])
    bounds = [(1e-3, None), (1e-3, None)] + [(0.0, ar_tone_model.MAX_CURATED_FACTOR)] * len(names)
    fitted = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000}).x
    return {t: float(f) for t, f in zip(names, fitted[2:], strict=True)}


def fit_scales(sums: np.ndarray, target: np.ndarray) -> tuple[float, float, float]:
    """(curated scale, induced scale, r) minimising squared error of VADER-normalised sums against the target."""
    ok = ~np.isnan(sums[:, 0])
    x, y = sums[ok], target[ok]

    def loss(p: np.ndarray) -> float:
        s = x @ p
        return float(np.mean((s / np.sqrt(s * s + tone_scale.VADER_ALPHA) - y) ** 2))

    a, b = minimize(loss, np.array([1.0, 1.0]), method="Nelder-Mead").x
    s = x @ np.array([a, b])
    r = float(np.corrcoef(s / np.sqrt(s * s + tone_scale.VADER_ALPHA), y)[0, 1])
    return float(a), float(b), r


def fit_neutral_band(sums: np.ndarray, scales: tuple[float, float], target: np.ndarray) -> float:
    """The |valence sum| quantile at which the Arabic neutral share equals the English one."""
    ok = ~np.isnan(sums[:, 0])
    totals = np.abs(sums[ok] @ np.array(scales))
    english_neutral = float(np.mean(np.abs(target[ok]) < tone_scale.POSITIVE_THRESHOLD))
    return float(np.quantile(totals, english_neutral))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="the shared data folder (holds parallel_ar_en_pud.tsv)")
    parser.add_argument("--out", type=Path, default=ar_tone_model.MODEL_PATH)
    args = parser.parse_args(argv)
    root = data_dir(args.data_dir)
    start = time.perf_counter()

    df = read_training_pairs(root)
    resources = tone.ToneResources(SentimentIntensityAnalyzer(), ar_tone.load_lexicon(model_path=None), None)
    valences = dict(resources.vader.lexicon)
    df["vader"] = [row["tone"] for row in tone.score_sentences(list(df.en), "en", resources=resources)]
    df = df[df.vader.notna() & df.ar.map(ar_tone.has_arabic_letter)].reset_index(drop=True)
    pairs = [(ar_tone.arabic_keys(ar), english_tone_words(en, valences)) for ar, en in zip(df.ar, df.en, strict=True)]
    print(f"{len(df)} training pairs from {root} ({', '.join(f'{k} {v}' for k, v in df.source.value_counts().items())})")

    names = name_keys()
    dictionary = dictionary_valences(root, valences, names)
    print(f"{len(dictionary)} dictionary keys from Arabic WordNet")
    curated = ar_tone.load_lexicon(model_path=None)
    fold = np.arange(len(df)) % FOLDS
    terms: list[dict[str, float]] = [{} for _ in range(len(df))]
    rest = np.full((len(df), 2), np.nan)
    for k in range(FOLDS):
        training = [p for p, f in zip(pairs, fold, strict=True) if f != k]
        words = induce(training, valences, names=names)
        known = {a: v for a, (v, _n, _e) in dictionary_words(dictionary, training).items()}
        lexicon = dataclasses.replace(curated, stems={a: v for a, (v, _n, _e) in words.items()}, dictionary=known)
        rows = np.flatnonzero(fold == k)
        found, rest[rows] = split_sums([df.ar[i] for i in rows], lexicon)
        for i, by_term in zip(rows, found, strict=True):
            terms[i] = by_term
        print(f"  fold {k + 1}/{FOLDS}: {len(words)} induced words ({time.perf_counter() - start:.0f} s)")
    news_like = df.source.isin(CALIBRATION_SOURCES).to_numpy()
    target = df.vader.to_numpy()
    weights = np.where(news_like, FACTOR_NEWS_WEIGHT, 1.0)
    r_plain = fit_scales(curated_sums(terms, rest, {})[news_like], target[news_like])[2]
    # Out of fold twice over: a fold's texts are scored by words induced without them, with curated
    # factors fitted without them (on the other folds' out-of-fold hits).
    sums = np.full((len(df), 2), np.nan)
    for k in range(FOLDS):
        other = np.flatnonzero(fold != k)
        factors = fit_curated_factors([terms[i] for i in other], rest[other], target[other], weights[other])
        rows = np.flatnonzero(fold == k)
        sums[rows] = curated_sums([terms[i] for i in rows], rest[rows], factors)
    lexicon_scale, stem_scale, r_oof = fit_scales(sums[news_like], target[news_like])
    coverage = float(np.mean(~np.isnan(sums[news_like, 0])))
    band = fit_neutral_band(sums[news_like], (lexicon_scale, stem_scale), target[news_like])
    print(
        f"scales (fitted on {news_like.sum()} news-like pairs): curated x{lexicon_scale:.3f}, induced x{stem_scale:.3f}; "
        f"out-of-fold r = {r_oof:.3f} ({r_plain:.3f} without curated factors), coverage {coverage:.1%}"
    )
    factors = fit_curated_factors(terms, rest, target, weights)
    held = Counter(t for by_term in terms for t in by_term)
    moved = sorted(factors, key=lambda t: -abs(factors[t] - 1) * held[t])[:8]
    print(f"{len(factors)} curated factors; most weight moved: {', '.join(f'{t} x{factors[t]:.2f}' for t in moved)}")
    print(f"neutral band: |valence sum| < {band:.3f}")

    words = induce(pairs, valences, names=names)
    print(f"{len(words)} induced words from all training pairs ({time.perf_counter() - start:.0f} s)")

    in_pairs = Counter(key for arabic, _ in pairs for key in arabic)

    def excluded(key: str) -> bool:
        return in_pairs[key] > POST_MAX_PARALLEL or key in names or key in POST_NOT_TONE or key.startswith(ARTICLE) or key in words

    posts = read_posts(root)
    scaled = {a: v * stem_scale for a, (v, _n, _e) in words.items()}
    known = dictionary_words(dictionary, pairs)
    fitted = dataclasses.replace(
        ar_tone.with_curated_factors(curated, factors),
        stems=scaled,
        scale=lexicon_scale,
        neutral_band=band,
        dictionary={a: v * lexicon_scale for a, (v, _n, _e) in known.items()},
    )
    signs = sentiment_signs(root, resources.vader)
    post_cv = cross_validated_posts(posts, fitted, excluded, signs)
    post_words = fit_post_words(posts, excluded, signs)
    print(
        f"{len(post_words)} post words from {len(posts)} labelled posts; {FOLDS}-fold macro-F1 by sign "
        f"{post_cv['macro_f1_by_sign']} (without them {post_cv['macro_f1_by_sign_without']}), coverage {post_cv['coverage']:.1%}"
    )
    # A post word, fitted on labelled posts, wins over the dictionary's reading of the same key.
    known = {a: row for a, row in known.items() if a not in post_words}
    print(f"{len(known)} dictionary words (held fewer than {MIN_COUNT} times by the pairs)")

    def not_for_classifier(key: str) -> bool:
        return in_pairs[key] >= MIN_COUNT or key in names or key in POST_NOT_TONE or key in CLASSIFIER_NOT_TONE or key.startswith(ARTICLE)

    # The lexicon as the model file will read, but for the classifier.
    final = dataclasses.replace(
        fitted,
        post_words={k: v for k, (v, _n) in post_words.items()},
        dictionary={a: v for a, v in fitted.dictionary.items() if a in known},
    )
    all_posts = read_posts(root, ar_tone_model.POST_CLASSES)
    classifier_scale, classifier_cv = cross_validated_classifier(all_posts, final, not_for_classifier)
    classifier = fit_post_classifier(all_posts, not_for_classifier)
    print(
        f"post classifier: {len(classifier.weights)} words from {len(all_posts)} labelled posts, scale {classifier_scale:.3f}; "
        f"{FOLDS}-fold macro-F1 by sign {classifier_cv['macro_f1_by_sign']} (without it {classifier_cv['macro_f1_by_sign_without']}), "
        f"coverage {classifier_cv['coverage']:.1%} ({classifier_cv['coverage_without']:.1%})"
    )
    model = {
        "format": ar_tone_model.MODEL_FORMAT,
        "description": (
            "Arabic tone words induced from English VADER valences across parallel sentences (IBM Model 1), "
            "keyed by lib.analysis.ar_tone.light_stem, and the two scales calibrating curated and induced "
            "valences to VADER's compound; curated_factors: a factor per curated word on its copied VADER valence, "
            "fitted on the parallel pairs with a ridge toward 1; post_words: words and emoji of social posts that no parallel pair "
            "holds, valued by labelled tweets where an independent lexicon agrees in sign; dictionary_words: words "
            "the pairs hold fewer than min_count times, valued by VADER through Arabic WordNet's English senses, on the "
            "curated words' scale (lexicon_scale); post_classifier: for a sentence with none of those words, a logistic "
            "regression over negative/neutral/positive labelled tweets on words and emoji the pairs hardly hold, its "
            "P(positive) - P(negative) times a scale fitted to the lexicon's tone; rebuilt by scripts/build_ar_tone.py"
        ),
        "built": date.today().isoformat(),
        "sources": [*PARALLEL_FILES.values(), PUD_SOURCE, "VADER 3.3.2 lexicon (MIT)", POST_SOURCE, POST_PRIOR_SOURCE, DICTIONARY_SOURCE],
        "licence": LICENCE,
        "settings": {
            "em_iterations": EM_ITERATIONS,
            "min_count": MIN_COUNT,
            "shrink": SHRINK,
            "min_valence": MIN_VALENCE,
            "folds": FOLDS,
            "calibration_sources": list(CALIBRATION_SOURCES),
            "not_tone": sorted(NOT_TONE),
            "name_keys_left_out": sorted(names),
            "post_min_count": POST_MIN_COUNT,
            "post_min_log_odds": POST_MIN_LOG_ODDS,
            "post_smoothing": POST_SMOOTHING,
            "post_max_parallel": POST_MAX_PARALLEL,
            "post_scale": POST_SCALE,
            "post_not_tone": sorted(POST_NOT_TONE),
            "dictionary_max_count": MIN_COUNT - 1,
            "factor_ridge": FACTOR_RIDGE,
            "factor_news_weight": FACTOR_NEWS_WEIGHT,
            "classifier_min_posts": CLASSIFIER_MIN_POSTS,
            "classifier_max_count": MIN_COUNT - 1,
            "classifier_c": CLASSIFIER_C,
            "classifier_not_tone": sorted(CLASSIFIER_NOT_TONE),
        },
        "training_pairs": len(df),
        "calibration_pairs": int(news_like.sum()),
        "out_of_fold": {
            "pearson_r": round(r_oof, 4),
            "pearson_r_without_curated_factors": round(r_plain, 4),
            "coverage": round(coverage, 4),
        },
        "lexicon_scale": round(lexicon_scale, 4),
        "stem_scale": round(stem_scale, 4),
        "neutral_band": round(band, 4),
        "post_words_cross_validated": post_cv,
        "stems": [[a, round(v, 3), n, e] for a, (v, n, e) in sorted(words.items())],
        "post_words": [[k, round(v, 3), n, "semeval2017-train"] for k, (v, n) in sorted(post_words.items())],
        "dictionary_words": [[a, round(v, 3), n, e] for a, (v, n, e) in sorted(known.items())],
        "curated_factors": [[t, round(f, 3), held[t]] for t, f in sorted(factors.items())],
        "post_classifier_cross_validated": classifier_cv,
        "post_classifier": {
            "classes": list(ar_tone_model.POST_CLASSES),
            "intercept": list(classifier.intercept),
            "scale": round(classifier_scale, 4),
            "words": [[k, *w] for k, w in sorted(classifier.weights.items())],
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":"))
    # One word a line, so a rebuild shows as a readable diff.
    text = (
        text.replace('"stems":[[', '"stems":[\n[')
        .replace('"post_words":[[', '"post_words":[\n[')
        .replace('"dictionary_words":[[', '"dictionary_words":[\n[')
        .replace('"curated_factors":[[', '"curated_factors":[\n[')
        .replace('"words":[[', '"words":[\n[')
        .replace("],[", "],\n[")
    )
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
