"""The Corpus page: AppTest for what a script run shows; a real browser for the upload."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from lib.corpus import store as store_lib
from lib.corpus.store import Store
from lib.output.briefing import pdf_page_count

from .appserver import launch_chromium, start_app, stop_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAGE = str(ROOT / "pages" / "6_Corpus.py")
ARTIFACTS = ROOT / "test-artifacts"
#: First run of a fresh store loads the models and analyses the seeds.
TIMEOUT = 300


@pytest.fixture
def db(tmp_path, monkeypatch, resources) -> Path:
    path = tmp_path / "store" / "coverage.sqlite"
    monkeypatch.setenv(store_lib.DB_ENV, str(path))
    monkeypatch.setenv(store_lib.CORPUS_DIR_ENV, str(SEEDS))
    return path


def run_page(path: str = PAGE) -> AppTest:
    at = AppTest.from_file(path, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def shown_fingerprint(at: AppTest) -> str:
    line = next(m.value for m in at.markdown if m.value.startswith("Corpus fingerprint"))
    return line.split("`")[1]


def widget(elements, label: str):
    return next(e for e in elements if e.label.startswith(label))


def us_turkey_text() -> str:
    base = next(SEEDS.glob("000_*.txt")).read_text()
    return base + "\n\nA US State Department spokesman said on Monday that talks with Ankara would continue.\n"


def test_page_shows_the_seeded_store_and_its_fingerprint(db):
    at = run_page()
    got = metrics(at)
    assert got["Articles"] == "5"
    assert got["On either relationship"] == "5" and got["About something else"] == "0"
    assert got["Hidden"] == "0"
    fp = Store(db).fingerprint()
    assert shown_fingerprint(at) == fp[:16]
    assert any(fp in c.value for c in at.caption)
    assert not at.warning  # a writable store: no temporary-store notice
    assert widget(at.toggle, "Hide the seed articles").value is False


def test_corrections_are_saved_and_shown(db):
    at = run_page()
    article_id = widget(at.selectbox, "Article").value
    widget(at.text_input, "Date").input("2021-11-01")
    widget(at.text_input, "Source").input("Reuters")
    widget(at.selectbox, "Dyad").select("both")
    widget(at.button, "Save corrections").click()
    at.run()
    assert not at.exception
    row = Store(db).listing().set_index("article_id").loc[article_id]
    assert (row["date"], row["source"], row["dyad"], row["edited"]) == ("2021-11-01", "Reuters", "both", "date,dyad,source")
    assert shown_fingerprint(at) == Store(db).fingerprint()[:16]


@pytest.mark.parametrize(("field", "value", "message"), [("Date", "31/10/2021", "yyyy-mm-dd"), ("Source", "x" * 300, "limit")])
def test_a_bad_correction_shows_its_message_and_changes_nothing(db, field, value, message):
    at = run_page()
    before = Store(db).fingerprint()
    widget(at.text_input, field).input(value)
    widget(at.button, "Save corrections").click()
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "Nothing saved" in at.error[0].value and message in at.error[0].value
    assert Store(db).fingerprint() == before
    assert Store(db).edit_history().empty


def test_seeds_can_be_hidden_but_not_removed(db):
    at = run_page()
    popover = at.get("popover")[0]
    assert popover.proto.popover.disabled  # seeds: the remove control is off
    widget(at.toggle, "Hide the seed articles").set_value(True)
    at.run()
    assert not at.exception
    assert Store(db).counts() == {
        "total": 5,
        "visible": 0,
        "hidden": 5,
        "seed": 5,
        "upload": 0,
        "cli": 0,
        "full": 0,
        "triage": 0,
        "pending": 0,
    }
    assert metrics(at)["Articles"] == "0"
    compare = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=TIMEOUT).run()
    assert not compare.exception  # every page has an empty state
    widget(at.toggle, "Hide the seed articles").set_value(False)
    at.run()
    assert Store(db).counts()["visible"] == 5


def test_an_uploaded_article_can_be_hidden_and_removed(db):
    from ui import data

    run_page()
    (outcome,) = data.import_uploads([("extra.txt", us_turkey_text().encode())])
    assert outcome.outcome == "added"
    at = run_page()
    assert metrics(at)["Articles"] == "6" and metrics(at)["On either relationship"] == "6"
    widget(at.selectbox, "Article").select(outcome.article_id)
    at.run()
    assert not at.get("popover")[0].proto.popover.disabled
    widget(at.button, "Hide from the analysis").click()
    at.run()
    assert Store(db).listing().set_index("article_id").loc[outcome.article_id, "hidden"]
    widget(at.button, "Remove for good").click()
    at.run()
    assert not at.exception
    assert outcome.article_id not in set(Store(db).listing()["article_id"])


def test_unwritable_store_location_is_announced(tmp_path, monkeypatch, resources):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(store_lib.DB_ENV, str(blocker / "coverage.sqlite"))
    monkeypatch.setenv(store_lib.CORPUS_DIR_ENV, str(SEEDS))
    at = run_page()
    assert len(at.warning) == 1 and "Temporary store" in at.warning[0].value and "cannot be written" in at.warning[0].value
    assert metrics(at)["Articles"] == "5"  # still filled from the seeds


def test_upload_outcomes_and_progress(db):
    from ui import data

    run_page()
    steps: list[float] = []
    outcomes = data.import_uploads(
        [
            ("new.txt", us_turkey_text().encode()),
            ("again.md", next(SEEDS.glob("001_*.txt")).read_bytes()),
            ("empty.txt", b""),
            ("photo.png", b"\x89PNG"),
            ("rows.csv", b"headline,body\nT,\n"),
        ],
        progress=lambda done, n, o: steps.append(done / n),
    )
    assert [(o.file, o.outcome, o.reason) for o in outcomes] == [
        ("new.txt", "added", None),
        ("again.md", "duplicate", "duplicate"),
        ("empty.txt", "rejected", "empty"),
        ("photo.png", "rejected", "unsupported"),
        ("rows.csv#row1", "rejected", "empty"),
    ]
    assert steps == sorted(steps) and steps[-1] == 1.0
    assert Store(db).counts()["upload"] == 1  # rejected files change nothing


def test_round_trip_upload_store_restart(db, resources):
    """Upload → store → restart the app → the same tables and the same fingerprint."""
    import streamlit as st

    from lib.cli import load_corpus
    from ui import data

    run_page()
    data.import_uploads([("new.txt", us_turkey_text().encode())])
    Store(db).update_fields(Store(db).listing()["article_id"][0], {"source": "Edited source"})
    before_fp = shown_fingerprint(run_page())
    before, fp1 = load_corpus(Store(db))
    app_tables = data.get_corpus().tables

    st.cache_data.clear()  # a restart: every cache gone, only the store file remains
    st.cache_resource.clear()
    after_fp = shown_fingerprint(run_page())
    after, fp2 = load_corpus(Store(db))
    assert before_fp == after_fp == fp1[:16] and fp1 == fp2
    assert set(before.tables) == set(after.tables)
    for name in before.tables:
        pd.testing.assert_frame_equal(before.tables[name], after.tables[name])
        pd.testing.assert_frame_equal(app_tables[name], after.tables[name])
    assert len(after.articles) == 6
    assert "Edited source" in set(after.articles["source"].dropna())


# --- a real browser -------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    proc, url = start_app(SEEDS, tmp_path / "browser.sqlite", tmp_path / "server.log")
    yield url
    stop_app(proc)


def download_button(page, label: str):
    """Our download button (not the chart menu's or the table toolbar's own)."""
    return page.locator("[data-testid=stDownloadButton] button").filter(has_text=label).first


@pytest.mark.browser
def test_upload_in_the_browser_then_see_it_counted_on_compare(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    article = tmp_path / "washington-ankara.txt"
    article.write_text(us_turkey_text(), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{server}/")  # Compare is the default page, served at the root
            expect(page.get_by_text("Corpus: 5 article files")).to_be_visible(timeout=TIMEOUT * 1000)
            expect(page.get_by_text("The filtered corpus has 2 articles on US–Turkey (English 1, Arabic 1)")).to_be_visible(timeout=60_000)

            page.goto(f"{server}/corpus")
            expect(page.get_by_text("Add articles")).to_be_visible(timeout=60_000)
            page.locator("input[type=file]").set_input_files(str(article))
            page.get_by_role("button", name="Import 1 file(s)").click()
            expect(page.get_by_text("Last import:")).to_be_visible(timeout=120_000)
            expect(page.get_by_text("1 added, 0 stored, not analysed, 0 duplicate, 0 rejected")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "corpus-after-upload.png"), full_page=True)
            with page.expect_download(timeout=60_000) as dl:
                download_button(page, "CSV").click()  # the outcomes table
            outcomes = pd.read_csv(dl.value.path(), encoding="utf-8-sig", comment="#")  # the provenance lines start with #
            assert outcomes[["file", "outcome"]].values.tolist() == [["washington-ankara.txt", "added"]]

            page.goto(f"{server}/")  # Compare is the default page, served at the root
            expect(page.get_by_text("Corpus: 6 article files")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("The filtered corpus has 3 articles on US–Turkey (English 2, Arabic 1)")).to_be_visible(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "compare-after-upload.png"), full_page=True)

            # The downloads a briefing is made of, made on click and opened.
            with page.expect_download(timeout=120_000) as dl:
                download_button(page, "Briefing PDF").click()
            pdf = Path(dl.value.path()).read_bytes()
            assert pdf_page_count(pdf) == 1
            with page.expect_download(timeout=120_000) as dl:
                download_button(page, "PNG").click()
            with Image.open(dl.value.path()) as im:
                assert im.format == "PNG" and im.size[0] > 400
        finally:
            browser.close()


@pytest.mark.browser
def test_column_mapping_can_be_fixed_in_the_browser(server, tmp_path):
    """A CSV whose columns are not recognised: nothing is ready until the user picks the text column."""
    from playwright.sync_api import expect, sync_playwright

    table = tmp_path / "export-from-tool.csv"
    body = us_turkey_text().replace('"', "'").replace("\n", " ")
    table.write_text(f'col_a,col_b\n"Talks in Rome","{body}"\n', encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            # A fresh server's very first session shows Streamlit's "Page not found"
            # dialog on any URL path before st.navigation has run once; open the root first.
            page.goto(f"{server}/")
            expect(page.get_by_text("The filtered corpus has")).to_be_visible(timeout=TIMEOUT * 1000)
            page.goto(f"{server}/corpus")
            expect(page.get_by_text("Add articles")).to_be_visible(timeout=60_000)
            page.locator("input[type=file]").set_input_files(str(table))
            expect(page.get_by_text("0 article(s) ready in 1 file(s); 1 refused")).to_be_visible(timeout=60_000)
            page.locator("[data-testid=stSelectbox]").filter(has_text="text").first.click()
            page.get_by_role("option", name="col_b").click()
            page.locator("[data-testid=stSelectbox]").filter(has_text="title").first.click()
            page.get_by_role("option", name="col_a").click()
            expect(page.get_by_text("1 article(s) ready in 1 file(s); 0 refused")).to_be_visible(timeout=60_000)
            page.get_by_role("button", name="Import 1 file(s)").click()
            expect(page.get_by_text("1 added, 0 stored, not analysed, 0 duplicate, 0 rejected")).to_be_visible(timeout=120_000)
            page.screenshot(path=str(ARTIFACTS / "corpus-column-mapping.png"), full_page=True)
        finally:
            browser.close()
