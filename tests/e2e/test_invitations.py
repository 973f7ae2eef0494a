"""HR invites a candidate from the candidate page in a real browser; the mailed link opens.

Mail goes through Django's SMTP backend to an aiosmtpd server on loopback; the delivery
task runs in-process (Celery eager) after the real commit of the live server's request.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from mianshi.accounts.roles import Role
from mianshi.candidates.services import application_create, candidate_create
from mianshi.invitations.models import Invitation
from mianshi.invitations.tests.conftest import eager, job_with_template, smtp  # noqa: F401
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def test_hr_invites_copies_the_link_and_the_candidate_opens_it(
    new_page: NewPage,
    live_server: Any,
    org: Any,
    make_user: Any,
    settings: Any,
    smtp: Any,  # noqa: F811
    eager: Any,  # noqa: F811
) -> None:
    settings.PUBLIC_URL = live_server.url
    hr = make_user("hr_wu", Role.HR_ADMIN, org.hq)
    job = job_with_template(org.sh_sales, "销售代表", hr)
    candidate = candidate_create(
        actor=hr, org_unit=org.sh, name="韩梅梅", phone="13800138009", email="han@example.com"
    )
    application = application_create(actor=hr, candidate=candidate, job=job)

    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "hr_wu", PASSWORD)
    switch_language(page, "en")
    page.goto(reverse("candidates:candidate_detail", args=[candidate.pk]))
    panel = page.locator(f"[data-invite-panel='{application.pk}']")
    panel.get_by_label("Valid for (hours)").fill("30")
    panel.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    link = page.locator("#invitation-link").input_value()
    assert link.startswith(f"{live_server.url}/i/") and link.endswith("/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link

    # The delivery ran when the request's transaction committed, before the page answered.
    assert smtp.recipients == [["han@example.com"]] and link in smtp.bodies()[0]

    candidate_page = new_page()
    response = candidate_page.goto(link)
    assert response is not None and response.status == 200
    invitation = Invitation.objects.get(application=application)
    assert invitation.status == "opened" and invitation.first_opened_at is not None
    # The candidate can switch the language on their pages (the form's CSRF origin check
    # needs a real Origin, which a no-referrer policy turns into "null").
    expect(candidate_page.locator("html")).to_have_attribute("lang", "zh-hans")
    switch_language(candidate_page, "en")
    candidate_page.goto(link.rstrip("/") + "/status/")
    switch_language(candidate_page, "zh-hans")

    page.goto(reverse("invitations:invitation_list"))
    row = page.locator(f"tr[data-invitation='{invitation.pk}']")
    expect(row).to_have_attribute("data-status", "opened")
    expect(row.locator("[data-delivery='sent']")).to_have_count(1)
