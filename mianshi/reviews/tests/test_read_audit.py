"""Reviewing reads personal data (answers, transcripts, scores): every read is audited
(F-100) — the workbench page and API, the analysis panel htmx polls (once per window), the
queue and the ranking (the ids read, never the values)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from mianshi.accounts.roles import Role
from mianshi.compliance.tests.support import only, recorded
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, analysed_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world: Any) -> list[Any]:
    return [analysed_interview(world, "李雷"), analysed_interview(world, "韩梅梅")]


def test_workbench_page_records_one_view_of_the_interview(
    world: Any, two: list[Any], login: Any
) -> None:
    session = two[0]
    with recorded() as events:
        assert login(world.hr).get(f"/reviews/interviews/{session.pk}/").status_code == 200
    event = only(events, "interview_session.view")
    assert (event.actor, event.object_type, event.object_id) == (
        world.hr,
        "interviews.interviewsession",
        str(session.pk),
    )
    assert event.org_unit_id == session.org_unit_id
    assert event.detail == {"page": "workbench"}


def test_the_polled_analysis_panel_is_recorded_once_per_window(
    world: Any, two: list[Any], login: Any
) -> None:
    client, session = login(world.hr), two[0]
    with recorded() as events:
        for _ in range(3):
            assert client.get(f"/reviews/interviews/{session.pk}/analysis/").status_code == 200
    assert only(events, "interview_session.view").detail == {"page": "analysis"}
    with recorded() as events:  # another interviewer's polling is their own read
        login(world.manager).get(f"/reviews/interviews/{session.pk}/analysis/")
    assert only(events, "interview_session.view").actor == world.manager


def test_workbench_api_records_a_view(world: Any, two: list[Any], api_for: Any) -> None:
    api = api_for(world.hr)
    with recorded() as events:
        assert api.get(f"/reviews/interviews/{two[1].pk}").status_code == 200
    event = only(events, "interview_session.view")
    assert event.object_id == str(two[1].pk) and event.detail == {"page": "api"}


def test_queue_records_the_interviews_listed(world: Any, two: list[Any], login: Any) -> None:
    with recorded() as events:
        assert login(world.hr).get("/reviews/").status_code == 200
    event = only(events, "interview_session.list")
    assert sorted(event.detail["ids"]) == sorted(s.pk for s in two)


def test_ranking_page_records_the_interviews_ranked(world: Any, two: list[Any], login: Any) -> None:
    with recorded() as events:
        assert login(world.hr).get(f"/reviews/jobs/{world.job.pk}/ranking/").status_code == 200
    event = only(events, "job_ranking.view")
    assert (event.object_type, event.object_id) == ("jobs.job", str(world.job.pk))
    assert sorted(event.detail["ids"]) == sorted(s.pk for s in two)
    assert event.detail["page"] == 1


def test_ranking_api_records_the_ids_of_the_page_returned(
    world: Any, two: list[Any], api_for: Any
) -> None:
    api = api_for(world.hr)
    with recorded() as events:
        body = api.get(f"/reviews/jobs/{world.job.pk}/ranking", page_size=1).json()
    event = only(events, "job_ranking.view")
    assert event.detail == {"ids": [body["items"][0]["session_id"]], "page": 1}


# --- the last reads of review data: feedback draft, score, ratings, decisions --------------


def test_feedback_draft_partial_records_a_read_of_the_application(
    world: Any, two: list[Any], login: Any
) -> None:
    session = two[0]
    url = f"/reviews/interviews/{session.pk}/feedback/"
    with recorded() as events:
        assert "Dear 李雷" in login(world.hr).get(url, {"kind": "reject"}).content.decode()
    event = only(events, "application.view")
    assert (event.object_type, event.object_id) == (
        "candidates.application",
        str(session.application_id),
    )
    assert event.detail == {"page": "feedback_draft", "session": session.pk}


def test_a_feedback_partial_drafting_nothing_records_nothing(
    world: Any, two: list[Any], login: Any
) -> None:
    url = f"/reviews/interviews/{two[0].pk}/feedback/"
    with recorded() as events:  # a manager may not decide: no draft is shown
        assert login(world.manager).get(url, {"kind": "reject"}).status_code == 200
    assert events == []


def test_feedback_draft_api_records_a_read_of_the_application(
    world: Any, two: list[Any], api_for: Any
) -> None:
    application = two[1].application
    api = api_for(world.hr)
    with recorded() as events:
        body = api.get(f"/reviews/applications/{application.pk}/feedback-draft").json()
    assert "Dear 韩梅梅" in body["body"]
    event = only(events, "application.view")
    assert event.object_id == str(application.pk)
    assert event.detail == {"page": "feedback_draft"}


def test_score_api_records_a_view_of_the_interview(
    world: Any, two: list[Any], api_for: Any
) -> None:
    api = api_for(world.hr)
    with recorded() as events:
        assert api.get(f"/reviews/interviews/{two[0].pk}/score").status_code == 200
    event = only(events, "interview_session.view")
    assert event.object_id == str(two[0].pk) and event.detail == {"page": "score"}


def test_ratings_api_records_the_ratings_returned(world: Any, two: list[Any], api_for: Any) -> None:
    session = two[0]
    scores = dict.fromkeys(CODES, 6)
    rating = rating_save(actor=world.hr, session=session, scores=scores, reasons={}, submit=True)
    api = api_for(world.hr)
    with recorded() as events:
        body = api.get(f"/reviews/interviews/{session.pk}/ratings").json()
    event = only(events, "rating.list")
    assert (event.object_type, event.object_id) == (
        "interviews.interviewsession",
        str(session.pk),
    )
    assert event.detail == {"ids": [rating.pk]} and [r["id"] for r in body] == [rating.pk]


def test_decisions_api_records_the_decisions_returned(
    world: Any, two: list[Any], api_for: Any
) -> None:
    application = two[0].application
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = decision_make(
            actor=world.hr,
            application=application,
            kind="reject",
            reason="经验不足",
            send_feedback=False,
        )
    api = api_for(world.hr)
    with recorded() as events:
        body = api.get(f"/reviews/applications/{application.pk}/decisions").json()
    event = only(events, "decision.list")
    assert (event.object_type, event.object_id) == ("candidates.application", str(application.pk))
    assert event.detail == {"ids": [made.pk]} and [d["id"] for d in body] == [made.pk]


def test_a_refused_review_read_records_nothing(
    world: Any, two: list[Any], api_for: Any, make_user: Any
) -> None:
    outsider = make_user("sz-hr", Role.HR, world.org.sz)
    api, session = api_for(outsider), two[0]
    with recorded() as events:
        assert api.get(f"/reviews/interviews/{session.pk}/score").status_code == 404
        assert api.get(f"/reviews/interviews/{session.pk}/ratings").status_code == 404
        assert (
            api.get(f"/reviews/applications/{session.application_id}/decisions").status_code == 404
        )
    assert events == []
