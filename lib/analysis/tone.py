"""Sentence tone on one scale for English and Arabic, and its roll-ups.

Methods
-------
* ``vader`` (English): VADER 3.3.2's ``compound`` score, per sentence.
  Proper names that contain VADER words ("United States", "Justice and
  Development Party", "Security Council", "Great Britain", "Operation Peace
  Spring", "Ministry of Defense", any capitalised "... Party") are replaced
  by an acronym first, so that naming a country, a party or an institution
  is not itself a tone. The Arabic lexicon holds the same names as
  zero-weight phrases (مجلس الأمن، العدالة والتنمية، بريطانيا العظمى، نبع
  السلام، وحدات حماية الشعب، حزب الخير), so both languages treat them alike.
* ``ar-lexicon`` (Arabic): this project's curated lexicon and rules
  (``lib/analysis/data/ar_tone_lexicon.csv``) plus a word list induced from
  English VADER across parallel sentences (``lib/analysis/data/
  ar_tone_model.json``, rebuilt by ``scripts/build_ar_tone.py``), always
  computed for Arabic. The method, how its scale was aligned with VADER's
  and its rules, is ``lib.analysis.ar_tone``.
* ``camel-sentiment`` (Arabic, optional): the camel-tools AraBERT sentiment
  model, used instead of the lexicon when its files are on disk. Its score is
  P(positive) - P(negative), so it lives on the same -1..1 scale.

VADER is never applied to Arabic, and no method scores other languages: a
score a method cannot give is ``None``, never a neutral 0. The scale, its
+/-0.05 thresholds and VADER's constants are in ``lib.analysis.tone_scale``.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.analysis.ar_tone import ArabicLexicon, has_arabic_letter, lexicon_score, load_lexicon
from lib.analysis.tone_scale import NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD
from lib.errors import SchemaError, ToneError

METHOD_VADER = "vader"
METHOD_AR_LEXICON = "ar-lexicon"
METHOD_AR_CAMEL = "camel-sentiment"

#: Language codes this module scores.
LANG_EN = "en"
LANG_AR = "ar"

VALIDATION_PATH = Path(__file__).parent / "data" / "tone_validation.json"

#: Where camel-tools keeps its data, and where in it the sentiment model
#: lives (camel_data -i sentiment-analysis-arabert installs it there).
CAMEL_MODEL_ENV = "CAMEL_SENTIMENT_MODEL"
CAMEL_DATA_ENV = "CAMELTOOLS_DATA"
CAMEL_DEFAULT_DATA = Path("~/.camel_tools")
CAMEL_SENTIMENT_SUBPATH = Path("data") / "sentiment_analysis" / "arabert"
#: camel-tools' SentimentAnalyzer.labels(), in its label-id order; used when
#: a model's config names its labels LABEL_0.. only.
CAMEL_LABELS = ("positive", "negative", "neutral")
#: Sentences per forward pass, and the longest input the model sees.
CAMEL_BATCH_SIZE = 32
CAMEL_MAX_TOKENS = 256  # news sentences are far shorter; 512 only costs time


# --- English -----------------------------------------------------------------

#: Proper names holding VADER lexicon words ("united" +1.8, "party" +1.7,
#: "justice" +2.4, "security" +1.4, "free" +2.3), each replaced by an acronym
#: VADER does not know. Without this every sentence naming the United States
#: scores about +0.42 by itself, which would tilt US-Turkey coverage positive.
ENGLISH_NAME_MASKS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), acronym)
    for pattern, acronym in (
        (r"\bUnited States\b", "US"),
        (r"\bUnited Nations\b", "UN"),
        (r"\bUnited Kingdom\b", "UK"),
        (r"\bUnited Arab Emirates\b", "UAE"),
        (r"\bJustice and Development Party\b", "AKP"),
        (r"\bKurdistan Workers[’']? Party\b", "PKK"),
        (r"\bDemocratic Union Party\b", "PYD"),
        (r"\bPeoples[’']? Democratic Party\b", "HDP"),
        (r"\bRepublican People[’']?s Party\b", "CHP"),
        (r"\bNationalist Movement Party\b", "MHP"),
        (r"\bGood Party\b", "IYI"),
        (r"\bFree Syrian Army\b", "FSA"),
        (r"\bSecurity Council\b", "UNSC"),
        (r"\bFelicity Party\b", "SP"),
        (r"\bDemocracy and Progress Party\b", "DEVA"),
        (r"\bUnited Russia\b", "UR"),
        (r"\bGreat Britain\b", "GB"),
        (r"\b(?:Operation )?Peace Spring\b", "OPS"),
        (r"\b(?:Ministry|Minister|Department|Secretary) of Justice\b", "MOJ"),
        (r"\bJustice (?:Ministry|Minister|Department|Secretary)\b", "MOJ"),
        (r"\b(?:International |European )?Court of Justice\b", "ICJ"),
        (r"\b(?:Ministry|Minister|Department|Secretary) of Defen[cs]e\b", "MOD"),
        (r"\bDefen[cs]e (?:Ministry|Minister|Department|Secretary)\b", "MOD"),
    )
)

#: Any other party named with capitalised words ("Republican Party", "the
#: Communist Party of China"): VADER's "party" (+1.7) is the celebration, not
#: the political party. The name becomes its initials plus "P".
_ENGLISH_PARTY_NAME = re.compile(r"\b((?:[A-Z][\w’'-]*\s+)+)Party\b")


@lru_cache(maxsize=1)
def _vader_words() -> frozenset[str]:
    return frozenset(SentimentIntensityAnalyzer().lexicon)


def _party_acronym(match: re.Match[str]) -> str:
    acronym = "".join(word[0] for word in match.group(1).split()) + "P"
    while acronym.lower() in _vader_words():  # "NP" is VADER's "no problem"
        acronym += "P"
    return acronym


def mask_english_names(text: str) -> str:
    """Replace the proper names of ``ENGLISH_NAME_MASKS``, and other "... Party" names, by acronyms."""
    for pattern, acronym in ENGLISH_NAME_MASKS:
        text = pattern.sub(acronym, text)
    return _ENGLISH_PARTY_NAME.sub(_party_acronym, text)


#: A Latin letter (with the accented ones of Latin-1 and Latin Extended) or a digit:
#: what VADER can read. ``\w`` would also take Arabic letters.
_LATIN_OR_DIGIT_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def _vader_row(analyzer: SentimentIntensityAnalyzer, text: str) -> dict[str, Any]:
    if not _LATIN_OR_DIGIT_WORD.search(text):
        # No word VADER can read (none at all, or only Arabic, as a quoted
        # Arabic line in an English article): VADER would return 0.0, a false neutral.
        return _missing_row()
    scores = analyzer.polarity_scores(mask_english_names(text))
    return {
        "tone": float(scores["compound"]),
        "tone_method": METHOD_VADER,
        "vader_pos": float(scores["pos"]),
        "vader_neu": float(scores["neu"]),
        "vader_neg": float(scores["neg"]),
        "lexicon_tone": None,
    }


def _missing_row() -> dict[str, Any]:
    return {
        "tone": None,
        "tone_method": None,
        "vader_pos": None,
        "vader_neu": None,
        "vader_neg": None,
        "lexicon_tone": None,
    }


# --- Arabic: the camel-tools model --------------------------------------------


@dataclass(frozen=True)
class CamelSentiment:
    """A local BERT sentiment classifier, scored P(positive) - P(negative)."""

    path: str
    model: Any
    tokenizer: Any
    positive: int
    negative: int

    def scores(self, texts: Sequence[str]) -> list[float]:
        import torch  # only when a model is loaded

        out: list[float] = []
        with torch.no_grad():
            for start in range(0, len(texts), CAMEL_BATCH_SIZE):
                batch = list(texts[start : start + CAMEL_BATCH_SIZE])
                enc = self.tokenizer(
                    batch,
                    padding=True,
                    truncation=True,
                    max_length=CAMEL_MAX_TOKENS,
                    return_tensors="pt",
                )
                probs = torch.softmax(self.model(**enc).logits, dim=-1)
                diff = probs[:, self.positive] - probs[:, self.negative]
                out.extend(max(-1.0, min(1.0, float(x))) for x in diff)
        return out


def detect_camel_model(camel_model_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Directory of the camel-tools sentiment model, or None; never touches the network.

    Order: ``camel_model_dir``, env ``CAMEL_SENTIMENT_MODEL``, then
    ``$CAMELTOOLS_DATA`` (or ``~/.camel_tools``) / data/sentiment_analysis/arabert.
    A directory counts only when it holds a ``config.json``.
    """
    if camel_model_dir is not None:
        candidate = Path(camel_model_dir).expanduser()
    elif os.environ.get(CAMEL_MODEL_ENV):
        candidate = Path(os.environ[CAMEL_MODEL_ENV]).expanduser()
    else:
        root = Path(os.environ.get(CAMEL_DATA_ENV) or CAMEL_DEFAULT_DATA).expanduser()
        candidate = root / CAMEL_SENTIMENT_SUBPATH
    return candidate if (candidate / "config.json").is_file() else None


