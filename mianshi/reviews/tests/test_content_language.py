"""Content in the question's language is marked with it (issue 14, WCAG 3.1.2): on the
workbench the question, the transcript, a text answer and every quote carry `lang`, and so
does the report's evidence, so screen readers speak an English answer as English and the
zh-Hans page's walker knows it is content, not UI left untranslated."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mianshi.interviews.models import InterviewSession
from mianshi.jobs.models import TemplateQuestion
from mianshi.reviews.reports.pdf import report_html
from mianshi.reviews.selectors.report import interview_report
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.test_workbench_evidence import analysed, workbench

pytestmark = pytest.mark.django_db


def asked_in_english(session: InterviewSession) -> None:
    """Every question of the session asked in English (the snapshot is what pages read)."""
    for item in TemplateQuestion.objects.filter(answers__session=session).distinct():
        item.snapshot = {**item.snapshot, "language": "en"}
        item.save(update_fields=["snapshot"])


def langs(html: str, marker: str) -> list[str]:
    """The `lang` of every element whose start tag holds `marker`."""
    tags = re.findall(rf"<[^>]*{marker}[^>]*>", html)
    return [m.group(1) for t in tags if (m := re.search(r'\blang="([^"]+)"', t))]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_workbench_marks_question_transcript_and_quotes(
    world: ReviewWorld, login: Any, language: str
) -> None:
    session = analysed(world)
    if language == "en":
        asked_in_english(session)
    html = workbench(login(world.hr), session, "zh-hans")
    questions = langs(html, 'class="wb-question"')
    assert questions and set(questions) == {language}
    assert set(langs(html, "data-transcript ")) == {language}
    quotes = langs(html, "data-quote-text")
    assert quotes and set(quotes) == {language}


def test_the_report_evidence_carries_the_question_language(world: ReviewWorld) -> None:
    session = analysed(world)
    asked_in_english(session)
    report = interview_report(user=world.hr, session_id=session.pk)
    evidence = [e for line in report.dimensions for e in line.evidence]
    assert evidence and {e.language for e in evidence} == {"en"}
    assert '<span lang="en">“' in report_html(report)
