"""Tests for lib.analysis.tone: VADER on English, which method scores which language, roll-ups, provenance, the camel path.

The Arabic lexicon method itself is tested in test_ar_tone.py.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.analysis import ar_tone, tone, tone_scale
from lib.errors import ToneError
from tests.test_ar_tone import ARABIC_ALPHABET, SEED_NEGATIVE, SEED_POSITIVE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def res() -> tone.ToneResources:
    """Lexicon and induced words, without the camel model, whatever this machine has installed."""
    return tone.ToneResources(SentimentIntensityAnalyzer(), ar_tone.load_lexicon(), None)


# --- English ---------------------------------------------------------------------------

ENGLISH = [
    "Talks between the two leaders were very positive and constructive.",
    "The missile purchase deepened the crisis and raised fears of sanctions.",
    "The meeting lasted an hour.",
    "Erdogan did not welcome the decision!",
]


def test_vader_scores_every_english_sentence(res):
    rows = tone.score_sentences(ENGLISH, "en", resources=res)
    analyzer = SentimentIntensityAnalyzer()
    assert len(rows) == len(ENGLISH)
    for text, row in zip(ENGLISH, rows, strict=True):
        expected = analyzer.polarity_scores(text)
        assert row["tone_method"] == tone.METHOD_VADER
        assert row["tone"] == pytest.approx(expected["compound"])
        assert (row["vader_pos"], row["vader_neu"], row["vader_neg"]) == pytest.approx((expected["pos"], expected["neu"], expected["neg"]))
        assert row["lexicon_tone"] is None
    assert set(rows[0]) == {
        "tone",
        "tone_method",
        "vader_pos",
        "vader_neu",
        "vader_neg",
        "lexicon_tone",
    }


@pytest.mark.parametrize(
    "text",
    [
        "The United States sent an envoy.",
        "The Justice and Development Party met in Ankara.",
        "The Security Council met on Monday.",
        "A Free Syrian Army commander spoke.",
        "Great Britain sent an envoy.",
        "Operation Peace Spring began in October.",
        "The Minister of Defense met the Justice Ministry.",
        "The Republican Party and the National Party met.",  # "NP" would be VADER's "no problem"
    ],
)
def test_proper_names_are_not_tone(res, text):
    assert tone.score_sentences([text], "en", resources=res)[0]["tone"] == 0.0


def test_party_acronyms_are_not_vader_words():
    masked = tone.mask_english_names("National Party, Good Party, Communist Party of China")
    assert "Party" not in masked
    assert not {w.lower() for w in re.findall(r"\w+", masked)} & set(SentimentIntensityAnalyzer().lexicon)


def test_a_party_is_still_a_party_in_lower_case(res):
    assert tone.score_sentences(["What a party!"], "en", resources=res)[0]["tone"] > 0


@pytest.mark.parametrize("text", ["", "   ", "—", "...!"])
def test_english_without_words_is_missing(res, text):
    row = tone.score_sentences([text], "en", resources=res)[0]
    assert row == {k: None for k in row}


@pytest.mark.parametrize("text", ["الحمدلله ربنا يخليك", "«لن نتراجع» ـ ٢٠١٩"])
def test_an_arabic_sentence_in_an_english_article_is_not_read_by_vader(res, text):
    row = tone.score_sentences([text], "en", resources=res)[0]
    assert row == {k: None for k in row}  # not VADER's 0.0 for words it does not know


def test_english_with_an_arabic_quote_is_still_english(res):
    (row,) = tone.score_sentences(["Erdogan said «الحمد لله» and praised the great deal."], "en", resources=res)
    assert row["tone_method"] == tone.METHOD_VADER and row["tone"] > 0.05
    (row,) = tone.score_sentences(["Café owners in Türkiye: 2024"], "en", resources=res)
    assert row["tone_method"] == tone.METHOD_VADER


def test_english_language_code_is_case_insensitive(res):
    assert tone.score_sentences(["Good news."], "EN", resources=res)[0]["tone_method"] == "vader"


# --- article roll-up -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tones", "expected"),
    [
        ([0.5, -0.5, None, 0.0], (0.0, 1 / 3, 1 / 3)),
        ([0.05, -0.05, 0.0499, -0.0499], (0.0, 1 / 4, 1 / 4)),  # thresholds inclusive
        ([0.8], (0.8, 0.0, 1.0)),
        ([float("nan"), -0.6, pd.NA], (-0.6, 1.0, 0.0)),  # NaN / NA are missing
        ([None, None], (None, None, None)),
        ([], (None, None, None)),
    ],
)
def test_article_tone(tones, expected):
    out = tone.article_tone(tones)
    assert set(out) == {"tone", "share_negative", "share_positive"}
    got = (out["tone"], out["share_negative"], out["share_positive"])
    if expected[0] is None:
        assert got == expected
    else:
        assert got == pytest.approx(expected)


def test_thresholds_are_vaders():
    assert tone_scale.POSITIVE_THRESHOLD == 0.05
    assert tone_scale.NEGATIVE_THRESHOLD == -0.05


# --- Arabic ----------------------------------------------------------------------------


def test_arabic_is_never_vader(res):
    rows = tone.score_sentences([SEED_NEGATIVE, SEED_POSITIVE, "12 3", "Hello"], "ar", resources=res)
    for row in rows:
        assert row["tone_method"] != tone.METHOD_VADER
        assert row["vader_pos"] is None and row["vader_neu"] is None and row["vader_neg"] is None


def test_seed_sentences(res):
    negative, positive = tone.score_sentences([SEED_NEGATIVE, SEED_POSITIVE], "ar", resources=res)
    assert negative["tone"] <= tone_scale.NEGATIVE_THRESHOLD
    assert positive["tone"] >= tone_scale.POSITIVE_THRESHOLD
    for row in (negative, positive):
        assert row["tone_method"] == tone.METHOD_AR_LEXICON
        assert row["lexicon_tone"] == row["tone"]


@pytest.mark.parametrize("text", ["", "12 3, 45", "Hello world", "...", "٢٠٢١"])
def test_arabic_without_arabic_letters_is_missing(res, text):
    row = tone.score_sentences([text], "ar", resources=res)[0]
    assert row == {k: None for k in row}


@pytest.mark.parametrize("language", ["fr", "tr", "", "ru"])
def test_other_languages_are_not_scored(res, language):
    rows = tone.score_sentences(["Très bonne nouvelle", SEED_POSITIVE], language, resources=res)
    assert all(row == {k: None for k in row} for row in rows)


@pytest.mark.parametrize(
    "text",
    [
        "الولايات المتحدة وتركيا",  # names only
        "مجلس الأمن",  # a zero-weight name holding a tone word
        "تركيا وروسيا والناتو وأنقرة",  # gazetteer names carry no induced tone
        "لا",
    ],
)
def test_no_evidence_is_missing_not_neutral(res, text):
    row = tone.score_sentences([text], "ar", resources=res)[0]
    assert row == {k: None for k in row}


def test_scoring_needs_no_network():
    """Loading everything and scoring Arabic works with sockets disabled and never imports camel_tools.data."""
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket = refuse\n"
        "socket.create_connection = refuse\n"
        "from lib.analysis import tone\n"
        "res = tone.load_tone_resources()\n"
        "row = tone.score_sentences(['أعرب الوزير عن قلقه من تصاعد العنف'], 'ar', resources=res)[0]\n"
        "assert row['tone'] < 0, row\n"
        "bad = [m for m in ('camel_tools.data', 'camel_tools.sentiment', 'streamlit') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={"CAMELTOOLS_DATA": "/nonexistent", "PATH": ""})


# --- properties ------------------------------------------------------------------------

LEXICON_WORDS = [e.term for e in ar_tone.load_lexicon().entries]
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=ARABIC_ALPHABET, max_size=200),
    st.lists(st.sampled_from([*LEXICON_WORDS, "!", "،", "إن", "و"]), max_size=40).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(text=texts, language=st.sampled_from(["en", "ar", "fr", "", "AR"]))
def test_tone_is_in_range_or_missing(text, language):
    res = tone.ToneResources(SentimentIntensityAnalyzer(), ar_tone.load_lexicon(), None)
    (row,) = tone.score_sentences([text], language, resources=res)
    for key in ("tone", "lexicon_tone"):
        value = row[key]
        assert value is None or (-1.0 <= value <= 1.0 and not math.isnan(value))
    assert (row["tone"] is None) == (row["tone_method"] is None)


# --- resources, provenance, the camel path ---------------------------------------------


def test_methods_provenance():
    assert set(tone.METHODS) == {tone.METHOD_VADER, tone.METHOD_AR_LEXICON, tone.METHOD_AR_CAMEL}
    for info in tone.METHODS.values():
        assert {"label", "description", "language", "scale", "agreement"} <= set(info)
    assert "r = 0.492" in tone.METHODS["vader"]["agreement"]
    assert "5,190" in tone.METHODS["vader"]["agreement"]


def test_validation_text_from_figures():
    figures = {
        "method": "ar-lexicon",
        "n": 964,
        "pearson_r": 0.61,
        "sign_agreement": 0.64,
        "sign_agreement_nonneutral": 0.84,
        "coverage": 0.42,
        "dataset": "UD Arabic-PUD",
        "date": "2026-01-01",
        "heldout": {"n": 480, "pearson_r": 0.58},
    }
    text = tone._agreement_text(figures)
    assert "r = 0.61" in text and "held-out half r = 0.58" in text and "UD Arabic-PUD" in text
    assert "macro-F1" not in text
    figures["labelled"] = {"tweets": {"macro_f1": 0.52, "macro_f1_by_sign": 0.64, "coverage": 0.9}}
    text = tone._agreement_text(figures)
    assert "macro-F1 0.64 by sign (0.52 with ±0.05 counted neutral) on people's positive/negative labels, tweets (coverage 90%)" in text
    assert "not validated" in tone._agreement_text(None)


def test_the_shipped_validation_names_its_target_figure():
    figures = tone.read_validation()
    assert figures["labelled_target"] == "macro_f1_by_sign"
    assert "by sign" in figures["labelled_scoring"]
    for fig in figures["labelled"].values():
        assert 0 <= fig["macro_f1"] <= fig["macro_f1_by_sign"] <= 1
    assert figures["heldout"]["pearson_r"] > 0.6 and figures["coverage_heldout"] >= 0.75
    assert figures["sentences_per_second"] > 0


def test_readme_quotes_the_validation_figures():
    """The README's Arabic tone row states the figures of tone_validation.json, not older ones."""
    row = next(
        line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| Arabic sentence tone |")
    )
    figures = tone.read_validation()
    assert f"Pearson r = **{figures['heldout']['pearson_r']:.2f}**" in row
    assert f"**{figures['coverage_heldout']:.0%}** of sentences scored".replace("%", " %") in row
    semeval, abdulla = (figures["labelled"][name] for name in sorted(figures["labelled"], key=lambda n: not n.startswith("SemEval")))
    assert f"**{semeval['macro_f1_by_sign']:.2f}** on SemEval-2017" in row
    assert f"**{abdulla['macro_f1_by_sign']:.2f}** on Abdulla" in row
    assert f"{semeval['macro_f1']:.2f} and {abdulla['macro_f1']:.2f}" in row


