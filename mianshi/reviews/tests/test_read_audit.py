"""Reviewing reads personal data (answers, transcripts, scores): every read is audited
(F-100) — the workbench page and API, the analysis panel htmx polls (once per window), the
queue and the ranking (the ids read, never the values)."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.compliance.tests.support import only, recorded
from mianshi.reviews.tests.factories import analysed_interview

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
