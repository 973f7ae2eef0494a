"""The acceptance test of issue 5, the whole product in real Chromium with nothing mocked:

HR logs in, creates a job from an interview template (one English video question) in the
job form, adds a candidate with a Chinese name and invites them; the invitation mail
reaches a real SMTP server and its link is what the candidate opens, in a second browser
whose camera and microphone play a generated face and espeak-ng English speech; the
candidate consents, checks the devices, practises, records and finishes; a REAL Celery
worker process (through the broker, not eager) verifies, checks and analyses the answer
with the real Whisper model; HR sees the transcript with the spoken key words and the
dimension scores with evidence in the workbench, seeks the video from a sentence, rates,
decides "second round" and downloads the PDF report, whose page 1 shows the candidate's
name in real CJK glyphs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.analysis.tests.conftest import whisper_models  # noqa: F401
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.common.tests.real_worker import RealWorkers, real_workers  # noqa: F401
from mianshi.common.tests.support import Mailbox, smtp  # noqa: F401
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.models import InvitationKind
from mianshi.jobs.models import JobStatus
from mianshi.reviews.models import Decision, DecisionKind
from tests.e2e import hiring_pages as hr_ui
from tests.e2e.conftest import NewPage
from tests.e2e.hiring_steps import (  # noqa: F401 (candidate_browser, candidate_page: fixtures)
    CODES,
    KEY_WORDS,
    analysed,
    candidate_browser,
    candidate_page,
    candidate_records,
    question_bank,
    review_rates,
)
from tests.e2e.pdf_check import embedded_cjk_fonts, glyph_problems, reference_pdf, run
from tests.e2e.test_login import log_in

pytestmark = pytest.mark.e2e

NAME = "王小明"
EMAIL = "wangxm@example.com"


@pytest.fixture
def hr(org: Any, make_user: Any) -> User:
    return make_user("hr_zhao", Role.HR_ADMIN, org.hq)


@pytest.fixture
def worker(
    real_workers: RealWorkers,  # noqa: F811
    whisper_models: Path,  # noqa: F811
    smtp: Mailbox,  # noqa: F811
    settings: Any,
    live_server: Any,
    tmp_path: Path,
) -> RealWorkers:
    """One real worker, started now so it warms up while HR works in the browser; it shares
    the test's database, media folder, keys, public URL and SMTP server (settings first)."""
    settings.PUBLIC_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHANNELS = ["email"]
    real_workers.start()
    return real_workers


# --- the steps -----------------------------------------------------------------------------


def hr_invites(
    page: Page,
    hr: User,
    org: Any,
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
) -> tuple[Application, str]:
    """Steps 1–2: the job from the template in the UI, the candidate, the mailed link."""
    bank = question_bank(hr, org.sh)
    log_in(page, "hr_zhao", PASSWORD)
    expect(page.locator("header nav")).to_be_visible()
    job_id = hr_ui.create_job(
        page, unit_id=org.sh_sales.pk, title="客户经理", template_id=bank.first.pk,
        second_id=bank.second.pk, model_id=bank.model.pk,
    )  # fmt: skip
    candidate_id = hr_ui.create_candidate(page, unit_id=org.sh_sales.pk, name=NAME, email=EMAIL)
    shown = hr_ui.apply_and_invite(page, job_id=job_id)
    application = Application.objects.get(candidate_id=candidate_id, job_id=job_id)
    job = application.job
    assert (job.status, job.interview_template_id) == (JobStatus.OPEN, bank.first.pk)
    assert job.second_round_template_id == bank.second.pk
    worker.wait_until(lambda: smtp.messages, what="the invitation mail", timeout=60)
    assert smtp.recipients == [[EMAIL]]
    text, html = smtp.bodies(0)
    link = hr_ui.mailed_link(text)
    assert link == shown and link in html
    return application, link


def review_shows_the_analysis(page: Page, session: InterviewSession) -> None:
    """Step 5a: transcript with the key words, scores with evidence, a sentence seeks."""
    page.goto(reverse("reviews:workbench", args=[session.pk]))
    expect(page.locator("[data-run-status]").first).to_have_attribute("data-run-status", "done")
    spoken = hr_ui.transcript_text(page).lower()
    assert all(word in spoken for word in KEY_WORDS), spoken
    for code in CODES:  # each competency: its AI score and the quotes it rests on
        expect(hr_ui.dimension(page, code)).to_be_visible()
        expect(hr_ui.dimension(page, code).locator("[data-evidence]").first).to_be_visible()
    expect(page.locator("[data-ai-score]").first).to_be_visible()
    sentences = page.locator("[data-transcript-segment]")
    last = sentences.count() - 1
    hr_ui.seek_by_sentence(page, last)
    expect(sentences.nth(last)).to_have_attribute("data-current", re.compile(".*"))
    quote = hr_ui.dimension(page, CODES[0]).locator("[data-evidence][data-answer][data-seek]").last
    expect(quote).to_be_visible()
    hr_ui.click_seeks(page, quote, float(quote.get_attribute("data-seek") or "nan"))


