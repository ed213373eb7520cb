"""Quotes: who speaks, in English and Arabic, on seed sentences and edge cases.

Mentions are built by hand (``M``), as the entity matcher would give them, so
these tests do not depend on the gazetteer.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.analysis.quotes import extract_quotes
from lib.analysis.quotes.speech import Span, clean_quote, nationality, quote_spans

ROW_KEYS = {"sentence_index", "speaker", "speaker_entity_id", "affiliation", "anonymous", "quote", "kind"}


def M(text: str, surface: str, entity_id: str, type_: str = "person", affiliation: str | None = None, nth: int = 0) -> dict:
    """A mention of ``surface`` in ``text`` (the ``nth`` occurrence)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    if affiliation is None and type_ == "country":
        affiliation = entity_id
    return {
        "entity_id": entity_id,
        "surface": surface,
        "start": start,
        "end": start + len(surface),
        "type": type_,
        "affiliation": affiliation,
        "canonical": True,
    }


def run(sentences: list[str], language: str = "en", mentions: dict[int, list[tuple]] | None = None) -> list[dict]:
    """Extract quotes; ``mentions`` maps sentence index -> [(surface, id, type, affiliation), ...]."""
    per = [[M(s, *spec) for spec in (mentions or {}).get(i, [])] for i, s in enumerate(sentences)]
    rows = extract_quotes(sentences, language, mentions=per)
    for r in rows:
        assert set(r) == ROW_KEYS
        assert r["kind"] in {"direct", "reported"}
        assert r["quote"] and r["speaker"]
    return rows


def brief(rows: list[dict]) -> list[tuple]:
    return [(r["sentence_index"], r["speaker_entity_id"], r["affiliation"], r["anonymous"], r["kind"]) for r in rows]


# --- quotation marks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "carried", "inner", "open_at_end"),
    [
        ("“We are abiding,” he said.", False, ["We are abiding,"], False),
        ('"Yes," he said.', False, ["Yes,"], False),
        ("Turkey’s role and the rebels’ arms", False, [], False),  # apostrophes are not quotes
        ("We’ve been trying", False, [], False),
        ("'Russia should abide by the deal'", False, ["Russia should abide by the deal"], False),
        ("looking to ‘normalize’ ties", False, ["normalize"], False),
        ("“He said ‘no’ twice,” she added.", False, ["He said ‘no’ twice,"], False),  # nested: one top-level span
        ("“Erdogan wants Putin to reign.", False, ["Erdogan wants Putin to reign."], True),
        ("forces,” Vaessen said.", True, ["forces,"], False),
        ("still inside the quote", True, ["still inside the quote"], True),
        ("أشار إلى أن 'الرئيس بايدن أكد رغبته'.", False, ["الرئيس بايدن أكد رغبته"], False),
        ("وقال «لا» مرتين", False, ["لا"], False),
    ],
)
def test_quote_spans(text, carried, inner, open_at_end):
    spans, still_open = quote_spans(text, carried=carried)
    assert [s.inner(text) for s in spans] == inner
    assert still_open is open_at_end
    assert all(isinstance(s, Span) for s in spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  the talks went well.  ", "the talks went well"),
        ("“We are abiding,”", "We are abiding"),
        ('المحادثات جرت في جو "إيجابي للغاية".', 'المحادثات جرت في جو "إيجابي للغاية"'),
        ("months.”", "months"),
    ],
)
def test_clean_quote(text, expected):
    assert clean_quote(text) == expected


@pytest.mark.parametrize(
    ("text", "language", "country"),
    [
        ("a senior US administration official", "en", "united-states"),
        ("a senior U.S. official", "en", "united-states"),
        ("a Turkish official", "en", "turkey"),
        ("Kremlin sources", "en", "russia"),
        ("an official", "en", None),
        ("مسؤول أمريكي", "ar", "united-states"),
        ("مسؤول أميركي", "ar", "united-states"),
        ("مسؤول تركي لم يذكر اسمه", "ar", "turkey"),
        ("وسائل الاعلام التركية", "ar", "turkey"),
        ("مصادر روسية", "ar", "russia"),
        ("مصادر مطلعة", "ar", None),
    ],
)
def test_nationality_of_a_described_source(text, language, country):
    assert nationality(text, language) == country


