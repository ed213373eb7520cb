"""A real browser: Playwright drives Debian's Chromium against `streamlit run app.py`.

Each test server runs on a free localhost port with a store of its own
(``COVERAGE_DB`` in a temporary folder) filled from ``COVERAGE_CORPUS_DIR``:
the seeds, or the seeds plus an article whose text carries a ``<script>``
and an ``<img onerror>``. Full-page screenshots of every page go to
``test-artifacts/`` (git-ignored) for a person to look at.

Chromium is the system one (``/usr/bin/chromium``); ``playwright install``
is never run.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from .appserver import launch_chromium, start_app, stop_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
#: A page has finished rendering when nothing has changed for this long.
SETTLE_S = 1.5
PAGE_TIMEOUT_S = 90
VIEWPORT = {"width": 1400, "height": 900}

HOSTILE_TEXT = """Turkey and the United States clash over the S-400 <script>window.__pwned=1</script>

Washington warned Ankara on Monday. <img src=x onerror="window.__pwned=1"> The US and Turkey remain NATO allies, officials in Washington and Ankara said.
President Joe Biden said the United States would respond. Turkish President Recep Tayyip Erdogan said Turkey would not back down.
"""


@pytest.fixture(scope="module")
def seeds_server(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("seeds-server")
    proc, url = start_app(ROOT / "seeds", tmp / "store.sqlite", tmp / "streamlit.log")
    request.addfinalizer(lambda: stop_app(proc))
    return url


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, request):
    """A server on the seeds plus a hostile article; yields (url, the article's id)."""
    from lib.text.cleaning import clean
    from lib.text.reading import read_document, text_identity

    tmp = tmp_path_factory.mktemp("hostile-server")
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    path = corpus / "900_hostile.txt"
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    article_id = text_identity(clean(read_document(path).text, file=path.name).text)  # as the pipeline names it
    proc, url = start_app(corpus, tmp / "store.sqlite", tmp / "streamlit.log")
    request.addfinalizer(lambda: stop_app(proc))
    return url, article_id


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_S * 1000)
    yield pg
    context.close()


def _state(page) -> tuple:
    return page.evaluate(
        """() => {
            const running = document.querySelector('[data-testid="stStatusWidget"]') !== null
                && /running|connecting/i.test(document.querySelector('[data-testid="stStatusWidget"]').innerText);
            const main = document.querySelector('[data-testid="stMain"]');
            // charts in a hidden tab are not drawn until the tab is opened
            const shown = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(el => el.checkVisibility());
            const charts = shown.length;
            const drawn = shown.filter(el => el.querySelector('canvas, svg.marks')).length;
            const skeleton = document.querySelectorAll('[data-testid="stSkeleton"]').length;
            return [running, main ? main.innerText.length : 0, charts, drawn, skeleton];
        }"""
    )


def settle(page) -> None:
    """Wait until the script run has finished and every chart is drawn."""
    page.wait_for_selector('[data-testid="stMain"] h1')
    deadline = time.monotonic() + PAGE_TIMEOUT_S
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        s = _state(page)
        running, _, charts, drawn, skeleton = s
        if s != last:
            last, since = s, time.monotonic()
        elif not running and not skeleton and drawn >= charts and time.monotonic() - since >= SETTLE_S:
            return
        time.sleep(0.2)
    raise AssertionError(f"page did not settle: {last}")


def visit(page, url: str) -> None:
    page.goto(url)
    settle(page)


