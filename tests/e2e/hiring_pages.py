"""What HR does in the hiring flow, step by step in a real browser (used by
test_hiring_flow.py): create a job, add a candidate, invite, review in the workbench, rate,
decide, download the report. Selectors are ids and data attributes: the texts are translated.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

T = TypeVar("T")
LINK = re.compile(r"https?://[^\s\"'<>]+/i/[^/\s\"'<>]+/")
SEEK_TOLERANCE_S = 0.6


def _saved_id(page: Page, route: str) -> int:
    """The primary key in the URL the form redirected to (e.g. /jobs/12/)."""
    match = re.search(rf"{route}(\d+)/$", page.url)
    assert match, page.url
    return int(match.group(1))


def create_job(
    page: Page, *, unit_id: int, title: str, template_id: int, second_id: int, model_id: int
) -> int:
    """The job form: owner unit, title, status open, competency model, the interview
    template and the second round's."""
    page.goto(reverse("jobs:job_create"))
    page.locator("#id_org_unit").select_option(str(unit_id))
    page.locator("#id_title").fill(title)
    page.locator("#id_status").select_option("open")
    page.locator("#id_competency_model").select_option(str(model_id))
    page.locator("#id_interview_template").select_option(str(template_id))
    page.locator("#id_second_round_template").select_option(str(second_id))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(title)
    return _saved_id(page, "/jobs/")


def create_candidate(page: Page, *, unit_id: int, name: str, email: str) -> int:
    page.goto(reverse("candidates:candidate_create"))
    page.locator("#id_org_unit").select_option(str(unit_id))
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(name)
    return _saved_id(page, "/candidates/")


def apply_and_invite(page: Page, *, job_id: int) -> str:
    """On the candidate's page: apply to the job, then send the invitation; the shown link."""
    form = page.locator("form[action$='/applications/']")
    form.locator("select[name=job]").select_option(str(job_id))
    form.locator("button[type=submit]").click()
    panel = page.locator("[data-invite-panel]")
    expect(panel).to_have_count(1)
    panel.locator("form[action*='invite'] button[type=submit]").click()
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    return link.input_value()


def mailed_link(text: str) -> str:
    """The interview link in a mail body (the one the candidate clicks)."""
    found = LINK.findall(text)
    assert found, text
    return str(found[0])


# --- the workbench (data attributes are the workbench's contract) --------------------------


def transcript_text(page: Page) -> str:
    segments = page.locator("[data-transcript-segment]")
    expect(segments.first).to_be_visible()
    return " ".join(segments.all_inner_texts())


def video_time(page: Page) -> float:
    return float(page.locator("video").first.evaluate("v => v.currentTime"))


def seek_by_sentence(page: Page, index: int) -> float:
    """Click the index-th transcript sentence: the player goes to its start (returned)."""
    sentence = page.locator("[data-transcript-segment]").nth(index)
    start = float(sentence.get_attribute("data-start") or "nan")
    click_seeks(page, sentence, start)
    return start


def click_seeks(page: Page, button: Locator, seconds: float) -> None:
    """Move the player well away from `seconds`, click `button`: the player is at `seconds`
    (so the check holds only when the click really moved it)."""
    away = seconds + 3 if seconds < 3 else 0.0
    page.locator("video").first.evaluate("(v, t) => { v.currentTime = t; }", away)
    video_at(page, away)
    button.click()
    video_at(page, seconds)


def video_at(page: Page, seconds: float) -> None:
    """Wait until the player stands (or plays just past) `seconds`."""
    page.wait_for_function(
        "([s, tol]) => Math.abs(document.querySelector('video').currentTime - s) <= tol",
        arg=[seconds, SEEK_TOLERANCE_S],
    )


def dimension(page: Page, code: str) -> Locator:
    return page.locator(f"[data-dimension='{code}']").first


def rate(page: Page, scores: dict[str, int], reasons: dict[str, str], comment: str) -> None:
    """Fill the rating form (reasons for every dimension given one) and submit it."""
    form = page.locator("form[data-rating-form]")
    for code, score in scores.items():
        field = form.locator(f"[name='score_{code}']")
        if field.first.get_attribute("type") == "radio":
            form.locator(f"[name='score_{code}'][value='{score}']").check()
        elif field.first.evaluate("el => el.tagName") == "SELECT":
            field.select_option(str(score))
        else:
            field.fill(str(score))
    for code, reason in reasons.items():
        form.locator(f"[name='reason_{code}']").fill(reason)
    form.locator("[name='comment']").fill(comment)
    form.locator("button[name=action][value=submit]").click()


def decide(page: Page, *, kind: str, reason: str, send_feedback: bool) -> None:
    """Choose the decision (its message fields load by htmx), give the reason, submit."""
    form = page.locator("form[data-decision-form]")
    with page.expect_response(lambda r: "/feedback/" in r.url):
        form.locator("select[name=kind]").select_option(kind)
    expect(form.locator(f"[data-feedback-fields='{kind}']")).to_be_attached()
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("input[name=send_feedback]").set_checked(send_feedback)
    form.locator("button[type=submit]").click()


def download_report(page: Page, folder: Path) -> Path:
    link = page.locator("a[data-report-pdf]").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / (download.suggested_filename or "report.pdf")
    download.save_as(path)
    return path


# --- timing and waiting ------------------------------------------------------------------


class Clock:
    """Seconds per step, printed at the end (pytest -s shows them)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def lap(self, step: str) -> None:
        now = time.monotonic()
        self.steps.append((step, now - self.last))
        self.last = now

    def report(self) -> str:
        rows = [f"{step:<28}{seconds:6.1f} s" for step, seconds in self.steps]
        return "\n".join([*rows, f"{'total':<28}{time.monotonic() - self.start:6.1f} s"])


def wait_for(check: Callable[[], T | None], what: str, timeout: float = 15) -> T:
    """Poll `check` until it returns something (not None)."""
    deadline = time.monotonic() + timeout
    while (value := check()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    return value
