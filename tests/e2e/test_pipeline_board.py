"""HR works a job's pipeline board in a real browser (issue 14): one drag moves a candidate
one stage, so do two keys on the card's "Move to…" menu, a move the pipeline refuses shows
the service's reason and leaves the card, and 20 screened candidates are invited in three
clicks from the home page."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, application_create, candidate_create
from mianshi.invitations.models import Invitation
from mianshi.invitations.tests.conftest import eager, job_with_template  # noqa: F401
from mianshi.jobs.models import Job
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


@dataclass
class Clicks:
    """Counts what the user does: the task tests' measure."""

    n: int = 0
    log: list[str] = field(default_factory=list)

    def click(self, target: Locator, what: str) -> None:
        target.click()
        self.n += 1
        self.log.append(what)


def _hr_and_job(org: Any, make_user: Any) -> tuple[User, Job]:
    hr = make_user("hr_board", Role.HR, org.sh)
    return hr, job_with_template(org.sh_sales, "销售代表", hr)


_serial = itertools.count(1)


def _apply(hr: User, org: Any, job: Job, name: str, stage: str = Stage.APPLIED) -> Application:
    email = f"candidate{next(_serial)}@example.com"
    candidate = candidate_create(actor=hr, org_unit=org.sh, name=name, email=email)
    application = application_create(actor=hr, candidate=candidate, job=job)
    if stage != Stage.APPLIED:
        application_advance(actor=hr, application=application, to_stage=stage)
    return application


def _open_board(page: Page, job: Job) -> None:
    log_in(page, "hr_board", PASSWORD)
    switch_language(page, "en")
    page.goto(f"/jobs/{job.pk}/pipeline/")


def _card(page: Page, application: Application) -> Locator:
    return page.locator(f"[data-card='{application.pk}']")


def _column(page: Page, stage: str) -> Locator:
    return page.locator(f"[data-column='{stage}']")


def test_one_drag_moves_a_candidate_one_stage(new_page: NewPage, org: Any, make_user: Any) -> None:
    hr, job = _hr_and_job(org, make_user)
    application = _apply(hr, org, job, "韩梅梅")
    page = new_page()
    _open_board(page, job)

    drags = 0
    _card(page, application).drag_to(_column(page, Stage.SCREENING))
    drags += 1

    expect(
        _column(page, Stage.SCREENING).locator(f"[data-card='{application.pk}']")
    ).to_be_visible()
    expect(page.locator("#board-live")).to_have_text("韩梅梅 moved to “Screening”.")
    expect(_column(page, Stage.SCREENING).locator("[data-count]")).to_have_text("1")
    expect(_column(page, Stage.APPLIED).locator("[data-count]")).to_have_text("0")
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING and drags == 1


def test_while_dragging_only_the_allowed_columns_take_the_card(
    new_page: NewPage, org: Any, make_user: Any
) -> None:
    hr, job = _hr_and_job(org, make_user)
    application = _apply(hr, org, job, "林涛", Stage.SCREENING)
    page = new_page()
    _open_board(page, job)
    drag = page.evaluate_handle("new DataTransfer()")
    _card(page, application).dispatch_event("dragstart", {"dataTransfer": drag})

    highlighted = page.locator(".bd-target").evaluate_all("cols => cols.map(c => c.dataset.column)")
    assert highlighted == ["invited", "rejected", "talent_pool"]
    # A column the pipeline does not allow does not accept the drop: no drop, no request.
    hired = _column(page, Stage.HIRED)
    hired.dispatch_event("dragover", {"dataTransfer": drag})
    expect(hired).not_to_have_class(re.compile("bd-over"))
    hired.dispatch_event("drop", {"dataTransfer": drag})
    _card(page, application).dispatch_event("dragend", {"dataTransfer": drag})
    expect(page.locator(".bd-target")).to_have_count(0)
    expect(page.locator("#board-live")).to_be_empty()
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING


