"""Walk every page of a demo-like world as each HR role and as a candidate, in a real browser.

Used by the page-walker acceptance test (test_page_walks.py): it passes a
`check(page, label)` that inspects each page once it has loaded.

- HR side: each demo role logs in, its home page is checked, then the links it can follow
  (same origin, breadth first, from the navigation down) are checked once per URL shape
  (/jobs/3/ and /jobs/4/ are the same page): every page a role can reach by clicking.
- Candidate side: one invitation link walked step by step (welcome, consent, device check,
  practice, the question before and while recording), and the done page of a finished one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from mianshi.analysis.tests.conftest import upload_env, whisper_models
from mianshi.common.tests.real_worker import RealWorkers, real_workers
from mianshi.demo import data as demo_data
from mianshi.demo.tests.test_demo_interviews import small_demo
from mianshi.interviews.models import InterviewSession, SessionState
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_token
from tests.e2e.conftest import TIMEOUT_MS, launch_candidate_browser
from tests.e2e.media_fake import face_y4m, speech_wav

ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27})(?=/|$)")  # row ids and UUIDs
Check = Callable[[Page, str], None]
ROLES = ["admin", "hr_sh", "mgr_sh_sales", "int_sh_1", "auditor"]
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
OPEN = ["created", "sent", "opened"]
MAX_PAGES = 150  # per walk, a guard against a loop; the demo has about 65 page shapes
MEDIA_WAIT_MS = 30_000
# Not pages of the product's UI, or not pages at all: Django admin (raw configuration),
# the API and its docs, the language switch, candidate links (opening one changes the
# invitation), files and exports (downloads).
SKIP = re.compile(
    r"^/(admin|api|i18n|i|static|media)/|logout|/export|/download|\.(pdf|csv|xlsx|json|zip|doc)$"
    r"|/report/?$|/file/?$|/resume/?$|/(pdf|xlsx)/?$"
)


# Fixtures demo_world needs, imported by name into the walker tests' modules.
__all__ = ["real_workers", "small_demo", "upload_env", "whisper_models"]


def shape(path: str) -> str:
    """/jobs/12/ranking/ → /jobs/N/ranking/: one check per page, not per row."""
    return ID.sub("/N", path)


@pytest.fixture
def demo_world(
    transactional_db: Any,
    live_server: Any,
    real_workers: RealWorkers,
    small_demo: None,
    upload_env: None,
    whisper_models: Any,
) -> None:
    """The demo deployment as `make demo` leaves it: `load_demo`, then a demo candidate's
    interview recorded over HTTP, analysed by a real worker, rated and hired
    (`demo_interviews`), so that the workbench, the employee page and a finished interview's
    done page have what the product produced (one candidate with short answers, to keep
    it quick)."""
    call_command("load_demo", stdout=StringIO())
    real_workers.start()
    out = StringIO()
    call_command("demo_interviews", server=live_server.url, wait=240, stdout=out)
    assert "Demo hire" in out.getvalue(), out.getvalue()


def open_context(browser: Browser, base_url: str, language: str) -> BrowserContext:
    context = browser.new_context(
        base_url=base_url, locale=LANGUAGES[language], viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    host = urlsplit(base_url).hostname or "127.0.0.1"
    context.add_cookies(
        [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    )
    return context


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(demo_data.DEMO_PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page.locator("header nav")).to_be_visible()


@dataclass
class Walk:
    """The HR side of one language: which page shapes were checked, by whom."""

    browser: Browser
    base_url: str
    language: str
    check: Check
    seen: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)

    def role(self, username: str) -> None:
        context = open_context(self.browser, self.base_url, self.language)
        try:
            page = context.new_page()
            log_in(page, username)
            self._crawl(page, username)
        finally:
            context.close()

    def _crawl(self, page: Page, username: str) -> None:
        queue: deque[str] = deque(["/"])
        first = True
        while queue and len(self.visited) < MAX_PAGES:
            path = queue.popleft()
            if not first and shape(path) in self.seen:
                continue
            first = False  # every role's home page is its own page
            self.seen.add(shape(path))
            if not self._visit(page, path, username):
                continue
            queue.extend(p for p in _links(page, self.base_url) if shape(p) not in self.seen)

    def _visit(self, page: Page, path: str, username: str) -> bool:
        response = page.goto(path)
        if (
            response is None
            or response.status >= 400
            or "html" not in response.headers.get("content-type", "")
        ):
            return False
        _settle(page)
        self.visited.append(f"{username} {path}")
        self.check(page, f"{username} {path}")
        return True


def _settle(page: Page) -> None:
    """Wait for what a page loads after itself: panels htmx fetches on load (the funnel,
    with its chart) and media wait for the network to be quiet; elsewhere only for htmx
    requests in flight, which saves networkidle's half-second quiet period per page."""
    if page.locator("[hx-trigger=load], video, audio").count():
        page.wait_for_load_state("networkidle")
    else:
        page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _links(page: Page, base_url: str) -> Iterator[str]:
    host = urlsplit(base_url).netloc
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc != host or parts.query or SKIP.search(parts.path):
            continue
        yield parts.path


