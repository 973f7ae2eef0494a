"""The Chinese catalogue is complete and used by default: the queue, the workbench, the
report and the candidate's feedback message have no English left in their visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from mianshi.reviews.reports.pdf import report_html
from mianshi.reviews.selectors.report import interview_report
from mianshi.reviews.services.feedback import feedback_compose
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview
from mianshi.reviews.tests.wb_support import events, fail_answer, rate

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Words that stay as they are in a Chinese page: names of things, units, the brand, the
# language switch, and the factory's own test data (user name, pipeline version).
KEPT = {"AI", "PDF", "CSV", "Excel", "HR", "SHA", "fps", "dB", "Mianshi", "English", "CST"}
KEPT |= {"hr_review", "test", "communication", "customer_focus", "problem_solving"}


class _Visible(HTMLParser):
    """Text a person sees: text nodes outside scripts and styles, and tooltips/labels."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        self.texts += [v for k, v in attrs if k in ("title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.texts.append(data)


def english_words(html: str) -> set[str]:
    parser = _Visible()
    parser.feed(html)
    # Links and hashes (the report's workbench URL, the notice's SHA-256) are not words.
    text = re.sub(r"https?://\S+|\b[0-9a-f]{32,}\b", " ", " ".join(parser.texts))
    words = re.findall(r"[A-Za-z][A-Za-z_']{2,}", text)
    return set(words) - KEPT


def test_catalogue_has_no_empty_or_fuzzy_entries() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries and all('msgstr ""' not in e.splitlines()[-1] for e in entries if "msgid" in e)
    assert "#, fuzzy" not in text


@pytest.fixture
def chinese(settings: Any) -> Any:
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def rich(world: ReviewWorld, chinese: Any) -> Any:
    """An uncertain interview with a failed answer, browser events and a submitted rating."""
    session = analysed_interview(world, confidence=0.3, scores={"communication": 2.0})
    fail_answer(session, 2)
    events(session, ("tab_hidden", 1, 1000), ("paste", 1, 2000), ("mark", 1, 3000))
    rate(world.hr, session, 8)
    return session


@pytest.mark.django_db
def test_queue_and_workbench_are_chinese(world: ReviewWorld, rich: Any, login: Any) -> None:
    client = login(world.hr)
    queue = client.get("/reviews/").content.decode()
    page = client.get(f"/reviews/interviews/{rich.pk}/").content.decode()
    for text in ("评审队列", "最终得分", "需复核"):
        assert text in queue, text
    for text in ("文字记录", "您的评分", "需人工复核", "诚信信号", "记录决定", "行动"):
        assert text in page, text
    assert english_words(queue) == set() and english_words(page) == set()


@pytest.mark.django_db
def test_report_is_chinese_with_its_own_column_names(world: ReviewWorld, rich: Any) -> None:
    html = report_html(interview_report(user=world.hr, session_id=rich.pk))
    # Shared words whose earlier catalogue means something else (组织架构, 待面试, 授权时间).
    for text in ("面试报告", "招聘单位", "邀请时间", "是否同意", "结果", "合规声明"):
        assert text in html, text
    assert "组织架构" not in html and "待面试" not in html and "授权时间" not in html
    assert english_words(html) == set()


@pytest.mark.django_db
def test_feedback_speaks_chinese_first_then_english(world: ReviewWorld, rich: Any) -> None:
    subject, body = feedback_compose(application=rich.application, session=rich, kind="reject")
    chinese, english = body.split("———— English ————")
    assert subject.startswith("关于您的应聘申请") and "尊敬的" in chinese and "您" in chinese
    assert "未能通过" in chinese and "Dear" in english
    assert re.findall(r"[A-Za-z]{3,}", chinese) == []
