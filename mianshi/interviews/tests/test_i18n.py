"""The Chinese catalogue is complete and used by default: the candidate page and the board."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.candidate_fixtures import Interview

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_empty_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries and all('msgstr ""' not in e.splitlines()[-1] for e in entries if "msgid" in e)
    assert "#, fuzzy" not in text


@pytest.mark.django_db
def test_candidate_page_is_chinese_by_default(three: Interview, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    # An English-language browser still gets Chinese: zh-Hans is the primary language.
    page = Client().get(f"/i/{three.token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("视频面试", "设备检测", "试录", "标记重点", "重录", "已录制 {done} / 总 {total}"):
        assert text in page, text
    assert "Device check" not in page and "Recorded {done}" not in page


@pytest.mark.django_db
def test_board_shows_the_states_in_chinese(bw: Any, login: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    bw.guide(bw.invite("张三"))
    bw.invite("李四")
    page = login(bw.hr_sh).get(f"/interviews/jobs/{bw.job.pk}/board/").content.decode()
    for text in ("实时看板", "未开始", "引导中", "录制中", "上传中", "已完成", "异常", "候选人"):
        assert text in page, text
    assert "Not started" not in page and "In the guided start" not in page
