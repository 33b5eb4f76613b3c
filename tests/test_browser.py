"""The web UI in a real browser (Debian's Chromium driven by Playwright) on the seeds plus a hostile page.

Screenshots land in tests/artifacts/ for a person to look at. Skipped, saying why, only
when Chromium or the playwright package is missing (.ci/run installs both).
"""

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from storyline.web.app import create_app

from conftest import ROOT
from test_web import HOSTILE_TITLE, IMG_PAYLOAD, SCRIPT_PAYLOAD, web_store  # noqa: F401 (fixture)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
# How long to wait for the server thread to start answering (generous for a slow CI box).
SERVER_START_SECONDS = 30

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(web_store):
    """The app on a free port of 127.0.0.1, served by uvicorn in a background thread."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(web_store), log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not uv.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert uv.started, "the web server did not start"
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def page():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.dialogs = []
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_analyst_follows_the_story_from_timeline_to_speaker_and_search(server, page):
    page.goto(server + "/")
    assert page.locator("svg.axis circle").count() >= 4
    assert page.locator(".date.uncertain").count() >= 1
    shot(page, "timeline")

    page.locator(".event-row", has_text="2026-02-04").locator("a.event-title").click()
    page.wait_for_url(re.compile(r"/events/"))
    rewrite_row = page.locator(".document-row", has_text="000_4d0162f69c1c7a40.txt")
    assert "rewrite of Xi, Putin Reinforce Ties in Video Call" in " ".join(rewrite_row.inner_text().split())
    ap_row = page.locator(".document-row", has_text="AP").filter(has_not_text="rewrite of")  # the copy quotes AP text
    assert "original" in ap_row.inner_text()
    shot(page, "event-2026")

    page.locator(".quote a.speaker", has_text="Vladimir Putin").first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.locator("h1").inner_text().startswith("Vladimir Putin")
    assert page.locator(".quote").count() >= 5
    shot(page, "entity-putin")

    page.fill("header input[name=q]", "Ushakov")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=Ushakov"))
    assert page.locator(".results a", has_text="Yuri Ushakov").count() >= 1
    assert page.locator(".results mark", has_text="Ushakov").count() >= 2
    shot(page, "search-ushakov")

    page.goto(server + "/search?q=ferry+pier")
    page.locator(".results a", has_text="Harbour authority").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    body = page.locator(".text .body").inner_text()
    assert SCRIPT_PAYLOAD in body and IMG_PAYLOAD in body
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0
    shot(page, "hostile-document")
    assert page.dialogs == []


def test_the_rewrite_shows_its_aligned_passages_beside_the_original(server, page):
    page.goto(server + "/search?q=video+conference")
    page.locator(".results a", has_text="000_4d0162f69c1c7a40.txt").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator(".mark-line", has_text="Reuses").count() == 1
    first_row = page.locator("table.aligned tbody tr").first
    here, there = first_row.locator("td").all_inner_texts()
    assert here and there and here != there
    assert page.locator(".body .reused").count() >= 1
    shot(page, "document-rewrite")
    assert page.dialogs == []
