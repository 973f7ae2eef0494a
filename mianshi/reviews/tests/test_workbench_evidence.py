"""The AI's evidence on the workbench and in the PDF (issues 13 and 14): per competency each
quote once, named in words (zh-Hans and English, never an engine code), the top three shown
and the rest folded, the time seeks the player, and why a person must look said in sentences.

The first answer's result is the real general scorer's, on the real question snapshot.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from interview_analysis.scorer.model import WEIGHTS, GeneralScorer
from interview_analysis.types import Segment, Transcript
from mianshi.analysis.models import AnalysisResult
from mianshi.analysis.services import engine_question
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.reports.pdf import report_html
from mianshi.reviews.selectors.ai_labels import element_label, reason_label
from mianshi.reviews.selectors.report import interview_report, reason_text
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview
from mianshi.reviews.tests.wb_support import answer_at

pytestmark = pytest.mark.django_db
SENTENCES = (
    "去年三月我负责华东区一家连锁超市的续约，对方采购经理一直犹豫。",
    "我先约他当面聊了一个小时，认真倾听了他对价格和交付的顾虑。",
    "然后我整理了他们过去六个月的缺货数据，提出分两批交付、首批八折的方案。",
    "他把方案带回去讨论后，第二周就签了三百万元的年度合同。",
    "结果这个客户的复购率提高了百分之十五，还介绍了两家新客户。",
    "我的反思是，先弄清客户真正担心什么，再拿数据说话。",
)
SHORT = ("我说服了客户。",)
SECONDS = 10.0
# What the engine writes that a reviewer must never read: its feature and reason codes
# (those that are plain English words, "reflection", are checked on the Chinese page).
CODES = [c for c in WEIGHTS if "_" in c] + ["score:", "needs_review", "short_answer", "rubric:"]


def store_engine_result(session: InterviewSession, sentences: tuple[str, ...]) -> None:
    """The first answer's current result replaced by the general scorer's on `sentences`."""
    answer = answer_at(session, 1)
    segments = tuple(Segment(i * SECONDS, (i + 1) * SECONDS, s) for i, s in enumerate(sentences))
    transcript = Transcript("zh", "".join(sentences), segments)
    score = GeneralScorer().score(engine_question(answer), transcript)
    AnalysisResult.objects.filter(run__answer=answer, run__is_current=True).update(
        transcript=transcript.text,
        segments=[asdict(s) for s in segments],
        score=asdict(score),
        level=score.level,
        total=score.score,
        confidence=score.confidence,
        needs_human_review=bool(score.review_flags),
        review_reasons=list(score.review_flags),
    )


def analysed(world: ReviewWorld, sentences: tuple[str, ...] = SENTENCES) -> InterviewSession:
    session = analysed_interview(world)
    store_engine_result(session, sentences)
    return session


class _Visible(HTMLParser):
    """Text a person sees (text nodes and tooltips), per dimension block when asked."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v for k, v in attrs if k in ("title", "aria-label") and v]

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.texts)


