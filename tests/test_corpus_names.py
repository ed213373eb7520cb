"""Names from outside on the Corpus page: shown as text, never as links, images or reordered letters."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from typing import ClassVar

import pytest

from .appserver import free_port, launch_chromium, start_app, stop_app
from .test_corpus_page import SEEDS, TIMEOUT, db, run_page  # noqa: F401 (db: the fixture used below)

EN = "Turkish President Erdogan met US President Biden in Rome on Sunday to discuss the S-400 and the F-35 programme."
RLO_NAME = "invoice_\u202ecod.txt"


@pytest.mark.usefixtures("db")
def test_stored_names_are_shown_escaped():
    from ui import data

    run_page()
    csv = f'title,text\n"Turkey\u202e yeknom","{EN}"\n'.encode()
    outcomes = data.import_uploads([(RLO_NAME, f"{EN} One.".encode()), ("rows.csv", csv)])
    assert [o.outcome for o in outcomes] == ["added", "added"]
    at = run_page()
    listing = next(df.value for df in at.dataframe if "origin" in df.value.columns)
    assert "invoice_\\u202ecod.txt" in set(listing["file"])
    assert "Turkey\\u202e yeknom" in set(listing["title"])
    assert not any("\u202e" in str(v) for col in ("file", "title") for v in listing[col])
    article = next(s for s in at.selectbox if s.label == "Article")
    assert any("invoice_\\u202ecod.txt" in o for o in article.options)
    assert not any("\u202e" in o for o in article.options)


@pytest.mark.usefixtures("db")
def test_a_malformed_limit_variable_is_an_error_on_the_page(monkeypatch):
    monkeypatch.setenv("COVERAGE_MAX_ROWS", "20k")
    at = run_page()
    assert len(at.error) == 1 and "COVERAGE_MAX_ROWS='20k' is not a whole number" in at.error[0].value


# --- a real browser: what a hostile member name makes the browser do -----------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def watcher():
    """A local HTTP server that records every request made to it."""
    port = free_port()
    _Counter.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", port), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield port
    httpd.shutdown()


@pytest.mark.browser
def test_member_names_render_as_plain_text_in_the_browser(tmp_path, watcher):
    from playwright.sync_api import expect, sync_playwright

    image = f"![t](http://127.0.0.1:{watcher}/x.png)"
    link = f"[x](http://127.0.0.1:{watcher}/link)"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{image}.txt", f"{EN} One.")
        zf.writestr(f"{link}.csv", f"title,text\nA,{EN} Two.\n")
        zf.writestr(RLO_NAME, f"{EN} Three.")
    archive = tmp_path / "names.zip"
    archive.write_bytes(buf.getvalue())
    proc, url = start_app(SEEDS, tmp_path / "store.sqlite", tmp_path / "server.log")
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT * 1000)
            page.goto(f"{url}/")
            page.wait_for_selector('[data-testid="stMain"] h1')
            page.goto(f"{url}/corpus")
            expect(page.get_by_text("Add articles")).to_be_visible()
            page.locator("input[type=file]").set_input_files(str(archive))
            expect(page.get_by_text("Columns of")).to_be_visible()
            main = page.locator('[data-testid="stMain"]')
            assert f"Columns of names.zip/{link}.csv" in main.inner_text()  # the name as typed, brackets and all
            page.get_by_role("button", name="Import 1 file(s)").click()
            expect(page.get_by_text("Last import:")).to_be_visible()
            expect(page.get_by_text("3 added")).to_be_visible()
            page.wait_for_timeout(1000)
            assert main.locator(f'a[href*="127.0.0.1:{watcher}"]').count() == 0
            assert main.locator(f'img[src*="127.0.0.1:{watcher}"]').count() == 0
            browser.close()
    finally:
        stop_app(proc)
    assert _Counter.hits == []  # the browser fetched nothing a file name pointed at
