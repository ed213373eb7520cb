"""Tests for lib.analysis.ar_tone: the Arabic lexicon method, its induced words and post words, scales, rules and files."""

from __future__ import annotations

import importlib.util
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.analysis import ar_tone, ar_tone_model, tone, tone_scale
from lib.errors import ToneError
from lib.text.arabic import normalise

ROOT = Path(__file__).resolve().parents[1]

# Two sentences of the project's Arabic seed (seeds/001_0501e0bcc7072b3e.txt).
SEED_NEGATIVE = (
    "توترت العلاقات التركية الأمريكية بسبب قضايا تتراوح بين قرار أنقرة شراء نظام دفاع "
    "جوي روسي الصنع، إلى الاحتجاز المطول لناشط حقوقي تركي مؤخرا."
)
SEED_POSITIVE = 'وقال مسؤول تركي لم يذكر اسمه إن المحادثات بين أردوغان وبايدن جرت في جو "إيجابي للغاية".'

ARABIC_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى ،.؟!\"'"


@pytest.fixture(scope="module")
def lexicon() -> ar_tone.ArabicLexicon:
    """Curated lexicon, induced words and post words, as ``lib.analysis.tone`` loads them."""
    return ar_tone.load_lexicon()


@pytest.fixture(scope="module")
def curated() -> ar_tone.ArabicLexicon:
    """The curated lexicon alone: no induced words, scale 1, no neutral band."""
    return ar_tone.load_lexicon(model_path=None)


MODEL = ar_tone_model.load_model()


def tone_of(text: str, lexicon: ar_tone.ArabicLexicon) -> float | None:
    """The sentence's tone, as ``tone.score_sentences`` reports it for Arabic without the camel model."""
    return ar_tone.lexicon_score(text, lexicon)[0]


# --- sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # negation
        ("نجح الاجتماع", 1),
        ("لم ينجح الاجتماع", -1),
        ("لا يوجد سلام بين البلدين", -1),  # تعاون "cooperation" here reads neutral: its curated factor is x0.35
        ("ولم ينجح الاجتماع", -1),  # a negator after the conjunction
        ("فلا يوجد سلام", -1),
        ("على وشك النجاح", 1),  # و+شك is not شك "doubt"
        ("لن يهدد الاتفاق أحدا", 1),
        ("عدم الاستقرار في المنطقة", -1),
        ("المحادثات غير ناجحة", -1),
        ("لا يزال التوتر قائما", -1),  # لا يزال is "still", not a negation
        ("ولا سيما الحرب", -1),  # لا سيما is "especially"
        # the negator does not cross into the reported / quoted clause
        ('قال مسؤول لم يذكر اسمه إن المحادثات "إيجابية"', 1),
        ("لم يعلن إن الاتفاق ناجح", 1),
        # clitics and inflection
        ("وبالتعاون مع تركيا", 1),
        ("للتعاون", 1),
        ("وأزمتها", -1),
        ("الأزمات", -1),
        ("أزمتين", -1),
        ("سيهدد أردوغان", -1),
        ("هددوا بطرد السفير", -1),
        ("توترت العلاقات", -1),
        ("العلاقات المتوترة", -1),
        ("علاقات إيجابية", 1),
        ("قتلى وجرحى", -1),
        ("لإلغاء القرار", -1),  # إلغاء starts with إل, not the article
        ("الإلغاء", -1),
        # neutral sentences: no tone word (missing) or within the neutral band
        ("استمر الاجتماع لمدة ساعة", 0),
        ("المهمة المقبلة", 0),
        # names with tone words in them are not tone (as on the English side)
        ("بريطانيا العظمى", 0),
        ("قاتلت وحدات حماية الشعب", -1),  # قاتل only, not حماية
        ("عملية نبع السلام", 0),
        ("حزب الخير والحزب الجيد", 0),
        ("التقى جماعات الضغط", 0),
        # VADER's other negations: despite, rarely; "unless" is not one
        ("بالرغم من أفعاله القاسية", 1),
        ("على الرغم من الأزمة", 1),
        ("نادرا ما ينجح", -1),
        ("انعدام الأمن", -1),
        ("ما لم يتحقق السلام", 1),
        # inflected forms valued as their own English forms
        ("تقتل", -1),
        ("القوى العظمى", 1),
        ("منطقة غنية بالنفط", 1),
        # a language model's words too: the article-initial الم of ألم
        # "pain" is not what is left of الألمان "the Germans"
        ("المسؤولون الألمان", 0),
    ],
)
def test_arabic_sign(lexicon, text, sign):
    value = tone_of(text, lexicon)
    if sign > 0:
        assert value is not None and value >= tone_scale.POSITIVE_THRESHOLD, value
    elif sign < 0:
        assert value is not None and value <= tone_scale.NEGATIVE_THRESHOLD, value
    else:
        assert value is None or abs(value) < tone_scale.POSITIVE_THRESHOLD, value


