"""Logging in, failing, being locked out and switching language, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from tests.e2e.conftest import NewPage

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def hr(org: Any, make_user: Any) -> User:
    return make_user("hr_wang", Role.HR_ADMIN, org.hq)


def switch_language(page: Page, code: str) -> None:
    page.locator("#lang-select").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US", "fr-FR"])
def test_login_page_is_chinese_by_default(new_page: NewPage, locale: str) -> None:
    """Whatever the browser's language, the UI starts in zh-Hans until the user switches."""
    page = new_page(locale=locale)
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()


def test_wrong_password_shows_the_error_and_stays_on_login(page: Page, hr: User) -> None:
    log_in(page, "hr_wang", "not-the-password")
    expect(page.locator(".errorlist, .error, [role=alert]").first).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.locator("header nav")).to_have_count(0)


def test_login_shows_the_dashboard(page: Page, hr: User) -> None:
    log_in(page, "hr_wang", PASSWORD)
    expect(page.locator("h1")).to_have_text(re.compile("仪表|工作台|概览|Dashboard|首页"))
    expect(page.locator("#id_password")).to_have_count(0)
    expect(page.locator("header nav")).to_be_visible()
    expect(page.get_by_text("hr_wang")).to_be_visible()


def test_switch_to_english_and_back(page: Page, hr: User) -> None:
    log_in(page, "hr_wang", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.reload()  # the choice is remembered, not a one-off
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "zh-hans")
    expect(page.locator("h1")).not_to_have_text("Dashboard")


def test_lockout_after_repeated_failures(page: Page, hr: User, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        log_in(page, "hr_wang", "wrong-password-1")
        expect(page.locator("#id_password")).to_be_visible()
    log_in(page, "hr_wang", PASSWORD)  # the right password no longer opens the door
    expect(page.get_by_text(re.compile("锁定|locked"))).to_be_visible()
    expect(page.locator("header nav")).to_have_count(0)
    hr.refresh_from_db()
    assert hr.locked_until is not None
