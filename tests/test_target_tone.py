"""Tests for lib.analysis.target_tone: scopes, speaker vs target, masking, negation, the shipped model."""

from __future__ import annotations

import json
import math

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.analysis import ar_scopes, ar_tone, tone, tone_scale
from lib.analysis import target_tone as tt
from lib.errors import ToneError


@pytest.fixture(scope="module")
def parser():
    return tt.load_parser()


@pytest.fixture(scope="module")
def model() -> tt.TargetToneModel:
    return tt.load_model()


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    return [(text.index(n), text.index(n) + len(n)) for n in names]


def features(parser, text: str, *names: str) -> list[dict[str, float]]:
    return tt.sentence_features(tt.parsed(parser(text)), _spans(text, *names))


def masked_words(parser, text: str, *names: str) -> set[str]:
    p = tt.parsed(parser(text))
    spans = [p.token_span(s, e) for s, e in _spans(text, *names)]
    mask = tt.mask_tokens(p, spans, tt.target_vader().lexicon)
    return {w for w, m in zip(p.words, mask, strict=True) if m}


# --- masking --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked", "kept"),
    [
        ("National Security Advisor John Bolton met the Turkish envoy.", {"Security"}, set()),
        ("He spoke at the Values Voter Summit in Washington.", {"Values"}, set()),
        ("The bill would repeal parts of the Affordable Care Act.", {"Care"}, set()),
        ("Cuts to health care angered voters.", {"care"}, {"angered"}),
        ("The outgoing director praised the deal.", {"outgoing"}, {"praised"}),
        ("Hope Hicks resigned.", {"Hope"}, {"resigned"}),
        # negative cases: tone words outside names and titles stay
        ("They hope the talks will bring security to the region.", set(), {"hope", "security"}),
        ("Great progress was made.", set(), {"Great", "progress"}),
    ],
)
def test_names_and_titles_with_vader_words_are_masked(parser, text, masked, kept):
    got = masked_words(parser, text)
    assert masked <= got
    assert not kept & got


def test_mentions_themselves_are_masked(parser):
    text = "Justice Kennedy met Erdogan."
    assert {"Justice", "Kennedy", "Erdogan"} <= masked_words(parser, text, "Justice Kennedy", "Erdogan")


def test_masked_title_does_not_give_tone(parser):
    """'National Security Advisor' alone reads positive to VADER; masked it is neutral."""
    text = "National Security Advisor John Bolton met reporters on Tuesday."
    (f,) = features(parser, text, "John Bolton")
    assert SentimentIntensityAnalyzer().polarity_scores(text)["compound"] > 0.05
    assert f["s_comp"] == 0 and f["c_comp"] == 0 and f["d_pos"] == 0


# --- words VADER lacks -------------------------------------------------------------------


@pytest.mark.parametrize(("word", "sign"), [("berated", -1), ("trounced", -1), ("lambasted", -1), ("finest", 1), ("indicted", -1)])
def test_extra_lexicon_scores_words_vader_lacks(word, sign):
    assert word not in SentimentIntensityAnalyzer().lexicon
    assert math.copysign(1, tt.target_vader().lexicon[word]) == sign


def test_extra_lexicon_holds_only_words_vader_lacks():
    stock = SentimentIntensityAnalyzer().lexicon
    extra = tt.load_extra_lexicon()
    assert len(extra) > 50
    assert not set(extra) & set(stock)
    assert all(-4 <= v <= 4 and v != 0 for v in extra.values())


def test_english_sentence_tone_is_unchanged():
    """The extra words live in the target VADER only; the sentence tone's VADER is stock."""
    tt.target_vader()
    res = tone.load_tone_resources()
    text = "The senator berated the finest diplomats."
    row = tone.score_sentences([text], "en", resources=res)[0]
    assert row["tone"] == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert "berated" not in res.vader.lexicon


# --- speaker vs target --------------------------------------------------------------------


def test_speaker_is_kept_apart_from_what_is_said(parser):
    text = "Erdogan said that Washington's sanctions were a disgraceful and hostile attack."
    speaker, target = features(parser, text, "Erdogan", "Washington")
    assert speaker.get("role_speaker") == 1.0
    assert speaker["q_comp"] < -0.5  # what is said is negative ...
    assert speaker["c_comp"] == 0 and speaker["d_neg"] == 0  # ... and not tone toward the speaker
    assert "role_speaker" not in target and target.get("in_speech") == 1.0
    assert target["c_comp"] < -0.5 and target["d_neg"] < 0