def _label_indices(id2label: dict[Any, str]) -> tuple[int, int]:
    names = {int(k): str(v).strip().lower() for k, v in id2label.items()}
    if all(re.fullmatch(r"label_\d+", v) for v in names.values()) and len(names) == 3:
        names = dict(enumerate(CAMEL_LABELS))
    aliases = {"positive": "positive", "pos": "positive", "negative": "negative", "neg": "negative"}
    found = {aliases[v]: k for k, v in names.items() if v in aliases}
    if set(found) != {"positive", "negative"}:
        raise ToneError(f"sentiment model labels {sorted(names.values())} lack positive/negative")
    return found["positive"], found["negative"]


def load_camel_model(path: Path) -> CamelSentiment:
    """Load the model at ``path`` with transformers, from local files only.

    ``camel_tools.sentiment`` is not used: it imports ``camel_tools.data``,
    which reaches for the network when no catalogue exists, and its
    ``predict`` gives labels only, while the tone needs probabilities.
    """
    from transformers import AutoTokenizer, BertForSequenceClassification

    try:
        model = BertForSequenceClassification.from_pretrained(str(path), local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ToneError(f"cannot load the sentiment model in {path}: {exc}") from exc
    model.eval()
    positive, negative = _label_indices(model.config.id2label)
    return CamelSentiment(str(path), model, tokenizer, positive, negative)


# --- resources ------------------------------------------------------------------


@dataclass(frozen=True)
class ToneResources:
    """Everything scoring needs, loaded once and never mutated."""

    vader: SentimentIntensityAnalyzer
    lexicon: ArabicLexicon
    camel: CamelSentiment | None = None

    @property
    def arabic_method(self) -> str:
        return METHOD_AR_CAMEL if self.camel is not None else METHOD_AR_LEXICON


@lru_cache(maxsize=4)
def _load_resources(model_dir: str | None) -> ToneResources:
    camel = load_camel_model(Path(model_dir)) if model_dir else None
    return ToneResources(SentimentIntensityAnalyzer(), load_lexicon(), camel)


def load_tone_resources(*, camel_model_dir: str | None = None) -> ToneResources:
    """VADER, the Arabic lexicon and, when on disk, the camel sentiment model.

    Cached per model directory, so calling it again is cheap. An explicit
    ``camel_model_dir`` without a model in it is an error; without one, the
    model is looked up as ``detect_camel_model`` says and is optional.
    """
    found = detect_camel_model(camel_model_dir)
    if camel_model_dir is not None and found is None:
        raise ToneError(f"no sentiment model (config.json) in {camel_model_dir}")
    return _load_resources(str(found) if found else None)


# --- scoring ----------------------------------------------------------------------


def _language(language: str | None) -> str:
    return (language or "").strip().lower()


def score_sentences(texts: list[str], language: str, *, resources: ToneResources) -> list[dict]:
    """One row per text: tone, tone_method, vader_pos/neu/neg, lexicon_tone.

    English gets VADER; Arabic the lexicon (always, as ``lexicon_tone``; None
    for a sentence without a tone word) and, when loaded, the camel model as
    ``tone`` for every sentence with Arabic letters. Other languages, and
    sentences without a letter of the language's script, are not scored (None).
    """
    lang = _language(language)
    if lang == LANG_EN:
        return [_vader_row(resources.vader, t) for t in texts]
    if lang != LANG_AR:
        return [_missing_row() for _ in texts]
    rows = []
    for text in texts:
        row = _missing_row()
        tone, _n = lexicon_score(text, resources.lexicon)
        if tone is not None:
            row.update(tone=tone, tone_method=METHOD_AR_LEXICON, lexicon_tone=tone)
        rows.append(row)
    if resources.camel is not None:
        # The model reads every sentence with Arabic letters, with or without a lexicon word.
        todo = [i for i, text in enumerate(texts) if has_arabic_letter(text)]
        if todo:
            for i, score in zip(todo, resources.camel.scores([texts[i] for i in todo]), strict=True):
                rows[i].update(tone=score, tone_method=METHOD_AR_CAMEL)
    return rows


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def article_tone(tones: list[float | None]) -> dict:
    """Mean sentence tone and shares of negative/positive sentences.

    Shares are of scored sentences, at VADER's +/-0.05 thresholds. With no
    scored sentence every value is None.
    """
    scored = [float(t) for t in tones if not _is_missing(t)]
    if not scored:
        return {"tone": None, "share_negative": None, "share_positive": None}
    n = len(scored)
    return {
        "tone": sum(scored) / n,
        "share_negative": sum(t <= NEGATIVE_THRESHOLD for t in scored) / n,
        "share_positive": sum(t >= POSITIVE_THRESHOLD for t in scored) / n,
    }


def _require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{name} lacks columns {missing}")


# --- provenance -------------------------------------------------------------------


def read_validation(path: Path = VALIDATION_PATH) -> dict | None:
    """The figures ``scripts/validate_tone.py`` wrote, or None if absent/unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _agreement_text(figures: dict | None) -> str:
    if not figures:
        return "not validated yet: run scripts/validate_tone.py"
    held = figures.get("heldout") or {}
    parts = []
    if held.get("pearson_r") is not None:
        scored = f", {figures['coverage_heldout']:.0%} of its sentences scored" if figures.get("coverage_heldout") is not None else ""
        parts.append(
            f"held-out half r = {held['pearson_r']:.2f} (n = {held['n']}{scored}) against VADER on the English side of "
            f"parallel sentences ({figures['dataset']})"
        )
    parts.append(f"all pairs r = {figures['pearson_r']:.2f} (n = {figures['n']} scored)")
    parts.append(f"sign agreement {figures['sign_agreement']:.0%}, {figures['sign_agreement_nonneutral']:.0%} where both are non-neutral")
    parts.append(f"coverage {figures['coverage']:.0%}")
    for name, fig in (figures.get("labelled") or {}).items():
        if fig.get("macro_f1_by_sign") is not None:
            scores = f"macro-F1 {fig['macro_f1_by_sign']:.2f} by sign ({fig['macro_f1']:.2f} with ±0.05 counted neutral)"
        else:
            scores = f"macro-F1 {fig['macro_f1']:.2f}"
        parts.append(f"{scores} on people's positive/negative labels, {name} (coverage {fig['coverage']:.0%})")
    parts.append(str(figures["date"]))
    return "; ".join(parts)


def _english_agreement(validation: dict | None) -> str:
    text = "Hutto & Gilbert 2014; r = 0.492 against 20 human raters on 5,190 NYT editorial sentences"
    english = (validation or {}).get("english") or {}
    measured = [f"r = {fig['pearson_r']:.2f} on NewsMTSC {name} (n = {fig['n']})" for name, fig in english.items() if isinstance(fig, dict)]
    if measured:
        text += "; against crowd ratings of English news sentences (mean polarity of their targets): " + ", ".join(measured)
    return text


def _methods(validation: dict | None) -> dict[str, dict]:
    camel_figures = ((validation or {}).get("methods") or {}).get(METHOD_AR_CAMEL)
    return {
        METHOD_VADER: {
            "label": "VADER",
            "description": (
                "VADER 3.3.2 compound score per English sentence (lexicon and rules); "
                "proper names such as 'United States' are masked to acronyms first"
            ),
            "language": LANG_EN,
            "scale": "-1..1; >= 0.05 positive, <= -0.05 negative",
            "agreement": _english_agreement(validation),
        },
        METHOD_AR_LEXICON: {
            "label": "Arabic lexicon",
            "description": (
                "this project's curated Arabic lexicon plus words whose VADER valence was projected from English "
                "across parallel sentences (shrunk toward 0 for rare words), a few post words and emoji of "
                "social media that no parallel sentence holds, and words the parallel sentences hardly hold valued "
                "by VADER through Arabic WordNet's English senses, on camel-tools-normalised text with clitics "
                "stripped and letter elongation undone; negation (also dialect مش، مو), intensifiers and contrast "
                "as in VADER; each curated word's valence scaled by a factor and two scales fitted on parallel "
                "pairs so that VADER's normalisation and ±0.05 thresholds mean the same; a sentence without any of "
                "these words is scored by a small classifier of dialect, social-media words and emoji fitted on "
                "labelled Arabic tweets (P(positive) − P(negative), on the lexicon's scale); none of them, no score"
            ),
            "language": LANG_AR,
            "scale": "-1..1; >= 0.05 positive, <= -0.05 negative (aligned with VADER)",
            "agreement": _agreement_text(validation),
            "validation": validation,
        },
        METHOD_AR_CAMEL: {
            "label": "camel-tools sentiment",
            "description": (
                "camel-tools AraBERT sentiment classifier (Obeid et al. 2020), scored P(positive) - P(negative); used when installed"
            ),
            "language": LANG_AR,
            "scale": "-1..1 (P(positive) - P(negative)); same thresholds",
            "agreement": (
                _agreement_text(camel_figures) if camel_figures else "not validated on this project's data; see Obeid et al. 2020"
            ),
            "validation": camel_figures,
        },
    }


#: Provenance per method, for the app and the exports.
METHODS: dict[str, dict] = _methods(read_validation())