def review_decides(
    page: Page,
    hr: User,
    session: InterviewSession,
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
) -> None:
    """Step 5c: "second round" decided with a reason by a named person; the application
    moved (database and page); the next-round invitation is mailed by the worker."""
    page.goto(reverse("reviews:workbench", args=[session.pk]))
    reason = "沟通清楚，进入复试。"
    hr_ui.decide(page, kind=DecisionKind.SECOND_ROUND, reason=reason, send_feedback=True)
    expect(page.locator("[data-decisions] [data-decision='second_round']")).to_be_visible()
    decision = Decision.objects.select_related("invitation").get(application=session.application)
    assert (decision.kind, decision.decided_by_id, decision.reason) == (
        DecisionKind.SECOND_ROUND, hr.pk, reason,
    )  # fmt: skip
    assert decision.invitation is not None
    assert decision.invitation.kind == InvitationKind.NEXT_ROUND
    application = Application.objects.get(pk=session.application_id)
    assert application.stage == Stage.SECOND_ROUND
    worker.wait_until(lambda: len(smtp.messages) == 2, what="the next-round mail", timeout=30)
    assert smtp.recipients[1] == [EMAIL]
    next_link = hr_ui.mailed_link(smtp.bodies(1)[0])
    assert next_link != hr_ui.mailed_link(smtp.bodies(0)[0])
    page.goto(reverse("candidates:candidate_detail", args=[application.candidate_id]))
    expect(page.locator(f"#application-{application.pk} [data-stage]").first).to_have_attribute(
        "data-stage", Stage.SECOND_ROUND
    )


def report_shows_the_name(page: Page, session: InterviewSession, folder: Path) -> None:
    """Step 6: the PDF downloaded from the workbench names the candidate in real glyphs."""
    page.goto(reverse("reviews:workbench", args=[session.pk]))
    pdf = hr_ui.download_report(page, folder)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = run("pdftotext", "-layout", str(pdf), "-")
    assert NAME in text, text[:2000]
    assert embedded_cjk_fonts(pdf), run("pdffonts", str(pdf))
    raster = folder / "raster"
    raster.mkdir()
    assert glyph_problems(pdf, NAME, raster) == []


# --- the test ------------------------------------------------------------------------------


@pytest.mark.usefixtures("transactional_db")
def test_hr_hires_through_the_whole_product(
    new_page: NewPage,
    candidate_page: Page,  # noqa: F811
    worker: RealWorkers,
    smtp: Mailbox,  # noqa: F811
    hr: User,
    org: Any,
    tmp_path: Path,
) -> None:
    clock = hr_ui.Clock()
    page = new_page()
    application, link = hr_invites(page, hr, org, worker, smtp)
    clock.lap("1-2 job, candidate, mail")
    candidate_records(candidate_page, link)
    clock.lap("3 candidate records")
    session = InterviewSession.objects.get(application=application)
    analysed(worker, session)
    clock.lap("4 worker analyses")
    review_shows_the_analysis(page, session)
    review_rates(page, hr, session)
    review_decides(page, hr, session, worker, smtp)
    clock.lap("5 review, rate, decide")
    report_shows_the_name(page, session, tmp_path)
    clock.lap("6 PDF report")
    print("\n" + clock.report())


# --- the glyph check itself --------------------------------------------------------------


def test_the_glyph_check_fails_tofu_and_passes_real_glyphs(tmp_path: Path) -> None:
    """The report check above would catch boxes: WeasyPrint without CJK fonts writes the
    name's text (pdftotext finds it) but draws tofu, which the raster comparison refuses."""
    tofu = reference_pdf(tmp_path / "tofu.pdf", NAME, cjk_fonts=False)
    assert NAME in run("pdftotext", str(tofu), "-")  # text extraction alone cannot tell
    (tmp_path / "a").mkdir()
    problems = glyph_problems(tofu, NAME, tmp_path / "a")
    assert len(problems) == len(NAME) and not embedded_cjk_fonts(tofu), problems
    real = reference_pdf(tmp_path / "real.pdf", NAME, cjk_fonts=True)
    (tmp_path / "b").mkdir()
    assert glyph_problems(real, NAME, tmp_path / "b") == [] and embedded_cjk_fonts(real)
