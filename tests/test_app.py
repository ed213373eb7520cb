"""AppTest: app.py and every page run on the seeds, show their key numbers, follow filters and URLs."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "pages/1_Compare.py",
    "pages/2_Articles.py",
    "pages/3_Entities.py",
    "pages/4_Topics.py",
    "pages/5_Tone.py",
    "pages/7_Over_time.py",
    "pages/8_By_outlet.py",
    "pages/9_Names.py",
]
#: First run analyses the seeds and loads the models (~10 s on a laptop).
TIMEOUT = 240
#: Pages whose first draw in a session sends their text first (``ui.state.text_first``).
TEXT_FIRST_PAGES = ("compare",)


@pytest.fixture(autouse=True)
def _fresh_store(tmp_path_factory, monkeypatch):
    """Every AppTest reads the seeds through a store of its own, never the user's."""
    monkeypatch.setenv("COVERAGE_DB", str(tmp_path_factory.getbasetemp() / "apptest.sqlite"))
    monkeypatch.delenv("COVERAGE_CORPUS_DIR", raising=False)


def run(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if any(f"_due.{page}" in at.session_state for page in TEXT_FIRST_PAGES):
        # The page's first draw stopped after its text (ui.state.text_first); in a browser a
        # fragment timer draws it in full a moment later. AppTest has no timer: run as it would.
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Every text the run put on screen, as one string (markdown, captions, infos, headers…)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [html.unescape(re.sub(r"<[^>]+>", "", h.proto.body)) for h in at.get("html")]
    return "\n".join(parts).replace("\\", "")


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def arabic_id():
    from lib.corpus.tables import analyze_seeds

    arts = analyze_seeds().articles
    return str(arts.loc[arts["language"] == "ar", "article_id"].iloc[0])


# --- every page runs ------------------------------------------------------------------------


def test_app_runs_and_lands_on_compare():
    at = run("app.py")
    assert_ok(at)
    shown = texts(at)
    assert "US–Turkey vs Russia–Turkey" in shown
    assert "US–Turkey** · 2 articles" in shown and "Russia–Turkey** · 3 articles" in shown
    assert "Start with the findings below" in shown  # first contact: what to do first


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_inside_the_app(page):
    at = run("app.py")
    at.switch_page(page).run()
    assert_ok(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_its_own(page):
    assert_ok(run(page))


# --- key numbers and labels ---------------------------------------------------------------------


def test_compare_says_how_little_it_rests_on():
    at = run("pages/1_Compare.py")
    shown = texts(at)
    assert "Findings" in shown
    assert "based on 2 US–Turkey and 3 Russia–Turkey articles, too few to generalise" in shown
    assert "US–Turkey: too few articles for an interval" in shown  # 1 English US–Turkey article
    assert re.search(r"Russia–Turkey −?\+?\d\.\d\d to [−+]\d\.\d\d", shown)  # 3 English Russia–Turkey articles: an interval
    assert "Syria and Idlib is the leading topic of Russia–Turkey coverage" in shown
    # run on its own (no navigation), the evidence links fall back to plain links that scroll to the table
    assert "(./topics?topic=syria&show=evidence)" in shown
    # The landing page is served at the app's root: evidence on it links to "./?…".
    assert "(./?speaker=anonymous+source&show=evidence)" in shown
    assert "](./compare" not in shown
    for label in ("Tone, English", "Negative, English", "Tone, Arabic", "Negative, Arabic"):
        assert sum(m.label == label for m in at.metric) == 2  # the same measures on both sides


def test_compare_lists_every_difference_with_its_interval():
    at = run("pages/1_Compare.py")
    assert_ok(at)
    assert not any("Supported" in d.value.columns for d in at.dataframe)  # drawn only once opened
    at.session_state["compare.differences"] = True  # as a click on the expander does
    at.run()
    assert_ok(at)
    frames = [d.value for d in at.dataframe]
    tone = next(f for f in frames if "Language" in f.columns)
    assert list(tone.columns) == [
        "Language",
        "US–Turkey",
        "Russia–Turkey",
        "US–Turkey − Russia–Turkey",
        "90% interval, low",
        "90% interval, high",
        "Supported",
        "Measure",
        "Basis",
    ]
    # the seeds (2 and 3 articles) give no interval of any difference, and no ◆
    for f in frames:
        if "Supported" in f.columns:
            assert set(f["Supported"]) == {"no interval"}, f
    specs = " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert "marks a difference whose 90% interval excludes zero" in specs  # every paired chart explains its ◆


def test_tone_page_names_each_method_and_its_agreement():
    shown = texts(run("pages/5_Tone.py"))
    assert "r = 0.492" in shown and "NYT editorial sentences" in shown
    assert "Arabic lexicon" in shown and "Known agreement" in shown


def test_articles_page_lists_every_seed():
    at = run("pages/2_Articles.py")
    df = at.dataframe[0].value
    assert len(df) == 5
    assert set(df["dyad"]) == {"US–Turkey", "Russia–Turkey"}
    assert (df["source"] == "(unknown source)").all()


# --- filters change what is shown ---------------------------------------------------------------


def test_language_filter_changes_compare_and_the_url():
    at = run("app.py")
    lang = at.sidebar.multiselect[0]
    lang.set_value(["ar"]).run()
    assert_ok(at)
    assert at.query_params["lang"] in ("ar", ["ar"])
    shown = texts(at)
    assert "No Russia–Turkey articles match these filters (Arabic articles)" in shown
    assert "US–Turkey** · 1 article (" in shown


def test_filter_survives_a_change_of_page():
    at = run("app.py")
    at.sidebar.multiselect[0].set_value(["en"]).run()
    at.switch_page("pages/2_Articles.py").run()
    assert_ok(at)
    assert at.query_params["lang"] in ("en", ["en"])
    assert len(at.dataframe[0].value) == 4


def test_no_match_is_explained():
    at = run("pages/1_Compare.py", lang="fr")
    assert_ok(at)
    assert "No US–Turkey or Russia–Turkey articles match these filters (fr articles)" in texts(at)
    for page in PAGES[1:]:
        at = run(page, lang="fr")
        assert_ok(at)
        assert at.info, page


def test_source_filter_on_unknown_source():
    at = run("pages/2_Articles.py", source="(unknown source)")
    assert len(at.dataframe[0].value) == 5
    at = run("pages/2_Articles.py", source="Reuters")
    assert "No articles match these filters (from Reuters)" in texts(at)


# --- a URL opens the view it names ---------------------------------------------------------------


def test_entity_url_shows_its_sentences():
    at = run("pages/3_Entities.py", entity="putin")
    assert_ok(at)
    assert at.selectbox[0].value == "putin"
    assert re.search(r"Sentences naming Vladimir Putin \(\d+\)", texts(at))
    sentences = at.dataframe[0].value
    assert len(sentences) > 0 and set(sentences["Dyad"]) == {"Russia–Turkey"}
    assert sentences["Sentence"].str.contains("Putin").all()
    # whole sentences, their tone, and a link to the reader at each sentence
    assert {"Sentence", "Tone", "Dyad", "Language", "Article", "Read"} <= set(sentences.columns)
    assert sentences["Read"].str.contains("article=").all() and sentences["Read"].str.contains("sentence=").all()


def test_topic_url_shows_its_sentences():
    at = run("pages/4_Topics.py", topic="syria")
    assert_ok(at)
    assert re.search(r"Sentences on Syria and Idlib \(\d+\)", texts(at))
    assert len(at.dataframe[0].value) > 0


def test_term_url_opens_keyword_in_context():
    at = run("pages/4_Topics.py", term="Idlib", tlang="en")
    assert_ok(at)
    assert at.text_input[0].value == "Idlib"
    kw = at.dataframe[-1].value
    assert len(kw) > 0 and set(kw["match"].str.casefold()) == {"idlib"}


def test_compare_entity_url_shows_sentences_per_column():
    at = run("pages/1_Compare.py", entity="putin")
    assert_ok(at)
    assert re.search(r"Sentences naming Vladimir Putin \(\d+\)", texts(at))
    rows = at.dataframe[0].value
    assert set(rows["Dyad"]) == {"Russia–Turkey"} and rows["Sentence"].str.contains("Putin").all()


def test_article_url_opens_the_arabic_article_right_to_left(arabic_id):
    at = run("pages/2_Articles.py", article=arabic_id)
    assert_ok(at)
    assert at.selectbox[1].value == arabic_id
    bodies = [h.proto.body for h in at.get("html")]
    article = next(b for b in bodies if 'class="cov-article"' in b)
    assert 'dir="rtl" lang="ar"' in article
    assert "<mark" in article


def test_unknown_article_in_url_is_explained():
    at = run("pages/2_Articles.py", article="no-such-article")
    assert_ok(at)
    assert "Choose an article" in texts(at)


def test_selecting_in_the_page_writes_the_url():
    at = run("pages/3_Entities.py")
    at.selectbox[0].set_value("erdogan").run()
    assert_ok(at)
    assert at.query_params["entity"] in ("erdogan", ["erdogan"])


# --- the URL encoding of the filters (pure) ---------------------------------------------------


def _as_lists(params: dict) -> dict:
    return {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}


@pytest.mark.parametrize(
    "filters_kwargs",
    [
        {},
        {"languages": ("ar",)},
        {"languages": ()},
        {"languages": ("en", "ar"), "sources": ("Reuters", "(unknown source)")},
        {"date_from": "2021-01-01", "date_to": "2021-12-31", "include_undated": False},
        {"include_undated": False},
    ],
)
def test_filters_round_trip_through_the_url(filters_kwargs):
    from ui.state import Filters, filters_from_params

    f = Filters(**filters_kwargs)
    assert filters_from_params(_as_lists(f.params())) == f


def test_bad_dates_in_the_url_are_ignored():
    from ui.state import Filters, filters_from_params

    assert filters_from_params({"from": ["yesterday"], "to": ["2021-13-45"]}) == Filters()


def test_compare_topic_url_names_the_topic():
    shown = texts(run("pages/1_Compare.py", topic="syria"))
    assert re.search(r"Sentences on Syria and Idlib \(\d+\)", shown)


def test_url_values_are_shown_as_text_not_markdown():
    at = run("pages/2_Articles.py", source="[click](javascript:alert(1))")
    assert_ok(at)
    message = next(i.value for i in at.info)
    assert r"\[click\]\(javascript\:alert\(1\)\)" in message
    at = run("pages/4_Topics.py", term="**bold** <b>x</b>", tlang="en")
    assert_ok(at)
    assert all("**bold**" not in str(i.value) for i in at.info)


def test_describe_escapes_only_for_markdown():
    from ui.state import Filters

    f = Filters(sources=("(unknown source)",))
    assert f.describe() == "from (unknown source)"
    assert f.describe(markdown=True) == r"from \(unknown source\)"


# --- an upload widens an unset date range --------------------------------------------------------


def test_files_of_the_corpus_folder_that_cannot_be_read_are_named_and_the_rest_go_in(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "envoy.txt").write_text(
        "Erdogan meets Biden\n\nTurkish President Erdogan met US President Biden in Rome.\n", encoding="utf-8"
    )
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "[x](javascript:alert(1)).txt").write_bytes(b"\x00\x01binary\x00" * 50)
    monkeypatch.setenv("COVERAGE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "folder.sqlite"))
    at = run("app.py")
    assert_ok(at)
    (warning,) = [str(w.value) for w in at.sidebar.warning]
    assert warning.startswith("2 file(s) of the corpus folder could not be read")
    assert "empty.txt (the file is empty)" in warning.replace("\\", "")
    assert "binary" in warning and "](javascript" not in warning  # the name is shown as typed, never a link
    assert "Corpus: 1 article files" in " ".join(str(c.value) for c in at.sidebar.caption)  # the readable file went in
    again = run("app.py")  # another session of the same server is told too
    assert any("could not be read" in str(w.value) for w in again.sidebar.warning)


def test_a_store_deleted_while_the_app_runs_is_replaced_with_a_notice(tmp_path, monkeypatch):
    """The next run opens a new store (filled from the seeds) and says why, instead of failing on
    the live corpus, curation and views still bound to the deleted file."""
    db = tmp_path / "store.sqlite"
    monkeypatch.setenv("COVERAGE_DB", str(db))
    at = run("app.py")
    assert_ok(at)
    db.unlink()
    at.run()
    assert_ok(at)
    assert any("deleted or replaced while the app ran" in str(w.value) for w in at.sidebar.warning)
    assert "US–Turkey** · 2 articles" in texts(at)


def test_the_compare_views_kept_are_bounded(tmp_path, monkeypatch):
    """A Compare view holds every term of both languages: at 10,000 articles 64 of them took the
    server past 1.5 GB. Twenty filter combinations later, the first one's view is let go."""
    import gc
    import weakref

    from ui import data
    from ui.state import Filters

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    assert_ok(run("app.py"))
    key = data.corpus_key()
    first = weakref.ref(data._compare_view(key, Filters(date_from="2000-01-01").key()))
    for day in range(2, 22):
        data._compare_view(key, Filters(date_from=f"2000-01-{day:02d}").key())
    gc.collect()
    assert first() is None


def test_an_upload_extends_an_unset_date_range(tmp_path, monkeypatch):
    """After an upload of a later article, a date range the user never set follows the new span:
    the URL pins no ``to=`` and Compare counts the new article."""
    from ui import data

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    at = run("app.py")
    assert_ok(at)
    assert "to" not in at.query_params and "from" not in at.query_params
    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    later = seed.replace("date 2021-10-31", "date 2022-03-01", 1) + "\n\nA later paragraph about Ankara and Washington.\n"
    (outcome,) = data.import_uploads([("later.txt", later.encode())])
    assert outcome.outcome == "added"
    at.run()
    assert_ok(at)
    assert "to" not in at.query_params and "from" not in at.query_params
    assert "US–Turkey** · 3 articles" in texts(at)
    assert at.sidebar.date_input[0].value[1].isoformat() == "2022-03-01"


def test_a_chosen_end_date_stays_after_an_upload(tmp_path, monkeypatch):
    from ui import data

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    at = run("app.py", to="2021-10-31")
    assert_ok(at)
    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    later = seed.replace("date 2021-10-31", "date 2022-03-01", 1) + "\n\nAnother later paragraph about Ankara.\n"
    data.import_uploads([("later.txt", later.encode())])
    at.run()
    assert_ok(at)
    assert at.query_params["to"] in ("2021-10-31", ["2021-10-31"])  # the user's choice is kept
    assert "US–Turkey** · 2 articles" in texts(at)


# --- over time and by outlet ----------------------------------------------------------------------


def test_over_time_shows_periods_and_a_period_opens_its_sentences():
    at = run("pages/7_Over_time.py", period="2021-10-31")
    assert_ok(at)
    shown = texts(at)
    assert "4 undated article(s) are left out" in shown  # the seeds: one dated focal article
    assert "What each day was about" in shown
    top = at.dataframe[0].value
    assert list(top["period_label"]) == ["2021-10-31"] and "Joe Biden" in top["entities"].iloc[0]
    assert re.search(r"Sentences of 2021-10-31 \(\d+\)", shown)
    assert len(at.dataframe[1].value) > 0 and set(at.dataframe[1].value["Dyad"]) == {"US–Turkey"}


def test_over_time_period_length_can_be_chosen():
    at = run("pages/7_Over_time.py", every="month")
    assert_ok(at)
    assert "What each month was about" in texts(at)
    assert list(at.dataframe[0].value["period_label"]) == ["2021-10"]


def test_by_outlet_lists_each_outlet_for_both_dyads():
    at = run("pages/8_By_outlet.py")
    assert_ok(at)
    assert "Coverage by outlet" in texts(at)
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    # articles; tone in each language (the seeds: English, Arabic); topic mix of each dyad
    assert len(specs) == 5
    assert "Articles per outlet, by dyad" in specs[0]
    assert "in English articles" in specs[1] and "in Arabic articles" in specs[2]
    titles = [json.loads(x)["title"]["text"] for x in specs]
    assert titles[3] == "US–Turkey: topic mix per outlet" and titles[4] == "Russia–Turkey: topic mix per outlet"


# --- article text is plain text, and every table is safe to download ---------------------------


def test_article_strings_are_plain_text_and_cells_are_formula_safe(tmp_path, monkeypatch):
    """A title that is a URL or markdown is shown as text (no link); a formula-like cell reaches the grid
    (and so its own CSV download) neutralised."""
    from ui import data

    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "store.sqlite"))
    run("app.py")
    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    hostile = '=HYPERLINK("http://127.0.0.1:9/x","click") www.example.com [x](http://127.0.0.1:9/)\n' + seed + "\n\nOne more line.\n"
    (outcome,) = data.import_uploads([("hostile.txt", hostile.encode())])
    assert outcome.outcome == "added"
    at = run("pages/2_Articles.py", article=outcome.article_id)
    assert_ok(at)
    grid = at.dataframe[0].value
    titles = grid.set_index("article_id")["title"]
    assert titles[outcome.article_id].startswith("'=HYPERLINK(")  # neutralised in what st.dataframe gets
    bodies = [h.proto.body for h in at.get("html")]
    heading = next(b for b in bodies if b.startswith("<h2"))
    assert "<a " not in heading and "www.example.com" in heading and "[x](http" in heading
    assert not any("www.example.com" in m.value for m in at.markdown)  # never through markdown (autolinks)