@pytest.mark.parametrize(
    "text",
    [
        "البحيرة الكبيرة",  # ب+حيرة
        "المسؤولون الألمان",  # الم+ان
        "الوثيقة",
        "مهما كان",
        "كلا البلدين",
        "البشر",
    ],
)
def test_words_that_hold_a_curated_word_after_clitic_stripping(curated, text):
    assert ar_tone.arabic_hits(text, curated) == []


def test_a_negator_flips_only_the_predicate_after_it(lexicon):
    # the negator stands before خلافات, far from تعاون
    hits = {h.term: h for h in ar_tone.arabic_hits("ناقش البلدان التعاون ولم يتطرقا إلى الخلافات", lexicon)}
    assert hits["تعاون"].valence == pytest.approx(hits["تعاون"].weight)
    assert hits["تعاون"].valence > 0
    assert hits["خلاف"].valence == pytest.approx(hits["خلاف"].weight * tone_scale.VADER_NEGATION_SCALAR)
    assert hits["خلاف"].valence > 0


def test_a_negator_passes_over_a_faint_word(lexicon):
    # أفعاله "his acts" is a faint induced word; "despite" negates القاسية "cruel"
    hits = {h.term: h for h in ar_tone.arabic_hits("بالرغم من أفعاله القاسية", lexicon)}
    assert abs(hits["أفعاله"].weight) < lexicon.neutral_band
    assert hits["أفعاله"].valence == pytest.approx(hits["أفعاله"].weight)
    assert hits["قاسي"].valence > 0


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [
        ("جرت المحادثات في جو إيجابي للغاية", "جرت المحادثات في جو إيجابي"),
        ("أعرب عن قلق بالغ", "أعرب عن قلق"),
        ("انتقادات حادة", "انتقادات"),
        ("دعم كبير", "دعم"),
        ("تحسن", "تحسن طفيف"),  # a diminisher weakens
        ("نجح الاجتماع", "بالكاد نجح الاجتماع"),  # VADER's "barely"
    ],
)
def test_modifiers_scale(lexicon, stronger, weaker):
    assert abs(tone_of(stronger, lexicon)) > abs(tone_of(weaker, lexicon)) > 0


def test_contrast_makes_the_second_clause_weigh_more(lexicon):
    # Same two words; the one after لكن dominates, as after VADER's "but".
    assert tone_of("هناك تعاون لكن هناك خلاف", lexicon) < 0
    assert tone_of("هناك خلاف لكن هناك تعاون", lexicon) > 0


def test_exclamation_adds_emphasis(lexicon):
    assert tone_of("نجاح!", lexicon) > tone_of("نجاح", lexicon) > 0


def test_hits_explain_the_score(lexicon, curated):
    (hit,) = ar_tone.arabic_hits(SEED_POSITIVE, curated)
    assert (hit.term, hit.kind, hit.source) == ("إيجابي", "word", "lexicon")
    assert hit.valence == pytest.approx(2.6 * 1.3)
    hits = ar_tone.arabic_hits(SEED_POSITIVE, lexicon)
    (hit,) = [h for h in hits if h.source == "lexicon"]
    assert hit.valence == pytest.approx(2.6 * MODEL.curated_factors.get("إيجابي", 1.0) * MODEL.lexicon_scale * 1.3)
    assert all(h.source == "induced" and h.kind == "word" for h in hits if h is not hit)
    total = sum(h.valence for h in hits)
    assert ar_tone.lexicon_score(SEED_POSITIVE, lexicon) == (pytest.approx(ar_tone.calibrate(total, MODEL.neutral_band)), len(hits))


# --- the induced words, the scales and the neutral band --------------------------------


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("الازمات", "ازم"),  # article + plural
        ("بازمتها", "ازم"),  # preposition + ت-form + pronoun
        ("الازمه", "ازم"),  # ta marbuta, normalised to ه
        ("والسلام", "سلام"),  # conjunction + article
        ("سيهدد", "يهدد"),  # future
        ("حرب", "حرب"),  # nothing to strip
        ("لم", "لم"),  # too short to strip
        ("بلد", "بلد"),  # ب + لد would leave 2 letters
    ],
)
def test_light_stem(token, key):
    assert ar_tone.light_stem(token) == key


def _induced_only(curated: ar_tone.ArabicLexicon) -> list[str]:
    """Frequent induced keys that are whole words no curated entry matches."""
    keys = sorted(MODEL.stems, key=lambda k: -abs(MODEL.stems[k]))
    return [k for k in keys if ar_tone.light_stem(k) == k and not ar_tone.arabic_hits(k, curated)]


def test_induced_words_reach_what_the_curated_lexicon_misses(lexicon, curated):
    words = _induced_only(curated)[:50]
    assert len(words) == 50
    for word in words:
        assert ar_tone.lexicon_score(word, curated) == (None, 0)  # curated alone: no evidence
        value, n = ar_tone.lexicon_score(word, lexicon)
        assert n == 1 and value is not None
        assert math.copysign(1, value) == math.copysign(1, MODEL.stems[word])
        (hit,) = ar_tone.arabic_hits(word, lexicon)
        assert hit.source == "induced" and hit.valence == pytest.approx(MODEL.stems[word] * MODEL.stem_scale)


