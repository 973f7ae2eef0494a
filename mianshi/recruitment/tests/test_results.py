"""Interview scores and synthesis, checked against figures worked out by hand, the
tie-breaks in their order, a recorded tie decision, and the refusals before results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    Examiner,
    Lot,
    Mark,
    Result,
    ResultStatus,
    Seat,
    ShortlistEntry,
)
from mianshi.recruitment.services.exams import (
    extra_enter,
    shortlist_make,
    shortlist_withdraw,
    written_enter,
)
from mianshi.recruitment.services.results import (
    interview_score,
    result_decide_tie,
    results_compute,
)
from mianshi.recruitment.tests.scores import mark, panel, qualify, ticket
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are compared in their English source form."""
    with translation.override("en"):
        yield


SIXTY_FORTY = {"weight_written": "0.6", "weight_interview": "0.4"}


def _world(org: Any, make_user: Any, written: Sequence[str], **params: Any) -> RecruitmentWorld:
    """Qualified applicants with these written scores, shortlisted (1 × 1:3, ties through)."""
    world = recruitment_world(org, make_user, **params)
    for n, score in enumerate(written):
        app = qualify(world, world.apply(f"考生{n}"))
        written_enter(actor=world.hr, application=app, score=score)
    shortlist_make(actor=world.hr, post=world.post)
    return world


def _marked(world: RecruitmentWorld, *marks: Sequence[str]) -> None:
    drawn = panel(world)
    for app, given in zip(world.applications, marks, strict=True):
        mark(drawn, app, given)


def _ranking(world: RecruitmentWorld) -> list[tuple[int, str, str, int, bool]]:
    rows = Result.objects.filter(post=world.post).order_by("rank", "application_id")
    names = {app.pk: n for n, app in enumerate(world.applications)}
    return [(names[r.application_id], str(r.interview), str(r.total), r.rank or 0, r.tied)
            for r in rows]  # fmt: skip


def test_synthesis_and_ranking_as_worked_by_hand(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["85.50", "80.00", "78.25"], **SIXTY_FORTY)
    _marked(
        world,
        # drop one 90 and one 80: (90+88+86+84+80)/5 = 85.60; 85.50×0.6+85.60×0.4 = 85.54
        ["90", "90", "88", "86", "84", "80", "80"],
        # drop one 92 and one 85: 447/5 = 89.40; 48.00 + 35.76 = 83.76
        ["92", "92", "91", "90", "89", "85", "85"],
        # drop one 88.5 and one 84.1: 431.61/5 = 86.322 → 86.32; 46.95 + 34.528 → 81.48
        ["88.5", "88.5", "87.26", "86", "85.75", "84.1", "84.1"],
    )
    results = results_compute(actor=world.hr, post=world.post)
    assert [r.rank for r in results] == [1, 2, 3]
    assert _ranking(world) == [
        (0, "85.60", "85.54", 1, False),
        (1, "89.40", "83.76", 2, False),
        (2, "86.32", "81.48", 3, False),
    ]
    assert interview_score(world.post, world.applications[2]) == Decimal("86.32")
    event = AuditEvent.objects.get(action="recruitment.results.compute")
    assert event.detail == {"count": 3, "tied": 0}


@pytest.mark.parametrize(
    ("written", "total"),
    [
        # With 60/40 and two-place inputs a total is a multiple of 0.002 and never ends in 5;
        # at 50/50 it does: 80.01×0.5 + 80×0.5 = 80.005 → 80.01 (bankers' rounding: 80.00).
        ("80.01", "80.01"),
        ("80.05", "80.03"),  # 80.025 → 80.03 (bankers': 80.02)
        ("80.02", "80.01"),  # 80.010 stays
    ],
)
def test_totals_round_half_up_at_the_third_place(
    org: Any, make_user: Any, written: str, total: str
) -> None:
    world = _world(org, make_user, [written])
    _marked(world, ["80"] * 7)
    assert str(results_compute(actor=world.hr, post=world.post)[0].total) == total


def test_the_interview_mean_rounds_half_up(org: Any, make_user: Any) -> None:
    # drop one highest and two lowest of 7: (80.5+80.3+80.2+79.98)/4 = 80.245 → 80.25
    world = _world(org, make_user, ["70"], drop_lowest=2)
    _marked(world, ["81", "80.5", "80.3", "80.2", "79.98", "70", "60"])
    assert interview_score(world.post, world.applications[0]) == Decimal("80.25")


def test_equal_totals_go_to_the_higher_written_score(org: Any, make_user: Any) -> None:
    # 70×0.6 + 85×0.4 = 76.00 = 80×0.6 + 70×0.4: the second has the higher written score.
    world = _world(org, make_user, ["70", "80"], **SIXTY_FORTY)
    _marked(world, ["85"] * 7, ["70"] * 7)
    results_compute(actor=world.hr, post=world.post)
    assert _ranking(world) == [(1, "70.00", "76.00", 1, False), (0, "85.00", "76.00", 2, False)]


def _with_extra(org: Any, make_user: Any, extras: Sequence[str]) -> RecruitmentWorld:
    params = {"weight_written": "0.5", "weight_interview": "0.3", "weight_extra": "0.2"}
    world = _world(org, make_user, ["80", "80"], **params)
    for app, extra in zip(world.applications, extras, strict=True):
        extra_enter(actor=world.hr, application=app, score=extra)
    return world