# --- English seeds ---------------------------------------------------------------------

S000_OFFICIAL = (
    "The two leaders also plan to discuss regional issues involving Syria and Libya, a senior US administration official said on Saturday."
)
S000_ANONYMITY = "The official insisted on anonymity to discuss the upcoming conversation between Biden and Erdogan."
S000_RALLY = (
    "Erdogan said at a rally on October 23 that 10 foreign ambassadors who called for the release of a jailed "
    "philanthropist should be declared persona non grata."
)
S000_HONESTLY = (
    "I cannot honestly say that there is a healthy process in Turkish-US relations, Erdogan said in September, "
    "according to the official Anadolu news agency, citing Erdogan."
)
S000_CAPTION = (
    "Then-US Vice President Joe Biden and Turkish President Recep Tayyip Erdogan shake hands after a meeting in Ankara, "
    "Turkey on Wednesday, August 24, 2016 (Kayhan Ozer, Presidential Press Service Pool via AP) The Turkish president "
    "said he was open to purchasing a second Russian missile defense system, despite controversy over his 2017 "
    "agreement to acquire the Russian-made S-400 system."
)
S000_CBS = "In an interview with CBS News in September, Erdogan said Turkey had not had the opportunity to purchase American-made Patriot missiles."
S000_HE = "He also said the United States did not deliver F-35 stealth planes despite a payment of $ 1.4 billion."
S000_AND_SAYS = "The United States strongly opposes the use of Russian systems in NATO and says it poses a threat to the F-35s."


def test_seed_000_anonymous_us_official():
    rows = run([S000_OFFICIAL], mentions={0: [("US", "united-states", "country")]})
    assert brief(rows) == [(0, None, "united-states", True, "reported")]
    assert rows[0]["speaker"] == "a senior US administration official"
    assert rows[0]["quote"] == "The two leaders also plan to discuss regional issues involving Syria and Libya"


def test_seed_000_anonymous_official_without_mentions():
    (row,) = run([S000_OFFICIAL])
    assert (row["affiliation"], row["anonymous"]) == ("united-states", True)


def test_seed_000_erdogan_quotes():
    sentences = [S000_OFFICIAL, S000_ANONYMITY, S000_RALLY, S000_HONESTLY]
    mentions = {
        1: [("Biden", "biden", "person", "united-states"), ("Erdogan", "erdogan", "person", "turkey")],
        2: [("Erdogan", "erdogan", "person", "turkey")],
        3: [("Erdogan", "erdogan", "person", "turkey"), ("Anadolu news agency", "anadolu-agency", "organisation", "turkey")],
    }
    rows = run(sentences, mentions=mentions)
    assert brief(rows) == [
        (0, None, "united-states", True, "reported"),
        (2, "erdogan", "turkey", False, "reported"),
        (3, "erdogan", "turkey", False, "reported"),  # "according to Anadolu" is a relay, not a second speaker
    ]
    assert rows[1]["quote"].startswith("10 foreign ambassadors who called")
    assert rows[2]["quote"] == "I cannot honestly say that there is a healthy process in Turkish-US relations"


def test_seed_000_the_turkish_president_and_he():
    sentences = [S000_CAPTION, S000_CBS, S000_HE, S000_AND_SAYS]
    mentions = {
        0: [("Joe Biden", "biden", "person", "united-states"), ("Recep Tayyip Erdogan", "erdogan", "person", "turkey")],
        1: [("CBS News", "cbs-news", "organisation", "united-states"), ("Erdogan", "erdogan", "person", "turkey")],
        2: [("United States", "united-states", "country")],
        3: [("United States", "united-states", "country"), ("NATO", "nato", "organisation", None)],
    }
    rows = run(sentences, mentions=mentions)
    assert brief(rows) == [
        (0, "erdogan", "turkey", False, "reported"),  # "The Turkish president" -> the person introduced with that title
        (1, "erdogan", "turkey", False, "reported"),
        (2, "erdogan", "turkey", False, "reported"),  # "He also said"
        (3, "united-states", "united-states", False, "reported"),  # "… and says"
    ]
    assert rows[0]["speaker"] == "The Turkish president"
    assert rows[3]["quote"] == "it poses a threat to the F-35s"


