"""Browser tests: Playwright driving the system Chromium against Django's live server."""

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

# Playwright's sync API runs an event loop in the test's thread while the test (and the
# database teardown) still call the ORM synchronously. Set for the whole run once browser
# tests are collected; tests/test_settings.py leaves it out of its production check.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: scripts/setup.sh installs it (apt chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def sign_in(browser: Browser, live_server):
    """A function that opens a new browser page signed in as `username`."""
    from tests.world import PASSWORD

    pages = []

    def open_as(username: str):
        page = browser.new_page()
        pages.append(page)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_as
    for page in pages:
        page.close()
