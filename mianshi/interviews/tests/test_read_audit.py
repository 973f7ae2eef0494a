"""The live board and the session API read candidates' personal data (names, answer text):
each read is audited (F-100). The board's rows, which htmx polls every few seconds, are
recorded once per user and window while the same rows are shown."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.compliance.tests.support import only, recorded
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def test_board_page_records_the_applications_shown(bw: Any, login: Any) -> None:
    first, second = bw.invite("甲"), bw.invite("乙")
    with recorded() as events:
        assert login(bw.hr_sh).get(f"/interviews/jobs/{bw.job.pk}/board/").status_code == 200
    event = only(events, "job_board.view")
    assert (event.actor, event.object_type, event.object_id) == (
        bw.hr_sh,
        "jobs.job",
        str(bw.job.pk),
    )
    ids = {first.application.pk, second.application.pk}
    assert set(event.detail["ids"]) == ids


def test_polled_board_rows_are_recorded_once_until_the_rows_change(bw: Any, login: Any) -> None:
    bw.invite("甲")
    client, url = login(bw.hr_sh), f"/interviews/jobs/{bw.job.pk}/board/rows/"
    with recorded() as events:
        for _ in range(4):
            assert client.get(url).status_code == 200
    assert len(only(events, "job_board.view").detail["ids"]) == 1
    newcomer = bw.invite("乙")
    with recorded() as events:
        client.get(url)
        client.get(url)
    assert newcomer.application.pk in only(events, "job_board.view").detail["ids"]


def test_board_api_records_the_ids_of_the_page_returned(bw: Any, api_for: Any) -> None:
    for name in ("甲", "乙", "丙"):
        bw.invite(name)
    api = api_for(bw.hr_sh)
    with recorded() as events:
        body = api.get(f"/interviews/jobs/{bw.job.pk}/sessions", page_size=2).json()
    event = only(events, "job_board.view")
    assert event.detail == {"ids": [r["application_id"] for r in body["items"]], "page": 1}


def test_session_api_records_a_view_of_the_answers(bw: Any, api_for: Any) -> None:
    session = bw.answering_choice(bw.invite("甲"))
    api = api_for(bw.hr_sh)
    with recorded() as events:
        body = api.get(f"/interviews/sessions/{session.pk}").json()
    assert "我会先倾听" in str(body)  # the answer text was read
    event = only(events, "interview_session.view")
    assert (event.actor, event.object_id) == (bw.hr_sh, str(session.pk))
    assert event.detail == {"page": "api"}


def test_application_sessions_api_records_the_sessions_returned(bw: Any, api_for: Any) -> None:
    started = bw.invite("甲")
    session = bw.answering_text(started)
    api = api_for(bw.hr_sh)
    with recorded() as events:
        api.get(f"/interviews/applications/{started.application.pk}/sessions")
    assert only(events, "interview_session.list").detail["ids"] == [session.pk]