S003 = [
    "Turkey has been urging Russia for the full implementation of the March deal.",
    "“We are abiding by the principles under this agreement,” Defense Minister Hulusi Akar said at a meeting on late "
    "Sept. 27, reiterating that Ankara has been fulfilling its duties in regard to the deal.",
    "“But there was recently an increase in the number of aerial attacks.",
    "We told [Russians] that it was not in accordance with the memorandum of understanding.",
    "Initiatives concerning this issue continue at all levels,” he stressed.",
    "He said Russia should also abide by the March 2020 deal.",
]
S003_MENTIONS = {
    0: [("Turkey", "turkey", "country"), ("Russia", "russia", "country")],
    1: [("Hulusi Akar", "akar", "person", "turkey"), ("Ankara", "turkey", "country")],
    3: [("Russians", "russia", "country")],
    5: [("Russia", "russia", "country")],
}


def test_seed_003_akar_direct_reported_and_he_stressed():
    rows = run(S003, mentions=S003_MENTIONS)
    assert brief(rows) == [
        (1, "akar", "turkey", False, "direct"),
        (1, "akar", "turkey", False, "reported"),
        (4, "akar", "turkey", False, "direct"),
        (5, "akar", "turkey", False, "reported"),
    ]
    assert rows[0]["speaker"] == "Defense Minister Hulusi Akar"
    assert rows[0]["quote"] == "We are abiding by the principles under this agreement"
    assert rows[1]["quote"] == "Ankara has been fulfilling its duties in regard to the deal"
    # a quotation over three sentences is one row, on the sentence that attributes it
    assert rows[2]["quote"].startswith("But there was recently an increase")
    assert rows[2]["quote"].endswith("continue at all levels")
    assert rows[3]["quote"] == "Russia should also abide by the March 2020 deal"


S003_LATER = [
    "Akar defied the Russian criticisms by saying, “There are no terrorists among those who died or fled as a result of these attacks.",
    "We’ve been trying to explain this for months.”",
    "These attacks will lead to the radicalization of people in the province, the defense minister said, adding, "
    "“The continuation of ceasefire and stability is very important.”",
]


def test_seed_003_by_saying_and_the_defense_minister():
    sentences = [S003[1], *S003_LATER]
    mentions = {0: S003_MENTIONS[1], 1: [("Akar", "akar", "person", "turkey")]}
    rows = run(sentences, mentions=mentions)
    assert brief(rows) == [
        (0, "akar", "turkey", False, "direct"),
        (0, "akar", "turkey", False, "reported"),
        (1, "akar", "turkey", False, "direct"),
        (3, "akar", "turkey", False, "reported"),
        (3, "akar", "turkey", False, "direct"),
    ]
    assert rows[2]["quote"].endswith("trying to explain this for months")
    assert rows[3]["speaker"] == "the defense minister"
    assert rows[4]["quote"] == "The continuation of ceasefire and stability is very important"


S003_PESKOV = [
    "According to Kremlin, Erdoğan and Putin will also exchange views on the developments in Afghanistan following the "
    "Taliban’s takeover of the control in the country and Libya, which is going to hold critical elections in late December 2021.",
    "Dimitri Peskov, Kremlin’s spokesman, stressed that the presidents will talk about the economic relationship after "
    "discussing the regional issues.",
    "“Because, indeed, there are many common things in terms of bilateral relations, work on joint projects in the field "
    "of economics, trade and economic relations, there are many operators of these relations,” he said on Sept. 27.",
    "“Companies of the two countries are interested in this.",
    "Therefore, the presidents always discuss this,” Peskov added.",
]


