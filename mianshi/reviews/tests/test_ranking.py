"""The job ranking (F-73): order by final score with nulls last and ties by AI score,
filters, scoping, bounded queries, and the CSV / Excel exports a recruiter opens."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mianshi.accounts.roles import Role
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, application_assign
from mianshi.compliance.models import AuditEvent
from mianshi.reviews.models import DecisionKind, InterviewScore
from mianshi.reviews.reports import exports
from mianshi.reviews.selectors import ranking as ranking_mod
from mianshi.reviews.selectors.ranking import RankingFilters, job_ranking
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.ratings import rating_decline, rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview, review_world

# name → AI score per dimension (None: not analysed yet), human rating, AI confidence.
PEOPLE: list[tuple[str, float | None, int | None, float]] = [
    ("陈一", 9.0, None, 0.8),  # final 9.0
    ("王二", 8.0, 6, 0.8),  # final 7.0 = mean(8, 6); AI 8 wins the tie
    ("张三", 7.0, None, 0.8),  # final 7.0
    ("李四", 5.0, None, 0.3),  # final 5.0, unsure: needs review
    ("赵五", None, None, 0.8),  # no score yet: last
]
ORDER = ["陈一", "王二", "张三", "李四", "赵五"]


def _interview(world: ReviewWorld, name: str, ai: float | None, confidence: float) -> Any:
    if ai is None:
        return analysed_interview(world, name, analysed=False)
    scores = {code: ai for code in CODES}
    return analysed_interview(world, name, scores=scores, confidence=confidence)


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    world = review_world(org, make_user)
    for name, ai, human, confidence in PEOPLE:
        session = _interview(world, name, ai, confidence)
        if human is not None:
            rating_save(
                actor=world.manager, session=session, scores={c: human for c in CODES},
                reasons={c: "录像里的表现一般" for c in CODES}, submit=True,
            )  # fmt: skip
            # HR decides without rating: it declines, so it reads the human scores (F-71;
            # test_blind_rating.py covers the reader who has not rated yet).
            rating_decline(actor=world.hr, session=session, reason="HR 只做决定，不评分")
    return world


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _names(world: ReviewWorld, **filters: Any) -> list[str]:
    page = job_ranking(user=world.hr, job=world.job, filters=RankingFilters(**filters))
    return [row.candidate for row in page.rows]


def test_ranked_by_final_score_nulls_last_ties_by_ai(world: ReviewWorld) -> None:
    page = job_ranking(user=world.hr, job=world.job)
    assert [row.candidate for row in page.rows] == ORDER
    assert [row.rank for row in page.rows] == [1, 2, 3, 4, 5]
    assert [row.final_total for row in page.rows] == [9.0, 7.0, 7.0, 5.0, None]
    assert [row.ai_total for row in page.rows] == [9.0, 8.0, 7.0, 5.0, None]
    second = page.rows[1]
    assert (second.human_total, second.raters) == (6.0, 1)
    assert [c.code for c in page.columns] == ["communication", "problem_solving", "customer_focus"]
    assert second.dimensions == [(8.0, 6.0)] * 3
    assert page.rows[4].dimensions == [(None, None)] * 3
    # Paging keeps the rank; a page beyond the last shows the last.
    page = job_ranking(user=world.hr, job=world.job, page=2, per_page=2)
    assert [(r.rank, r.candidate) for r in page.rows] == [(3, "张三"), (4, "李四")]
    assert (page.total, page.pages, page.has_previous, page.has_next) == (5, 3, True, True)
    last = job_ranking(user=world.hr, job=world.job, page=99, per_page=2)
    assert last.number == 3 and [r.candidate for r in last.rows] == ["赵五"]


def test_needs_review_and_anomalies_come_from_the_scores(world: ReviewWorld) -> None:
    rows = {row.candidate: row for row in job_ranking(user=world.hr, job=world.job).rows}
    assert rows["李四"].needs_review and rows["李四"].confidence == 0.3
    assert any("not confident" in text for text in rows["李四"].anomalies)
    assert not rows["陈一"].needs_review and rows["陈一"].anomalies == []
    assert _names(world, needs_review=True) == ["李四"]
    assert "李四" not in _names(world, needs_review=False)


def test_stage_filter_decision_column_and_live_stage(world: ReviewWorld) -> None:
    application = InterviewScore.objects.get(application__candidate__name="陈一").application
    decision_make(
        actor=world.hr, application=application, kind=DecisionKind.SECOND_ROUND,
        reason="优秀", send_feedback=False,
    )  # fmt: skip
    assert _names(world, stage=Stage.SECOND_ROUND) == ["陈一"]
    first = job_ranking(user=world.hr, job=world.job).rows[0]
    assert (first.decision, first.stage) == (DecisionKind.SECOND_ROUND, Stage.SECOND_ROUND)
    assert first.decision_label == "Advance to the second round"
    # The stage is read live: a move changes the row's stage, never its place.
    application_advance(
        actor=world.hr, application=world.sessions[4].application, to_stage=Stage.REJECTED
    )
    rows = job_ranking(user=world.hr, job=world.job).rows
    assert [r.candidate for r in rows] == ORDER and rows[4].stage == Stage.REJECTED


def test_page_lists_the_rows_in_order(world: ReviewWorld) -> None:
    response = _client(world.hr).get(reverse("reviews:ranking", args=[world.job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    ranked = re.findall(r'data-ranking-row="(\d+)"', html)
    expected = [
        s.pk for name in ORDER for s in world.sessions if s.application.candidate.name == name
    ]
    assert [int(pk) for pk in ranked] == expected
    assert html.count("data-report-pdf") == 5 and "沟通能力" in html
    only = _client(world.hr).get(
        reverse("reviews:ranking", args=[world.job.pk]), {"needs_review": "1", "stage": "bogus"}
    )
    assert re.findall(r'data-ranking-row="(\d+)"', only.content.decode()) == [
        str(next(s.pk for s in world.sessions if s.application.candidate.name == "李四"))
    ]


def _ranking_queries(world: ReviewWorld) -> int:
    client = _client(world.hr)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reviews:ranking", args=[world.job.pk]))
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_few_queries_at_any_size(world: ReviewWorld) -> None:
    small = _ranking_queries(world)
    for n in range(6):
        _interview(world, f"候选人{n}", 6.0 + n / 10, 0.8)
    assert job_ranking(user=world.hr, job=world.job).total == 11
    assert _ranking_queries(world) == small <= 20


def test_other_branches_see_nothing(world: ReviewWorld, make_user: Any, api_for: Any) -> None:
    other = make_user("sz_hr", Role.HR, world.org.sz)
    for name, args in (
        ("reviews:ranking", [world.job.pk]),
        ("reviews:ranking_export", [world.job.pk, "csv"]),
        ("reviews:ranking_export", [world.job.pk, "xlsx"]),
    ):
        assert _client(other).get(reverse(name, args=args)).status_code == 404
    assert api_for(other).get(f"/reviews/jobs/{world.job.pk}/ranking").status_code == 404


def test_an_interviewer_sees_only_assigned_interviews(world: ReviewWorld, make_user: Any) -> None:
    interviewer = make_user("int_rank", Role.INTERVIEWER, world.org.sh)
    assert job_ranking(user=interviewer, job=world.job).rows == []
    application = world.sessions[2].application
    application_assign(actor=world.hr, application=application, interviewer=interviewer)
    rows = job_ranking(user=interviewer, job=world.job).rows
    assert [(r.rank, r.candidate) for r in rows] == [(1, "张三")]


def _export(world: ReviewWorld, fmt: str, **query: str) -> Any:
    url = reverse("reviews:ranking_export", args=[world.job.pk, fmt])
    return _client(world.hr).get(url, query)


def _csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_a_bom_the_header_and_every_row_in_order(world: ReviewWorld) -> None:
    response = _export(world, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    header = rows[0]
    assert header[:7] == ["Rank", "Candidate", "Stage", "AI score", "Human score", "Raters",
                          "Final score"]  # fmt: skip
    assert header[7:9] == ["沟通能力 (AI)", "沟通能力 (human)"]
    assert [r[1] for r in rows[1:]] == ORDER
    second = dict(zip(header, rows[2], strict=True))
    assert (second["Rank"], second["Final score"], second["AI score"]) == ("2", "7.0", "8.0")
    assert second["Human score"] == "6.0" and second["沟通能力 (human)"] == "6.0"
    assert rows[5][6] == ""  # no final score yet: empty, not "None"
    assert _csv_rows(_export(world, "csv", needs_review="1"))[1][1] == "李四"


def test_exports_are_audited(world: ReviewWorld) -> None:
    for fmt in ("csv", "xlsx"):
        _export(world, fmt)
        event = AuditEvent.objects.order_by("-id").first()
        assert event is not None and event.action == "job_ranking.export"
        assert event.detail["format"] == fmt and event.detail["rows"] == 5
        assert event.object_id == str(world.job.pk) and event.actor_id == world.hr.pk


def _workbook(response: Any) -> Any:
    data = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_has_a_bold_frozen_header_and_numbers(world: ReviewWorld) -> None:
    response = _export(world, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _workbook(response)
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Rank" and sheet["A1"].font.b
    names = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert names == ORDER
    assert sheet["G3"].value == 7.0 and sheet["D3"].value == 8  # numbers, not text
    assert sheet["G6"].value is None


def test_formulas_in_names_stay_text(world: ReviewWorld) -> None:
    evil = ['=HYPERLINK("http://x.example","点我")', "+1+1", "-2+3", "@SUM(A1)"]
    for name in evil:
        analysed_interview(world, name, analysed=False)
    csv_names = {r[1] for r in _csv_rows(_export(world, "csv"))[1:]}
    assert {"'" + name for name in evil} <= csv_names
    sheet = _workbook(_export(world, "xlsx"))
    cells = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    assert {"'" + name for name in evil} <= {c.value for c in cells}
    assert all(c.data_type == "s" for c in cells)


def test_exports_read_in_chunks_and_miss_no_row(
    world: ReviewWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking_mod, "EXPORT_CHUNK", 2)
    monkeypatch.setattr(exports, "CSV_BATCH", 2)
    pieces = list(_export(world, "csv").streaming_content)
    assert len(pieces) == 4  # the header, then rows 2 + 2 + 1
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8")[1:])))
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]


def test_unknown_export_format_is_404_and_unaudited(world: ReviewWorld) -> None:
    before = AuditEvent.objects.count()
    for fmt in ("pdf", "json", "CSV", "xls", "csv.exe"):
        assert _export(world, fmt).status_code == 404, fmt
    assert AuditEvent.objects.count() == before


def test_api_ranking_json_and_report_pdf(world: ReviewWorld, api_for: Any, make_user: Any) -> None:
    api = api_for(world.hr)
    body = api.get(f"/reviews/jobs/{world.job.pk}/ranking", page_size=2, page=2).json()
    assert (body["count"], body["pages"], body["page"]) == (5, 3, 2)
    assert [(i["rank"], i["candidate"]) for i in body["items"]] == [(3, "张三"), (4, "李四")]
    assert body["items"][0]["dimensions"][0] == {"code": "communication", "ai": 7.0, "human": None}
    assert body["columns"][0] == {"code": "communication", "name": "沟通能力"}
    review = api.get(f"/reviews/jobs/{world.job.pk}/ranking", needs_review="true").json()
    assert [i["candidate"] for i in review["items"]] == ["李四"]
    assert api.get(f"/reviews/jobs/{world.job.pk}/ranking", stage="nope").status_code == 422
    assert api.get(f"/reviews/jobs/{world.job.pk}/ranking", page_size=1000).status_code == 422
    assert api.get("/reviews/jobs/999999/ranking").status_code == 404
    no_scope = api_for(world.hr, scopes=["jobs:read"])
    assert no_scope.get(f"/reviews/jobs/{world.job.pk}/ranking").status_code == 403
    report = f"/reviews/interviews/{world.sessions[0].pk}/report.pdf"
    response = api.get(report)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert no_scope.get(report).status_code == 403
    assert api_for(make_user("sz_api", Role.HR, world.org.sz)).get(report).status_code == 404