def test_induced_words_take_clitics_negation_and_modifiers(lexicon, curated):
    # the strongest negative and positive induced words a curated entry misses (valences are shrunk by count)
    words = _induced_only(curated)
    negative = next(w for w in words if MODEL.stems[w] <= -1.0)
    positive = next(w for w in words if MODEL.stems[w] >= 1.0)
    for word, sign in ((negative, -1), (positive, 1)):
        for form in (word, "و" + word, "ال" + word + "ات", "لل" + word):
            assert sign * tone_of(form, lexicon) >= tone_scale.POSITIVE_THRESHOLD, form
        # a negator flips it, as it flips a curated word
        assert sign * tone_of(f"لم يكن {word}", lexicon) <= -tone_scale.POSITIVE_THRESHOLD
        # an intensifier strengthens it
        assert abs(tone_of(f"{word} للغاية", lexicon)) > abs(tone_of(word, lexicon))


def test_curated_entries_come_before_induced_words(lexicon):
    hits = ar_tone.arabic_hits("الحرب", lexicon)
    assert [(h.term, h.source) for h in hits] == [("حرب", "lexicon")]
    assert hits[0].valence == pytest.approx(-2.9 * MODEL.curated_factors.get("حرب", 1.0) * MODEL.lexicon_scale)


def test_model_file_is_well_formed():
    assert len(MODEL.stems) > 2000
    assert MODEL.lexicon_scale > 0 and MODEL.stem_scale > 0 and MODEL.neutral_band > 0
    vader = SentimentIntensityAnalyzer().lexicon
    for key, valence in MODEL.stems.items():
        # one normalised word, never a sentence or a phrase
        assert re.fullmatch(r"[\u0621-\u064a]{1,20}", key), key
        assert 0.1 <= abs(valence) <= 4
        assert MODEL.glosses[key] in vader
    assert MODEL.info["format"] == ar_tone_model.MODEL_FORMAT
    assert MODEL.info["out_of_fold"]["pearson_r"] > 0.6


def test_post_words_are_single_words_or_emoji_and_not_induced():
    assert 10 <= len(MODEL.post_words) <= 500  # a small list, not a sentence store
    for key, valence in MODEL.post_words.items():
        assert re.fullmatch(r"[\u0621-\u064a]{1,20}|[^\w\s]", key), key
        assert 0 < abs(valence) <= 4
        assert key not in MODEL.stems
    assert any(not k[0].isalpha() for k in MODEL.post_words)  # emoji
    assert MODEL.info["post_words_cross_validated"]["folds"] == MODEL.info["settings"]["folds"]


def test_model_file_holds_no_gazetteer_name():
    gazetteer = pd.read_csv(ROOT / "lib" / "analysis" / "data" / "gazetteer.csv", dtype=str, keep_default_na=False)
    forms = "|".join(gazetteer[["name_ar", "aliases_ar", "adjectives_ar"]].to_numpy().ravel()).split("|")
    single = {ar_tone.light_stem(normalise(f).strip()) for f in forms if f and len(f.split()) == 1}
    assert {"تركي", "روسي", "ناتو"} <= single
    assert not single & set(MODEL.stems)


#: A small post classifier: ربنا leans positive, ليش negative, وش means nothing.
_CLASSIFIER = {
    "classes": ["negative", "neutral", "positive"],
    "intercept": [0.0, 0.5, 0.0],
    "scale": 0.4,
    "words": [["ربنا", -1.0, -0.5, 1.5], ["ليش", 1.2, -0.4, -0.8], ["وش", 0.0, 0.0, 0.0], ["😍", -1.0, 0.0, 2.0]],
}


