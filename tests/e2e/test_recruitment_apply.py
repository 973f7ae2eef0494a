"""报名 in a real Chromium, in zh-Hans and without a login: a candidate opens an announced
plan's public page, reads the posts with their requirements, fills the form by its labels,
consents, submits, reads the 报名号 and follows the status link to a qualification check
"in progress"; the same ID number again is refused with its message and nothing changes; a
mistyped ID number is shown beside its field. axe-core finds no WCAG 2.1 A/AA violation
and no English is left on the plan page, the form with errors, the confirmation and the
status page.

Labels are looked up as the form words them in zh-Hans (the active catalogue), so the test
reads what a screen-reader user hears, whatever stage the translations are at."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Locator, Page, expect

from mianshi.candidates.models import Application, Candidate
from mianshi.recruitment.forms_apply import ApplyForm
from mianshi.recruitment.models import ApplicantFacts, Plan, PlanStatus
from mianshi.recruitment.services.applying import NOTICES
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world
from tests.e2e.axe import Axe
from tests.e2e.conftest import NewPage
from tests.e2e.english import EnglishLeft

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

ZH = "zh-hans"
ID_NUMBER = id_number("330106", "19960315", 11)
BAD_CHECKSUM = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
CONSENT = NOTICES[ZH][:20]  # the notice is the consent box's label


def _zh(text: str) -> str:
    with translation.override(ZH):
        return gettext(text)


def _label(name: str) -> re.Pattern[str]:
    """The label of form field `name` as shown in zh-Hans (with the label suffix)."""
    with translation.override(ZH):
        label = str(ApplyForm.base_fields[name].label)
    return re.compile(rf"^{re.escape(label)}[:：]?$")


def _field(page: Page, name: str) -> Locator:
    return page.locator("[data-apply-form]").get_by_label(_label(name))


def _errors_of(page: Page, name: str) -> Locator:
    """The error list beside field `name`."""
    field = page.locator("[data-apply-form] .field").filter(has=page.get_by_label(_label(name)))
    return field.locator(".errorlist")


def _open_plan(org: Any, make_user: Any) -> RecruitmentWorld:
    """The world's plan, announced, today inside its application window."""
    world = recruitment_world(org, make_user)
    today = timezone.localdate()
    Plan.objects.filter(pk=world.plan.pk).update(
        status=PlanStatus.ANNOUNCED, announced_on=today - dt.timedelta(days=10),
        applications_open_on=today - dt.timedelta(days=1),
        applications_close_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    return world


def _fill(page: Page, world: RecruitmentWorld, number: str) -> None:
    """The form by keyboard-reachable labels: post, identity, contact, facts, consent."""
    _field(page, "post").select_option(str(world.post.pk))
    _field(page, "name").fill("李明")
    _field(page, "id_number").fill(number)
    _field(page, "phone").fill("13900001111")
    _field(page, "education").select_option("bachelor")
    _field(page, "degree").select_option("bachelor")
    _field(page, "major").fill("计算机科学与技术")
    _field(page, "school").fill("浙江大学")
    _field(page, "graduation_year").fill("2018")
    _field(page, "declared_household").fill("330106")
    page.get_by_label(CONSENT).check()


def _submit(page: Page) -> None:
    page.get_by_role("button", name=_zh("Submit the application")).click()


def _saved() -> tuple[int, int, int]:
    return Candidate.objects.count(), Application.objects.count(), ApplicantFacts.objects.count()


class Checks:
    """axe and the English left, page by page, both reported at the end."""

    def __init__(self) -> None:
        self.axe, self.left = Axe(), EnglishLeft()

    def __call__(self, page: Page, where: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", ZH)
        self.axe(page, where)
        self.left(page, where)


def test_a_candidate_applies_in_chinese_and_follows_the_status_link(
    org: Any, make_user: Any, new_page: NewPage
) -> None:
    world = _open_plan(org, make_user)
    page, check = new_page(), Checks()
    plan_url = reverse("recruitment:apply", args=[world.plan.pk])
    page.goto(plan_url)
    row = page.locator(f"tr[data-post='{world.post.pk}']")
    expect(row).to_contain_text("2026001")
    expect(row).to_contain_text("软件开发")
    expect(row).to_contain_text("计算机类")  # the post's requirements in words
    check(page, "plan page")

    _fill(page, world, ID_NUMBER)
    _submit(page)
    expect(page.locator("[data-apply-received]")).to_be_visible()
    application = Application.objects.get()
    expect(page.locator("[data-number]")).to_have_text(f"2026001-{application.pk:06d}")
    check(page, "confirmation")
    page.locator("[data-status-link]").click()
    expect(page.locator("[data-apply-status]")).to_be_visible()
    screening = page.locator("section[data-verdict=pending]")
    expect(screening).to_contain_text(_zh("Qualification check (资格审查)"))
    expect(screening).to_contain_text(_zh("In progress"))
    check(page, "status page")

    page.goto(plan_url)
    _fill(page, world, ID_NUMBER)
    _submit(page)
    expect(_errors_of(page, "id_number")).to_contain_text(_zh(
        "An application with this ID number has already been made to this plan. Each person "
        "may apply to one post of a plan; contact the recruitment team to change it."
    ))  # fmt: skip
    assert _saved() == (1, 1, 1) and Application.objects.get().pk == application.pk

    _field(page, "id_number").fill(BAD_CHECKSUM)
    page.get_by_label(CONSENT).check()
    _submit(page)
    expect(_field(page, "id_number")).to_have_attribute("aria-invalid", "true")
    expect(_errors_of(page, "id_number")).not_to_be_empty()
    assert _saved() == (1, 1, 1)
    check(page, "form with errors")
    assert not check.axe.found, check.axe.report()
    assert not check.left.found, check.left.report()
