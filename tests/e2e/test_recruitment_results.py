"""HR opens a 公示 in a real browser: the last day is shown before the list opens, the list
appears masked, a hire inside the window is refused with the service's reason on the page
and nothing changes; the page has no axe-core WCAG 2.1 AA violation in either state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.recruitment.models import Result, ResultStatus
from mianshi.recruitment.services.hiring import result_pass, results_advance
from mianshi.recruitment.services.publication import publication_window
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world
from tests.e2e.axe import Axe
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def _cleared(org: Any, make_user: Any) -> tuple[RecruitmentWorld, Result]:
    """Two ranked candidates for one place; the first through 体检 and 考察."""
    world = recruitment_world(org, make_user)
    results = [
        Result.objects.create(
            application=world.apply(name), post=world.post, written=Decimal(80),
            interview=Decimal(80), total=Decimal(total), rank=rank,
        )
        for rank, (name, total) in enumerate((("张三明", 85), ("李四", 80)), start=1)
    ]  # fmt: skip
    results_advance(actor=world.hr, post=world.post)
    result_pass(actor=world.hr, result=results[0], step="medical")
    result_pass(actor=world.hr, result=results[0], step="background")
    return world, results[0]


def _checked(axe: Axe, page: Page, where: str) -> None:
    axe(page, where)
    assert not axe.found, axe.report()


def test_hr_opens_the_publication_and_an_early_hire_is_refused(
    new_page: NewPage, org: Any, make_user: Any
) -> None:
    world, first = _cleared(org, make_user)
    page, axe = new_page(), Axe()
    log_in(page, world.hr.username, PASSWORD)
    switch_language(page, "en")
    page.goto(f"/recruitment/posts/{world.post.pk}/publication/")
    _checked(axe, page, "publication, before")

    # After today whatever day the suite runs on, so that the hire falls inside the window.
    starts = timezone.localdate() + dt.timedelta(days=7)
    ends = publication_window(world.post, starts).isoformat()
    page.get_by_label("First day of the publication").fill(starts.isoformat())
    page.get_by_role("button", name="Show the last day").click()
    expect(page.locator("[data-ends-on]")).to_have_text(
        f"From {starts.isoformat()} the publication runs until {ends}."
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Open the publication").click()
    expect(page.locator(".messages")).to_contain_text(f"{starts.isoformat()} to {ends}")
    row = page.locator(f"[data-publication] tr[data-result='{first.pk}']")
    expect(row).to_contain_text("张*明")
    _checked(axe, page, "publication, open")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Hire the candidate").click()
    expect(page.locator(".messages")).to_contain_text(
        f"The publication window runs until {ends}: hire after it ends."
    )
    assert Result.objects.get(pk=first.pk).status == ResultStatus.PUBLISHED
