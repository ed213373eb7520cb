"""Tests for lib.analysis.tone: VADER on English, the Arabic lexicon and induced words, roll-ups, the camel path."""

from __future__ import annotations

import json
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

from lib.analysis import tone
from lib.text.arabic import normalise

ROOT = Path(__file__).resolve().parents[1]

# Two sentences of the project's Arabic seed (seeds/001_0501e0bcc7072b3e.txt).
SEED_NEGATIVE = (
    "توترت العلاقات التركية الأمريكية بسبب قضايا تتراوح بين قرار أنقرة شراء نظام دفاع "
    "جوي روسي الصنع، إلى الاحتجاز المطول لناشط حقوقي تركي مؤخرا."
)
SEED_POSITIVE = 'وقال مسؤول تركي لم يذكر اسمه إن المحادثات بين أردوغان وبايدن جرت في جو "إيجابي للغاية".'


@pytest.fixture(scope="module")
def res() -> tone.ToneResources:
    """Lexicon and induced words, without the camel model, whatever this machine has installed."""
    return tone.ToneResources(SentimentIntensityAnalyzer(), tone.load_lexicon(), None)


@pytest.fixture(scope="module")
def curated() -> tone.ArabicLexicon:
    """The curated lexicon alone: no induced words, scale 1, no neutral band."""
    return tone.load_lexicon(model_path=None)


MODEL = tone.load_model()


def ar_tone(text: str, res: tone.ToneResources) -> float | None:
    return tone.score_sentences([text], "ar", resources=res)[0]["tone"]


# --- English -------------------------------------------------------------------

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


def test_english_language_code_is_case_insensitive(res):
    assert tone.score_sentences(["Good news."], "EN", resources=res)[0]["tone_method"] == "vader"


# --- article roll-up ---------------------------------------------------------------


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
    assert tone.POSITIVE_THRESHOLD == 0.05
    assert tone.NEGATIVE_THRESHOLD == -0.05


# --- Arabic ------------------------------------------------------------------------


def test_arabic_is_never_vader(res):
    rows = tone.score_sentences([SEED_NEGATIVE, SEED_POSITIVE, "12 3", "Hello"], "ar", resources=res)
    for row in rows:
        assert row["tone_method"] != tone.METHOD_VADER
        assert row["vader_pos"] is None and row["vader_neu"] is None and row["vader_neg"] is None


def test_seed_sentences(res):
    negative, positive = tone.score_sentences([SEED_NEGATIVE, SEED_POSITIVE], "ar", resources=res)
    assert negative["tone"] <= tone.NEGATIVE_THRESHOLD
    assert positive["tone"] >= tone.POSITIVE_THRESHOLD
    for row in (negative, positive):
        assert row["tone_method"] == tone.METHOD_AR_LEXICON
        assert row["lexicon_tone"] == row["tone"]


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # negation
        ("نجح الاجتماع", 1),
        ("لم ينجح الاجتماع", -1),
        ("لا يوجد تعاون بين البلدين", -1),
        ("ولم ينجح الاجتماع", -1),  # a negator after the conjunction
        ("فلا يوجد تعاون", -1),
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
def test_arabic_sign(res, text, sign):
    value = ar_tone(text, res)
    if sign > 0:
        assert value is not None and value >= tone.POSITIVE_THRESHOLD, value
    elif sign < 0:
        assert value is not None and value <= tone.NEGATIVE_THRESHOLD, value
    else:
        assert value is None or abs(value) < tone.POSITIVE_THRESHOLD, value


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
    assert tone.arabic_hits(text, curated) == []


def test_a_negator_flips_only_the_predicate_after_it(res):
    # the negator stands before خلافات, far from تعاون
    hits = {h.term: h for h in tone.arabic_hits("ناقش البلدان التعاون ولم يتطرقا إلى الخلافات", res.lexicon)}
    assert hits["تعاون"].valence == pytest.approx(hits["تعاون"].weight)
    assert hits["تعاون"].valence > 0
    assert hits["خلاف"].valence == pytest.approx(hits["خلاف"].weight * tone.VADER_NEGATION_SCALAR)
    assert hits["خلاف"].valence > 0


def test_a_negator_passes_over_a_faint_word(res):
    # أفعاله "his acts" is a faint induced word; "despite" negates القاسية "cruel"
    hits = {h.term: h for h in tone.arabic_hits("بالرغم من أفعاله القاسية", res.lexicon)}
    assert abs(hits["أفعاله"].weight) < res.lexicon.neutral_band
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
def test_modifiers_scale(res, stronger, weaker):
    assert abs(ar_tone(stronger, res)) > abs(ar_tone(weaker, res)) > 0


