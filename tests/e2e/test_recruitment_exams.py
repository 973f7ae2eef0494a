"""The exam pages in a real Chromium: a bad score sheet uploaded shows every row error and
saves nothing; the panel-scoring sheet is typed from the keyboard, a row at a time (Tab
along the row, Enter saves it), a blocked cell has no input and says why. axe-core finds no
WCAG 2.1 A/AA violation on either page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.recruitment.models import Lot, Mark, WrittenScore
from mianshi.recruitment.services.marks import conflicts_detect
from mianshi.recruitment.tests.scores import qualify, sheet, ticket
from mianshi.recruitment.tests.test_views_exams import sit
from mianshi.recruitment.tests.world import recruitment_world
from tests.e2e.axe import Axe
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def no_violations(page: Page, where: str) -> None:
    axe = Axe()
    axe(page, where)
    assert not axe.found, axe.report()


def test_a_bad_sheet_shows_every_error_and_saves_nothing(
    org: Any, make_user: Any, new_page: NewPage, tmp_path: Any
) -> None:
    world = recruitment_world(org, make_user)
    apps = [qualify(world, world.apply(name)) for name in ("王伟", "李娜", "张敏")]
    lines = [f"{ticket(apps[0])},王伟,88,,", f"{ticket(apps[1])},李娜,120,,", "999,无名,70,,",
             f"{ticket(apps[2])},张敏,八十,,"]  # fmt: skip
    path = tmp_path / "成绩.csv"
    path.write_bytes(sheet(*lines))
    page = new_page()
    log_in(page, world.hr.username, PASSWORD)
    page.goto(f"/recruitment/posts/{world.post.pk}/written/")
    page.locator("[data-sheet-form] input[type=file]").set_input_files(str(path))
    page.locator("[data-sheet-form] button[type=submit]").click()
    expect(page.locator("[data-nothing-saved]")).to_be_visible()
    expect(page.locator("[data-sheet-errors] tbody tr")).to_have_count(3)
    assert WrittenScore.objects.count() == 0
    no_violations(page, "written exam, refused sheet")


def test_the_marks_sheet_is_typed_row_by_row_from_the_keyboard(
    org: Any, make_user: Any, new_page: NewPage
) -> None:
    world = recruitment_world(org, make_user)
    s = sit(world, make_user, ["王伟", "甲一", "乙二"])
    conflicts_detect(actor=world.hr, panel=s.panel)
    page = new_page()
    log_in(page, world.hr.username, PASSWORD)
    page.goto(f"/recruitment/posts/{world.post.pk}/panels/{s.panel.pk}/marks/")
    wang = page.locator(f"tr[data-application='{s.wang.pk}']")
    expect(wang.locator("[data-blocked] [data-why]")).to_have_count(1)
    other = Lot.objects.exclude(application=s.wang).order_by("position").first()
    assert other is not None
    row = page.locator(f"tr[data-application='{other.application_id}']")
    row.locator("input[name^=m]").first.focus()
    for value in ["85", "88", "90", "79", "86", "92", "84"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Tab left the last mark: the row's save button
    expect(row.locator("[data-interview]")).to_have_text("86.60")
    assert Mark.objects.filter(application_id=other.application_id).count() == 7
    no_violations(page, "panel-scoring sheet")


def test_the_other_exam_pages_have_no_axe_violation(
    org: Any, make_user: Any, new_page: NewPage
) -> None:
    world = recruitment_world(org, make_user)
    s = sit(world, make_user, ["王伟", "甲一", "乙二"])
    conflicts_detect(actor=world.hr, panel=s.panel)
    examiner = s.seats[1]
    post, panel = world.post.pk, s.panel.pk
    pages = {
        "written": f"/recruitment/posts/{post}/written/",
        "shortlist": f"/recruitment/posts/{post}/shortlist/",
        "examiners": f"/recruitment/posts/{post}/examiners/",
        "examiner": f"/recruitment/posts/{post}/examiners/{examiner.pk}/",
        "panels": f"/recruitment/posts/{post}/panels/",
        "panel": f"/recruitment/posts/{post}/panels/{panel}/",
        "my panels": "/recruitment/my-panels/",
    }
    page = new_page()
    log_in(page, world.hr.username, PASSWORD)
    axe = Axe()
    for where, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, where
        axe(page, where)
    assert not axe.found, axe.report()
    expect(page.locator("[data-not-today]")).to_be_visible()
