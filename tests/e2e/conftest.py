"""Browser tests: Playwright driving the system Chromium against Django's live server.

Screenshots are kept as artifacts under `artifacts/e2e/<test>/` (ignored by git): every
journey calls `shot(page, "what is on screen")` at its milestones, and a failing test leaves
a screenshot of every page it had open (`zz-failed-<n>.png`).
"""

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

# Playwright's sync API runs an event loop in the test's thread while the test (and the
# database teardown) still call the ORM synchronously. Set for the whole run once browser
# tests are collected; tests/test_settings.py leaves it out of its production check.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
PHONE = ViewportSize(width=375, height=812)  # an iPhone's CSS pixels
DESKTOP = ViewportSize(width=1280, height=900)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: scripts/setup.sh installs it (apt chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request) -> Path:
    """This test's own folder of screenshots, emptied first."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shot(artifacts: Path) -> Callable[[Page, str], Path]:
    """`shot(page, "returned")` saves the whole page as `NN-returned.png`."""
    taken = [0]

    def take(page: Page, name: str) -> Path:
        taken[0] += 1
        path = artifacts / f"{taken[0]:02d}-{re.sub(r'[^\w.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_in_call = report.failed
    return report


@pytest.fixture
def sign_in(browser: Browser, live_server, request, artifacts: Path):
    """A function that opens a new browser page signed in as `username` (Chinese locale;
    `phone=True` for a phone-sized window)."""
    from tests.world import PASSWORD

    pages: list[Page] = []

    def open_as(username: str, *, phone: bool = False) -> Page:
        context = browser.new_context(
            locale="zh-CN",
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
        )
        page = context.new_page()
        pages.append(page)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_as
    failed = getattr(request.node, "failed_in_call", False)
    for n, page in enumerate(pages, 1):
        if failed:
            # A crashed page must not hide the failure itself.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(artifacts / f"zz-failed-{n}.png"), full_page=True)
        page.context.close()
