import pytest

from lib.errors import OnlyBoilerplateError
from lib.text.cleaning import clean, is_tag_line, looks_like_title, parse_date

from .conftest import seed_path


def _seed(prefix):
    return clean(seed_path(prefix).read_text(encoding="utf-8"))


def test_seed_000_header_date_and_no_title():
    r = _seed("000")
    assert r.date == "2021-10-31"
    assert r.title is None
    assert "date 2021-10-31" not in r.text
    assert {"kind": "header", "text": "date 2021-10-31"} in r.boilerplate


def test_seed_001_starts_with_body_so_has_no_title():
    r = _seed("001")
    assert r.title is None
    assert r.text.startswith("توترت العلاقات")


def test_seed_002_repeated_title_and_also_read_list_removed():
    r = _seed("002")
    assert r.title == "Turkey’s Erdogan arrives in Russia for Syria talks with Putin"
    assert r.text.count(r.title) == 1
    for junk in ("Guinea-Bissau", "News Editor", "also read", "Queen Elizabeth", "cluster munitions"):
        assert junk not in r.text
    kinds = {b["kind"] for b in r.boilerplate}
    assert {"repeated_title", "related_links"} <= kinds
    assert any("Guinea-Bissau" in b["text"] for b in r.boilerplate)
    assert r.text.rstrip().endswith("second batch of S-400 on Tuesday.")


def test_seed_003_title_once_and_tag_line_removed():
    r = _seed("003")
    title = "Turkish, Russian leaders to meet for critical talks on Syria’s Idlib"
    assert r.title == title
    assert r.text.count(title) == 1
    assert "Erdogan, Diplomacy, Politics" not in r.text
    assert {"kind": "tags", "text": "Erdogan, Diplomacy, Politics,"} in r.boilerplate
    # Sub-headings inside the body are content, not boilerplate.
    assert "Afghanistan, Libya will also be on agenda" in r.text


def test_seed_004_title_without_repeat():
    r = _seed("004")
    assert r.title.startswith("Russian and Turkish leaders meeting")
    assert r.text.count(r.title) == 1


@pytest.mark.parametrize(
    ("text", "kind", "junk"),
    [
        (
            "Headline here\n\nBody sentence one. Body two.\n\nRelated Articles\n\nOther story one\n\nOther story two",
            "related_links",
            "Other story one",
        ),
        ("Headline here\n\nBody sentence one. Body two.\n\nاقرأ أيضا\n\nخبر آخر", "related_links", "خبر آخر"),
        ("Body sentence one. Body two.\n\nShare this article on Facebook\n\n© 2024 Some Media Ltd", "furniture", "© 2024"),
        ("Body sentence one. Body two.\n\nReporting by Jane Doe; Editing by John Roe", "furniture", "Reporting by"),
        ("Body sentence one.\nStaff Writer\nBody two.\nStaff Writer", "repeated_line", "Staff Writer"),
        ("Body sentence one. Body two.\n\nTurkey, NATO, Defence", "tags", "Turkey, NATO, Defence"),
        ("Body sentence one. Body two.\nTags: Turkey, Russia", "furniture", "Tags:"),
    ],
)
def test_generic_boilerplate_rules(text, kind, junk):
    r = clean(text)
    assert junk not in r.text
    assert kind in {b["kind"] for b in r.boilerplate}


def test_body_text_that_looks_like_a_marker_early_is_kept():
    text = "Read more\n" + "\n".join(f"Body sentence number {i} is here." for i in range(10))
    r = clean(text)
    assert "Read more" in r.text


def test_only_boilerplate_is_an_error_naming_the_file():
    with pytest.raises(OnlyBoilerplateError, match=r"x\.txt"):
        clean("date 2021-01-01\n\nNews Editor\nNews Editor\n", file="x.txt")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-10-31", "2021-10-31"),
        ("October 31, 2021", "2021-10-31"),
        ("31 Oct 2021", "2021-10-31"),
        ("Sept. 29, 2021", "2021-09-29"),
        ("2021-02-30", None),
        ("yesterday", None),
        ("Oct 2021", None),
    ],
)
def test_parse_date_never_invents(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    ("line", "nxt", "expected"),
    [
        ("Turkey’s Erdogan arrives in Russia for Syria talks with Putin", "Body.", True),
        ("توترت العلاقات التركية الأمريكية بسبب قضايا عديدة.", "x", False),
        ("Is Turkey leaving NATO?", "Body.", True),
        ("Erdogan said the talks went well, adding that more would follow soon.", "x", False),
    ],
)
def test_looks_like_title(line, nxt, expected):
    assert looks_like_title(line, nxt) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Erdogan, Diplomacy, Politics,", True),
        ("تركيا، روسيا، سوريا", True),
        ("Turkey and Russia met, and talked, and left.", False),
        ("Paris, France", False),
    ],
)
def test_is_tag_line(line, expected):
    assert is_tag_line(line) is expected


