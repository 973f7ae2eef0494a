"""The plan pages in a real Chromium, in zh-Hans: HR creates a plan, turns a job with
applicants into a post with its rules, runs the screening and reads a rejection's reason
in Chinese on the post's page. axe-core finds no WCAG 2.1 A/AA violation on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment.models import ApplicantFacts, Plan, Post
from mianshi.recruitment.tests.world import id_number
from tests.e2e.axe import Axe
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def _applicant(hr: Any, org: Any, job: Job, name: str, major: str, seq: int) -> Application:
    candidate = candidate_create(
        actor=hr,
        org_unit=org.sh,
        name=name,
        id_number=id_number("330106", "19950101", seq),
        phone=f"139{seq:08d}",
    )
    application = application_create(actor=hr, candidate=candidate, job=job)
    ApplicantFacts.objects.create(application=application, education="bachelor", major=major)
    return application


def _checked(page: Page, axe: Axe, where: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    axe(page, where)


def test_hr_creates_a_plan_and_a_post_and_reads_a_reason_in_chinese(
    org: Any, make_user: Any, new_page: NewPage
) -> None:
    hr = make_user("hr_plans", Role.HR_ADMIN, org.sh)
    job = job_create(
        actor=hr,
        org_unit=org.sh_tech,
        data={"title": "软件开发", "status": JobStatus.OPEN, "headcount": 1},
    )
    _applicant(hr, org, job, "王伟", "计算机科学与技术", 1)
    refused = _applicant(hr, org, job, "李娜", "汉语言文学", 2)
    page, axe = new_page(), Axe()
    log_in(page, hr.username, PASSWORD)
    page.goto("/recruitment/plans/")
    _checked(page, axe, "plan list")
    page.locator("[data-new-plan]").click()
    form = page.locator("[data-plan-form]")
    form.locator("[name=title]").fill("2026年技术岗位公开招聘")
    form.locator("[name=org_unit]").select_option(str(org.sh.pk))
    _checked(page, axe, "new plan")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-add-post]")).to_be_visible()
    assert Plan.objects.filter(title="2026年技术岗位公开招聘").exists()
    _checked(page, axe, "plan page")
    page.locator("[data-add-post]").click()
    form = page.locator("[data-post-form]")
    form.locator("[name=job]").select_option(str(job.pk))
    form.locator("[name=code]").fill("2026101")
    form.locator("[name=education_min]").select_option("bachelor")
    form.locator("[name=majors]").fill("计算机类")
    _checked(page, axe, "new post")
    form.locator("button[type=submit]").click()
    page.locator("[data-run-screening]").click()
    row = page.locator(f"tr[data-application='{refused.pk}']")
    expect(row.locator("[data-passed=no]")).to_contain_text("专业：汉语言文学 ✗ 不在 计算机类")
    expect(row.locator("[data-verdict]")).to_have_attribute("data-verdict", "refused")
    assert Post.objects.get(code="2026101").job_id == job.pk
    _checked(page, axe, "post page after screening")
    assert not axe.found, axe.report()