def _write_model(tmp_path: Path, **changes) -> Path:
    data = {**json.loads(ar_tone_model.MODEL_PATH.read_text(encoding="utf-8")), **changes}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "ar-tone-model/2"}, "not an ar-tone-model/5"),
        ({"format": "ar-tone-model/4"}, "not an ar-tone-model/5"),  # no post classifier: rebuild it
        ({"lexicon_scale": "x"}, "not a number"),
        ({"stem_scale": float("nan")}, "not finite"),
        ({"stem_scale": 0}, "positive"),
        ({"neutral_band": -0.1}, "not negative"),
        ({"stems": {"حرب": -1}}, "must be a list"),
        ({"stems": [["حرب", -1.2, 5]]}, "expected"),
        ({"stems": [["حرب", -5, 5, "war"]]}, "outside -4..4"),
        ({"stems": [["حرب", -1, 5, "war"], ["حَرب", -1, 5, "war"]]}, "twice"),
        ({"post_words": {"زفت": -1}}, "must be a list"),
        ({"post_words": [["مش حلو", 1.0, 3, "posts"]]}, "expected"),  # a phrase, not a word
        ({"post_words": [["زفت كبير جدا", 1.0, 3, "posts"]]}, "expected"),
        ({"post_words": [["زفت", -4.5, 3, "posts"]]}, "outside -4..4"),
        ({"post_words": [["زفت", -1, 3, "posts"], ["زفت", -1, 3, "posts"]]}, "twice"),
        ({"dictionary_words": {"جحيم": -3.6}}, "must be a list"),
        ({"dictionary_words": [["😢", -2.0, 1, "cry"]]}, "expected"),  # an Arabic word, not an emoji
        ({"dictionary_words": [["جحيم", -4.5, 1, "hell"]]}, "outside -4..4"),
        ({"dictionary_words": [["جحيم", -3.6, 1, "hell"], ["جحيم", -3.6, 1, "hell"]]}, "twice"),
        ({"curated_factors": {"حرب": 0.5}}, "must be a list"),
        ({"curated_factors": [["حرب", 0.5]]}, "expected"),
        ({"curated_factors": [["", 0.5, 3]]}, "expected"),
        ({"curated_factors": [["حرب", "x", 3]]}, "not a number"),
        ({"curated_factors": [["حرب", float("inf"), 3]]}, "not finite"),
        ({"curated_factors": [["حرب", -0.5, 3]]}, "outside 0..4"),
        ({"curated_factors": [["حرب", 0.5, 3], ["حرب", 0.6, 3]]}, "twice"),
        ({"post_classifier": [1, 2]}, "classes"),
        ({"post_classifier": {**_CLASSIFIER, "classes": ["positive", "neutral", "negative"]}}, "classes"),
        ({"post_classifier": {**_CLASSIFIER, "intercept": [0.1, 0.2]}}, "one weight per class"),
        ({"post_classifier": {**_CLASSIFIER, "scale": 0}}, "outside"),
        ({"post_classifier": {**_CLASSIFIER, "scale": 1.5}}, "outside"),
        ({"post_classifier": {**_CLASSIFIER, "words": []}}, "non-empty list"),
        ({"post_classifier": {**_CLASSIFIER, "words": [["مش حلو", 0, 0, 1]]}}, "expected"),  # a phrase
        ({"post_classifier": {**_CLASSIFIER, "words": [["ربنا", 0, 1]]}}, "expected"),
        ({"post_classifier": {**_CLASSIFIER, "words": [["ربنا", 0, "x", 1]]}}, "not a number"),
        ({"post_classifier": {**_CLASSIFIER, "words": [["ربنا", 0, 0, 99]]}}, "outside"),
        ({"post_classifier": {**_CLASSIFIER, "words": [["ربنا", 0, 0, 1], ["ربنا", 0, 0, 1]]}}, "twice"),
    ],
)
def test_bad_model_files_are_reported(tmp_path, changes, message):
    with pytest.raises(ToneError, match=message):
        ar_tone_model.load_model(_write_model(tmp_path, **changes))


def test_missing_model_file_is_reported(tmp_path):
    with pytest.raises(ToneError, match="cannot read"):
        ar_tone_model.load_model(tmp_path / "absent.json")


def test_the_model_files_scales_are_applied(tmp_path):
    path = _write_model(tmp_path, lexicon_scale=2.0, stem_scale=0.5, neutral_band=0.0, stems=[["دوء", 1.0, 9, "good"]], curated_factors=[])
    lexicon = ar_tone.load_lexicon(model_path=path)
    assert (lexicon.scale, lexicon.neutral_band, dict(lexicon.stems)) == (2.0, 0.0, {"دوء": 0.5})
    assert ar_tone.lexicon_score("حرب", lexicon)[0] == pytest.approx(tone_scale.vader_normalise(-2.9 * 2.0))
    assert ar_tone.lexicon_score("الدوء", lexicon)[0] == pytest.approx(tone_scale.vader_normalise(0.5))


def test_curated_factors_weigh_on_curated_words(tmp_path, curated):
    factors = [["حرب", 0.5, 10], ["أزمة", 2.0, 10]]  # أزمة -3.1 x 2 is kept at -4
    path = _write_model(tmp_path, lexicon_scale=2.0, neutral_band=0.0, stems=[["دوء", 1.0, 9, "good"]], curated_factors=factors)
    lexicon = ar_tone.load_lexicon(model_path=path)
    assert ar_tone.lexicon_score("حرب", lexicon)[0] == pytest.approx(tone_scale.vader_normalise(-2.9 * 0.5 * 2.0))
    assert [h.valence for h in ar_tone.arabic_hits("الأزمات", lexicon)] == [pytest.approx(-4.0 * 2.0)]
    assert [h.valence for h in ar_tone.arabic_hits("الفشل", lexicon)] == [pytest.approx(-2.3 * 2.0)]  # no factor: 1
    # the lexicon file, and the lexicon read without a model, keep the copied valences
    assert [h.valence for h in ar_tone.arabic_hits("حرب", curated)] == [pytest.approx(-2.9)]
    rows = {e.term: e.weight for e in ar_tone.read_lexicon_rows()}
    assert (rows["حرب"], rows["أزمة"]) == (-2.9, -3.1)