def screenshot(page, name: str) -> Path:
    """A full-page screenshot: the viewport grows to the whole scrolled content first."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("() => Math.max(document.querySelector('[data-testid=\"stMain\"]').scrollHeight, document.body.scrollHeight)")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height) + 40})
    settle(page)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def assert_no_streamlit_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def visible_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


PAGE_CHECKS = [
    (
        "compare",
        "",
        ["Findings", "US–Turkey", "Russia–Turkey", "too few articles for an interval", "Evidence", "Start with the findings"],
        7,
    ),
    ("articles", "articles", ["Articles", "Read an article"], 0),
    ("entities", "entities", ["Who is mentioned", "Which entities appear together"], 2),
    ("topics", "topics", ["Topics and the words that set the coverage apart", "Keyword in context"], 2),
    ("tone", "tone", ["Tone of the coverage", "r = 0.492", "Known agreement"], 4),
    ("time", "time", ["Coverage over time", "What each day was about"], 2),
    ("outlets", "outlets", ["Coverage by outlet", "(unknown source)"], 3),
]


@pytest.mark.parametrize(("name", "path", "expected", "min_charts"), PAGE_CHECKS, ids=[c[0] for c in PAGE_CHECKS])
def test_every_page_shows_its_content(seeds_server, page, name, path, expected, min_charts):
    visit(page, f"{seeds_server}/{path}")
    assert_no_streamlit_error(page)
    text = visible_text(page)
    for needle in expected:
        assert needle in text, f"{needle!r} not visible on {name}"
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= min_charts
    assert screenshot(page, name).stat().st_size > 10_000


def test_url_view_opens_with_filters_and_selection(seeds_server, page):
    visit(page, f"{seeds_server}/entities?lang=en&entity=putin")
    assert_no_streamlit_error(page)
    assert "Sentences naming Vladimir Putin" in visible_text(page)
    assert "English articles" in visible_text(page)
    # the sidebar shows the filter the URL gave
    assert "English" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Arabic" not in page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
    screenshot(page, "entities-putin-en")


def test_arabic_article_renders_right_to_left(seeds_server, page):
    from lib.corpus.tables import analyze_seeds

    arts = analyze_seeds().articles
    ar_id = str(arts.loc[arts["language"] == "ar", "article_id"].iloc[0])
    visit(page, f"{seeds_server}/articles?article={ar_id}")
    assert_no_streamlit_error(page)
    body = page.locator(".cov-article").first
    assert body.get_attribute("dir") == "rtl" and body.get_attribute("lang") == "ar"
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert body.evaluate("el => getComputedStyle(el).textAlign") in ("right", "start")
    # the first line starts at the right edge: its first character is right of its last
    box = body.bounding_box()
    first = page.locator(".cov-article .cov-s").first.bounding_box()
    assert first["x"] + first["width"] > box["x"] + box["width"] * 0.8
    assert body.locator("mark.cov-ent").count() > 0
    screenshot(page, "article-arabic")


def test_hostile_article_text_is_inert(hostile, page):
    url, article_id = hostile
    visit(page, f"{url}/articles?article={article_id}")
    assert_no_streamlit_error(page)
    body = page.locator(".cov-article").first
    text = body.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert body.locator("script, img").count() == 0
    assert page.evaluate("() => window.__pwned === undefined")
    for path in ("", "entities", "topics?term=script&tlang=en"):
        visit(page, f"{url}/{path}")
        assert_no_streamlit_error(page)
        assert page.evaluate("() => window.__pwned === undefined"), path
    visit(page, f"{url}/articles?article={article_id}")
    screenshot(page, "article-hostile")


def test_evidence_opens_in_the_same_tab_scrolled_to_its_table(seeds_server, page):
    visit(page, seeds_server)
    n_pages = len(page.context.pages)
    page.locator('[data-testid="stPageLink"] a', has_text="Evidence").nth(2).click()  # the first topic finding
    page.wait_for_url("**/topics?**")
    settle(page)
    assert len(page.context.pages) == n_pages  # no new tab, the same session
    assert_no_streamlit_error(page)
    page.wait_for_selector("#evidence", state="attached")
    top = None
    deadline = time.monotonic() + 15  # the scroll runs once the table is drawn (later on a busy machine)
    while time.monotonic() < deadline:
        top = page.evaluate("() => document.getElementById('evidence').getBoundingClientRect().top")
        if 0 <= top < VIEWPORT["height"]:
            break
        time.sleep(0.25)
    assert top is not None and 0 <= top < VIEWPORT["height"], top  # the evidence table is in view, not the top of the page
    assert "Sentences on" in visible_text(page)
    screenshot(page, "evidence-topic")


def test_the_differences_in_numbers_are_drawn_when_opened(seeds_server, page):
    visit(page, seeds_server)
    box = page.locator('[data-testid="stExpander"]', has_text="Every difference in numbers")
    assert box.locator('[data-testid="stDataFrame"]').count() == 0  # not drawn while closed
    box.scroll_into_view_if_needed()
    settle(page)  # charts above it drawn at their size: the click lands on the expander, not where it was
    url = page.url
    box.locator("summary").click()
    box.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
    settle(page)
    assert_no_streamlit_error(page)
    assert "The interval comes from resampling" in box.inner_text()
    assert box.locator('[data-testid="stTab"]').count() == 4  # tone, entities, topics, who is quoted
    assert page.url == url  # the filters are as they were


def test_a_tab_draws_its_chart_when_it_is_shown(seeds_server, page):
    """Compare's tabs draw only the chart shown; another tab's chart is drawn when it is clicked."""
    visit(page, seeds_server)
    titles = lambda: page.locator('[data-testid="stVegaLiteChart"]').all_inner_texts()  # noqa: E731
    assert not any("speaker's country" in t for t in titles())
    tab = page.locator('[data-testid="stTab"]', has_text="Speakers' countries")
    tab.scroll_into_view_if_needed()
    settle(page)
    url = page.url
    tab.click()
    page.locator('[data-testid="stVegaLiteChart"]', has_text="by speaker's country").first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
    settle(page)
    assert_no_streamlit_error(page)
    assert not any("by speaker: share" in t for t in titles())  # the other tab's chart is not drawn now
    assert page.url == url


def test_the_reader_opens_at_the_sentence(seeds_server, page):
    from lib.corpus.tables import analyze_seeds

    arts = analyze_seeds().articles
    ar_id = str(arts.loc[arts["language"] == "ar", "article_id"].iloc[0])
    visit(page, f"{seeds_server}/articles?article={ar_id}&sentence=12")
    time.sleep(1.5)
    focus = page.locator(".cov-article #s12")
    assert focus.count() == 1 and "cov-focus" in focus.get_attribute("class")
    box = focus.bounding_box()
    assert 0 <= box["y"] < VIEWPORT["height"]


@pytest.mark.parametrize("width", [800, 1400, 1920])
@pytest.mark.parametrize("path", ["", "tone", "time", "outlets", "entities", "topics"])
def test_pages_fit_the_window(seeds_server, browser, width, path):
    """No chart or table wider than the window: readable at 800 px as at 1920 px."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_S * 1000)
    try:
        visit(pg, f"{seeds_server}/{path}")
        assert_no_streamlit_error(pg)
        overflow = pg.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                const right = main.getBoundingClientRect().right;
                return [...document.querySelectorAll('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks')]
                    .map(el => el.getBoundingClientRect().right - right).filter(d => d > 2);
            }"""
        )
        assert not overflow, f"{len(overflow)} chart(s) wider than the page at {width} px"
        if width == 800:
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / f"{path or 'compare'}-800.png"), full_page=True)
    finally:
        context.close()
