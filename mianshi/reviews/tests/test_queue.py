"""The review queue: recorded interviews the user may see, their scores, analysis progress
and own rating status; filters, paging, scoping and a bounded query count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.interviews.models import InterviewSession, Recording
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.selectors import queue as queue_selectors
from mianshi.reviews.tests.factories import analysed_interview
from mianshi.reviews.tests.wb_support import (
    assigned_interviewer,
    crowded,
    fail_answer,
    large_world,
    rate,
)

pytestmark = pytest.mark.django_db


def rows(client: Any, query: str = "") -> list[str]:
    response = client.get(f"/reviews/{query}")
    assert response.status_code == 200
    return re.findall(r'<tr data-session="(\d+)"', response.content.decode())


def test_queue_lists_recorded_interviews_with_score_progress_and_my_rating(world, login):
    done = analysed_interview(world, "李雷", scores={"communication": 9.0})
    failed = analysed_interview(world, "韩梅梅")
    fail_answer(failed, 2)
    silent = analysed_interview(world, "张伟", analysed=False)
    Recording.objects.filter(session=silent).delete()  # nothing recorded: not for review
    rate(world.hr, done, 7, submit=False)
    response = login(world.hr).get("/reviews/")
    html = response.content.decode()
    assert rows(login(world.hr)) == [str(failed.pk), str(done.pk)]  # newest first
    row = html[html.index(f'<tr data-session="{done.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "李雷" in row and "销售代表" in row and f"/reviews/interviews/{done.pk}/" in row
    assert re.search(r"data-ai-score>\d\.\d<", row) and "2/2 analysed" in row
    assert 'data-my-rating="draft"' in row
    bad = html[html.index(f'<tr data-session="{failed.pk}"') :]
    assert re.search(r'class="tag bad">1 failed<', bad[: bad.index("</tr>")])


def test_filters_job_mine_and_needs_review(world, login, make_user):
    first = analysed_interview(world, "李雷")
    second = analysed_interview(world, "韩梅梅", confidence=0.3)  # low confidence: review
    big = large_world(world, questions=2)
    other_job = analysed_interview(big, "王芳")
    client = login(world.hr)
    assert rows(client, f"?job={world.job.pk}") == [str(second.pk), str(first.pk)]
    assert rows(client, f"?job={big.job.pk}") == [str(other_job.pk)]
    rate(world.hr, first, 6)
    assert str(first.pk) not in rows(client, "?mine=1")
    assert str(second.pk) in rows(client, "?mine=1")
    assert rows(client, "?review=1") == [str(second.pk)]
    InterviewScore.objects.filter(session=first).update(anomalies=[{"code": "low_confidence"}])
    assert set(rows(client, "?review=1")) == {str(first.pk), str(second.pk)}


def test_final_score_waits_for_my_own_rating(world, login, make_user):
    session = analysed_interview(world)
    other = make_user("mgr2", Role.DEPT_MANAGER, world.org.sh)
    rate(other, session, 8)
    html = login(world.hr).get("/reviews/").content.decode()
    assert "after your rating" in html
    rate(world.hr, session, 6)
    html = login(world.hr).get("/reviews/").content.decode()
    assert "after your rating" not in html and re.search(r"data-final-score>\d\.\d<", html)


def test_scoping_other_branch_interviewer_auditor(world, login, make_user, org):
    session = analysed_interview(world)
    assert rows(login(make_user("hr_sz", Role.HR, org.sz))) == []
    assert rows(login(world.interviewer)) == []
    assigned_interviewer(world, session)
    assert rows(login(world.interviewer)) == [str(session.pk)]
    assert rows(login(world.manager)) == [str(session.pk)]
    assert login(make_user("auditor", Role.AUDITOR, org.hq)).get("/reviews/").status_code == 403


def test_paging_and_bad_parameters(world, login, monkeypatch):
    monkeypatch.setattr(queue_selectors, "PER_PAGE", 2)
    sessions = [analysed_interview(world, f"候选人{i}") for i in range(3)]
    client = login(world.hr)
    assert rows(client) == [str(sessions[2].pk), str(sessions[1].pk)]
    second = client.get("/reviews/?page=2").content.decode()
    assert re.findall(r'<tr data-session="(\d+)"', second) == [str(sessions[0].pk)]
    assert "page=1" in second and "page=3" not in second
    for query in (
        "?page=999999999999999999999",
        "?page=-1",
        "?job=abc",
        "?job=99999999999999999999",
    ):
        assert client.get(f"/reviews/{query}").status_code == 200, query


def test_unfinished_interviews_sort_last(world, login):
    finished = analysed_interview(world, "李雷")
    open_one = analysed_interview(world, "韩梅梅")
    InterviewSession.objects.filter(pk=open_one.pk).update(finished_at=None)
    InterviewSession.objects.filter(pk=finished.pk).update(finished_at=timezone.now())
    assert rows(login(world.hr)) == [str(finished.pk), str(open_one.pk)]


def test_query_count_does_not_grow_with_rows(
    world, login, make_user, django_assert_max_num_queries
):
    for i in range(4):
        analysed_interview(world, f"候选人{i}")
    crowded(world, make_user)
    client = login(world.hr)
    with django_assert_max_num_queries(12):
        found = rows(client, "?mine=1&review=0")
    assert len(found) >= 6