def test_seed_003_kremlin_and_peskov():
    mentions = {
        0: [
            ("Kremlin", "kremlin", "organisation", "russia"),
            ("Erdoğan", "erdogan", "person", "turkey"),
            ("Putin", "putin", "person", "russia"),
        ],
        1: [("Dimitri Peskov", "peskov", "person", "russia"), ("Kremlin", "kremlin", "organisation", "russia")],
        4: [("Peskov", "peskov", "person", "russia")],
    }
    rows = run(S003_PESKOV, mentions=mentions)
    assert brief(rows) == [
        (0, "kremlin", "russia", False, "reported"),
        (1, "peskov", "russia", False, "reported"),
        (2, "peskov", "russia", False, "direct"),
        (4, "peskov", "russia", False, "direct"),
    ]
    assert rows[1]["speaker"] == "Dimitri Peskov"
    assert rows[1]["quote"].startswith("the presidents will talk about the economic relationship")
    assert rows[3]["quote"] == "Companies of the two countries are interested in this. Therefore, the presidents always discuss this"


S002 = [
    "Both countries are unhappy with their policy regarding Syria, Al Jazeera’s Step Vaessen said",
    "“Erdogan wants Putin to reign in the Syrian forces.",
    "President Putin’s spokesperson said he understands the concerns of Erdogan but said he’s also very worried about the "
    "movements of the rebels against Russian forces,” Vaessen said.",
    "Turkey has been a vocal opponent of Syrian President Bashar al-Assad and backs rebels fighting for his removal.",
    "“Russia is kind of impatient with how Turkey has responded since that deal that was signed a year ago in Sochi where "
    "they promised to reign in the rebels,” she added.",
    "The US has said the S-400 system will not integrate into existing NATO systems and has threatened Turkey with "
    "sanctions because of the purchase.",
]


def test_seed_002_vaessen_and_she_added():
    mentions = {
        0: [
            ("Syria", "syria", "country"),
            ("Al Jazeera", "al-jazeera", "organisation", "qatar"),
            ("Step Vaessen", "vaessen", "person", "qatar"),
        ],
        1: [("Erdogan", "erdogan", "person", "turkey"), ("Putin", "putin", "person", "russia")],
        2: [("Putin", "putin", "person", "russia"), ("Erdogan", "erdogan", "person", "turkey"), ("Vaessen", "vaessen", "person", "qatar")],
        3: [("Turkey", "turkey", "country"), ("Bashar al-Assad", "assad", "person", "syria")],
        5: [("US", "united-states", "country"), ("Turkey", "turkey", "country")],
    }
    rows = run(S002, mentions=mentions)
    assert brief(rows) == [
        (0, "vaessen", "qatar", False, "reported"),
        (2, "vaessen", "qatar", False, "direct"),  # "President Putin’s spokesperson said" is inside her quote
        (4, "vaessen", "qatar", False, "direct"),  # "she added": the last speaker, not Assad
        (5, "united-states", "united-states", False, "reported"),
    ]
    assert rows[0]["speaker"] == "Al Jazeera’s Step Vaessen"
    assert rows[1]["quote"].startswith("Erdogan wants Putin to reign in the Syrian forces. President Putin’s spokesperson said")


S004_SEJARI = (
    "Mustafa Sejari, a member of the Leadership Council of the Syrian Front for Liberation, said that the bombing is an "
    "indication of Russia’s persistence in targeting and striking Syrian national forces."
)
S004_ANNOUNCED = (
    "Turkish President Recep Tayyip Erdogan announced four days ago that his country will continue to purchase S-400 "
    "missile systems from Russia, despite American threats to impose economic sanctions."
)


