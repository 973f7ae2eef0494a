"""The status page's extension point (invitations.status_sections): what a registered section
says appears under its heading, in words; nothing registered adds nothing; a section that
fails is logged and left out, and the candidate still gets their page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from mianshi.candidates.models import Application
from mianshi.invitations.services import invitation_create
from mianshi.invitations.status_sections import (
    Section,
    StatusLine,
    StatusSection,
    Verdict,
    register,
    registered,
    sections_for,
    unregister,
)

pytestmark = pytest.mark.django_db

MEDICAL = StatusSection(
    title="体检安排",
    verdict=Verdict.PASSED,
    lines=(StatusLine("血常规", Verdict.PASSED), StatusLine("胸透", Verdict.NOT_PASSED),
           StatusLine("请空腹前往")),
    note="请携带身份证原件。",
)  # fmt: skip


def medical(application: Application) -> StatusSection | None:
    return MEDICAL


def silent(application: Application) -> StatusSection | None:
    return None


def broken(application: Application) -> StatusSection | None:
    raise RuntimeError("this section has a bug")


def broken_query(application: Application) -> StatusSection | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    return MEDICAL


@pytest.fixture
def only() -> Iterator[Any]:
    """Let a test choose the registered sections; the app's own come back afterwards."""
    before = registered()
    for section in before:
        unregister(section)

    def choose(*sections: Section) -> None:
        for section in sections:
            register(section)

    yield choose
    for section in registered():
        unregister(section)
    for section in before:
        register(section)


def _page(world: Any, language: str = "en") -> str:
    _, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    response = Client().get(f"/i/{token}/status/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_registered_section_renders_under_its_heading(world: Any, only: Any) -> None:
    only(medical)
    page = _page(world)
    assert '<h2 id="status-section-1">体检安排</h2>' in page
    assert "Result: Passed" in page  # in words, not colour alone
    assert '<li data-verdict="passed"><span class="tag">Passed</span> 血常规</li>' in page
    assert '<li data-verdict="not_passed"><span class="tag">Not passed</span> 胸透</li>' in page
    assert "<li>请空腹前往</li>" in page
    assert "Explanation from the recruitment team: 请携带身份证原件。" in page
    assert page.index("体检安排") < page.index('data-progress="0/2"')  # before the interview's


@pytest.mark.parametrize(
    ("verdict", "words"),
    [(Verdict.PASSED, "Result: Passed"), (Verdict.NOT_PASSED, "Result: Not passed"),
     (Verdict.PENDING, "Result: In progress"), (None, None)],
)  # fmt: skip
def test_each_verdict_is_said_in_words(
    world: Any, only: Any, verdict: Verdict | None, words: str | None
) -> None:
    def section(application: Application) -> StatusSection:
        return StatusSection("笔试", verdict, (StatusLine("成绩已录入"),))

    only(section)
    page = _page(world)
    assert "<h2" in page and "<li>成绩已录入</li>" in page
    if words is None:
        assert "Result:" not in page and "data-verdict" not in page
    else:
        assert words in page and f'data-verdict="{verdict}"' in page


def test_nothing_registered_adds_nothing(world: Any, only: Any) -> None:
    only()
    assert sections_for(world.app_sh) == []
    page = _page(world)
    assert "status-section" not in page and "Your interview status" in page


def test_a_section_with_nothing_to_say_is_left_out(world: Any, only: Any) -> None:
    only(silent, medical)
    assert sections_for(world.app_sh) == [MEDICAL]


def test_the_apps_own_sections_say_nothing_about_an_ordinary_job(world: Any) -> None:
    assert registered()  # public recruitment registers its sections at start-up
    assert sections_for(world.app_sh) == []
    assert "status-section" not in _page(world)


@pytest.mark.parametrize("failing", [broken, broken_query])
def test_a_failing_section_is_logged_and_skipped(
    world: Any, only: Any, caplog: Any, failing: Section
) -> None:
    only(failing, medical)
    with caplog.at_level(logging.ERROR, logger="mianshi.invitations.status_sections"):
        page = _page(world)
    assert (
        page.count('<h2 id="status-section-') == 1 and "体检安排" in page
    )  # the others still show
    [record] = caplog.records
    assert failing.__name__ in record.getMessage()
    assert str(world.app_sh.pk) in record.getMessage() and record.exc_info is not None
    assert "张三" not in caplog.text  # ids in the log, never the candidate's name


def test_registering_again_replaces_and_order_is_kept(world: Any, only: Any) -> None:
    def first(application: Application) -> StatusSection:
        return StatusSection("一", Verdict.PENDING)

    only(first, medical, first)
    assert [s.title for s in sections_for(world.app_sh)] == ["一", "体检安排"]
    unregister(first)
    unregister(first)  # harmless when gone
    assert sections_for(world.app_sh) == [MEDICAL]


def test_the_verdict_words_are_chinese_on_a_chinese_page(
    world: Any, only: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    only(medical)
    with translation.override("zh-hans"):
        page = _page(world, language="zh-hans")
    assert "您的面试状态" in page and "体检安排" in page
    assert page.count('<span class="tag">') == 2  # each marked line keeps its word