def walk_hr(browser: Browser, base_url: str, language: str, check: Check) -> list[str]:
    """Every role's home page and every page shape reachable by clicking; the pages seen."""
    walk = Walk(browser, base_url, language, check)
    for username in ROLES:
        walk.role(username)
    assert len(walk.visited) < MAX_PAGES, "the walk was cut short: raise MAX_PAGES"
    return walk.visited


# --- the candidate's side ----------------------------------------------------------------


@pytest.fixture(scope="module")
def candidate_browser(playwright: Playwright, tmp_path_factory: Any) -> Iterator[Browser]:
    folder = tmp_path_factory.mktemp("walk-media")
    browser = launch_candidate_browser(
        playwright, face_y4m(folder / "face.y4m"), speech_wav(folder / "speech.wav")
    )
    yield browser
    browser.close()


def _open_invitation(job_title: str) -> str:
    """An open link nobody has started an interview on yet (an earlier walk did)."""
    invitation = (
        Invitation.objects.filter(application__job__title=job_title, status__in=OPEN)
        .filter(session__isnull=True)
        .order_by("pk")
        .first()
    )
    assert invitation is not None, f"no open demo invitation for {job_title}"
    return f"/i/{invitation_token(invitation)}/"


def _finished_interview() -> str:
    session = InterviewSession.objects.filter(state=SessionState.DONE).order_by("pk").first()
    assert session is not None, "the demo hire's interview is missing"
    return f"/i/{invitation_token(session.invitation)}/"


def walk_candidate(browser: Browser, base_url: str, language: str, check: Check) -> list[str]:
    """Welcome → consent → device check → practice → question → recording; then a finished
    interview's link (the completed page) and its status page."""
    context = open_context(browser, base_url, language)
    context.grant_permissions(["camera", "microphone"])
    steps: list[str] = []

    def step(name: str, selector: str) -> None:
        expect(page.locator(selector)).to_be_visible(timeout=MEDIA_WAIT_MS)
        steps.append(name)
        check(page, f"candidate {name}")

    try:
        page = context.new_page()
        page.goto(_open_invitation("销售代表"))
        step("welcome", "#step-welcome")
        page.locator("#welcome-start").click()
        step("consent", "#step-consent")
        for box in ("#consent-recording", "#consent-ai", "#consent-biometric"):
            page.locator(box).check()
        page.locator("#consent-submit").click()
        expect(page.locator("#device-continue")).to_be_enabled(timeout=MEDIA_WAIT_MS)
        step("device check", "#step-device")
        page.locator("#device-continue").click()
        step("practice", "#step-practice")
        page.locator("#practice-continue").click()
        step("question", "#q-ready")
        page.locator("#q-start").click()
        step("preparation", "#q-prep")
        page.locator("#q-record-now").click()
        step("recording", "#q-answer")
        # The demo hire's link once his interview is complete, and his status page.
        page.goto(_finished_interview())
        step("done", "[data-completed]")
        page.locator("[data-completed] a").click()
        step("status", "[data-status]")
    finally:
        context.close()
    return steps
