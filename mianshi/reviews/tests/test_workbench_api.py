"""GET /api/reviews/interviews/{id} and POST /api/reviews/answers/{id}/rerun: the workbench
as JSON under the same scoping as the page, and HR's re-run through the same service."""

from __future__ import annotations

import pytest

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.tests.factories import analysed_interview
from mianshi.reviews.tests.wb_support import answer_at, events, fail_answer, rate

pytestmark = pytest.mark.django_db


def test_interview_json_has_answers_transcript_evidence_scores_and_runs(world, api_for):
    session = analysed_interview(world, scores={"communication": 8.0})
    fail_answer(session, 2, language="en")
    events(session, ("mark", 1, 4_000))
    InterviewScore.objects.filter(session=session).update(
        anomalies=[{"code": "analysis_failed", "value": 1}]
    )
    response = api_for(world.hr).get(f"/reviews/interviews/{session.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["candidate_name"] == "李雷" and body["stage"] == session.application.stage
    first, second = body["answers"]
    assert [s["start"] for s in first["segments"]] == [0.0, 3.2, 7.5]
    assert first["parts"][0]["media_url"].startswith("/api/interviews/recordings/")
    assert first["marks"][0]["offset_s"] == 4.0 and first["marks"][0]["part"] == 1
    assert first["ai"]["level"] == 3 and first["ai"]["evidence"][0]["element"] == "action"
    assert second["run"]["status"] == RunStatus.FAILED
    assert second["run"]["error"] == "The recording could not be read."
    assert second["runs"][0]["status"] == RunStatus.DONE and second["runs"][0]["total"] == 6.0
    comm = next(d for d in body["dimensions"] if d["code"] == "communication")
    assert comm["score"] == 8.0 and comm["name"] == "沟通能力"
    assert comm["evidence"][0]["answer_id"] == first["id"] and comm["evidence"][0]["start"] == 7.5
    assert body["anomalies"][0]["code"] == "analysis_failed" and body["anomalies"][0]["text"]
    assert body["scores"]["ai_total"] is not None and body["pending"] is False


def test_human_scores_hidden_from_a_rater_who_has_not_submitted(world, api_for, make_user):
    session = analysed_interview(world)
    rate(make_user("mgr2", Role.DEPT_MANAGER, world.org.sh), session, 8)
    scores = api_for(world.hr).get(f"/reviews/interviews/{session.pk}").json()["scores"]
    assert scores["raters"] == 1 and scores["human_total"] is None and scores["final_total"] is None
    rate(world.hr, session, 6)
    scores = api_for(world.hr).get(f"/reviews/interviews/{session.pk}").json()["scores"]
    assert scores["human_total"] == 7.0


def test_scoping_and_scopes(world, api_for, make_user, org):
    session = analysed_interview(world)
    path = f"/reviews/interviews/{session.pk}"
    assert api_for(make_user("hr_sz", Role.HR, org.sz)).get(path).status_code == 404
    assert api_for(world.interviewer).get(path).status_code == 404
    assert api_for(world.hr, scopes=["jobs:read"]).get(path).status_code == 403
    assert api_for(world.hr).get("/reviews/interviews/99999999999999999999").status_code == 422
    assert api_for(world.hr).get("/reviews/interviews/0").status_code == 422


def test_rerun_through_the_api(world, api_for):
    session = analysed_interview(world)
    answer = answer_at(session, 1)
    url = f"/reviews/answers/{answer.pk}/rerun"
    assert api_for(world.hr, scopes=["candidates:read"]).post(url, {}).status_code == 403
    assert api_for(world.manager).post(url, {}).status_code == 403
    response = api_for(world.hr).post(url, {})
    assert response.status_code == 202
    run = response.json()
    assert run["status"] == "queued" and run["is_current"] and run["reason"] == "re-run by HR"
    again = api_for(world.hr).post(url, {})
    assert again.status_code == 409 and "already queued" in again.json()["detail"]
    assert AnalysisRun.objects.filter(answer=answer).count() == 2
    body = api_for(world.hr).get(f"/reviews/interviews/{session.pk}").json()
    assert body["pending"] is True and body["answers"][0]["runs"][0]["status"] == "done"


def test_rerun_of_an_answer_outside_scope_is_404(world, api_for, make_user, org):
    session = analysed_interview(world)
    url = f"/reviews/answers/{answer_at(session, 1).pk}/rerun"
    assert api_for(make_user("hr_sz", Role.HR, org.sz)).post(url, {}).status_code == 404