def test_a_curated_factor_for_a_word_the_lexicon_lacks_is_reported(tmp_path):
    path = _write_model(tmp_path, curated_factors=[["بطيخ", 0.5, 3]])
    with pytest.raises(ToneError, match="no word of the lexicon"):
        ar_tone.load_lexicon(model_path=path)


def test_the_models_curated_factors_are_well_formed(curated):
    words = {e.term for e in curated.entries if e.kind == "word"}
    assert 100 <= len(MODEL.curated_factors) <= len(words)
    assert set(MODEL.curated_factors) <= words
    assert all(0 <= f <= ar_tone_model.MAX_CURATED_FACTOR for f in MODEL.curated_factors.values())
    assert min(MODEL.curated_factors.values()) < 0.5 < 1.25 < max(MODEL.curated_factors.values())
    assert MODEL.info["out_of_fold"]["pearson_r"] > MODEL.info["out_of_fold"]["pearson_r_without_curated_factors"]


def test_curated_factors_are_fitted_against_the_english_tone():
    build = _build_script()
    # "a" holds 2.0 where English says half as much, "b" 2.0 where English agrees; "c" only where
    # there is no evidence at all (a NaN row), so it gets no factor.
    terms = [{"a": 2.0}] * 100 + [{"b": 2.0}] * 100 + [{"c": 2.0}]
    rest = np.zeros((201, 2))
    rest[200] = np.nan
    target = np.array([tone_scale.vader_normalise(1.0)] * 100 + [tone_scale.vader_normalise(2.0)] * 100 + [0.0])
    factors = build.fit_curated_factors(terms, rest, target, np.ones(201), ridge=0.01)
    assert set(factors) == {"a", "b"}
    assert factors["a"] / factors["b"] == pytest.approx(0.5, abs=0.02)
    # a strong ridge keeps every factor at 1
    assert build.fit_curated_factors(terms, rest, target, np.ones(201), ridge=1e6) == {
        "a": pytest.approx(1, abs=1e-3),
        "b": pytest.approx(1, abs=1e-3),
    }
    # the factor multiplies the word's valence after the rules, beside the dictionary (column 0) and induced (column 1) sums
    sums = build.curated_sums([{"a": 2.0, "b": 1.0}, {}], np.array([[0.5, 1.0], [np.nan, np.nan]]), {"a": 0.5})
    assert sums[0].tolist() == [2.5, 1.0] and np.isnan(sums[1]).all()


def test_calibration_neutral_band():
    band = 0.4
    assert ar_tone.calibrate(0.0, band) == 0.0
    # inside the band: neutral, but signed and ordered
    assert 0 < ar_tone.calibrate(0.1, band) < ar_tone.calibrate(0.39, band) < tone_scale.POSITIVE_THRESHOLD
    assert ar_tone.calibrate(-0.39, band) == pytest.approx(-ar_tone.calibrate(0.39, band))
    # continuous where the band meets VADER's curve, and VADER's curve beyond it
    assert ar_tone.calibrate(band, band) == pytest.approx(tone_scale.POSITIVE_THRESHOLD)
    assert ar_tone.calibrate(band - 1e-9, band) == pytest.approx(tone_scale.POSITIVE_THRESHOLD)
    assert ar_tone.calibrate(-band, band) == pytest.approx(tone_scale.NEGATIVE_THRESHOLD)
    assert ar_tone.calibrate(3.0, band) == pytest.approx(tone_scale.vader_normalise(3.0 - band + ar_tone._THRESHOLD_VALENCE))
    # no band: VADER's normalisation itself
    assert ar_tone.calibrate(2.5, 0.0) == tone_scale.vader_normalise(2.5)


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(-50, 50, allow_nan=False),
    b=st.floats(-50, 50, allow_nan=False),
    band=st.floats(0, 2, allow_nan=False),
)
def test_calibration_is_monotonic_and_in_range(a, b, band):
    lo, hi = sorted((a, b))
    assert -1 <= ar_tone.calibrate(lo, band) <= ar_tone.calibrate(hi, band) <= 1


# --- properties ------------------------------------------------------------------------


# --- the lexicon file ------------------------------------------------------------------


def test_lexicon_loads_and_is_well_formed():
    lex = ar_tone.load_lexicon()
    kinds = {e.kind for e in lex.entries}
    assert kinds == set(ar_tone.KINDS)
    words = [e for e in lex.entries if e.kind == "word"]
    assert len(words) > 300
    assert all(-4 <= e.weight <= 4 for e in words)
    assert all(e.gloss for e in lex.entries)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("حرب,-5,word,war", "-4..4"),
        ("لا,0.5,negator,not", "scope"),
        ("جدا,0.9,intensifier,very", "more than 1"),
        ("حرب,-2,feeling,war", "kind"),
        ("حرب,x,word,war", "weight"),
        ("حرب,-2,word,war\nحَرْب,-2,word,war", "same form"),
    ],
)
def test_bad_lexicon_rows_are_reported(tmp_path, row, message):
    path = tmp_path / "lexicon.csv"
    path.write_text("term,weight,kind,gloss\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ToneError, match=message):
        ar_tone.read_lexicon_rows(path)


# --- posts: elongation, dialect negation, emoji ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("حلوووو", "حلو"),
        ("جداااا", "جدا"),
        ("نجاح", "نجاح"),  # no run of three: unchanged
        ("مممم okkkk", "م okkkk"),  # Arabic letters only
        ("", ""),
    ],
)
def test_collapse_elongation(text, expected):
    assert ar_tone.collapse_elongation(text) == expected


