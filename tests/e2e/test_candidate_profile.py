"""HR on a candidate's profile in Chromium (issue 14): tabs that work with and without
JS, the styled upload reached and used by keyboard, an audited reveal of a masked phone
number, and a danger-zone delete that asks first. English UI: labels are source strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, FileChooser, Page, expect

from conftest import PASSWORD
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Candidate
from mianshi.candidates.services import application_create, candidate_create, candidate_note_add
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import JobStatus
from mianshi.jobs.services import job_create
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

PHONE = "13800138077"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def li(org: Any, make_user: Any) -> Candidate:
    hr = make_user("hr_qian", Role.HR, org.sh)
    job = job_create(
        actor=hr, org_unit=org.sh_sales, data={"title": "销售代表", "status": JobStatus.OPEN}
    )
    candidate = candidate_create(actor=hr, org_unit=org.sh, name="李雷", phone=PHONE)
    application_create(actor=hr, candidate=candidate, job=job)
    candidate_note_add(actor=hr, candidate=candidate, body="周三电话沟通")
    return candidate


def _open(page: Page, candidate: Candidate) -> None:
    log_in(page, "hr_qian", PASSWORD)
    switch_language(page, "en")
    page.goto(reverse("candidates:candidate_detail", args=[candidate.pk]))


def test_tabs_show_one_section_at_a_time(new_page: NewPage, li: Candidate) -> None:
    page = new_page()
    _open(page, li)
    nav = page.get_by_role("navigation", name="Candidate sections")
    applications, notes = page.locator("#tab-applications"), page.locator("#tab-notes")
    expect(applications).to_be_visible()
    expect(notes).to_be_hidden()
    expect(nav.get_by_role("link", name="Applications")).to_have_attribute("aria-current", "true")
    nav.get_by_role("link", name="Notes").click()
    expect(notes).to_be_visible()
    expect(notes).to_contain_text("周三电话沟通")
    expect(applications).to_be_hidden()
    expect(nav.get_by_role("link", name="Notes")).to_have_attribute("aria-current", "true")
    # The header's stage badge leads back to its application, in the applications tab.
    page.locator("[data-stage-badge]").first.click()
    expect(applications).to_be_visible()


def test_tabs_work_without_javascript(browser: Browser, live_server: Any, li: Candidate) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        _open_no_js(page, li)
        expect(page.locator("#tab-applications")).to_be_visible()
        expect(page.locator("#tab-history")).to_be_hidden()
        page.get_by_role("link", name="History").click()
        expect(page.locator("#tab-history")).to_be_visible()
        expect(page.locator("#tab-applications")).to_be_hidden()
    finally:
        context.close()


def _open_no_js(page: Page, candidate: Candidate) -> None:
    log_in(page, "hr_qian", PASSWORD)
    expect(page.locator("form:has(#id_password)")).to_have_count(0)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto(reverse("candidates:candidate_detail", args=[candidate.pk]))


def test_the_resume_upload_is_styled_and_keyboard_operable(
    new_page: NewPage, li: Candidate, tmp_path: Path
) -> None:
    page = new_page()
    # Listening from the start turns Chromium's file-chooser interception on before the
    # key press; expect_file_chooser alone turns it on without waiting, and a Space
    # pressed before it took effect opened a chooser nobody saw (a flaky CI failure).
    choosers: list[FileChooser] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    _open(page, li)
    nav = page.get_by_role("navigation", name="Candidate sections")
    nav.get_by_role("link", name="Résumé").click()
    label = page.locator("label[for=id_resume]")
    expect(label).to_have_text("Choose file")
    expect(page.locator("[data-file-name]")).to_have_text("No file chosen")
    # Keyboard: Tab from the last tab link reaches the (visually hidden) input, its label
    # shows the focus ring, and Space opens the file chooser.
    nav.get_by_role("link", name="History").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#id_resume")).to_be_focused()
    assert label.evaluate("l => getComputedStyle(l).outlineStyle") == "solid"
    page.keyboard.press("Space")
    for _ in range(100):  # up to 10 s for the event to arrive
        if choosers:
            break
        page.wait_for_timeout(100)
    assert len(choosers) == 1, "Space on the focused input opened no file chooser"
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    choosers[0].set_files(cv)
    expect(page.locator("[data-file-name]")).to_have_text("cv.pdf")
    page.get_by_role("button", name="Upload résumé").click()
    expect(page.locator("#tab-resume [data-resume]")).to_be_visible()
    li.refresh_from_db()
    assert li.has_resume
    # Removing it is in the danger zone, behind a confirmation page.
    page.locator("[data-resume-delete]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete the résumé")
    page.get_by_role("button", name="Delete for good").click()
    expect(page.locator("#tab-resume [data-resume-none]")).to_be_visible()
    li.refresh_from_db()
    assert not li.has_resume


def test_a_masked_phone_is_shown_for_a_reason_and_recorded(
    new_page: NewPage, li: Candidate
) -> None:
    page = new_page()
    _open(page, li)
    phone = page.locator("dd[data-field=phone]")
    expect(phone).to_contain_text("138****8077")
    page.get_by_label("Why do you need it?").select_option("verify")
    phone.get_by_role("button", name="Show the Phone in full").click()
    expect(page.locator("dd[data-field=phone] .ident")).to_have_text(PHONE)
    # htmx swapped the field in place: same page, the value focused, the rest still masked.
    assert page.url.endswith(reverse("candidates:candidate_detail", args=[li.pk]))
    expect(page.locator("dd[data-field=phone]")).to_be_focused()
    expect(page.locator("#tab-applications")).to_be_visible()
    event = AuditEvent.objects.get(action="candidate.reveal")
    assert event.detail == {"field": "phone", "reason": "verify"}
