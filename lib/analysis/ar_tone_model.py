"""The Arabic tone model file (``data/ar_tone_model.json``): its format, reading and checks.

``scripts/build_ar_tone.py`` fits it offline (words and numbers only, no
sentence); ``lib.analysis.ar_tone`` scores with it. What each part holds, and
how it was fitted, is in ``lib.analysis.ar_tone``'s docstring: the induced
word list (``stems``), the post words and dictionary words, the factors on the
curated words, the two scales and the neutral band, and the post classifier
for sentences none of those words reaches. A file of another format,
or with a value out of range, is refused with a message naming the row.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.errors import ToneError
from lib.text.arabic import normalise

MODEL_PATH = Path(__file__).parent / "data" / "ar_tone_model.json"
#: Model file format this module reads (2 added ``post_words``, 3 ``dictionary_words``,
#: 4 ``curated_factors``, 5 ``post_classifier``).
MODEL_FORMAT = "ar-tone-model/5"
#: The post classifier's classes, in the order of its intercepts and of each word's weights.
POST_CLASSES = ("negative", "neutral", "positive")
#: Largest absolute weight (log-odds) the post classifier may give a word or an intercept.
MAX_CLASSIFIER_WEIGHT = 20.0
#: Largest factor the model may set on a curated word's valence (``curated_factors``).
MAX_CURATED_FACTOR = 4.0
#: A post-word key: one normalised Arabic word, or one emoji / symbol.
_POST_KEY_RE = re.compile(r"[\u0621-\u064a]{1,20}|[^\w\s]")
#: A dictionary-word key: one normalised Arabic word.
_ARABIC_KEY_RE = re.compile(r"[\u0621-\u064a]{1,20}")


@dataclass(frozen=True)
class PostClassifier:
    """A bag-of-words logistic regression over negative / neutral / positive posts (``POST_CLASSES``).

    Its words are the keys (``ar_tone.post_keys``) of social posts that the
    parallel pairs hold fewer than three times: dialect, slang and emoji.
    ``ar_tone.post_classifier_score`` turns its class probabilities into a tone.
    """

    #: One log-odds per class, in ``POST_CLASSES`` order.
    intercept: tuple[float, float, float]
    #: key -> one weight per class, added once when the key is in the sentence.
    weights: Mapping[str, tuple[float, float, float]]
    #: Tone per unit of P(positive) - P(negative): the least-squares slope of
    #: the lexicon's tone on it, over the training posts both score.
    scale: float

    def tone(self, keys: Iterable[str]) -> tuple[float | None, int]:
        """(``scale * (P(positive) - P(negative))``, number of its words) for a sentence holding ``keys``; (None, 0) without one.

        The probabilities are the softmax of the intercepts plus the weights
        of the keys it knows, each key once, summed in sorted order so the
        float sum is the same in every process.
        """
        found = [self.weights[k] for k in sorted(set(keys)) if k in self.weights]
        if not found:
            return None, 0
        logits = [b + sum(w[c] for w in found) for c, b in enumerate(self.intercept)]
        top = max(logits)
        negative, neutral, positive = (math.exp(x - top) for x in logits)
        return self.scale * (positive - negative) / (negative + neutral + positive), len(found)


@dataclass(frozen=True)
class ToneModel:
    """The fitted file ``scripts/build_ar_tone.py`` writes (no sentences in it)."""

    #: light_stem key -> VADER valence it carried in the parallel pairs.
    stems: Mapping[str, float]
    #: key -> the English VADER word it was most often aligned with.
    glosses: Mapping[str, str]
    #: Factors on curated and induced valences before VADER's normalisation.
    lexicon_scale: float
    stem_scale: float
    #: Valence sum below which a sentence is neutral (``ar_tone.calibrate``).
    neutral_band: float
    info: Mapping[str, Any]
    #: light_stem key or emoji -> valence, already on the tone scale.
    post_words: Mapping[str, float] = field(default_factory=dict)
    #: light_stem key -> VADER valence through Arabic WordNet, on the curated
    #: words' scale (``lexicon_scale`` applies).
    dictionary: Mapping[str, float] = field(default_factory=dict)
    #: Curated word (its ``term`` in the lexicon file) -> factor on its valence,
    #: fitted on the parallel pairs (``ar_tone.apply_curated_factors``); a word not listed keeps 1.
    curated_factors: Mapping[str, float] = field(default_factory=dict)
    #: For a sentence with no word of the lists above, or None (no classifier in the file).
    post_classifier: PostClassifier | None = None


def _finite(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ToneError(f"{where}: {value!r} is not a number") from exc
    if not math.isfinite(number):
        raise ToneError(f"{where}: {value!r} is not finite")
    return number


def load_model(path: Path = MODEL_PATH) -> ToneModel:
    """Read and check the induced word list and the fitted scales."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ToneError(f"cannot read the Arabic tone model {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ToneError(f"{path.name}: not an {MODEL_FORMAT} file")
    lexicon_scale = _finite(data.get("lexicon_scale"), f"{path.name} lexicon_scale")
    stem_scale = _finite(data.get("stem_scale"), f"{path.name} stem_scale")
    neutral_band = _finite(data.get("neutral_band"), f"{path.name} neutral_band")
    if lexicon_scale <= 0 or stem_scale <= 0 or neutral_band < 0:
        raise ToneError(f"{path.name}: scales must be positive and the neutral band not negative")
    stems: dict[str, float] = {}
    glosses: dict[str, str] = {}
    rows = data.get("stems")
    if not isinstance(rows, list):
        raise ToneError(f"{path.name}: 'stems' must be a list of [stem, valence, count, gloss]")
    for n, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == 4 and isinstance(row[0], str) and row[0]):
            raise ToneError(f"{path.name} stems[{n}]: expected [stem, valence, count, gloss], got {row!r}")
        key = normalise(row[0])
        valence = _finite(row[1], f"{path.name} stems[{n}]")
        if not -4 <= valence <= 4:
            raise ToneError(f"{path.name} stems[{n}]: valence {valence} outside -4..4")
        if key in stems:
            raise ToneError(f"{path.name} stems[{n}]: {row[0]!r} appears twice")
        stems[key] = valence
        glosses[key] = str(row[3])
    post_words = _read_word_list(data, "post_words", path.name, set(stems))
    dictionary = _read_word_list(data, "dictionary_words", path.name, set(stems) | set(post_words))
    factors = _read_curated_factors(data, path.name)
    classifier = _read_post_classifier(data.get("post_classifier"), path.name)
    info = {k: v for k, v in data.items() if k not in ("stems", "curated_factors", "post_classifier", *_WORD_LISTS)}
    return ToneModel(stems, glosses, lexicon_scale, stem_scale, neutral_band, info, post_words, dictionary, factors, classifier)