def test_contrast_makes_the_second_clause_weigh_more(res):
    # Same two words; the one after لكن dominates, as after VADER's "but".
    assert ar_tone("هناك تعاون لكن هناك خلاف", res) < 0
    assert ar_tone("هناك خلاف لكن هناك تعاون", res) > 0


def test_exclamation_adds_emphasis(res):
    assert ar_tone("نجاح!", res) > ar_tone("نجاح", res) > 0


@pytest.mark.parametrize("text", ["", "12 3, 45", "Hello world", "...", "٢٠٢١"])
def test_arabic_without_arabic_letters_is_missing(res, text):
    row = tone.score_sentences([text], "ar", resources=res)[0]
    assert row == {k: None for k in row}


@pytest.mark.parametrize("language", ["fr", "tr", "", "ru"])
def test_other_languages_are_not_scored(res, language):
    rows = tone.score_sentences(["Très bonne nouvelle", SEED_POSITIVE], language, resources=res)
    assert all(row == {k: None for k in row} for row in rows)


def test_hits_explain_the_score(res, curated):
    (hit,) = tone.arabic_hits(SEED_POSITIVE, curated)
    assert (hit.term, hit.kind, hit.source) == ("إيجابي", "word", "lexicon")
    assert hit.valence == pytest.approx(2.6 * 1.3)
    hits = tone.arabic_hits(SEED_POSITIVE, res.lexicon)
    (hit,) = [h for h in hits if h.source == "lexicon"]
    assert hit.valence == pytest.approx(2.6 * MODEL.lexicon_scale * 1.3)
    assert all(h.source == "induced" and h.kind == "word" for h in hits if h is not hit)
    total = sum(h.valence for h in hits)
    assert tone.lexicon_score(SEED_POSITIVE, res.lexicon) == (pytest.approx(tone.calibrate(total, MODEL.neutral_band)), len(hits))


# --- the induced words, the scales and the neutral band ------------------------------


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
    assert tone.light_stem(token) == key


def _induced_only(curated: tone.ArabicLexicon) -> list[str]:
    """Frequent induced keys that are whole words no curated entry matches."""
    keys = sorted(MODEL.stems, key=lambda k: -abs(MODEL.stems[k]))
    return [k for k in keys if tone.light_stem(k) == k and not tone.arabic_hits(k, curated)]


def test_induced_words_reach_what_the_curated_lexicon_misses(res, curated):
    words = _induced_only(curated)[:50]
    assert len(words) == 50
    for word in words:
        assert tone.lexicon_score(word, curated) == (None, 0)  # curated alone: no evidence
        value, n = tone.lexicon_score(word, res.lexicon)
        assert n == 1 and value is not None
        assert math.copysign(1, value) == math.copysign(1, MODEL.stems[word])
        (hit,) = tone.arabic_hits(word, res.lexicon)
        assert hit.source == "induced" and hit.valence == pytest.approx(MODEL.stems[word] * MODEL.stem_scale)


def test_induced_words_take_clitics_negation_and_modifiers(res, curated):
    # the strongest negative and positive induced words a curated entry misses (valences are shrunk by count)
    words = _induced_only(curated)
    negative = next(w for w in words if MODEL.stems[w] <= -1.0)
    positive = next(w for w in words if MODEL.stems[w] >= 1.0)
    for word, sign in ((negative, -1), (positive, 1)):
        for form in (word, "و" + word, "ال" + word + "ات", "لل" + word):
            assert sign * ar_tone(form, res) >= tone.POSITIVE_THRESHOLD, form
        # a negator flips it, as it flips a curated word
        assert sign * ar_tone(f"لم يكن {word}", res) <= -tone.POSITIVE_THRESHOLD
        # an intensifier strengthens it
        assert abs(ar_tone(f"{word} للغاية", res)) > abs(ar_tone(word, res))


def test_curated_entries_come_before_induced_words(res):
    hits = tone.arabic_hits("الحرب", res.lexicon)
    assert [(h.term, h.source) for h in hits] == [("حرب", "lexicon")]
    assert hits[0].valence == pytest.approx(-2.9 * MODEL.lexicon_scale)


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