@pytest.mark.parametrize(
    ("sentence", "mentions", "speaker", "entity_id", "quote_start"),
    [
        (S004_SEJARI, [("Mustafa Sejari", "sejari", "person", "syria")], "Mustafa Sejari", "sejari", "the bombing is"),
        (S004_SEJARI, [], "Mustafa Sejari", None, "the bombing is"),  # a name the matcher missed
        (
            S004_ANNOUNCED,
            [("Recep Tayyip Erdogan", "erdogan", "person", "turkey")],
            "Turkish President Recep Tayyip Erdogan",
            "erdogan",
            "his country",
        ),
        (
            "Russia says it is targeting terrorist groups in the enclave.",
            [("Russia", "russia", "country")],
            "Russia",
            "russia",
            "it is targeting",
        ),
        ("“Yes,” said Erdogan.", [("Erdogan", "erdogan", "person", "turkey")], "Erdogan", "erdogan", "Yes"),
        ("“Yes,” said Erdogan on Monday.", [("Erdogan", "erdogan", "person", "turkey")], "Erdogan", "erdogan", "Yes"),
        ("“No,” said a Turkish official in Ankara.", [], "a Turkish official", None, "No"),
        ("Erdogan told reporters that the deal was done.", [("Erdogan", "erdogan", "person", "turkey")], "Erdogan", "erdogan", "the deal"),
        ("Cavusoglu told Anadolu: “We will not step back.”", [], "Cavusoglu", None, "We will not"),
        ("Lavrov was quoted as saying the talks were useful.", [], "Lavrov", None, "the talks"),
        ("The talks were useful, according to a Kremlin source.", [], "a Kremlin source", None, "The talks were useful"),
        ("According to Parker, Russian agents are active in Britain.", [], "Parker", None, "Russian agents"),
        ("“There was no consultation,” said Ms. Gillard.", [], "Ms. Gillard", None, "There was no consultation"),
        ("There was a time, Mr Panvalkar said, when he felt they should leave.", [], "Mr Panvalkar", None, "There was a time when he felt"),
        (
            "A police spokesman told the Associated Press there was an exchange of words.",
            [],
            "A police spokesman",
            None,
            "there was an exchange",
        ),
    ],
)
def test_english_attribution_patterns(sentence, mentions, speaker, entity_id, quote_start):
    (row,) = run([sentence], mentions={0: mentions})
    assert (row["speaker"], row["speaker_entity_id"]) == (speaker, entity_id)
    assert row["quote"].startswith(quote_start)


@pytest.mark.parametrize(
    "sentences",
    [
        ["The said agreement was signed in Sochi."],  # "said" as an adjective
        ["Iranian negotiator Said Jalili arrived in Ankara."],  # a name
        ["It is said that Ankara will buy more jets."],  # passive, no speaker
        ["Erdogan was said to be furious."],
        [S000_ANONYMITY],  # "insisted on anonymity" is not speech
        ["During the visit, Erdogan stressed the importance of relations between the two countries."],
        ["Turkey is expected to receive the second batch of S-400 on Tuesday."],  # no cue
        ["'Russia should abide by the deal'"],  # a headline in quotes
        ["Queen Elizabeth looking to ‘normalize’ her relationship with Harry and Meghan"],  # scare quotes
        ["“The agreement to supply the Russian S-400 missile defense system to Turkey was signed in December 2017.”"],
        ["“Good,” he said."],  # a pronoun with no one to refer to
        ["Meanwhile, Erdogan said."],  # nothing reported
        ["What she’s saying and what she’s doing, it’s unbelievable."],  # "saying" not after a comma or "by"
        ["According to Christian belief, the grave was the resting place of Jesus."],  # not a source
        ["The association that represents real estate agents in Ontario says more needs to be done."],  # not "Ontario"
        [""],
    ],
)
def test_english_sentences_without_quotes(sentences):
    assert run(sentences) == []


def test_pronoun_window_is_limited():
    sentences = ["Akar spoke in Ankara.", "Troops moved.", "Jets flew.", "Tanks rolled.", "Ships sailed.", "He said the truce holds."]
    assert run(sentences, mentions={0: [("Akar", "akar", "person", "turkey")]}) == []
    near = ["Akar spoke in Ankara.", "Troops moved.", "He said the truce holds."]
    assert brief(run(near, mentions={0: [("Akar", "akar", "person", "turkey")]})) == [(2, "akar", "turkey", False, "reported")]