def _weights(value: Any, where: str) -> tuple[float, float, float]:
    if not (isinstance(value, list) and len(value) == len(POST_CLASSES)):
        raise ToneError(f"{where}: expected one weight per class {list(POST_CLASSES)}, got {value!r}")
    out = tuple(_finite(v, where) for v in value)
    if any(abs(v) > MAX_CLASSIFIER_WEIGHT for v in out):
        raise ToneError(f"{where}: a weight outside ±{MAX_CLASSIFIER_WEIGHT:g}")
    return out  # type: ignore[return-value]


def _read_post_classifier(data: Any, name: str) -> PostClassifier | None:
    """The model's ``post_classifier`` ({classes, intercept, scale, words: [[key, w_neg, w_neu, w_pos], ...]}), checked."""
    if data is None:
        return None
    where = f"{name} post_classifier"
    if not isinstance(data, dict) or tuple(data.get("classes", ())) != POST_CLASSES:
        raise ToneError(f"{where}: expected an object with classes {list(POST_CLASSES)}")
    intercept = _weights(data.get("intercept"), f"{where} intercept")
    scale = _finite(data.get("scale"), f"{where} scale")
    if not 0 < scale <= 1:
        raise ToneError(f"{where}: scale {scale} outside (0, 1]")
    rows = data.get("words")
    if not isinstance(rows, list) or not rows:
        raise ToneError(f"{where}: 'words' must be a non-empty list of [key, w_negative, w_neutral, w_positive]")
    weights: dict[str, tuple[float, float, float]] = {}
    for n, row in enumerate(rows):
        at = f"{where} words[{n}]"
        if not (isinstance(row, list) and len(row) == 1 + len(POST_CLASSES) and isinstance(row[0], str) and _POST_KEY_RE.fullmatch(row[0])):
            raise ToneError(f"{at}: expected [one word or emoji, w_negative, w_neutral, w_positive], got {row!r}")
        if row[0] in weights:
            raise ToneError(f"{at}: {row[0]!r} appears twice")
        weights[row[0]] = _weights(row[1:], at)
    return PostClassifier(intercept, weights, scale)


def _read_curated_factors(data: Mapping[str, Any], name: str) -> dict[str, float]:
    """The model's ``curated_factors`` rows ``[term, factor, occurrences]``, checked (a missing list is empty)."""
    rows = data.get("curated_factors", [])
    if not isinstance(rows, list):
        raise ToneError(f"{name}: 'curated_factors' must be a list of [term, factor, occurrences]")
    out: dict[str, float] = {}
    for n, row in enumerate(rows):
        where = f"{name} curated_factors[{n}]"
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str) and row[0].strip()):
            raise ToneError(f"{where}: expected [term, factor, occurrences], got {row!r}")
        factor = _finite(row[1], where)
        if not 0 <= factor <= MAX_CURATED_FACTOR:
            raise ToneError(f"{where}: factor {factor} outside 0..{MAX_CURATED_FACTOR}")
        if row[0] in out:
            raise ToneError(f"{where}: {row[0]!r} appears twice")
        out[row[0]] = factor
    return out


#: The model's one-word lists: field -> (key pattern, what a row holds, what a key is).
_WORD_LISTS = {
    "post_words": (_POST_KEY_RE, "[key, valence, count, source]", "one word or emoji"),
    "dictionary_words": (_ARABIC_KEY_RE, "[key, valence, senses, English words]", "one Arabic word"),
}


def _read_word_list(data: Mapping[str, Any], list_name: str, name: str, taken: set[str]) -> dict[str, float]:
    """The model's ``post_words`` or ``dictionary_words`` rows, checked (a missing list is empty); no key of ``taken``."""
    key_re, columns, key_kind = _WORD_LISTS[list_name]
    rows = data.get(list_name, [])
    if not isinstance(rows, list):
        raise ToneError(f"{name}: {list_name!r} must be a list of {columns}")
    out: dict[str, float] = {}
    for n, row in enumerate(rows):
        where = f"{name} {list_name}[{n}]"
        if not (isinstance(row, list) and len(row) == 4 and isinstance(row[0], str) and key_re.fullmatch(row[0])):
            raise ToneError(f"{where}: expected [{key_kind}, {columns[len('[key, ') :]}, got {row!r}")
        valence = _finite(row[1], where)
        if not -4 <= valence <= 4:
            raise ToneError(f"{where}: valence {valence} outside -4..4")
        if row[0] in out or row[0] in taken:
            raise ToneError(f"{where}: {row[0]!r} appears twice")
        out[row[0]] = valence
    return out
