"""HR follows a job's live board in a real browser: the polled table changes by itself when a
candidate moves on, and the one-click re-invite (with its confirmation) sends real mail."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.invitations.models import Invitation, InvitationKind
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def test_board_updates_itself_and_reinvites_in_one_click(
    new_page: NewPage, live_server: Any, settings: Any, bw: Any, smtp: Any, eager: Any
) -> None:
    settings.PUBLIC_URL = live_server.url
    started = bw.invite("韩梅梅", email="han@example.com")
    page = new_page()
    log_in(page, "hr_sh", PASSWORD)
    switch_language(page, "en")
    page.goto(f"/jobs/{bw.job.pk}/")
    page.get_by_role("link", name="Live interview board").click()
    row = page.locator(f"tr[data-application='{started.application.pk}']")
    expect(row).to_have_attribute("data-state", "not_started")

    bw.guide(started)  # the candidate consents and checks the camera meanwhile
    expect(row).to_have_attribute("data-state", "guide", timeout=12_000)
    expect(row).to_contain_text("In the guided start")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Re-invite").click()
    expect(page.locator(".messages")).to_contain_text("A re-record invitation was sent to 韩梅梅.")
    new = Invitation.objects.filter(application=started.application).first()
    assert new is not None and new.kind == InvitationKind.RE_RECORD
    expect(row).to_have_attribute("data-invitation", str(new.pk))
    expect(row).to_have_attribute("data-state", "not_started")
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == "han@example.com"


def test_dismissing_the_confirmation_sends_nothing(
    new_page: NewPage, live_server: Any, bw: Any
) -> None:
    started = bw.invite("李雷")
    page = new_page()
    log_in(page, "hr_sh", PASSWORD)
    page.goto(f"/interviews/jobs/{bw.job.pk}/board/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"tr[data-application='{started.application.pk}'] button").click()
    page.wait_for_timeout(500)
    assert Invitation.objects.filter(application=started.application).count() == 1