def test_equal_totals_and_written_go_to_the_higher_extra(org: Any, make_user: Any) -> None:
    # 40 + 80×0.3 + 90×0.2 = 82.00 = 40 + 90×0.3 + 75×0.2
    world = _with_extra(org, make_user, ["90", "75"])
    _marked(world, ["80"] * 7, ["90"] * 7)
    results_compute(actor=world.hr, post=world.post)
    assert _ranking(world) == [(0, "80.00", "82.00", 1, False), (1, "90.00", "82.00", 2, False)]


def test_a_full_tie_waits_for_a_recorded_decision(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["80", "80", "70"])
    _marked(world, ["85"] * 7, ["85"] * 7, ["60"] * 7)
    results_compute(actor=world.hr, post=world.post)
    assert [row[3:] for row in _ranking(world)] == [(1, True), (1, True), (3, False)]
    second = Result.objects.get(application=world.applications[1])
    decided = result_decide_tie(actor=world.hr, result=second, order=1, reason="领导小组研究决定")
    assert (decided.rank, decided.tied, decided.decision_reason) == (1, False, "领导小组研究决定")
    assert (decided.decided_by, decided.decided_at is not None) == (world.hr, True)
    assert [row[0] for row in _ranking(world)] == [1, 0, 2]
    assert [row[3:] for row in _ranking(world)] == [(1, False), (2, False), (3, False)]
    event = AuditEvent.objects.get(action="recruitment.result.decide_tie")
    assert event.detail == {"application": world.applications[1].pk, "order": 1}
    results_compute(actor=world.hr, post=world.post)  # computing again keeps the decision
    assert [row[0] for row in _ranking(world)] == [1, 0, 2]


def test_a_tie_decision_needs_an_approver_and_a_tie(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["80", "70"])
    _marked(world, ["85"] * 7, ["85"] * 7)
    results_compute(actor=world.hr, post=world.post)
    first = Result.objects.get(application=world.applications[0])
    with pytest.raises(ValidationError, match="not tied"):
        result_decide_tie(actor=world.hr, result=first, order=1, reason="x")
    clerk = make_user("hr_clerk", Role.HR, org.sh)  # HR manages, but approves nothing
    with pytest.raises(PermissionDenied):
        result_decide_tie(actor=clerk, result=first, order=1, reason="x")
    first.refresh_from_db()
    assert first.decision is None


def test_results_wait_for_every_shortlisted_applicants_marks(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["90", "80", "70"])
    drawn = panel(world)
    mark(drawn, world.applications[0], ["80"] * 7)
    mark(drawn, world.applications[1], ["80"] * 6)  # one of the seven has not marked
    with pytest.raises(ValidationError) as caught:
        results_compute(actor=world.hr, post=world.post)
    tickets = f"{ticket(world.applications[1])}, {ticket(world.applications[2])}"
    assert tickets in caught.value.messages[0]
    assert Result.objects.count() == 0


def test_a_withdrawn_applicant_is_not_ranked(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["90", "80"])
    entry = ShortlistEntry.objects.get(application=world.applications[1])
    shortlist_withdraw(actor=world.hr, entry=entry, reason="面试缺考", substitute=False)
    mark(panel(world), world.applications[0], ["80"] * 7)
    assert [r.application_id for r in results_compute(actor=world.hr, post=world.post)] == [
        world.applications[0].pk
    ]


def test_an_open_conflict_blocks_the_results(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["90"])
    _marked(world, ["80"] * 7)
    Conflict.objects.create(
        panel=world.post.panels.get(), examiner=Examiner.objects.earliest("pk"),
        application=world.applications[0], kind=ConflictKind.values[0], reason="同乡",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="conflict"):
        results_compute(actor=world.hr, post=world.post)
    assert Result.objects.count() == 0


def test_another_branch_may_not_compute(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["90"])
    _marked(world, ["80"] * 7)
    other = make_user("hr_sz", Role.HR_ADMIN, org.sz)
    with pytest.raises(PermissionDenied):
        results_compute(actor=other, post=world.post)
    assert Result.objects.count() == 0


def test_results_that_moved_on_are_not_computed_again(org: Any, make_user: Any) -> None:
    world = _world(org, make_user, ["90"])
    _marked(world, ["80"] * 7)
    results_compute(actor=world.hr, post=world.post)
    Result.objects.update(status=ResultStatus.MEDICAL, total=Decimal("1"))
    with pytest.raises(ValidationError, match="moved on"):
        results_compute(actor=world.hr, post=world.post)
    assert Result.objects.get().total == Decimal("1.00")


def test_the_panel_the_applicant_drew_decides_how_many_marks_are_due(
    org: Any, make_user: Any
) -> None:
    world = _world(org, make_user, ["90"])
    drawn, app = panel(world), world.applications[0]
    examiners = list(Examiner.objects.order_by("pk"))
    for n, examiner in enumerate(examiners[:6]):
        Seat.objects.create(panel=drawn, examiner=examiner, replaced=n == 5)  # five sit
    Lot.objects.create(panel=drawn, application=app, position=1)
    mark(drawn, app, ["90", "86", "84", "80"])
    with pytest.raises(ValidationError, match="Not every examiner"):
        results_compute(actor=world.hr, post=world.post)
    Mark.objects.create(panel=drawn, examiner=examiners[4], application=app, score=Decimal("70"))
    # five marks: drop 90 and 70, (86+84+80)/3 = 83.33
    assert str(results_compute(actor=world.hr, post=world.post)[0].interview) == "83.33"