def test_an_elongated_word_scores_as_the_word(lexicon):
    assert tone_of("نجاااااح", lexicon) == pytest.approx(tone_of("نجاح", lexicon))
    assert tone_of("الحرب سيئة جداااا", lexicon) == pytest.approx(tone_of("الحرب سيئة جدا", lexicon))


@pytest.mark.parametrize("negator", ["مش", "مو"])
def test_dialect_negators_flip_the_word_after_them(lexicon, negator):
    assert tone_of("الوضع جيد", lexicon) > 0
    assert tone_of(f"الوضع {negator} جيد", lexicon) < 0
    hits = ar_tone.arabic_hits(f"{negator} جيد", lexicon)
    assert [h.valence for h in hits] == pytest.approx([tone_scale.VADER_NEGATION_SCALAR * hits[0].weight])


def test_dialect_intensifier_after_the_word(lexicon):
    assert tone_of("جيد أوي", lexicon) > tone_of("جيد", lexicon) > 0


def test_emoji_from_the_post_list_is_a_tone_word_and_a_clause_break(lexicon):
    positive = max((k for k in MODEL.post_words if not k[0].isalpha()), key=MODEL.post_words.get)
    assert MODEL.post_words[positive] > 0
    value, n = ar_tone.lexicon_score(f"أنقرة {positive}", lexicon)  # a name, then the emoji
    assert n == 1 and value >= tone_scale.POSITIVE_THRESHOLD
    (hit,) = ar_tone.arabic_hits(positive, lexicon)
    assert hit.source == "post" and hit.valence == pytest.approx(MODEL.post_words[positive])
    # an emoji the list does not hold is only punctuation: no evidence
    assert ar_tone.lexicon_score("أنقرة 🧱", lexicon) == (None, 0)
    # a negator before the emoji does not reach past it into the next clause
    assert ar_tone.arabic_hits(f"لا {positive} نجاح", lexicon)[-1].valence > 0


def test_post_words_come_after_curated_and_induced(tmp_path):
    path = _write_model(tmp_path, stems=[["دوء", 1.0, 9, "good"]], post_words=[["دوء", -1.0, 3, "posts"]])
    with pytest.raises(ToneError, match="twice"):
        ar_tone_model.load_model(path)
    path = _write_model(tmp_path, stems=[["دوء", 1.0, 9, "good"]], post_words=[["حرب", 3.0, 3, "posts"], ["بطيخ", -2.0, 3, "posts"]])
    lexicon = ar_tone.load_lexicon(model_path=path)
    assert [h.source for h in ar_tone.arabic_hits("الحرب", lexicon)] == ["lexicon"]  # curated first
    assert [h.source for h in ar_tone.arabic_hits("الدوء", lexicon)] == ["induced"]
    (hit,) = ar_tone.arabic_hits("والبطيخ", lexicon)  # clitics stripped as for induced words
    assert (hit.source, hit.valence) == ("post", -2.0)


def test_dictionary_words_come_last_and_weigh_like_curated_words(tmp_path):
    path = _write_model(
        tmp_path,
        lexicon_scale=0.5,
        stems=[["دوء", 1.0, 9, "good"]],
        post_words=[["بطيخ", -2.0, 3, "posts"]],
        dictionary_words=[["حرب", 3.0, 1, "war"], ["جحيم", -3.6, 1, "hell"]],
    )
    lexicon = ar_tone.load_lexicon(model_path=path)
    assert [h.source for h in ar_tone.arabic_hits("الحرب", lexicon)] == ["lexicon"]  # curated first
    (hit,) = ar_tone.arabic_hits("والجحيم", lexicon)  # clitics stripped as for induced words
    assert (hit.source, hit.valence) == ("dictionary", pytest.approx(-3.6 * 0.5))  # the curated scale
    assert ar_tone.arabic_hits("لا جحيم", lexicon)[0].valence == pytest.approx(-3.6 * 0.5 * tone_scale.VADER_NEGATION_SCALAR)
    for taken in (["دوء", 1.0, 1, "good"], ["بطيخ", 1.0, 1, "melon"]):  # one key, one list
        with pytest.raises(ToneError, match="twice"):
            ar_tone_model.load_model(
                _write_model(tmp_path, stems=[["دوء", 1.0, 9, "good"]], post_words=[["بطيخ", -2.0, 3, "posts"]], dictionary_words=[taken])
            )


def test_dictionary_words_score_news_words_the_other_lists_lack(lexicon, curated):
    for text, sign in (("الجحيم", -1), ("بالسخط", -1), ("الرخاء", 1)):
        assert tone_of(text, curated) is None and ar_tone.light_stem(normalise(text)) not in MODEL.stems
        (hit,) = ar_tone.arabic_hits(text, lexicon)
        assert hit.source == "dictionary" and math.copysign(1, hit.valence) == sign