def test_no_model_detected_without_a_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(tone.CAMEL_MODEL_ENV, raising=False)
    monkeypatch.setenv(tone.CAMEL_DATA_ENV, str(tmp_path))
    assert tone.detect_camel_model() is None
    assert tone.detect_camel_model(tmp_path / "missing") is None
    resources = tone.load_tone_resources()
    assert resources.camel is None and resources.arabic_method == tone.METHOD_AR_LEXICON
    assert tone.load_tone_resources() is resources  # cached
    with pytest.raises(ToneError, match="no sentiment model"):
        tone.load_tone_resources(camel_model_dir=str(tmp_path / "missing"))


def test_model_detected_from_camel_data_layout(tmp_path, monkeypatch):
    model_dir = tmp_path / tone.CAMEL_SENTIMENT_SUBPATH
    model_dir.mkdir(parents=True)
    (model_dir / "config.json").write_text("{}")
    monkeypatch.delenv(tone.CAMEL_MODEL_ENV, raising=False)
    monkeypatch.setenv(tone.CAMEL_DATA_ENV, str(tmp_path))
    assert tone.detect_camel_model() == model_dir
    monkeypatch.setenv(tone.CAMEL_MODEL_ENV, str(tmp_path / "elsewhere"))
    assert tone.detect_camel_model() is None  # the explicit variable wins