def test_model_file_is_well_formed():
    assert len(MODEL.stems) > 2000
    assert MODEL.lexicon_scale > 0 and MODEL.stem_scale > 0 and MODEL.neutral_band > 0
    vader = SentimentIntensityAnalyzer().lexicon
    for key, valence in MODEL.stems.items():
        # one normalised word, never a sentence or a phrase
        assert re.fullmatch(r"[\u0621-\u064a]{1,20}", key), key
        assert 0.1 <= abs(valence) <= 4
        assert MODEL.glosses[key] in vader
    assert MODEL.info["format"] == tone.MODEL_FORMAT
    assert MODEL.info["out_of_fold"]["pearson_r"] > 0.6


def test_post_words_are_single_words_or_emoji_and_not_induced():
    assert 10 <= len(MODEL.post_words) <= 500  # a small list, not a sentence store
    for key, valence in MODEL.post_words.items():
        assert re.fullmatch(r"[\u0621-\u064a]{1,20}|[^\w\s]", key), key
        assert 0 < abs(valence) <= 4
        assert key not in MODEL.stems
    assert any(not k[0].isalpha() for k in MODEL.post_words)  # emoji
    assert MODEL.info["post_words_cross_validated"]["folds"] == MODEL.info["settings"]["folds"]


def test_the_shipped_validation_names_its_target_figure():
    figures = tone.read_validation()
    assert figures["labelled_target"] == "macro_f1_by_sign"
    assert "by sign" in figures["labelled_scoring"]
    for fig in figures["labelled"].values():
        assert 0 <= fig["macro_f1"] <= fig["macro_f1_by_sign"] <= 1
    assert figures["heldout"]["pearson_r"] > 0.6 and figures["coverage_heldout"] >= 0.75
    assert figures["sentences_per_second"] > 0


def test_model_file_holds_no_gazetteer_name():
    gazetteer = pd.read_csv(ROOT / "lib" / "analysis" / "data" / "gazetteer.csv", dtype=str, keep_default_na=False)
    forms = "|".join(gazetteer[["name_ar", "aliases_ar", "adjectives_ar"]].to_numpy().ravel()).split("|")
    single = {tone.light_stem(normalise(f).strip()) for f in forms if f and len(f.split()) == 1}
    assert {"تركي", "روسي", "ناتو"} <= single
    assert not single & set(MODEL.stems)


def _write_model(tmp_path: Path, **changes) -> Path:
    data = {**json.loads(tone.MODEL_PATH.read_text(encoding="utf-8")), **changes}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "ar-tone-model/1"}, "not an ar-tone-model/2"),
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
    ],
)
def test_bad_model_files_are_reported(tmp_path, changes, message):
    with pytest.raises(tone.ToneError, match=message):
        tone.load_model(_write_model(tmp_path, **changes))


def test_missing_model_file_is_reported(tmp_path):
    with pytest.raises(tone.ToneError, match="cannot read"):
        tone.load_model(tmp_path / "absent.json")


def test_the_model_files_scales_are_applied(tmp_path):
    path = _write_model(tmp_path, lexicon_scale=2.0, stem_scale=0.5, neutral_band=0.0, stems=[["دوء", 1.0, 9, "good"]])
    lexicon = tone.load_lexicon(model_path=path)
    assert (lexicon.scale, lexicon.neutral_band, dict(lexicon.stems)) == (2.0, 0.0, {"دوء": 0.5})
    assert tone.lexicon_score("حرب", lexicon)[0] == pytest.approx(tone.vader_normalise(-2.9 * 2.0))
    assert tone.lexicon_score("الدوء", lexicon)[0] == pytest.approx(tone.vader_normalise(0.5))


def test_calibration_neutral_band():
    band = 0.4
    assert tone.calibrate(0.0, band) == 0.0
    # inside the band: neutral, but signed and ordered
    assert 0 < tone.calibrate(0.1, band) < tone.calibrate(0.39, band) < tone.POSITIVE_THRESHOLD
    assert tone.calibrate(-0.39, band) == pytest.approx(-tone.calibrate(0.39, band))
    # continuous where the band meets VADER's curve, and VADER's curve beyond it
    assert tone.calibrate(band, band) == pytest.approx(tone.POSITIVE_THRESHOLD)
    assert tone.calibrate(band - 1e-9, band) == pytest.approx(tone.POSITIVE_THRESHOLD)
    assert tone.calibrate(-band, band) == pytest.approx(tone.NEGATIVE_THRESHOLD)
    assert tone.calibrate(3.0, band) == pytest.approx(tone.vader_normalise(3.0 - band + tone._THRESHOLD_VALENCE))
    # no band: VADER's normalisation itself
    assert tone.calibrate(2.5, 0.0) == tone.vader_normalise(2.5)


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(-50, 50, allow_nan=False),
    b=st.floats(-50, 50, allow_nan=False),
    band=st.floats(0, 2, allow_nan=False),
)
def test_calibration_is_monotonic_and_in_range(a, b, band):
    lo, hi = sorted((a, b))
    assert -1 <= tone.calibrate(lo, band) <= tone.calibrate(hi, band) <= 1


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