def test_dictionary_word_list_is_well_formed():
    rows = json.loads(ar_tone_model.MODEL_PATH.read_text(encoding="utf-8"))["dictionary_words"]
    assert 300 <= len(rows) <= 5000 and len(rows) == len(MODEL.dictionary)  # words, not a sentence store
    vader = SentimentIntensityAnalyzer().lexicon
    for key, valence, senses, english in rows:
        assert re.fullmatch(r"[\u0621-\u064a]{3,20}", key), key
        assert 0.1 <= abs(valence) <= 4 and senses >= 1
        assert english and all(word in vader for word in english.split())
        assert key not in MODEL.stems and key not in MODEL.post_words


def _build_script():
    spec = importlib.util.spec_from_file_location("build_ar_tone", ROOT / "scripts" / "build_ar_tone.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dictionary_valence_is_the_mean_vader_valence_over_a_words_senses(tmp_path):
    build = _build_script()
    columns = "synset_wn30\tpos\tar_form\tar_form_nodiac\tform_type\tswn_pos\tswn_neg\tin_swn_subset\ten_terms_swn"
    rows = [
        "1-n\tn\tجحيم\tجحيم\tlemma\t0\t0.5\t1\thell inferno",  # hell -3.6; inferno not in VADER
        "2-n\tn\tجحيم\tجحيم\tlemma\t0\t0\t0\t",  # an objective sense counts 0
        "3-n\tn\tحزب\tحزب\tlemma\t0.5\t0\t1\tparty",  # "party" is not tone in news (NOT_TONE)
        "4-n\tn\tأنقرة\tأنقرة\tlemma\t0.5\t0\t1\tgood",  # a gazetteer name
        "5-n\tn\tكارثة عظمى\tكارثة عظمى\tlemma\t0\t0.5\t1\tdisaster",  # a phrase
    ]
    path = tmp_path / build.SENSES_FILE
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([columns, *rows]) + "\n", encoding="utf-8")
    valences = SentimentIntensityAnalyzer().lexicon
    found = build.dictionary_valences(tmp_path, valences, frozenset({ar_tone.light_stem(normalise("أنقرة"))}))
    assert found == {"جحيم": (pytest.approx(valences["hell"] / 2), 2, "hell")}
    # a key the pairs hold MIN_COUNT times is left to them
    held = [(["جحيم"], [])] * build.MIN_COUNT
    assert build.dictionary_words(found, held) == {}
    assert build.dictionary_words(found, held[1:]) == found


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("أدانت الحكومة التركية الهجوم الإرهابي على قاعدة عسكرية", -1),
        ("رحبت أنقرة بالاتفاق ووصفته بأنه نجاح كبير", 1),
        ("لم تنجح المحادثات بين الجانبين", -1),
    ],
)
def test_news_register_sentences_get_the_expected_sign(lexicon, text, sign):
    assert sign * tone_of(text, lexicon) >= tone_scale.POSITIVE_THRESHOLD


def test_calibration_keeps_the_neutral_band_fitted_to_english():
    # the band is the valence whose calibrated score is exactly the threshold, on both sides
    band = MODEL.neutral_band
    assert ar_tone.calibrate(band, band) == pytest.approx(tone_scale.POSITIVE_THRESHOLD)
    assert ar_tone.calibrate(-band, band) == pytest.approx(tone_scale.NEGATIVE_THRESHOLD)
    assert abs(ar_tone.calibrate(0.99 * band, band)) < tone_scale.POSITIVE_THRESHOLD
    figures = tone.read_validation()["shares_heldout"]
    # on held-out pairs the Arabic neutral share stays within 10 points of VADER's
    assert abs(figures["arabic"]["neutral"] - figures["english_vader"]["neutral"]) < 0.10


def test_presentation_forms_score_as_the_letters(lexicon):
    assert ar_tone.unfold_presentation_forms("ﻟﻜﻦ") == "لكن"
    text = "أزمة ﻭﺣﺮﺏ"  # ordinary letters, then presentation forms of وحرب
    assert ar_tone.unfold_presentation_forms(text) == "أزمة وحرب"
    assert tone_of(text, lexicon) == pytest.approx(tone_of("أزمة وحرب", lexicon))
    plain = "ﬁ is a ligature outside the Arabic forms"
    assert ar_tone.unfold_presentation_forms(plain) is plain  # no Arabic presentation form: untouched


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("الفيلم حلو كتير", 1),
        ("الجو زفت اليوم", -1),
        ("ما شاء الله عليك", 1),
        ("الله يلعنهم", -1),
        ("يعطيك العافية يا رجل", 1),
        ("الأكل مش كويس", -1),  # dialect negator before a dialect word
        ("والله روعة 😍", 1),
    ],
)
def test_social_register_sentences_get_the_expected_sign(lexicon, text, sign):
    assert sign * tone_of(text, lexicon) >= tone_scale.POSITIVE_THRESHOLD


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("الله يسعدك", "يسعد"),  # ك "your"
        ("حكومتك فاشلة", "فاشل"),
        ("أزمتك", "أزمة"),  # ك after a ta-marbuta stem
        ("أعجبني الفيلم", "أعجب"),  # ني "me" on a verb
        ("يعجبني", "يعجب"),
    ],
)
def test_second_person_and_first_person_object_suffixes(lexicon, text, entry):
    assert [h.term for h in ar_tone.arabic_hits(text, lexicon) if h.source == "lexicon"] == [entry]