# --- Arabic seed 001 -------------------------------------------------------------------

A001 = [
    "توترت العلاقات التركية الأمريكية بسبب قضايا تتراوح بين قرار أنقرة شراء نظام دفاع جوي روسي الصنع، إلى الاحتجاز المطول لناشط حقوقي تركي مؤخرا.",
    "وقال مسؤول أمريكي للصحفيين إن الرئيس الأمريكي جو بايدن سينقل إلى الرئيس التركي رجب طيب أردوغان حاجة بلده إلى تجنب إجراء متسرع يمكن أن يلحق المزيد من الضرر بالعلاقات.",
    "وأفادت وسائل الاعلام التركية أن الرئيس الأمريكي جو بايدن والرئيس التركي رجب طيب أردوغان اتفقا على إنشاء آلية لتعزيز وتحسين العلاقات الثنائية بين حلفاء الناتو.",
    "وأجرى القادة محادثات اليوم الأحد، على هامش قمة مجموعة العشرين في روما ، حيث قيل إنهم ناقشوا مجموعة من القضايا ، بما في ذلك التجارة وتغير المناخ والشراكة الاستراتيجية بين البلدين وداخل الناتو.",
    "وأصدر البيت الأبيض ملخصًا موجزًا للمحادثة، أشار فيه إلى أن 'الرئيس بايدن أكد رغبته في الحفاظ على علاقات بناءة ، وتوسيع مجالات التعاون ، وإدارة خلافاتنا بشكل فعال'.",
    "و شدد على أهمية المؤسسات الديمقراطية القوية واحترام حقوق الإنسان وسيادة القانون من أجل السلام والازدهار .",
    'وقال مسؤول تركي لم يذكر اسمه إن المحادثات بين أردوغان وبايدن جرت في جو "إيجابي للغاية".',
    'وأعلن أردوغان عن أن الخلاف حول السفراء "تم حله" بعد أن تعهدت سفارات الدول المتضررة بعدم التدخل في إجراءات النظام القانوني التركي.',
    "وقال مسؤول أمريكي لم يذكر اسمه للصحفيين إن بايدن سيحذر نظيره التركي في اجتماعهم يوم الأحد من اتخاذ أي خطوات أخرى مثل تلك المتعلقة بحادثة كافالا التي قد تضر بالعلاقات بين الحلفاء.",
]
A001_MENTIONS = {
    1: [
        ("أمريكي", "united-states", "country"),
        ("جو بايدن", "biden", "person", "united-states"),
        ("رجب طيب أردوغان", "erdogan", "person", "turkey"),
    ],
    2: [("التركية", "turkey", "country"), ("جو بايدن", "biden", "person", "united-states")],
    4: [("البيت الأبيض", "white-house", "organisation", "united-states"), ("بايدن", "biden", "person", "united-states")],
    6: [("تركي", "turkey", "country"), ("أردوغان", "erdogan", "person", "turkey")],
    7: [("أردوغان", "erdogan", "person", "turkey")],
    8: [("أمريكي", "united-states", "country"), ("بايدن", "biden", "person", "united-states")],
}


def test_seed_001_arabic_quotes():
    rows = run(A001, "ar", A001_MENTIONS)
    assert brief(rows) == [
        (1, None, "united-states", True, "reported"),
        (2, None, "turkey", True, "reported"),
        (4, "white-house", "united-states", False, "direct"),
        (6, None, "turkey", True, "reported"),
        (7, "erdogan", "turkey", False, "reported"),
        (8, None, "united-states", True, "reported"),
    ]
    by = {r["sentence_index"]: r for r in rows}
    assert by[1]["speaker"] == "مسؤول أمريكي"
    assert by[1]["quote"].startswith("الرئيس الأمريكي جو بايدن سينقل")
    assert by[2]["speaker"] == "وسائل الاعلام التركية"
    assert by[4]["quote"].startswith("الرئيس بايدن أكد رغبته")  # the verb inside the quotation is not a second quote
    assert by[6]["speaker"] == "مسؤول تركي"
    assert by[6]["quote"] == 'المحادثات بين أردوغان وبايدن جرت في جو "إيجابي للغاية"'
    assert by[8]["speaker"] == "مسؤول أمريكي"