@pytest.mark.parametrize(
    "text",
    [
        "According to Lavrov, the American strikes were a shameful failure.",
        "Lavrov told reporters that the American strikes were a shameful failure.",
        "The American strikes were a shameful failure, Lavrov said.",
    ],
)
def test_speaker_forms(parser, text):
    (f,) = features(parser, text, "Lavrov")
    assert f.get("role_speaker") == 1.0
    assert f["d_neg"] == 0 and f["c_comp"] == 0


def test_model_separates_speaker_from_target(parser, model):
    text = "Erdogan said that Washington's sanctions were a disgraceful and hostile attack on Turkey."
    speaker, target = (model.probabilities(f) for f in features(parser, text, "Erdogan", "Washington"))
    assert target[0] > speaker[0]  # P(negative) toward Washington above that toward Erdogan
    assert tt.most_probable(target) == -1


def test_clause_scope_separates_two_targets(parser):
    text = "Putin praised the wise Erdogan, while Biden condemned the corrupt regime in Moscow."
    erdogan, moscow = features(parser, text, "Erdogan", "Moscow")
    assert abs(erdogan["s_comp"]) < 0.1  # the sentence as a whole reads neutral ...
    assert erdogan["c_comp"] > 0.5 and erdogan["l_comp"] > 0.5 and erdogan["d_pos"] > abs(erdogan["d_neg"])
    assert moscow["c_comp"] < -0.5 and moscow["win_comp"] < -0.3 and abs(moscow["d_neg"]) > moscow["d_pos"]


# --- negation -------------------------------------------------------------------------------


def test_negation_flips_nearby_tone(parser):
    (plain,) = features(parser, "Putin praised Erdogan.", "Erdogan")
    (negated,) = features(parser, "Putin did not praise Erdogan.", "Erdogan")
    assert plain["d_pos"] > 0 and plain["d_neg"] == 0
    assert negated["d_neg"] < 0 and negated["d_pos"] == 0
    assert negated.get("clause_negated") == 1.0 and "clause_negated" not in plain
    assert "w:praise:neg" in negated and "w:praised" in plain


# --- the shipped model ------------------------------------------------------------------------


def test_shipped_model_loads_and_predicts(model, parser):
    assert len(model.weights) > 100
    text = "Biden praised the brave and wise Erdogan, while Putin condemned the corrupt and disgraceful Macron."
    erdogan, macron = (model.probabilities(f) for f in features(parser, text, "Erdogan", "Macron"))
    assert math.isclose(sum(erdogan), 1.0) and math.isclose(sum(macron), 1.0)
    assert tt.most_probable(erdogan) == 1 and tt.most_probable(macron) == -1
    figures = model.figures
    for split in ("dev_rw", "dev_mt"):
        assert figures[split]["macro_f1"] > figures[split]["baseline_sentence_vader_macro_f1"]


def test_model_file_holds_no_sentences():
    data = json.loads(tt.MODEL_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"classes", "figures", "intercept", "method", "settings", "weights"}
    assert all(" " not in k for k in data["weights"])  # features, one word each, never text