@pytest.mark.parametrize("token", ["الملك", "ملك", "شريكي"])
def test_the_new_suffixes_do_not_split_other_words(lexicon, token):
    # ملك "king" is not مل + ك, and a stem must still be a lexicon entry
    assert all(h.term != token[:-1] for h in ar_tone.arabic_hits(token, lexicon))


def _softmax_difference(intercept: list[float], *weights: list[float]) -> float:
    logits = [b + sum(w[c] for w in weights) for c, b in enumerate(intercept)]
    exp = [math.exp(x) for x in logits]
    return (exp[2] - exp[0]) / sum(exp)


def test_the_post_classifier_scores_a_sentence_no_tone_word_reaches(tmp_path):
    words = [[ar_tone.light_stem(normalise(w)), *rest] for w, *rest in _CLASSIFIER["words"]]
    path = _write_model(
        tmp_path,
        stems=[],
        post_words=[],
        dictionary_words=[],
        curated_factors=[],
        neutral_band=0.0,
        post_classifier={**_CLASSIFIER, "words": words},
    )
    lexicon = ar_tone.load_lexicon(model_path=path)
    (_, *pos), (_, *neg), _nothing, (_, *heart) = _CLASSIFIER["words"]
    intercept, scale = _CLASSIFIER["intercept"], _CLASSIFIER["scale"]
    assert ar_tone.lexicon_score("ربنا معاك", lexicon) == (pytest.approx(scale * _softmax_difference(intercept, pos)), 1)
    assert ar_tone.lexicon_score("ليش يا جماعة", lexicon)[0] < 0
    # each word once, however often; two words add their weights
    assert ar_tone.lexicon_score("ربنا ربنا معاك", lexicon) == ar_tone.lexicon_score("ربنا معاك", lexicon)
    both = ar_tone.lexicon_score("ليش ربنا", lexicon)
    assert both == (pytest.approx(scale * _softmax_difference(intercept, pos, neg)), 2)
    assert ar_tone.lexicon_score("شفتها 😍", lexicon) == (pytest.approx(scale * _softmax_difference(intercept, heart)), 1)
    # a word of zero weight is still evidence of a neutral sentence; no classifier word is no evidence
    assert ar_tone.lexicon_score("وش الخبر", lexicon) == (pytest.approx(0.0), 1)
    assert ar_tone.lexicon_score("معاك يا جماعة", lexicon) == (None, 0)
    # a sentence with a tone word is the lexicon's alone, classifier words or not
    (tmp_path / "plain").mkdir()  # another path: load_lexicon caches by path
    plain = _write_model(
        tmp_path / "plain", stems=[], post_words=[], dictionary_words=[], curated_factors=[], neutral_band=0.0, post_classifier=None
    )
    without = ar_tone.load_lexicon(model_path=plain)
    assert without.post_classifier is None and ar_tone.lexicon_score("ربنا معاك", without) == (None, 0)
    for text in ("ربنا يوقف الحرب", "ليش الأزمة"):
        assert ar_tone.lexicon_score(text, lexicon) == ar_tone.lexicon_score(text, without)
        assert ar_tone.lexicon_score(text, lexicon)[0] < 0


def test_the_shipped_post_classifier_is_words_fitted_on_posts_without_names():
    classifier = MODEL.post_classifier
    assert classifier is not None and 0 < classifier.scale <= 1
    assert 300 <= len(classifier.weights) <= 5000  # words, not a sentence store
    build = _build_script()
    left_out = build.CLASSIFIER_NOT_TONE | build.POST_NOT_TONE | build.name_keys()
    assert not left_out & set(classifier.weights)
    cv = MODEL.info["post_classifier_cross_validated"]
    assert cv["macro_f1_by_sign"] > cv["macro_f1_by_sign_without"] and cv["coverage"] > cv["coverage_without"]
    assert MODEL.info["settings"]["classifier_not_tone"] == sorted(build.CLASSIFIER_NOT_TONE)


@pytest.mark.parametrize(("text", "sign"), [("الحمدلله ربنا يخليك", 1), ("مو معقول هذا الشي", -1)])
def test_posts_without_a_tone_word_get_the_classifiers_tone(lexicon, text, sign):
    assert ar_tone.arabic_hits(text, lexicon) == []
    value, n = ar_tone.lexicon_score(text, lexicon)
    assert n >= 1 and math.copysign(1, value) == sign and abs(value) >= tone_scale.POSITIVE_THRESHOLD
    assert (value, n) == ar_tone.post_classifier_score(text, lexicon)
