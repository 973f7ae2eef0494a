"""The welcome page shows the deadline the e-mail states, whatever the browser's zone.

The page used to format the deadline in the browser's zone without a label: a candidate
whose computer ran on UTC read 00:34 where the e-mail said 08:34 北京时间.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from mianshi.accounts.roles import Role
from mianshi.candidates.services import application_create, candidate_create
from mianshi.common.zoned import zoned
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create
from mianshi.invitations.tests.conftest import job_with_template

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def test_a_browser_far_from_beijing_reads_the_deadline_of_the_email(
    browser: Browser, live_server: Any, org: Any, make_user: Any
) -> None:
    hr = make_user("hr_wu", Role.HR_ADMIN, org.hq)
    job = job_with_template(org.sh_sales, "销售代表", hr)
    candidate = candidate_create(actor=hr, org_unit=org.sh, name="韩梅梅", email="han@example.com")
    invitation, token = invitation_create(
        actor=hr, application=application_create(actor=hr, candidate=candidate, job=job)
    )
    deadline = datetime.now(UTC).replace(hour=0, minute=34, second=0, microsecond=0)
    deadline += timedelta(days=3)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=deadline)

    context = browser.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="America/Los_Angeles"
    )
    try:
        page = context.new_page()
        page.goto(f"/i/{token}/")
        expect(page.locator("#step-welcome")).to_be_visible()
        shown = page.locator("[data-deadline]")
        expect(shown).to_have_text(zoned(deadline))  # zh-Hans, the candidate's default
        assert " 08:34 " in shown.inner_text() and "(UTC+8)" in shown.inner_text()
    finally:
        context.close()
