"""An HR user walks from the dashboard to jobs, a filtered candidate list and a candidate.

The user switches the UI to English first, so labels are the source strings (the Chinese
wording may change without breaking these tests); links are found by their URL names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import application_create, candidate_create
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.services import job_create
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


@dataclass
class Hiring:
    hr: User
    sales: Job
    engineer: Job
    li: Candidate  # applied to 销售代表
    zhao: Candidate  # applied to 软件工程师
    li_application: Application


def open_job(hr: User, unit: Any, title: str) -> Job:
    data = {"title": title, "headcount": 2, "status": JobStatus.OPEN}
    return job_create(actor=hr, org_unit=unit, data=data)


@pytest.fixture
def hiring(org: Any, make_user: Any) -> Hiring:
    hr = make_user("hr_zhou", Role.HR_ADMIN, org.hq)
    sales = open_job(hr, org.sh_sales, "销售代表")
    engineer = open_job(hr, org.sh_tech, "软件工程师")
    li = candidate_create(actor=hr, org_unit=org.sh, name="李雷", phone="13800138001")
    zhao = candidate_create(actor=hr, org_unit=org.sh, name="赵敏", phone="13800138002")
    li_application = application_create(actor=hr, candidate=li, job=sales)
    application_create(actor=hr, candidate=zhao, job=engineer)
    return Hiring(hr, sales, engineer, li, zhao, li_application)


@pytest.fixture
def hr_page(new_page: NewPage, hiring: Hiring) -> Page:
    page = new_page()
    log_in(page, "hr_zhou", PASSWORD)
    expect(page.locator("header nav")).to_be_visible()
    switch_language(page, "en")
    return page


def menu_link(page: Page, url_name: str) -> Any:
    return page.locator(f'header nav a[href="{reverse(url_name)}"]')


def test_jobs_list_from_the_menu(hr_page: Page) -> None:
    menu_link(hr_page, "jobs:job_list").click()
    expect(hr_page).to_have_url(re.compile(re.escape(reverse("jobs:job_list")) + "$"))
    expect(menu_link(hr_page, "jobs:job_list")).to_have_attribute("aria-current", "page")
    expect(hr_page.get_by_role("link", name="销售代表")).to_be_visible()
    expect(hr_page.get_by_role("link", name="软件工程师")).to_be_visible()


def test_candidates_list_filtered_by_job(hr_page: Page, hiring: Hiring) -> None:
    menu_link(hr_page, "candidates:candidate_list").click()
    expect(hr_page.get_by_role("link", name="李雷")).to_be_visible()
    expect(hr_page.get_by_role("link", name="赵敏")).to_be_visible()
    hr_page.get_by_label("Job").first.select_option(label="销售代表")
    hr_page.get_by_role("button", name="Filter").click()
    expect(hr_page).to_have_url(re.compile(rf"[?&]job={hiring.sales.pk}(&|$)"))
    expect(hr_page.get_by_role("link", name="李雷")).to_be_visible()
    expect(hr_page.get_by_role("link", name="赵敏")).to_have_count(0)


def test_candidate_detail_shows_and_moves_the_pipeline(hr_page: Page, hiring: Hiring) -> None:
    hr_page.goto(reverse("candidates:candidate_list"))
    hr_page.get_by_role("link", name="李雷").click()
    expect(hr_page).to_have_url(
        re.compile(re.escape(reverse("candidates:candidate_detail", args=[hiring.li.pk])) + "$")
    )
    expect(hr_page.get_by_role("heading", level=1)).to_contain_text("李雷")
    section = hr_page.locator(f"#application-{hiring.li_application.pk}")
    history = section.locator("table tbody tr")
    expect(history).to_have_count(1)
    section.get_by_label("Move to").select_option("screening")
    section.get_by_label("Reason").fill("简历符合要求")
    section.get_by_role("button", name="Move").click()
    expect(section.locator("[data-stage]")).to_have_attribute("data-stage", "screening")
    expect(history).to_have_count(2)
    expect(history.last).to_contain_text("简历符合要求")
    hiring.li_application.refresh_from_db()
    assert hiring.li_application.stage == "screening"
