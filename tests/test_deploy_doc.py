"""The monitoring addresses in docs/deploy.md answer on a freshly started server."""

from __future__ import annotations

import re
import urllib.request

import pytest

from .appserver import ROOT, launch_chromium, start_app, stop_app

pytestmark = pytest.mark.browser


def _health_section() -> str:
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return doc.split("## Health check", 1)[1].split("\n## ", 1)[0]


def _addresses() -> tuple[list[str], list[str]]:
    """(addresses polled with curl, addresses opened in a browser) that the section gives."""
    section = _health_section()
    curled = re.findall(r"curl[^\n]*?http://HOST:8501(/\S*)", section)
    opened = [a for a in re.findall(r"http://HOST:8501(/\S*)", section) if a not in curled]
    return curled, opened


def test_the_doc_gives_a_health_address_and_a_page_address():
    curled, opened = _addresses()
    assert curled == ["/_stcore/health"]
    assert opened


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("fresh-server")
    proc, url = start_app(ROOT / "seeds", tmp / "store.sqlite", tmp / "streamlit.log")
    request.addfinalizer(lambda: stop_app(proc))
    return url


def test_every_monitoring_address_answers_on_a_fresh_server(fresh_server):
    from playwright.sync_api import sync_playwright

    curled, opened = _addresses()
    for address in curled:
        with urllib.request.urlopen(fresh_server + address, timeout=10) as r:
            assert (r.status, r.read().decode().strip()) == (200, "ok"), address
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for address in opened:  # the first visits since the server started
                page = browser.new_page()
                page.set_default_timeout(180_000)
                page.goto(fresh_server + address)
                page.wait_for_selector('[data-testid="stMain"] h1')
                assert page.get_by_text("Page not found").count() == 0, address
                page.close()
        finally:
            browser.close()