def test_broken_model_file_is_an_error(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text('{"classes": [0, 1], "weights": {}, "intercept": [0, 0]}', encoding="utf-8")
    with pytest.raises(ToneError, match="cannot be used"):
        tt.load_model(bad)


def test_methods_state_measured_agreement():
    en = tt.METHODS[tt.METHOD_EN]
    assert "macro-F1" in en["agreement"] and "dev_rw" in en["agreement"]
    assert tt.METHODS[tt.METHOD_AR]["language"] == "ar"


# --- English scoring of a sentence list ----------------------------------------------------


def test_only_sentences_naming_someone_are_parsed(parser, model):
    seen: list[str] = []

    class Recording:
        def pipe(self, texts, batch_size=0):
            texts = list(texts)
            seen.extend(texts)
            return parser.pipe(texts, batch_size=batch_size)

    texts = ["Erdogan met Putin in Sochi on Tuesday.", "Talks went well."]
    rows = tt.score_english(texts, [_spans(texts[0], "Erdogan", "Putin"), []], parser=Recording(), model=model)
    assert seen == texts[:1]
    assert len(rows[0]) == 2 and rows[1] == []
    assert all(r["tone_method"] == tt.METHOD_EN and -1 <= r["tone"] <= 1 for r in rows[0])


def test_score_mentions_other_language_and_no_parser_are_missing(model):
    res = tt.TargetResources(None, model, tone.load_tone_resources())
    mention = {"sentence_id": 0, "start": 0, "end": 7}
    for lang in ("en", "fr"):
        (row,) = tt.score_mentions(["Erdogan a critiqué Paris."], [(0, 25)], [mention], lang, resources=res)
        assert row["tone"] is None and row["tone_label"] is None and row["tone_method"] is None


def test_score_mentions_maps_article_offsets(parser, model):
    res = tt.TargetResources(parser, model, tone.load_tone_resources())
    texts = ["Erdogan met Putin.", "Biden praised the brave Erdogan."]
    spans = [(0, 18), (19, 51)]
    mentions = [
        {"sentence_id": 1, "start": 19 + texts[1].index("Erdogan"), "end": 19 + texts[1].index("Erdogan") + 7},
        {"sentence_id": 0, "start": 0, "end": 7},
    ]
    later, first = tt.score_mentions(texts, spans, mentions, "en", resources=res)
    assert first["tone_label"] == 0
    assert later["tone"] > first["tone"] and later["tone_label"] == 1


# --- Arabic --------------------------------------------------------------------------------------

AR = "وقال أردوغان للصحفيين إن العلاقات مع روسيا ممتازة، لكن واشنطن تهدد أنقرة بالعقوبات."


def test_arabic_speaker_scope_excludes_what_is_said():
    scopes = ar_scopes.arabic_scopes(AR, _spans(AR, "أردوغان", "روسيا", "واشنطن"))
    (erdogan, role_e), (russia, role_r), (washington, role_w) = scopes
    assert role_e == "speaker" and "ممتازة" not in erdogan and "تهدد" not in erdogan
    assert role_r == "target" and "ممتازة" in russia and "تهدد" not in russia
    assert role_w == "target" and "تهدد" in washington and "ممتازة" not in washington
    assert all("أردوغان" not in s and "روسيا" not in s for s, _ in scopes)  # mentions masked


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("أكد لافروف أن الضربات الأمريكية فشل ذريع.", "لافروف"),
        ("لافروف قال إن الضربات الأمريكية فشل ذريع.", "لافروف"),
        ("بحسب لافروف، فإن الضربات الأمريكية فشل ذريع.", "لافروف"),
    ],
)
def test_arabic_speaker_forms(text, speaker):
    ((scope, role),) = ar_scopes.arabic_scopes(text, _spans(text, speaker))
    assert role == "speaker" and "فشل" not in scope


def test_arabic_scores_use_the_sentence_tone_scale():
    res = tt.TargetResources(None, tt.load_model(), tone.ToneResources(SentimentIntensityAnalyzer(), ar_tone.load_lexicon(), None))
    spans = _spans(AR, "أردوغان", "روسيا", "واشنطن")
    mentions = [{"sentence_id": 0, "start": s, "end": e} for s, e in spans]
    erdogan, russia, washington = tt.score_mentions([AR], [(0, len(AR))], mentions, "ar", resources=res)
    # The speaker's reporting clause holds no tone word: no tone, as the Arabic
    # sentence tone gives none (missing, never a false neutral).
    assert erdogan == {"tone": None, "tone_label": None, "tone_method": None}
    assert russia["tone_label"] == 1 and washington["tone_label"] == -1
    assert {r["tone_method"] for r in (russia, washington)} == {tt.METHOD_AR}
    (direct,) = tone.score_sentences(["العلاقات مع ممتازة"], "ar", resources=res.tone)
    assert math.isclose(russia["tone"], direct["tone"])


def test_arabic_lone_name_clause_widens_to_sentence():
    text = "التقى أردوغان، الرئيس التركي، بوتين وسط أزمة خطيرة."
    ((scope, role),) = ar_scopes.arabic_scopes(text, _spans(text, "بوتين"))
    assert role == "target" and "أزمة" in scope


# --- seed corpus ---------------------------------------------------------------------------------


def test_seed_mentions_carry_target_tone(seed_corpus):
    m = seed_corpus["mentions"]
    arts = seed_corpus.articles.set_index("article_id")["language"]
    lang = m["article_id"].map(arts)
    en, ar = m[lang == "en"], m[lang == "ar"]
    assert len(en) > 20 and len(ar) > 5
    assert set(en["tone_method"].dropna()) == {tt.METHOD_EN} and en["tone"].notna().mean() > 0.95
    assert set(ar["tone_method"].dropna()) == {tt.METHOD_AR}
    tones = m["tone"].dropna()
    assert tones.between(-1, 1).all()
    assert set(m["tone_label"].dropna().astype(int)) <= {-1, 0, 1}
    assert {-1, 1} <= set(en["tone_label"].dropna().astype(int))  # not all neutral
    labelled = ar.dropna(subset=["tone"])
    assert ((labelled["tone"] >= tone_scale.POSITIVE_THRESHOLD) == (labelled["tone_label"] == 1)).all()