def test_seed_001_arabic_quotes_without_mentions():
    rows = run(A001, "ar")
    assert [(r["sentence_index"], r["speaker"], r["affiliation"], r["anonymous"]) for r in rows] == [
        (1, "مسؤول أمريكي", "united-states", True),
        (2, "وسائل الاعلام التركية", "turkey", True),
        (6, "مسؤول تركي", "turkey", True),
        (7, "أردوغان", None, False),
        (8, "مسؤول أمريكي", "united-states", True),
    ]  # "أشار فيه" needs the White House mention to know who "it" is


@pytest.mark.parametrize(
    ("sentences", "mentions", "expected"),
    [
        # pro-drop: "وأضاف أن" continues the last speaker
        (
            ["وقال أردوغان إن العلاقات جيدة.", "وأضاف أن المحادثات ستستمر."],
            {0: [("أردوغان", "erdogan", "person", "turkey")]},
            [(0, "erdogan", "turkey", False, "reported"), (1, "erdogan", "turkey", False, "reported")],
        ),
        # a direct quotation after a colon
        (
            [
                "وقال بيسكوف للصحفيين: «الرئيسان سيناقشان الاقتصاد».",
            ],
            {0: [("بيسكوف", "peskov", "person", "russia")]},
            [(0, "peskov", "russia", False, "direct")],
        ),
        # a quotation over two sentences, attributed before it opens
        (
            ['وقال أردوغان: "نحن ملتزمون بالاتفاق.', 'وسنواصل العمل معا".', "وأضاف أن الحوار مستمر."],
            {0: [("أردوغان", "erdogan", "person", "turkey")]},
            [(0, "erdogan", "turkey", False, "direct"), (2, "erdogan", "turkey", False, "reported")],
        ),
        # "according to"
        (
            ["ستعقد القمة في سوتشي الأسبوع المقبل، بحسب الكرملين."],
            {0: [("الكرملين", "kremlin", "organisation", "russia")]},
            [(0, "kremlin", "russia", False, "reported")],
        ),
        # a named role with a nisba
        (
            ["وقال وزير الخارجية الروسي سيرغي لافروف إن الحوار مستمر."],
            {0: [("الروسي", "russia", "country"), ("سيرغي لافروف", "lavrov", "person", "russia")]},
            [(0, "lavrov", "russia", False, "reported")],
        ),
        # an adverb is not a speaker: "قال أيضاً أن" continues the last speaker
        (
            ["قال مايكل فالون إن الاستثمار سيزيد.", "وقال أيضاً أن الوظائف ستبقى."],
            {0: [("مايكل فالون", "ner:ar:fallon", "person", None)]},
            [(0, "ner:ar:fallon", None, False, "reported"), (1, "ner:ar:fallon", None, False, "reported")],
        ),
        # "حسب قوله": according to the last speaker
        (
            ["وقال أردوغان إن العلاقات جيدة.", "والمحادثات ستستمر حسب قوله."],
            {0: [("أردوغان", "erdogan", "person", "turkey")]},
            [(0, "erdogan", "turkey", False, "reported"), (1, "erdogan", "turkey", False, "reported")],
        ),
        # sources that ask not to be named
        (
            ["وقالت مصادر دبلوماسية طلبت عدم الكشف عن هويتها إن الاتفاق قريب."],
            {},
            [(0, None, None, True, "reported")],
        ),
    ],
)
def test_arabic_attribution_patterns(sentences, mentions, expected):
    assert brief(run(sentences, "ar", mentions)) == expected


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("أشار العديد من المحللين أن هواوي في موقع مثالي.", "العديد من المحللين"),
        ('قال فيديريكو فيليني ذات مرة: "المهرج كالظل".', "فيديريكو فيليني"),
        ('قال لبرنامج آندرو مار: "آخر ما تريده الحكومة هو الانتخابات".', None),  # an addressee, no speaker
    ],
)
def test_arabic_speaker_phrase_boundaries(sentence, speaker):
    rows = run([sentence], "ar")
    assert [r["speaker"] for r in rows] == ([speaker] if speaker else [])