# --- properties ---------------------------------------------------------------------

ARABIC_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى ،.؟!\"'"
LEXICON_WORDS = [e.term for e in tone.load_lexicon().entries]
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=ARABIC_ALPHABET, max_size=200),
    st.lists(st.sampled_from([*LEXICON_WORDS, "!", "،", "إن", "و"]), max_size=40).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(text=texts, language=st.sampled_from(["en", "ar", "fr", "", "AR"]))
def test_tone_is_in_range_or_missing(text, language):
    res = tone.ToneResources(SentimentIntensityAnalyzer(), tone.load_lexicon(), None)
    (row,) = tone.score_sentences([text], language, resources=res)
    for key in ("tone", "lexicon_tone"):
        value = row[key]
        assert value is None or (-1.0 <= value <= 1.0 and not math.isnan(value))
    assert (row["tone"] is None) == (row["tone_method"] is None)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=ARABIC_ALPHABET + "\u064b\u064e\u0650\u0651\u0652\u0640abc1", max_size=80))
def test_fast_normalisation_is_lib_arabic(text):
    assert tone.normalise_fast(text) == normalise(text)


# --- the lexicon file -----------------------------------------------------------------


def test_lexicon_loads_and_is_well_formed():
    lex = tone.load_lexicon()
    kinds = {e.kind for e in lex.entries}
    assert kinds == set(tone.KINDS)
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
    with pytest.raises(tone.ToneError, match=message):
        tone.read_lexicon_rows(path)


# --- entity tone ----------------------------------------------------------------------


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


def test_no_model_detected_without_a_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(tone.CAMEL_MODEL_ENV, raising=False)
    monkeypatch.setenv(tone.CAMEL_DATA_ENV, str(tmp_path))
    assert tone.detect_camel_model() is None
    assert tone.detect_camel_model(tmp_path / "missing") is None
    resources = tone.load_tone_resources()
    assert resources.camel is None and resources.arabic_method == tone.METHOD_AR_LEXICON
    assert tone.load_tone_resources() is resources  # cached
    with pytest.raises(tone.ToneError, match="no sentiment model"):
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
    assert rows[0]["lexicon_tone"] <= tone.NEGATIVE_THRESHOLD
    assert rows[2] == {k: None for k in rows[2]}  # no Arabic letter: no model call either
    # English is untouched by the Arabic model.
    assert tone.score_sentences(["Good."], "en", resources=resources)[0]["tone_method"] == "vader"
    assert tone.load_tone_resources(camel_model_dir=str(tiny_model_dir)) is resources


