"""Fixtures for tests that drive the system Chromium through a live server with Playwright.

`browser` is one headless Chromium for the session; `page` a fresh tab (own cookies and storage)
at desktop size; `site` the live server's address with the first meeting loaded. Tests using
them are marked `browser` and skipped only where no Chromium is installed (CI installs it).
"""

import os
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler

# Playwright's sync API runs an event loop in this thread; the ORM calls that load fixtures and
# flush the database between tests are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


class OneRequestAtATime(StaticFilesHandler):
    """The live server's handler, letting one request at a time reach Django.

    A browser loads a page's script, translations and autocomplete requests side by side, and the
    live server answers each in its own thread. On an in-memory SQLite database every one of
    those threads shares the test's single connection, which Django's documentation warns must
    not run two queries at once; it has hung a request mid-query.
    """

    lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, serving one request at a time (see OneRequestAtATime)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


@pytest.fixture
def site(live_server, transactional_db, first_meeting):
    """The live server's base URL, serving the first meeting."""
    return live_server.url