def test_arabic_quotation_over_two_sentences_is_one_row():
    rows = run(['وقال أردوغان: "نحن ملتزمون بالاتفاق.', 'وسنواصل العمل معا".'], "ar")
    assert [r["quote"] for r in rows] == ["نحن ملتزمون بالاتفاق. وسنواصل العمل معا"]


@pytest.mark.parametrize(
    "sentence",
    [
        A001[0],  # no speech verb
        A001[3],  # "حيث قيل إنهم" — passive, no speaker
        A001[5],  # "شدد على أهمية" — not speech
        "وقال",
        "مقال عن العلاقات التركية الروسية.",  # قال inside مقال
        "يؤكد إحياؤها استئناف التحدي الكبير, تحدٍ فني أو غير ذلك: إزعاج ونمو وارتباطٌ ذو مغزى.",  # a colon opening a list
        "",
    ],
)
def test_arabic_sentences_without_quotes(sentence):
    assert run([sentence], "ar") == []


# --- input checks and properties --------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "tr", "und"])
def test_other_languages_give_no_quotes(language):
    assert run(['"Oui," a dit Erdogan.', "Erdogan said that yes."], language) == []


def test_one_mention_list_per_sentence_is_required():
    with pytest.raises(ValueError, match="one list per sentence"):
        extract_quotes(["a", "b"], "en", mentions=[[]])


def test_mentions_outside_the_sentence_are_ignored():
    bad = {"entity_id": "x", "surface": "x", "start": 50, "end": 60, "type": "person", "affiliation": None, "canonical": True}
    rows = extract_quotes(["Erdogan said that yes."], "en", mentions=[[bad]])
    assert [r["speaker"] for r in rows] == ["Erdogan"]


_WORDS = [
    "said",
    "says",
    "he",
    "she",
    "added",
    "that",
    "according to",
    "Erdogan",
    "the official",
    "“",
    "”",
    '"',
    "'",
    "‘",
    "’",
    ",",
    ".",
    ":",
    "وقال",
    "إن",
    "أن",
    "مسؤول",
    "أمريكي",
    "فيه",
    "بحسب",
    "«",
    "»",
    "\u064e",
]
_sentence = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), max_size=14).map(" ".join)


@st.composite
def _article(draw):
    texts = draw(st.lists(_sentence, max_size=6))
    mentions = []
    for t in texts:
        ms = []
        if t and draw(st.booleans()):
            a = draw(st.integers(0, len(t) - 1))
            b = draw(st.integers(a + 1, len(t)))
            ms.append(
                {
                    "entity_id": "e",
                    "surface": t[a:b],
                    "start": a,
                    "end": b,
                    "type": draw(st.sampled_from(["person", "country", "organisation", "place"])),
                    "affiliation": draw(st.sampled_from([None, "turkey"])),
                    "canonical": True,
                }
            )
        mentions.append(ms)
    return texts, mentions


@settings(max_examples=400, deadline=None)
@given(_article(), st.sampled_from(["en", "ar"]))
def test_any_article_gives_well_formed_rows(article, language):
    texts, mentions = article
    rows = extract_quotes(texts, language, mentions=mentions)
    for r in rows:
        assert set(r) == ROW_KEYS
        assert 0 <= r["sentence_index"] < len(texts)
        assert r["kind"] in {"direct", "reported"}
        assert isinstance(r["anonymous"], bool)
        assert r["quote"] and r["speaker"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=5), st.sampled_from(["en", "ar"]))
def test_any_text_is_accepted(texts, language):
    extract_quotes(texts, language, mentions=[[] for _ in texts])
