"""Topics: the taxonomy file, per-sentence matching in English and Arabic, shares."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import schema
from lib.analysis.topics import (
    TAXONOMY_PATH,
    TaxonomyError,
    assign_topics,
    load_taxonomy,
    split_keywords,
    topic_shares,
)
from lib.errors import SchemaError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

REQUIRED_TOPICS = {
    "syria",
    "arms",
    "nato",
    "sanctions",
    "rights",
    "afghanistan",
    "libya",
    "caucasus",
    "eastmed",
    "kurds",
    "refugees",
    "economy",
    "energy",
    "diplomacy",
    "ukraine",
}


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def topics_of(text: str, language: str, tax) -> dict[str, str]:
    return dict(assign_topics([text], language, taxonomy=tax)[0])


# --- the taxonomy file ---------------------------------------------------------------


def test_taxonomy_has_the_required_topics_with_both_languages(tax):
    table = tax.table
    assert list(table.columns) == list(schema.TABLES["topics_taxonomy"])
    assert set(table["topic_id"]) >= REQUIRED_TOPICS
    for row in table.itertuples():
        assert row.label_en and row.label_ar and row.definition, row.topic_id
        assert split_keywords(row.keywords_en) and split_keywords(row.keywords_ar), row.topic_id


def test_taxonomy_is_cached_per_path(tax):
    assert load_taxonomy() is tax
    assert load_taxonomy(TAXONOMY_PATH) is tax
    assert load_taxonomy(str(TAXONOMY_PATH)) is tax


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("NATO|alliance", ["NATO", "alliance"]),
        ("all(?:y|ies)|Kurd", ["all(?:y|ies)", "Kurd"]),
        ("S-?\\s?400| missile ||", ["S-?\\s?400", "missile"]),
        ("[a|b]c|d", ["[a|b]c", "d"]),
        ("", []),
    ],
)
def test_split_keywords_keeps_regex_alternation(cell, expected):
    assert split_keywords(cell) == expected


def _write(tmp_path, rows):
    cols = list(schema.TABLES["topics_taxonomy"])
    path = tmp_path / "topics.csv"
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["x", "X", "س", "d", "S-(400", "سوريا"]], "not a valid regex"),
        ([["x", "X", "س", "d", "a", "سوريا"], ["x", "Y", "ص", "d", "b", "ليبيا"]], "unique"),
        ([["x", "X", "س", "d", "", "سوريا"]], "both English and Arabic"),
    ],
)
def test_bad_taxonomy_is_rejected_with_a_message(tmp_path, rows, message):
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(_write(tmp_path, rows))


def test_missing_taxonomy_file_is_a_taxonomy_error(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot be read"):
        load_taxonomy(tmp_path / "nope.csv")


# --- English matching ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic", "evidence"),
    [
        ("Turkey maintains that the S-400s could be used independently.", "arms", "S-400s"),
        ("Turkey's role as a NATO ally has come under scrutiny.", "nato", "NATO | ally"),
        ("NATO's summit opened.", "nato", "NATO's"),
        ("Gülen lives in Pennsylvania.", "rights", "Gülen"),
        ("Gulen lives in Pennsylvania.", "rights", "Gulen"),
        ("They cited the case of Osman Kavala, imprisoned since 2017.", "rights", "Kavala | imprisoned"),
        ("They did not meet on the sidelines of the UN General Assembly.", "diplomacy", "meet | sidelines | UN General Assembly"),
        ("The UN's envoy arrived.", "diplomacy", "UN's | envoy"),
        ("Trucks carried aid into Idlib.", "refugees", "aid"),
        ("Aid convoys reached Idlib.", "refugees", "Aid convoys"),
        ("Migration and immigration rose.", "refugees", "Migration | immigration"),
        ("They discussed humanitarian aid.", "refugees", "humanitarian aid"),
        ("The strikes hit Hama and Latakia.", "syria", "Hama | Latakia"),
        ("Erdoğan will travel to Russia’s Black Sea coast.", "ukraine", "Black Sea"),
        ("Imports of Russian wheat rose.", "economy", "Imports"),
        ("TurkStream carries Russian gas.", "energy", "TurkStream | gas"),
        ("Talks on Nagorno-Karabakh resumed in Baku.", "caucasus", "Nagorno | Karabakh | Baku"),
        ("Athens protested over the Aegean.", "eastmed", "Aegean"),
        ("the Kurdistan Workers’ Party (PKK)", "kurds", "Kurdistan | PKK"),
        ("He was sanctioned under CAATSA.", "sanctions", "sanctioned | CAATSA"),
        ("The Taliban took Kabul.", "afghanistan", "Taliban | Kabul"),
        ("Haftar's forces withdrew from Tripoli.", "libya", "Haftar's | Tripoli"),
        ("Russia says it is targeting terrorist groups.", "terrorism", "terrorist"),
    ],
)
def test_english_topics(tax, text, topic, evidence):
    assert topics_of(text, "en", tax).get(topic) == evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Erdogan said the talks went well.", "refugees"),  # "aid" inside "said"
        ("Kyiv asked for more military aid.", "refugees"),  # military aid is not humanitarian
        ("The un-American activities committee met.", "afghanistan"),
        ("Hamas officials visited Ankara.", "syria"),  # Hama + s is not Hama
        ("Erdoğan will travel to Russia’s Black Sea resort town.", "ukraine"),
        ("This is an important step.", "economy"),  # import inside important
        ("He said he was a patriot.", "arms"),  # Patriot missiles are capitalised
        ("A rally was held in Istanbul.", "nato"),  # ally inside rally
        ("Vegas casinos reopened.", "energy"),  # gas inside Vegas
        ("The film tells of her addiction and AIDS.", "refugees"),
        ("It was the coup de grâce for the settlers.", "rights"),
        ("I read the polls in terror.", "terrorism"),
        ("She had to leave the clinical trial.", "rights"),
    ],
)
def test_english_false_friends_do_not_match(tax, text, topic):
    assert topic not in topics_of(text, "en", tax)


def test_the_un_must_be_uppercase(tax):
    assert "diplomacy" in topics_of("The UN condemned the strike.", "en", tax)
    assert "diplomacy" not in topics_of("Un jour la guerre finira.", "en", tax)


# --- Arabic matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic", "evidence"),
    [
        ("قرار أنقرة شراء نظام دفاع جوي روسي الصنع", "arms", "دفاع جوي"),
        ("وصلت منظومة الدفاع الجوي", "arms", "منظومة الدفاع"),
        ("نظام الصواريخ الروسي إس -400", "arms", "الصواريخ | إس -400"),
        ("صفقة إس-400 وصفقة S-400", "arms", "إس-400 | S-400"),
        ("صواريخ إس-٤٠٠ الروسية", "arms", "صواريخ | إس-٤٠٠"),
        ("أهمية تركيا كحليف في الناتو", "nato", "كحليف | الناتو"),
        ("بحلف شمال الأطلسي", "nato", "بحلف شمال الأطلسي"),
        ("في حرب العام الماضي في ناجورنو كاراباخ", "caucasus", "ناجورنو | كاراباخ"),
        ("في إقليم ناغورنو كاراباغ", "caucasus", "ناغورنو | كاراباغ"),
        ("والميليشيات الأرمينية والأرمنية", "caucasus", "الأرمينية | والأرمنية"),
        ("عودة اللاجئين السوريين", "refugees", "اللاجئين"),
        ("وإيصال المساعدات الإنسانية إلى الأفغان", "refugees", "المساعدات الإنسانية"),
        ("في اجتماعهم يوم الأحد", "diplomacy", "اجتماعهم"),
        ("على هامش قمة مجموعة العشرين في روما", "diplomacy", "على هامش | قمة | مجموعة العشرين"),
        ("الإفراج عن الناشط عثمان كافالا", "rights", "الناشط | كافالا"),
        ("منظمة غولن الإرهابية", "rights", "غولن"),
        ("منظمة غولن الإرهابية", "terrorism", "الإرهابية"),
        ("وحدات حماية الشعب الكردية", "kurds", "وحدات حماية الشعب | الكردية"),
        ("خط السيل التركي للغاز", "energy", "السيل التركي | للغاز"),
        ("محطة أكويو النووية", "energy", "أكويو"),
        ("محطة آق قويو النووية", "energy", "آق قويو"),
        ("هجمات تنظيم PKK الإرهابي", "kurds", "PKK"),
        ("في البحر الأبيض المتوسط مع اليونان", "eastmed", "البحر الأبيض المتوسط | اليونان"),
        ("وفرضت عقوبات على أنقرة", "sanctions", "عقوبات"),
        ("الحرب في أوكرانيا والبحر الأسود", "ukraine", "أوكرانيا | والبحر الأسود"),
        ("ناقشوا التجارة والاستثمار", "economy", "التجارة | والاستثمار"),
        ("ليبيا وإدلب", "libya", "ليبيا"),
        ("ليبيا وإدلب", "syria", "وإدلب"),
        ("سيطرة طالبان على كابول", "afghanistan", "طالبان | كابول"),
    ],
)
def test_arabic_topics(tax, text, topic, evidence):
    assert topics_of(text, "ar", tax).get(topic) == evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("فاز في الحلبة", "syria"),  # حلب inside الحلبة
        ("قال الأمين العام", "diplomacy"),
        ("وقال مسؤول أمريكي للصحفيين", "diplomacy"),
        ("أهمية اجتماعية كبيرة", "diplomacy"),  # اجتماعي "social" is not اجتماع "meeting"
        ("تناول الطعام", "economy"),
        ("دفع ببطاقة ائتمان", "energy"),  # بطاقة "card" is ب + طاقة
        ("سرت شائعات في المدينة", "libya"),  # سرت "spread", not Sirte
        ("حماة البيئة", "syria"),  # حماة "protectors", not Hama
        ("نظير خدماته", "diplomacy"),  # نظير "in return for", not "counterpart"
    ],
)
def test_arabic_false_friends_do_not_match(tax, text, topic):
    assert topic not in topics_of(text, "ar", tax)


def test_diacritics_and_tatweel_are_ignored_and_evidence_stays_verbatim(tax):
    text = "زار سُورِيَا وحلـــب"
    got = topics_of(text, "ar", tax)
    assert got["syria"] == "سُورِيَا | وحلـــب"


@pytest.mark.parametrize("language", ["fr", "tr", "und", ""])
def test_other_languages_get_no_topics(tax, language):
    assert assign_topics(["NATO and Syria", "الناتو"], language, taxonomy=tax) == [[], []]


def test_a_sentence_may_carry_several_topics(tax):
    got = topics_of("The two leaders also plan to discuss regional issues involving Syria and Libya.", "en", tax)
    assert {"syria", "libya"} <= set(got)


# --- the seeds --------------------------------------------------------------------------


def _simple_sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        out += [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", line) if s.strip()]
    return out


SEED_TOPICS = {
    "000": ("en", {"arms", "nato", "syria", "libya", "rights", "afghanistan", "diplomacy", "sanctions", "kurds"}),
    "001": (
        "ar",
        {"arms", "rights", "nato", "diplomacy", "economy", "syria", "libya", "afghanistan", "caucasus", "eastmed", "refugees"},
    ),
    "002": ("en", {"syria", "arms", "nato", "sanctions", "diplomacy"}),
    "003": ("en", {"syria", "afghanistan", "libya", "economy", "refugees", "arms", "sanctions", "diplomacy", "terrorism"}),
    "004": ("en", {"syria", "libya", "caucasus", "kurds", "arms", "sanctions", "economy", "diplomacy"}),
}


@pytest.mark.parametrize("prefix", sorted(SEED_TOPICS))
def test_seed_articles_carry_their_topics(tax, prefix):
    language, expected = SEED_TOPICS[prefix]
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    sentences = _simple_sentences(text)
    found = assign_topics(sentences, language, taxonomy=tax)
    assert expected <= {t for per in found for t, _ in per}
    for sentence, per in zip(sentences, found, strict=True):
        for _, evidence in per:
            assert all(piece in sentence for piece in evidence.split(" | "))


def test_no_ukraine_topic_in_the_us_turkey_seed(tax):
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    found = assign_topics(_simple_sentences(text), "en", taxonomy=tax)
    assert "ukraine" not in {t for per in found for t, _ in per}


# --- properties ---------------------------------------------------------------------------

_VOCAB = [
    "S-400",
    "NATO's",
    "said",
    "aid",
    "Gülen",
    "UN",
    "un",
    "Syria",
    "الناتو",
    "إس -400",
    "لناشط",
    "اللاجئين",
    "سُورِيَا",
    "حلـــب",
    " ",
    ",",
    "،",
    "ـ",
    "\u064e",
]
_texts = st.lists(st.one_of(st.sampled_from(_VOCAB), st.text(max_size=8)), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_texts, max_size=4), st.sampled_from(["en", "ar"]))
def test_every_evidence_piece_is_in_its_sentence(texts, language):
    tax = load_taxonomy()
    found = assign_topics(texts, language, taxonomy=tax)
    assert len(found) == len(texts)
    for text, per in zip(texts, found, strict=True):
        assert len({t for t, _ in per}) == len(per)
        for topic_id, evidence in per:
            assert topic_id in tax.topic_ids
            for piece in evidence.split(" | "):
                assert piece and piece in text


@settings(max_examples=100, deadline=None)
@given(st.text(), st.sampled_from(["en", "ar", "fr"]))
def test_any_text_is_accepted(text, language):
    assign_topics([text], language, taxonomy=load_taxonomy())


# --- shares -------------------------------------------------------------------------------


def _sentences(article_id: str, n: int) -> list[dict]:
    return [{"article_id": article_id, "sentence_id": i} for i in range(n)]


@pytest.mark.parametrize(
    ("tagged", "sentences", "expected"),
    [
        # one article, 4 sentences; syria in two of them (once twice), arms in one
        (
            [("a", 0, "syria"), ("a", 0, "syria"), ("a", 2, "syria"), ("a", 3, "arms")],
            _sentences("a", 4),
            {("a", "syria"): (2, 0.5), ("a", "arms"): (1, 0.25)},
        ),
        # every sentence carries the topic
        ([("b", 0, "nato"), ("b", 1, "nato")], _sentences("b", 2), {("b", "nato"): (2, 1.0)}),
        # two articles, each its own denominator
        (
            [("a", 0, "nato"), ("b", 0, "nato")],
            _sentences("a", 2) + _sentences("b", 5),
            {("a", "nato"): (1, 0.5), ("b", "nato"): (1, 0.2)},
        ),
    ],
)
def test_topic_shares(tagged, sentences, expected):
    st_df = pd.DataFrame(tagged, columns=["article_id", "sentence_id", "topic_id"]).assign(evidence="x")
    out = topic_shares(st_df, pd.DataFrame(sentences))
    assert list(out.columns) == list(schema.TABLES["topics"])
    got = {(r.article_id, r.topic_id): (r.n_sentences, r.share) for r in out.itertuples()}
    assert got.keys() == expected.keys()
    for key, (n, share) in expected.items():
        assert got[key][0] == n
        assert got[key][1] == pytest.approx(share)


def test_topic_shares_of_nothing_is_an_empty_table():
    out = topic_shares(schema.empty("sentence_topics"), pd.DataFrame(_sentences("a", 3)))
    assert out.empty
    assert list(out.columns) == list(schema.TABLES["topics"])


def test_topic_rows_for_unknown_sentences_are_an_error():
    tagged = pd.DataFrame([("a", 7, "nato", "NATO")], columns=["article_id", "sentence_id", "topic_id", "evidence"])
    with pytest.raises(SchemaError, match="missing from sentences"):
        topic_shares(tagged, pd.DataFrame(_sentences("a", 3)))


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.tuples(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["nato", "arms"])), max_size=20)),
        min_size=1,
    )
)
def test_shares_lie_in_0_1(articles):
    sentences, tagged = [], []
    for aid, (n, tags) in articles.items():
        sentences += _sentences(aid, n)
        tagged += [(aid, i % n, t, "ev") for i, t in tags]
    st_df = pd.DataFrame(tagged, columns=["article_id", "sentence_id", "topic_id", "evidence"])
    out = topic_shares(st_df, pd.DataFrame(sentences))
    assert ((out["share"] > 0) & (out["share"] <= 1)).all()
    assert (out["n_sentences"] >= 1).all()
    assert not out.duplicated(["article_id", "topic_id"]).any()


def test_the_taxonomy_table_read_for_pages_is_the_compiled_taxonomys_table(tmp_path):
    from lib.analysis.topics import TaxonomyError, load_taxonomy_table

    pd.testing.assert_frame_equal(load_taxonomy_table(), load_taxonomy().table)  # the snapshot key depends on it
    with pytest.raises(TaxonomyError, match="cannot be read"):
        load_taxonomy_table(tmp_path / "missing.csv")