# --- captions, video blurbs and prompts inside a body --------------------------------

SCRAPED = """Turkey and Russia agree on new gas deal

Scroll down for video

Turkey and Russia signed a new gas agreement in Ankara on Monday, officials said.

Turkish President Recep Tayyip Erdogan and Russian President Vladimir Putin met for three hours.

Donald Trump waves to supporters at a rally in Ohio on Saturday evening before flying back to Washington

The deal extends deliveries through the TurkStream pipeline until 2030, the energy ministry said.

READ MORE: Trump hails 'tremendous' trade talks with China as tariffs loom

Trump tells rally crowd he will win Pennsylvania in resurfaced campaign video

Energy experts said the agreement strengthens Moscow's hand in the region.

The minister described the talks in a statement on Tuesday

"We are satisfied with the outcome," he said.

New pipeline route

Both sides will meet again in Istanbul next month to discuss prices.
"""


def test_captions_video_blurbs_and_prompts_are_removed_and_kept_for_audit():
    r = clean(SCRAPED)
    kinds = {(b["kind"], b["text"][:30]) for b in r.boilerplate}
    assert ("caption", "Donald Trump waves to supporte") in kinds
    assert ("video", "Trump tells rally crowd he wil") in kinds
    assert ("read_more", "READ MORE: Trump hails 'tremen") in kinds
    assert ("read_more", "Scroll down for video") in kinds
    assert "Trump" not in r.text
    # body paragraphs, a line introducing a quote, and a short subheading stay
    for kept in ("Energy experts said", "The minister described the talks", "New pipeline route", "Both sides will meet"):
        assert kept in r.text


def test_sites_that_never_end_paragraphs_with_a_full_stop_keep_every_line():
    text = "\n\n".join(
        [
            "قال الرئيس التركي رجب طيب أردوغان إن بلاده ستواصل التعاون مع روسيا في مجال الطاقة",
            "وأضاف أن المحادثات مع الرئيس الروسي فلاديمير بوتين كانت مثمرة وبناءة للغاية",
            "وأشار إلى أن خط السيل التركي سيواصل نقل الغاز إلى أوروبا خلال السنوات المقبلة",
            "من جهته قال الكرملين إن الزعيمين اتفقا على مواصلة الاتصالات في الأسابيع القادمة",
        ]
    )
    r = clean(text)
    assert not [b for b in r.boilerplate if b["kind"] in ("caption", "video")]
    assert r.text.count("\n\n") == 3


@pytest.mark.parametrize(
    ("line", "is_caption"),
    [
        ("Greek soldiers disembark from a ferry at the port of the tiny island of Kastellorizo", True),
        ("Greek soldiers disembark from a ferry at the port of the tiny island.", False),
        ("Afghanistan, Libya will also be on agenda", False),  # a subheading: too short
        ("- Turkey, Russia and Iran met in Tehran to discuss the Syrian war", False),  # a list item
        ("## Turkey, Russia and Iran met in Tehran to discuss the Syrian war", False),  # a heading
    ],
)
def test_caption_shape(line, is_caption):
    from lib.text.cleaning import is_caption_style

    assert is_caption_style(line) is is_caption


def test_a_headline_left_in_the_body_is_no_caption():
    """A CSV row whose title column differs keeps the in-body headline (no full stop) as text."""
    r = clean(SCRAPED, title_hint="Gas deal: what we know")
    assert "Turkey and Russia agree on new gas deal" in r.text
    assert ("caption", "Donald Trump waves to supporters at a rally in Ohio on Saturday evening before flying back to Washington") in {
        (b["kind"], b["text"]) for b in r.boilerplate
    }
