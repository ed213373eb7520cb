import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.text.language import detect_language
from lib.text.sentences import MAX_SENTENCE_CHARS, split_spans


def _split(text, lang):
    return [text[s:e] for s, e in split_spans(text, lang)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They meet on Sept. 29 in Sochi. Putin will host.", ["They meet on Sept. 29 in Sochi.", "Putin will host."]),
        ("The U.S. envoy left. Dr. Akar stayed.", ["The U.S. envoy left.", "Dr. Akar stayed."]),
        ("Talks ended Oct. 3. Then what?", ["Talks ended Oct. 3.", "Then what?"]),
        ("A payment of $ 1.4 billion was made. It failed.", ["A payment of $ 1.4 billion was made.", "It failed."]),
        ("“We are abiding,” he said. “Good.”", ["“We are abiding,” he said.", "“Good.”"]),
        ("Headline without stop\n\nBody one. Body two!", ["Headline without stop", "Body one.", "Body two!"]),
        ("purchase of Russia by Turkey. made the S-400", ["purchase of Russia by Turkey. made the S-400"]),
        ("J. Smith met Gen. Milley.", ["J. Smith met Gen. Milley."]),
    ],
)
def test_english_sentences(text, expected):
    assert _split(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال أردوغان، وأضاف بوتين. ثم غادر", ["قال أردوغان، وأضاف بوتين.", "ثم غادر"]),
        ("هل تنجح المحادثات؟ نعم!", ["هل تنجح المحادثات؟", "نعم!"]),
        ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
        ("بلغت الاستثمارات 6.5 مليار دولار.", ["بلغت الاستثمارات 6.5 مليار دولار."]),
        ("الحرب الأهلية الليبية.، والدخول في خلاف", ["الحرب الأهلية الليبية.، والدخول في خلاف"]),
    ],
)
def test_arabic_sentences(text, expected):
    assert _split(text, "ar") == expected


@given(st.text(), st.sampled_from(["en", "ar", "und"]))
def test_offsets_slice_to_the_sentence(text, lang):
    spans = split_spans(text, lang)
    prev_end = 0
    for s, e in spans:
        assert 0 <= prev_end <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        prev_end = e


@given(st.text(alphabet=st.sampled_from("ab .\n\t"), max_size=400), st.sampled_from(["en", "ar"]), st.integers(5, 40))
def test_no_sentence_is_longer_than_the_limit(text, lang, limit):
    spans = split_spans(text, lang, max_chars=limit)
    assert all(e - s <= limit for s, e in spans)
    # nothing is lost: every non-space character is in exactly one sentence
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_long_line_without_a_break_is_cut_at_word_boundaries(lang):
    words = (
        "the talks did not go well and officials were not happy " if lang == "en" else "لم تنجح المحادثات ولم يكن المسؤولون راضين "
    ) * 4_000
    text = words.strip()  # ~190,000 characters on one line, no sentence break
    spans = split_spans(text, lang)
    assert len(spans) >= len(text) // MAX_SENTENCE_CHARS
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    for s, e in spans:  # no word is cut in two
        assert s == 0 or text[s - 1] == " "
        assert e == len(text) or text[e] == " "


def test_a_run_without_any_space_is_cut_at_the_limit():
    text = "x" * (2 * MAX_SENTENCE_CHARS + 10)
    assert [e - s for s, e in split_spans(text, "en")] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 10]


def test_the_next_line_does_not_decide_a_boundary():
    # a lower-case word at the start of the next line does not join two lines' sentences
    assert _split("He left. \nthen silence", "en") == ["He left.", "then silence"]
    assert _split("Talks ended. \nsoon after. More.", "en") == ["Talks ended.", "soon after.", "More."]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The president said that the talks with Russia were productive and that more would follow.", "en"),
        ("توترت العلاقات التركية الأمريكية بسبب قضايا تتراوح بين قرار أنقرة", "ar"),
        ("Le président a dit que les discussions avec la Russie étaient productives et que la paix", "fr"),
        ("Cumhurbaşkanı Erdoğan ve Putin bu hafta bir araya gelecek ve bölge için çok önemli bir görüşme", "tr"),
        ("این یک متن فارسی است که پیرامون گفتگوی ترکیه و روسیه نوشته شده و چند کلمه دارد", "fa"),
        ("12345 67890", "und"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang
