"""Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium (scripts/ensure-system-packages.sh
installs it). When it cannot start, every browser test fails; none is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

CHROMIUM = os.environ.get("MIANSHI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The live server's threads run at this niceness (see server_yields_to_the_browser).
SERVER_NICENESS = 5
TIMEOUT_MS = 15_000
# A loaded CI machine renders slower than a laptop; assertions wait as long as actions.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Sync Playwright runs an asyncio loop in the test thread while it lives; Django's ORM
    would refuse to run there although nothing is asynchronous. Allow it for exactly that
    lifetime (this package's tests), not for the rest of the suite."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-system-packages.sh", pytrace=False)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    yield browser
    browser.close()


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[NewPage]:
    """new_page(locale="zh-CN") → a page in a fresh context (own cookies) on the live server."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "zh-CN") -> Page:
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


def launch_candidate_browser(playwright: Playwright, video: Path, audio: Path) -> Browser:
    """Chromium whose camera and microphone play the given clips, permission granted."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *FLAGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
            f"--use-file-for-fake-audio-capture={audio}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )


@pytest.fixture(autouse=True)
def server_yields_to_the_browser(request: pytest.FixtureRequest) -> None:
    """A candidate's browser has a machine of its own. Here it shares two cores with the live
    server, whose checks (decoding, faces, speech) run eagerly in its request threads, and a
    starved Chromium records less audio than the time it shows (measured: 8.8 s in 11 s).
    Linux keeps a niceness per thread and new threads inherit it, so lowering the server
    thread's lowers every request thread it starts; it stays lowered, which is harmless."""
    if "live_server" in request.fixturenames:
        thread_id = request.getfixturevalue("live_server").thread.native_id
        if os.getpriority(os.PRIO_PROCESS, thread_id) < SERVER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread_id, SERVER_NICENESS)