def workbench(client: Any, session: InterviewSession, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/reviews/interviews/{session.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def dimension_block(html: str, code: str) -> str:
    start = html.index(f'data-dimension="{code}"')
    end = html.find('<div class="wb-dim"', start)
    return html[start : end if end > 0 else html.index("</section>", start)]


def quoted(block: str) -> list[str]:
    return re.findall(r"“([^”]+)”", block)


@pytest.mark.parametrize(
    ("language", "labels"),
    [("en", ("specific facts", "reflection")), ("zh-hans", ("具体事实", "反思"))],
)
def test_each_competency_quotes_each_sentence_once_in_words(
    world: ReviewWorld, login: Any, language: str, labels: tuple[str, ...]
) -> None:
    session = analysed(world)
    html = workbench(login(world.hr), session, language)
    blocks = [dimension_block(html, c) for c in ("communication", "customer_focus")]
    for block in blocks:
        quotes = quoted(block)
        assert quotes and len(quotes) == len(set(quotes))
        assert all(q in SENTENCES for q in quotes)
    shown = visible("".join(blocks))
    assert all(label in shown for label in labels), shown
    codes = CODES if language == "en" else [*CODES, *WEIGHTS]
    assert not [c for c in codes if c in visible(html)]


def test_the_answer_panel_merges_features_of_one_sentence(world: ReviewWorld, login: Any) -> None:
    session = analysed(world)
    html = workbench(login(world.hr), session)
    panel = html[html.index(f'data-answer-ai="{answer_at(session, 1).pk}"') :]
    panel = panel[: panel.index("</section>")]
    score = AnalysisResult.objects.get(run__answer=answer_at(session, 1), run__is_current=True)
    per_feature = [e["quote"] for e in score.score["evidence"]]
    assert len(per_feature) > len(set(per_feature))  # the engine quotes a sentence per feature
    assert sorted(quoted(panel)) == sorted(set(per_feature))
    assert re.search(r'wb-quote-label">[^<]+, [^<]+</span>', panel)  # merged: "a, b"


def test_the_time_seeks_the_player_and_the_rest_is_folded(world: ReviewWorld, login: Any) -> None:
    session = analysed(world)
    html = workbench(login(world.hr), session)
    first = answer_at(session, 1).pk
    panel = html[html.index(f'data-answer-ai="{first}"') :]
    panel = panel[: panel.index("</section>")]
    top = panel[: panel.find("<details")] if "<details" in panel else panel
    assert len(quoted(top)) == min(3, len(quoted(panel)))
    assert len(quoted(panel)) <= 3 or "data-more-quotes" in panel
    seeks = re.findall(rf'data-quote data-answer="{first}" data-part="1" data-seek="(\d+)"', top)
    starts = {str(int(i * SECONDS)) for i in range(len(SENTENCES))}
    assert seeks and set(seeks) <= starts
    assert re.search(r"@0:[0-5]\d</button>", top)


def test_a_short_answer_says_why_near_the_competency_score(world: ReviewWorld, login: Any) -> None:
    session = analysed(world, SHORT)
    for language, text in (("en", "the answer is very short"), ("zh-hans", "回答过短")):
        block = dimension_block(workbench(login(world.hr), session, language), "communication")
        assert "data-dimension-review" in block and "data-review-reasons" in block
        reasons = visible(block[block.index("data-review-reasons") :])
        assert text in reasons and not [c for c in CODES if c in reasons], reasons
        assert reasons.count(text) == 1  # short_answer and score:short_answer said once


def test_query_count_does_not_grow_with_the_number_of_dimensions(
    world: ReviewWorld, login: Any
) -> None:
    session = analysed(world)
    client = login(world.hr)
    workbench(client, session)
    counts = []
    for extra in (0, 6):
        result = AnalysisResult.objects.get(run__answer=answer_at(session, 1), run__is_current=True)
        dims = result.score["dimensions"]
        more = [{**dims[0], "name": f"extra_{i}"} for i in range(extra)]
        result.score = {**result.score, "dimensions": [*dims, *more]}
        result.save(update_fields=["score"])
        with CaptureQueriesContext(connection) as queries:
            html = workbench(client, session)
        assert html.count('class="wb-dim"') == 3 + extra
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_report_lists_each_quote_once_per_competency_with_its_time(
    world: ReviewWorld,
) -> None:
    session = analysed(world)
    report = interview_report(user=world.hr, session_id=session.pk)
    for line in report.dimensions:
        quotes = [e.quote for e in line.evidence if e.position == 1]
        assert len(quotes) == len(set(quotes)), line.code
        assert len(line.top) == min(3, len(line.evidence))
    html = report_html(report)
    communication = html[html.index("沟通能力") :]
    assert re.search(r"Q1 @0:[0-5]\d–0:[0-5]\d", communication)
    assert not [c for c in CODES if c in visible(html)]


def test_the_report_says_why_a_competency_needs_review(world: ReviewWorld) -> None:
    session = analysed(world, SHORT)
    report = interview_report(user=world.hr, session_id=session.pk)
    line = next(d for d in report.dimensions if d.code == "communication")
    assert line.reasons and line.reasons[0].startswith("Q1: ")
    assert line.reasons[0].count("The answer is very short.") == 1


def test_codes_the_tables_do_not_know_read_as_words() -> None:
    with translation.override("en"):
        assert element_label("measured_result+specificity") == "measured result, specific facts"
        assert element_label("rubric:Full story … measurable resu") == "rubric point"
        assert element_label("tense_shift_v3") == "other scoring evidence"
        assert element_label("-new_cap") == "a rule that held the score down"
        assert element_label("keyword:方案") == "方案"
        assert element_label("讲清了分歧的起因") == "讲清了分歧的起因"  # HR's own clause
        assert reason_label("score:new_reason") == "another check of the analysis"
        assert reason_label("quality:too_quiet") == "recording quality: The voice is too quiet."
        assert reason_text("new_reason") == "Another check of the analysis asks for a person."
        assert reason_text("integrity:new_signal") == "Integrity signal: an integrity signal"