TINY_VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    *"توترت العلاقات التركية الامريكية بسبب قرار انقرة شراء نظام دفاع جوي روسي".split(),
    *"وقال مسؤول تركي لم يذكر اسمه ان المحادثات بين اردوغان وبايدن جرت في جو ايجابي".split(),
    *"للغاية تعاون حرب ازمة سلام اتفاق نجاح فشل قلق دعم".split(),
    *'ا ب ت ج ح د ر س ع ف ق ك ل م ن ه و ي . ، "'.split(),
]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> Path:
    import torch
    import transformers

    path = tmp_path_factory.mktemp("tiny_sentiment")
    vocab = path / "vocab.txt"
    vocab.write_text("\n".join(dict.fromkeys(TINY_VOCAB)) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(vocab), do_lower_case=False)
    labels = dict(enumerate(tone.CAMEL_LABELS))  # camel-tools: positive, negative, neutral
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def test_camel_path_with_a_tiny_model(tiny_model_dir):
    resources = tone.load_tone_resources(camel_model_dir=str(tiny_model_dir))
    assert resources.camel is not None
    assert resources.arabic_method == tone.METHOD_AR_CAMEL
    assert (resources.camel.positive, resources.camel.negative) == (0, 1)
    texts = [SEED_NEGATIVE, SEED_POSITIVE, "123", "تعاون", "الولايات المتحدة وتركيا"]
    rows = tone.score_sentences(texts, "ar", resources=resources)
    # no lexicon word: the lexicon has no score, the model still gives one
    assert rows[4]["lexicon_tone"] is None and rows[4]["tone_method"] == tone.METHOD_AR_CAMEL
    assert -1.0 <= rows[4]["tone"] <= 1.0
    for row in (rows[0], rows[1], rows[3]):
        assert row["tone_method"] == tone.METHOD_AR_CAMEL
        assert -1.0 <= row["tone"] <= 1.0
        assert row["lexicon_tone"] is not None  # the lexicon is always kept
        assert row["vader_pos"] is None
    assert rows[0]["lexicon_tone"] <= tone_scale.NEGATIVE_THRESHOLD
    assert rows[2] == {k: None for k in rows[2]}  # no Arabic letter: no model call either
    # English is untouched by the Arabic model.
    assert tone.score_sentences(["Good."], "en", resources=resources)[0]["tone_method"] == "vader"
    assert tone.load_tone_resources(camel_model_dir=str(tiny_model_dir)) is resources


def test_camel_labels():
    assert tone._label_indices({0: "positive", 1: "negative", 2: "neutral"}) == (0, 1)
    assert tone._label_indices({"0": "NEG", "1": "NEU", "2": "POS"}) == (2, 0)
    assert tone._label_indices({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == (0, 1)
    with pytest.raises(ToneError):
        tone._label_indices({0: "joy", 1: "anger"})


def test_import_touches_no_network_module_and_no_streamlit():
    code = (
        "import sys, lib.analysis.tone\n"
        "bad = [m for m in ('camel_tools.data', 'camel_tools.sentiment', 'streamlit', 'torch')"
        " if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