def test_names_page_links_a_name_and_the_edit_survives_a_new_session(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "envoy.txt").write_text(
        "Estonian envoy meets Erdogan on US sanctions\n\n"
        "The Estonian envoy Margus Tsahkna met Erdogan in Ankara on Monday to discuss US sanctions on Turkey. "
        "Tsahkna said Washington and Ankara were close to a deal.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("COVERAGE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("COVERAGE_DB", str(tmp_path / "names.sqlite"))
    at = run("pages/9_Names.py")
    assert_ok(at)
    labels = at.selectbox(key="names.source").options
    assert any("Margus Tsahkna" in label for label in labels), labels
    at.selectbox(key="names.source").set_value("ner:en:margus-tsahkna")
    at.radio(key="names.action").set_value("link")
    at.selectbox(key="names.target").set_value("turkey")
    at.button[0].click().run()  # the form's submit button
    assert_ok(at)
    again = run("pages/9_Names.py")  # a new session reads the edit from the store
    assert_ok(again)
    assert "Edits (1)" in texts(again)
    assert not any("Margus Tsahkna" in label for label in again.selectbox(key="names.source").options)


# --- what the grid is given: one number format, right-to-left cells ---------------------------


def test_tables_show_signed_numbers_with_a_typographic_minus_and_still_sort_as_numbers():
    import pandas as pd
    import streamlit as st

    from ui import downloads

    df = pd.DataFrame({"title": ["a", "b", "c"], "tone": [-0.5, 0.25, None], "n": [3, 1, 2]})
    config = {"tone": st.column_config.NumberColumn("Tone", format="%+.2f"), "n": st.column_config.NumberColumn("N", format="%d")}
    shown, cfg = downloads.display_frame(df, config)
    assert isinstance(shown, pd.io.formats.style.Styler)
    assert pd.api.types.is_float_dtype(shown.data["tone"])  # the grid sorts the numbers, not their text
    text = shown.to_string(delimiter="|")
    assert "|−0.50|" in text and "|+0.25|" in text and "|–|" in text and "-0.50" not in text
    assert (
        cfg["tone"]["type_config"]["format"] is None and cfg["n"]["type_config"]["format"] == "%d"
    )  # the printf format would print "-0.50"
    assert config["tone"]["type_config"]["format"] == "%+.2f"  # the caller's config is left as it was
    # a table too large for Styler keeps its numbers and the printf format
    big = pd.DataFrame({"tone": [0.1] * (downloads.STYLED_CELLS_MAX + 1)})
    shown, cfg = downloads.display_frame(big, {"tone": config["tone"]})
    assert isinstance(shown, pd.DataFrame) and cfg["tone"]["type_config"]["format"] == "%+.2f"


def test_arabic_cells_read_right_to_left_and_english_ones_left_to_right():
    import pandas as pd

    from lib.views import common
    from ui import downloads

    ar_latin_first = "S-400: قال الرئيس الأمريكي إن الصفقة أزمة."
    rows = pd.DataFrame(
        {
            "Sentence": pd.array([ar_latin_first, "Biden warned Erdogan (2019).", "=cmd|' /C calc'!A0", None], dtype="string"),
            "Article": ["روسيا وتركيا تتفقان", "Turkey's Erdogan", "x", "y"],
        }
    )
    shown, _ = downloads.display_frame(rows)
    assert shown["Sentence"].iloc[0] == common.ARABIC_LETTER_MARK + ar_latin_first  # right to left, right-aligned
    assert shown["Sentence"].iloc[1] == "Biden warned Erdogan (2019)."  # unchanged: left to right
    assert shown["Sentence"].iloc[2].startswith("'=")  # still formula-neutralised
    assert pd.isna(shown["Sentence"].iloc[3]) and shown["Sentence"].dtype == "string"
    assert shown["Article"].iloc[0].startswith(common.ARABIC_LETTER_MARK) and shown["Article"].iloc[1] == "Turkey's Erdogan"
    assert rows["Sentence"].iloc[0] == ar_latin_first  # the exported table is never changed
    # keyword in context, right to left: the words before the keyword are drawn from the left edge, next to it
    kwic = pd.DataFrame({"left": ["وقال الرئيس التركي"], "right": ["إن العلاقات مهمة"]})
    shown, _ = downloads.display_frame(kwic, left_anchored=("left",))
    assert shown["left"].iloc[0] == common.LEFT_TO_RIGHT_MARK + "وقال الرئيس التركي"
    assert shown["right"].iloc[0] == common.ARABIC_LETTER_MARK + "إن العلاقات مهمة"


def test_a_new_sessions_first_draw_of_compare_sends_its_text_then_everything():
    """The first run stops after the findings and figures (no chart yet) and arms a timer;
    the next run, as the timer makes it, draws the charts; later runs draw everything at once."""
    at = AppTest.from_file(str(ROOT / "pages/1_Compare.py"), default_timeout=TIMEOUT).run()
    assert_ok(at)
    assert "Findings" in texts(at) and "At a glance" in texts(at)
    assert not at.get("vega_lite_chart") and at.session_state["_due.compare"]
    at.run()
    assert_ok(at)
    assert len(at.get("vega_lite_chart")) >= 5
    at.run()
    assert len(at.get("vega_lite_chart")) >= 5  # no second stop in the same session