def test_two_keys_on_the_move_menu_move_a_candidate_one_stage(
    new_page: NewPage, org: Any, make_user: Any
) -> None:
    hr, job = _hr_and_job(org, make_user)
    application = _apply(hr, org, job, "李雷", Stage.SCREENING)
    page = new_page()
    _open_board(page, job)
    _card(page, application).locator("summary").focus()

    keys = 0
    page.keyboard.press("Enter")  # opens the menu; focus lands on the next stage
    keys += 1
    expect(page.get_by_role("button", name="Invited")).to_be_focused()
    page.keyboard.press("Enter")  # moves
    keys += 1

    moved = _column(page, Stage.INVITED).locator(f"[data-card='{application.pk}']")
    expect(moved).to_be_visible()
    expect(page.locator("#board-live")).to_have_text("李雷 moved to “Invited”.")
    # Focus stays on the moved card, ready for the next move.
    expect(moved.locator("summary")).to_be_focused()
    application.refresh_from_db()
    assert application.stage == Stage.INVITED and keys == 2


def test_a_refused_move_shows_the_reason_and_the_card_stays(
    new_page: NewPage, org: Any, make_user: Any
) -> None:
    hr, job = _hr_and_job(org, make_user)
    application = _apply(hr, org, job, "王芳")
    page = new_page()
    _open_board(page, job)
    # Someone else rejects the candidate meanwhile: the board's card is out of date.
    application_advance(actor=hr, application=application, to_stage=Stage.REJECTED, reason="满员")

    _card(page, application).drag_to(_column(page, Stage.SCREENING))

    live = page.locator("#board-live")
    expect(live).to_have_text("An application cannot move from “Rejected” to “Screening”.")
    expect(live).to_have_class("bd-live bd-live-error")
    expect(_column(page, Stage.APPLIED).locator(f"[data-card='{application.pk}']")).to_be_visible()
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED


def test_a_drag_to_rejected_asks_for_the_reason(
    new_page: NewPage, org: Any, make_user: Any
) -> None:
    hr, job = _hr_and_job(org, make_user)
    application = _apply(hr, org, job, "赵敏")
    page = new_page()
    # Wide enough for every column: the drag itself, not the browser's autoscroll, is tested.
    page.set_viewport_size({"width": 2400, "height": 900})
    _open_board(page, job)

    _card(page, application).drag_to(_column(page, Stage.REJECTED))
    dialog = page.get_by_role("dialog", name="Why is this candidate rejected?")
    dialog.get_by_label("Reason").fill("经验不足")
    dialog.get_by_role("button", name="Reject").click()

    expect(page.locator("#board-live")).to_have_text("赵敏 moved to “Rejected”.")
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    assert application.transitions.last().reason == "经验不足"  # type: ignore[union-attr]


def test_invite_20_screened_candidates_in_three_clicks_from_home(
    new_page: NewPage,
    org: Any,
    make_user: Any,
    eager: Any,  # noqa: F811
) -> None:
    hr, job = _hr_and_job(org, make_user)
    screened = [_apply(hr, org, job, f"候选人{i:02d}", Stage.SCREENING) for i in range(20)]
    page = new_page()
    log_in(page, "hr_board", PASSWORD)
    switch_language(page, "en")

    clicks = Clicks()
    clicks.click(page.locator(f"tr[data-job='{job.pk}'] [data-board]"), "home → board")
    clicks.click(_column(page, Stage.SCREENING).get_by_label("Select all"), "select the column")
    expect(page.locator("[data-selected-count]")).to_have_text("Selected: 20")
    clicks.click(page.get_by_role("button", name="Invite to the video interview"), "invite")

    expect(page.locator(".messages")).to_contain_text(
        "Done: the action was applied to every selected application."
    )
    assert clicks.n == 3 <= 4, clicks.log
    assert Invitation.objects.filter(application__in=screened).count() == 20
    expect(_column(page, Stage.INVITED).locator("[data-count]")).to_have_text("20")
