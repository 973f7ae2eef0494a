"""The calm workbench (issue 14) on a world built like the demo's analysed interviews: no
engine code anywhere a reviewer reads, in either language, even for results stored by the
older rubric scorer (HR's cut clauses, "rubric:…", "keyword:…"); keyword tags in the
question's language only; the shortcuts listed; a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from interview_analysis.backends.rubric import RubricScorer
from interview_analysis.types import Segment, Transcript
from mianshi.analysis.models import AnalysisResult
from mianshi.analysis.services import engine_question
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.selectors.ai_labels import (
    element_label,
    element_tags,
    in_language,
    keyword_tags,
)
from mianshi.reviews.tests.test_workbench import QUERY_BUDGET
from mianshi.reviews.tests.test_workbench_evidence import visible, workbench
from mianshi.reviews.tests.wb_demo import DemoWorld, demo_world
from mianshi.reviews.tests.wb_support import answer_at

pytestmark = pytest.mark.django_db
# What the engine writes that a reviewer must never read: a prefixed element or reason
# ("rubric:Full story …", "keyword:customer", "score:short_answer") or a snake_case code.
RAW_CODE = re.compile(r"\b(?:rubric|keyword|llm|score|integrity|quality):|\b[a-z]+_[a-z_]+\b")
CUT = "measurable resu"  # the scorer's 60-character copy of HR's clause


@pytest.fixture
def demo(org: Any, make_user: Any) -> DemoWorld:
    return demo_world(org, make_user)


def rubric_scored(session: InterviewSession, position: int = 1) -> dict[str, Any]:
    """The answer's result as the older rubric scorer stored it (the demo's at the issue)."""
    answer = answer_at(session, position)
    result = AnalysisResult.objects.get(run__answer=answer, run__is_current=True)
    segments = tuple(
        Segment(**{k: s[k] for k in ("start", "end", "text")}) for s in result.segments
    )
    transcript = Transcript("en", result.transcript, segments)
    score = asdict(RubricScorer().score(engine_question(answer), transcript))
    AnalysisResult.objects.filter(pk=result.pk).update(score=score)
    return score


def test_the_demo_interview_reads_in_words_in_both_languages(demo: DemoWorld, login: Any) -> None:
    session = demo.sessions[0]
    stored = rubric_scored(session)
    elements = {e["element"] for e in stored["evidence"]}
    assert any(e.startswith("rubric:") for e in elements)  # the raw label is stored
    assert any(e.startswith("keyword:") for e in elements)
    client = login(demo.hr)
    for language in ("en", "zh-hans"):
        for shown in demo.sessions:
            text = visible(workbench(client, shown, language)).replace(demo.hr.username, "")
            assert not RAW_CODE.findall(text), (language, RAW_CODE.findall(text))
            assert CUT not in text.replace(CUT + "lt", "")


def test_keyword_tags_are_in_the_question_language(demo: DemoWorld, login: Any) -> None:
    session = demo.sessions[0]
    stored = rubric_scored(session)
    answer = answer_at(session, 1)
    # A rubric written for both languages: the English answer is shown its English words.
    extra = [{"quote": stored["evidence"][0]["quote"], "element": "keyword:客户+number"}]
    stored["found"] = [*stored["found"], "讲清了客户的顾虑"]
    AnalysisResult.objects.filter(run__answer=answer, run__is_current=True).update(
        score={**stored, "evidence": [*stored["evidence"], *extra]}
    )
    html = workbench(login(demo.hr), session, "zh-hans")
    panel = html[html.index(f'data-answer-ai="{answer.pk}"') :]
    panel = panel[: panel.index("</section>")]
    keywords = re.findall(r'data-keyword lang="en">([^<]+)<', panel)
    assert {"customer", "contract", "listened", "solution"} <= set(keywords)
    assert "客户" not in keywords and "讲清了客户的顾虑" not in panel
    found = re.findall(r'<span class="tag ok">([^<]+)</span>', panel)
    assert "情境" in found  # the engine's element, translated
    # HR's clause whole, not the scorer's cut copy
    assert "Full story: the situation, own actions and a measurable result" in found


def test_tags_keep_only_words_of_the_question_language() -> None:
    codes = ["keyword:customer", "keyword:客户", "llm:倾听", "situation", "rubric:Full st"]
    assert keyword_tags(codes, "en") == ["customer"]
    assert keyword_tags(codes, "zh-hans") == ["客户", "倾听"]
    assert in_language("KPI 达成", "zh") and not in_language("KPI", "zh-hans")
    rubric = ["先倾听客户；再给出分阶段的方案。", "Listens first. Then offers a plan"]
    with translation.override("en"):
        assert element_label("own_action+keyword:listened") == "own action, listened"
        assert element_label("rubric:Full st+number") == "rubric point, numbers"
        assert element_label("C++ skills") == "C++ skills"  # HR's own words stay whole
        assert element_tags([*codes, "先倾听", "Then offers"], "zh", rubric) == [
            "situation", "rubric point", "先倾听客户",
        ]  # fmt: skip
        assert element_tags([*codes, "先倾听", "Then offers"], "en", rubric) == [
            "situation", "rubric point", "Then offers a plan",
        ]  # fmt: skip


def test_the_shortcuts_are_listed(demo: DemoWorld, login: Any) -> None:
    html = workbench(login(demo.hr), demo.sessions[0])
    help_list = html[
        html.index("data-shortcuts") : html.index("</details>", html.index("data-shortcuts"))
    ]
    for key in ("<kbd>k</kbd>", "<kbd>n</kbd>", "<kbd>p</kbd>", "<kbd>d</kbd>", "<kbd>?</kbd>"):
        assert key in help_list, key
    assert html.count('tabindex="-1" role="group"') == html.count('class="wb-dim"') == 4


def test_the_demo_workbench_has_a_fixed_query_count(
    demo: DemoWorld, login: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(demo.hr)
    counts = []
    for session in demo.sessions:
        workbench(client, session)  # warm the per-user caches alike
        with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as q:
            workbench(client, session)
        counts.append(len(q))
    assert counts[0] == counts[1], counts


def test_moments_worth_watching_never_end_before_they_start() -> None:
    from mianshi.reviews.selectors.scores import _merge

    # A quote timed after the answer's measured end (the speech ran shorter than the
    # transcript's last segment) is dropped, not shown as "0:15–0:12".
    assert _merge([(2.0, 4.0), (15.0, 16.0)], 12.0) == [(0.0, 7.0)]


def test_quotes_are_grouped_by_the_elements_they_show(demo: DemoWorld, login: Any) -> None:
    from mianshi.reviews.tests.test_workbench_evidence import dimension_block, quoted

    html = workbench(login(demo.hr), demo.sessions[0], "en")
    for code in ("沟通能力", "客户导向", "抗压能力", "目标达成"):
        block = dimension_block(html, code)
        top = block[: block.find("<details")] if "<details" in block else block
        labels = re.findall(r'wb-quote-label">([^<]+)<', top)
        assert len(quoted(top)) == min(3, len(quoted(block))), code
        assert len(labels) == len(set(labels)), (code, labels)
    # "own actions" over the two sentences of the first answer that show it, said once
    block = dimension_block(html, "沟通能力")
    group = block[block.index('wb-quote-label">own actions<') :]
    assert len(quoted(group[: group.index("</li>")])) == 2
