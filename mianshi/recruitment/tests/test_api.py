"""The recruitment API: a post, and its results in rank order with two-place strings,
404 outside the caller's units, reads audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment.models import Result
from mianshi.recruitment.services.exams import shortlist_make, written_enter
from mianshi.recruitment.services.results import results_compute
from mianshi.recruitment.tests.scores import mark, panel, qualify, ticket
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    """Three shortlisted, marked and ranked applicants (60/40)."""
    world = recruitment_world(org, make_user, weight_written="0.6", weight_interview="0.4")
    for n, score in enumerate(["78.5", "90", "62"]):
        app = qualify(world, world.apply(f"考生{n}"))
        written_enter(actor=world.hr, application=app, score=score)
    shortlist_make(actor=world.hr, post=world.post)
    drawn = panel(world)
    for app, given in zip(world.applications, ["85.33", "70", "95"], strict=True):
        mark(drawn, app, [given] * 7)
    results_compute(actor=world.hr, post=world.post)
    return world


def test_the_results_come_in_rank_order_with_two_places(world: RecruitmentWorld,
                                                        api_for: Any) -> None:  # fmt: skip
    response = api_for(world.hr).get(f"/recruitment/posts/{world.post.pk}/results")
    assert response.status_code == 200, response.content
    first, second, third = world.applications
    # 78.5×0.6 + 85.33×0.4 = 81.232 → 81.23; 90×0.6 + 70×0.4 = 82.00; 62×0.6 + 95×0.4 = 75.20
    assert response.json() == [
        {"application_id": second.pk, "ticket": ticket(second), "written": "90.00",
         "interview": "70.00", "extra": None, "total": "82.00", "rank": 1, "tied": False,
         "status": "ranked"},
        {"application_id": first.pk, "ticket": ticket(first), "written": "78.50",
         "interview": "85.33", "extra": None, "total": "81.23", "rank": 2, "tied": False,
         "status": "ranked"},
        {"application_id": third.pk, "ticket": ticket(third), "written": "62.00",
         "interview": "95.00", "extra": None, "total": "75.20", "rank": 3, "tied": False,
         "status": "ranked"},
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="recruitment.results.view")
    assert event.detail["ids"] == [second.pk, first.pk, third.pk]


def test_the_post_says_code_title_headcount_and_status(world: RecruitmentWorld,
                                                       api_for: Any) -> None:  # fmt: skip
    response = api_for(world.hr).get(f"/recruitment/posts/{world.post.pk}")
    assert response.status_code == 200
    assert response.json() == {"id": world.post.pk, "code": "2026001", "title": "软件开发",
                               "headcount": 1, "status": "recruiting"}  # fmt: skip


@pytest.mark.parametrize("path", ["/recruitment/posts/{}", "/recruitment/posts/{}/results"])
def test_another_branch_gets_404(
    world: RecruitmentWorld, make_user: Any, api_for: Any, path: str
) -> None:
    other = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    response = api_for(other).get(path.format(world.post.pk))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="recruitment.results.view").exists()


def test_an_interviewer_sees_the_post_but_not_the_results(
    world: RecruitmentWorld, make_user: Any, api_for: Any
) -> None:
    interviewer = make_user("examiner", Role.INTERVIEWER, world.org.sh)
    client = api_for(interviewer)
    assert client.get(f"/recruitment/posts/{world.post.pk}").status_code == 200
    assert client.get(f"/recruitment/posts/{world.post.pk}/results").status_code == 404


@pytest.mark.parametrize(("scopes", "status"), [(["jobs:read"], 403), (["candidates:read"], 200)])
def test_the_results_need_the_candidates_read_scope(
    world: RecruitmentWorld, api_for: Any, scopes: list[str], status: int
) -> None:
    client = api_for(world.hr, scopes=scopes)
    assert client.get(f"/recruitment/posts/{world.post.pk}/results").status_code == status


def test_unknown_and_absurd_ids_answer_404_or_422(world: RecruitmentWorld, api_for: Any) -> None:
    client = api_for(world.hr)
    assert client.get("/recruitment/posts/999999/results").status_code == 404
    assert client.get(f"/recruitment/posts/{2**70}").status_code in (404, 422)


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_results_cost_the_same_queries_for_3_and_33_candidates(
    world: RecruitmentWorld, api_for: Any
) -> None:
    client, path = api_for(world.hr), f"/recruitment/posts/{world.post.pk}/results"
    few = _queries(client, path)
    for n in range(30):
        app = world.apply(f"补充{n}")
        Result.objects.create(application=app, post=world.post, written=Decimal("60"),
                              interview=Decimal("60"), total=Decimal("60"), rank=4)  # fmt: skip
    assert _queries(client, path) == few
    assert len(client.get(path).json()) == 33