def test_camel_labels():
    assert tone._label_indices({0: "positive", 1: "negative", 2: "neutral"}) == (0, 1)
    assert tone._label_indices({"0": "NEG", "1": "NEU", "2": "POS"}) == (2, 0)
    assert tone._label_indices({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == (0, 1)
    with pytest.raises(tone.ToneError):
        tone._label_indices({0: "joy", 1: "anger"})


def test_import_touches_no_network_module_and_no_streamlit():
    code = (
        "import sys, lib.analysis.tone\n"
        "bad = [m for m in ('camel_tools.data', 'camel_tools.sentiment', 'streamlit', 'torch')"
        " if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


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
    assert tone.collapse_elongation(text) == expected


def test_an_elongated_word_scores_as_the_word(res):
    assert ar_tone("نجاااااح", res) == pytest.approx(ar_tone("نجاح", res))
    assert ar_tone("الحرب سيئة جداااا", res) == pytest.approx(ar_tone("الحرب سيئة جدا", res))


@pytest.mark.parametrize("negator", ["مش", "مو"])
def test_dialect_negators_flip_the_word_after_them(res, negator):
    assert ar_tone("الوضع جيد", res) > 0
    assert ar_tone(f"الوضع {negator} جيد", res) < 0
    hits = tone.arabic_hits(f"{negator} جيد", res.lexicon)
    assert [h.valence for h in hits] == pytest.approx([tone.VADER_NEGATION_SCALAR * hits[0].weight])


def test_dialect_intensifier_after_the_word(res):
    assert ar_tone("جيد أوي", res) > ar_tone("جيد", res) > 0


def test_emoji_from_the_post_list_is_a_tone_word_and_a_clause_break(res):
    positive = max((k for k in MODEL.post_words if not k[0].isalpha()), key=MODEL.post_words.get)
    assert MODEL.post_words[positive] > 0
    value, n = tone.lexicon_score(f"أنقرة {positive}", res.lexicon)  # a name, then the emoji
    assert n == 1 and value >= tone.POSITIVE_THRESHOLD
    (hit,) = tone.arabic_hits(positive, res.lexicon)
    assert hit.source == "post" and hit.valence == pytest.approx(MODEL.post_words[positive])
    # an emoji the list does not hold is only punctuation: no evidence
    assert tone.lexicon_score("أنقرة 🧱", res.lexicon) == (None, 0)
    # a negator before the emoji does not reach past it into the next clause
    assert tone.arabic_hits(f"لا {positive} نجاح", res.lexicon)[-1].valence > 0


def test_post_words_come_after_curated_and_induced(tmp_path):
    path = _write_model(tmp_path, stems=[["دوء", 1.0, 9, "good"]], post_words=[["دوء", -1.0, 3, "posts"]])
    with pytest.raises(tone.ToneError, match="twice"):
        tone.load_model(path)
    path = _write_model(tmp_path, stems=[["دوء", 1.0, 9, "good"]], post_words=[["حرب", 3.0, 3, "posts"], ["بطيخ", -2.0, 3, "posts"]])
    lexicon = tone.load_lexicon(model_path=path)
    assert [h.source for h in tone.arabic_hits("الحرب", lexicon)] == ["lexicon"]  # curated first
    assert [h.source for h in tone.arabic_hits("الدوء", lexicon)] == ["induced"]
    (hit,) = tone.arabic_hits("والبطيخ", lexicon)  # clitics stripped as for induced words
    assert (hit.source, hit.valence) == ("post", -2.0)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("أدانت الحكومة التركية الهجوم الإرهابي على قاعدة عسكرية", -1),
        ("رحبت أنقرة بالاتفاق ووصفته بأنه نجاح كبير", 1),
        ("لم تنجح المحادثات بين الجانبين", -1),
    ],
)
def test_news_register_sentences_get_the_expected_sign(res, text, sign):
    assert sign * ar_tone(text, res) >= tone.POSITIVE_THRESHOLD


def test_calibration_keeps_the_neutral_band_fitted_to_english():
    # the band is the valence whose calibrated score is exactly the threshold, on both sides
    band = MODEL.neutral_band
    assert tone.calibrate(band, band) == pytest.approx(tone.POSITIVE_THRESHOLD)
    assert tone.calibrate(-band, band) == pytest.approx(tone.NEGATIVE_THRESHOLD)
    assert abs(tone.calibrate(0.99 * band, band)) < tone.POSITIVE_THRESHOLD
    figures = tone.read_validation()["shares_heldout"]
    # on held-out pairs the Arabic neutral share stays within 10 points of VADER's
    assert abs(figures["arabic"]["neutral"] - figures["english_vader"]["neutral"]) < 0.10


def test_presentation_forms_score_as_the_letters(res):
    assert tone.unfold_presentation_forms("ﻟﻜﻦ") == "لكن"
    text = "أزمة ﻭﺣﺮﺏ"  # ordinary letters, then presentation forms of وحرب
    assert tone.unfold_presentation_forms(text) == "أزمة وحرب"
    assert ar_tone(text, res) == pytest.approx(ar_tone("أزمة وحرب", res))
    plain = "ﬁ is a ligature outside the Arabic forms"
    assert tone.unfold_presentation_forms(plain) is plain  # no Arabic presentation form: untouched


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
def test_social_register_sentences_get_the_expected_sign(res, text, sign):
    assert sign * ar_tone(text, res) >= tone.POSITIVE_THRESHOLD


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
def test_second_person_and_first_person_object_suffixes(res, text, entry):
    assert [h.term for h in tone.arabic_hits(text, res.lexicon) if h.source == "lexicon"] == [entry]


@pytest.mark.parametrize("token", ["الملك", "ملك", "شريكي"])
def test_the_new_suffixes_do_not_split_other_words(res, token):
    # ملك "king" is not مل + ك, and a stem must still be a lexicon entry
    assert all(h.term != token[:-1] for h in tone.arabic_hits(token, res.lexicon))
