"""体检, 考察, 递补, the hire and the quota (F-103), through the real services.

Results are created directly with known totals and ranks (the synthesis is tested beside
its own service); everything after the ranking goes through hiring.py and publication.py.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.candidates.tests.factories import make_job
from mianshi.common.errors import TransitionRefused
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Job
from mianshi.recruitment.models import Post, PostStatus, QuotaChange, Result, ResultStatus
from mianshi.recruitment.services.hiring import (
    path_to_hired,
    quota_change,
    recruitment_hire,
    result_fail,
    result_pass,
    result_withdraw,
    results_advance,
)
from mianshi.recruitment.services.publication import (
    objection_raise,
    objection_resolve,
    publication_open,
)
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are read in the source language (the site's default is zh-Hans)."""
    with translation.override("en"):
        yield


S = ResultStatus
MONDAY = dt.date(2026, 12, 7)  # 7 working days: 12-07 … 12-15 (no holiday configured)
ENDS = dt.date(2026, 12, 15)
NAMES = ("张三明", "李四", "王五", "赵六", "钱七")


def ranked_world(
    org: Any, make_user: Any, *, headcount: int = 1, ranks: tuple[int, ...] = (1, 2, 3)
) -> tuple[RecruitmentWorld, list[Result]]:
    """A post with one Result per rank (total 90 − rank); equal ranks are an undecided tie."""
    world = recruitment_world(org, make_user, headcount=headcount)
    results = []
    for i, rank in enumerate(ranks):
        app = world.apply(NAMES[i])
        result = Result.objects.create(
            application=app, post=world.post, written=Decimal(80), interview=Decimal(80),
            total=Decimal(90 - rank), rank=rank, tied=ranks.count(rank) > 1,
        )  # fmt: skip
        results.append(result)
    return world, results


def statuses(results: list[Result]) -> list[str]:
    return [Result.objects.get(pk=r.pk).status for r in results]


def cleared(world: RecruitmentWorld, *results: Result) -> None:
    for result in results:
        result_pass(actor=world.hr, result=result, step="medical")
        result_pass(actor=world.hr, result=result, step="background")


def published(world: RecruitmentWorld) -> list[Result]:
    """Every place filled and on a list opened on MONDAY."""
    entered = results_advance(actor=world.hr, post=world.post).entered
    cleared(world, *entered)
    publication_open(actor=world.hr, post=world.post, starts_on=MONDAY)
    return [Result.objects.get(pk=r.pk) for r in entered]


def test_the_best_ranked_enter_the_medical_check_up_to_the_headcount(org, make_user) -> None:
    world, results = ranked_world(org, make_user, headcount=2, ranks=(1, 2, 3, 4))
    picked = results_advance(actor=world.hr, post=world.post)
    assert [r.pk for r in picked.entered] == [results[0].pk, results[1].pk]
    assert statuses(results) == [S.MEDICAL, S.MEDICAL, S.RANKED, S.RANKED]
    assert results_advance(actor=world.hr, post=world.post).entered == []  # places are full


@pytest.mark.parametrize(
    ("ranks", "headcount", "entered", "tie_at"),
    [
        ((1, 2, 2, 4), 2, [0], 2),  # the tie straddles the cut: it waits for a decision
        ((1, 2, 2, 4), 3, [0, 1, 2], None),  # the tie fits whole
        ((1, 1, 3), 1, [], 1),
    ],
)
def test_an_undecided_tie_at_the_cut_stops_the_advance(
    org, make_user, ranks, headcount, entered, tie_at
) -> None:
    world, results = ranked_world(org, make_user, headcount=headcount, ranks=ranks)
    picked = results_advance(actor=world.hr, post=world.post)
    assert [r.pk for r in picked.entered] == [results[i].pk for i in entered]
    assert picked.tie_at == tie_at


def test_medical_then_background_clears_for_publication_in_that_order(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    with pytest.raises(ValidationError):
        result_pass(actor=world.hr, result=first, step="background")
    result_pass(actor=world.hr, result=first, step="medical")
    assert statuses([first]) == [S.BACKGROUND]
    result_pass(actor=world.hr, result=first, step="background")
    assert statuses([first]) == [S.CLEARED]
    with pytest.raises(ValidationError):
        result_pass(actor=world.hr, result=first, step="interview")


def test_a_failure_brings_in_the_next_ranked_and_the_trail_names_whom_it_replaces(
    org, make_user
) -> None:
    world, (first, second, third) = ranked_world(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    outcome = result_fail(actor=world.hr, result=first, reason="体检不合格")
    assert outcome.substitute is not None and outcome.substitute.pk == second.pk
    assert statuses([first, second, third]) == [S.FAILED, S.MEDICAL, S.RANKED]
    assert Result.objects.get(pk=first.pk).status_reason == "体检不合格"
    event = AuditEvent.objects.get(action="recruitment.result.substitute")
    assert event.object_id == str(second.pk)
    assert event.detail["replaces"] == first.pk
    assert event.detail["replaces_application"] == first.application_id


def test_withdrawals_go_down_the_ranking_until_the_place_stays_empty(org, make_user) -> None:
    world, (first, second, third) = ranked_world(org, make_user)
    published(world)
    result_withdraw(actor=world.hr, result=first, reason="放弃")
    assert result_withdraw(actor=world.hr, result=second).substitute.pk == third.pk  # type: ignore[union-attr]
    last = result_fail(actor=world.hr, result=third, reason="考察不合格")
    assert last.substitute is None
    assert "empty" in last.message
    assert statuses([first, second, third]) == [S.WITHDRAWN, S.WITHDRAWN, S.FAILED]
    trail = AuditEvent.objects.filter(action="recruitment.result.substitute").order_by("pk")
    assert [e.detail["substitute"] for e in trail] == [second.pk, third.pk, None]


def test_a_tie_below_stops_the_substitution_instead_of_skipping_it(org, make_user) -> None:
    world, (first, tied_a, tied_b, fourth) = ranked_world(org, make_user, ranks=(1, 2, 2, 4))
    results_advance(actor=world.hr, post=world.post)
    outcome = result_fail(actor=world.hr, result=first, reason="体检不合格")
    assert outcome.substitute is None and "tie" in outcome.message
    assert statuses([tied_a, tied_b, fourth]) == [S.RANKED] * 3


def test_a_ranked_candidate_who_withdraws_is_replaced_by_nobody(org, make_user) -> None:
    world, (first, second, third) = ranked_world(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    assert result_withdraw(actor=world.hr, result=third).substitute is None
    assert statuses([first, second, third]) == [S.MEDICAL, S.RANKED, S.WITHDRAWN]


def test_a_failure_needs_a_reason_and_saves_nothing_without_one(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    with pytest.raises(ValidationError):
        result_fail(actor=world.hr, result=first, reason="  ")
    assert statuses([first]) == [S.MEDICAL]


def test_the_hire_waits_for_the_end_of_the_window(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    published(world)
    for day in (MONDAY, ENDS):
        with pytest.raises(ValidationError, match="2026-12-15"):
            recruitment_hire(actor=world.hr, result=first, today=day)
    assert statuses([first]) == [S.PUBLISHED]
    recruitment_hire(actor=world.hr, result=first, today=ENDS + dt.timedelta(days=1))
    assert statuses([first]) == [S.HIRED]
    app = Application.objects.get(pk=first.application_id)
    assert app.stage == Stage.HIRED
    reasons = set(app.transitions.exclude(to_stage=Stage.APPLIED).values_list("reason", flat=True))
    assert reasons == {"Public recruitment: the publication period ended without objection"}
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.FILLED


def test_no_other_path_hires_on_a_public_post(org, make_user) -> None:
    """The generic stage move (board, API, bulk, offers) refuses "hired" on a post's job,
    even one step away and with the 公示 over: only recruitment_hire may take it there."""
    world, (first, *_rest) = ranked_world(org, make_user)
    app = Application.objects.get(pk=first.application_id)
    reason = "移动"
    for stage in path_to_hired(app.stage)[:-1]:
        application_advance(actor=world.hr, application=app, to_stage=stage, reason=reason)
    with pytest.raises(TransitionRefused, match="public-recruitment post"):
        application_advance(actor=world.hr, application=app, to_stage=Stage.HIRED, reason=reason)
    assert Application.objects.get(pk=app.pk).stage == Stage.PENDING_ONBOARDING
    other = make_job(org.sh_tech, "普通岗位")  # a job not in public mode: no change
    assert not other.public_recruitment and world.job.public_recruitment


def test_an_open_objection_stops_the_hire_until_it_is_decided(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    published(world)
    first.refresh_from_db()
    assert first.publication is not None
    objection = objection_raise(
        actor=world.hr, publication=first.publication, text="学历存疑",
        application=first.application,
    )  # fmt: skip
    after = ENDS + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="objection"):
        recruitment_hire(actor=world.hr, result=first, today=after)
    objection_resolve(actor=world.hr, objection=objection, upheld=False, reason="学历核实无误")
    assert recruitment_hire(actor=world.hr, result=first, today=after).status == S.HIRED


def test_over_the_quota_the_candidate_goes_to_the_reserve_and_nothing_else_changes(
    org, make_user
) -> None:
    world, (first, second, _third) = ranked_world(org, make_user, headcount=2)
    published(world)
    quota_change(actor=world.hr, post=world.post, new_headcount=1, reason="编制核减")
    after = ENDS + dt.timedelta(days=1)
    recruitment_hire(actor=world.hr, result=first, today=after)
    stage_before = Application.objects.get(pk=second.application_id).stage
    reserved = recruitment_hire(actor=world.hr, result=second, today=after)
    assert reserved.status == S.RESERVE and "reserve" in reserved.status_reason
    assert Application.objects.get(pk=second.application_id).stage == stage_before
    assert Result.objects.filter(post=world.post, status=S.HIRED).count() == 1
    quota_change(actor=world.hr, post=world.post, new_headcount=2, reason="恢复编制")
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.PUBLISHED  # reopened


def test_after_a_quota_cut_the_places_go_down_the_ranking_not_by_the_first_click(
    org, make_user
) -> None:
    world, (first, second, _third) = ranked_world(org, make_user, headcount=2)
    published(world)
    quota_change(actor=world.hr, post=world.post, new_headcount=1, reason="编制核减")
    after = ENDS + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        recruitment_hire(actor=world.hr, result=second, today=after)
    assert "1 better-ranked candidates" in refused.value.messages[0]
    assert statuses([first, second]) == [S.PUBLISHED, S.PUBLISHED]
    result_withdraw(actor=world.hr, result=first, reason="放弃聘用")
    assert recruitment_hire(actor=world.hr, result=second, today=after).status == S.HIRED


def test_a_quota_change_is_recorded_with_before_and_after(org, make_user) -> None:
    world, _results = ranked_world(org, make_user, headcount=2)
    change = quota_change(actor=world.hr, post=world.post, new_headcount=3, reason="增加编制")
    assert (change.before, change.after, change.changed_by) == (2, 3, world.hr)
    assert Job.objects.get(pk=world.job.pk).headcount == 3
    event = AuditEvent.objects.get(action="recruitment.quota.change")
    assert (event.detail["before"], event.detail["after"]) == (2, 3)


def test_a_quota_change_is_refused_below_the_hires_and_without_a_reason(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user, headcount=2)
    published(world)
    recruitment_hire(actor=world.hr, result=first, today=ENDS + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="already hired"):
        quota_change(actor=world.hr, post=world.post, new_headcount=0, reason="取消")
    assert Post.objects.get(pk=world.post.pk).status == PostStatus.PUBLISHED  # one place left
    with pytest.raises(ValidationError):
        quota_change(actor=world.hr, post=world.post, new_headcount=3, reason="")
    assert Job.objects.get(pk=world.job.pk).headcount == 2
    assert not QuotaChange.objects.exists()


def test_a_quota_change_needs_a_named_approver(org, make_user) -> None:
    world, _results = ranked_world(org, make_user)
    recruiter = make_user("recruiter", Role.HR, org.sh)  # manages candidates, approves nothing
    with pytest.raises(PermissionDenied):
        quota_change(actor=recruiter, post=world.post, new_headcount=2, reason="增加编制")
    manager = make_user("manager", Role.DEPT_MANAGER, org.sh)
    quota_change(actor=manager, post=world.post, new_headcount=2, reason="增加编制")
    assert Job.objects.get(pk=world.job.pk).headcount == 2


def test_a_user_of_another_branch_changes_nothing(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    stranger = make_user("sz_admin", Role.HR_ADMIN, org.sz)
    calls = [
        lambda: results_advance(actor=stranger, post=world.post),
        lambda: result_fail(actor=stranger, result=first, reason="x"),
        lambda: result_withdraw(actor=stranger, result=first),
        lambda: recruitment_hire(actor=stranger, result=first),
        lambda: quota_change(actor=stranger, post=world.post, new_headcount=5, reason="x"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert statuses([first]) == [S.RANKED]


@pytest.mark.parametrize("stage", [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW_DONE,
                                   Stage.OFFER_APPROVAL, Stage.TALENT_POOL])  # fmt: skip
def test_the_way_to_hired_is_forward_and_never_through_ai_scoring(stage: Stage) -> None:
    path = path_to_hired(stage)
    assert path[-2:] == [Stage.PENDING_ONBOARDING, Stage.HIRED]
    assert not {Stage.AI_SCORED, Stage.REJECTED} & set(path)


def test_a_rejected_application_has_no_way_to_hired() -> None:
    with pytest.raises(ValidationError):
        path_to_hired(Stage.REJECTED)
    assert path_to_hired(Stage.HIRED) == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_hires_cannot_both_take_the_last_place(org, make_user) -> None:
    """Both databases: on PostgreSQL the post's row lock serialises the two hires (without
    it both were hired, 3 runs of 3, before places went down the ranking); on SQLite the
    IMMEDIATE transactions do. Whichever runs first, the better rank takes the place: the
    other is refused while it waits, or kept in the reserve once it is hired."""
    world, (first, second, _third) = ranked_world(org, make_user, headcount=2)
    published(world)
    quota_change(actor=world.hr, post=world.post, new_headcount=1, reason="编制核减")
    barrier, after = threading.Barrier(2), ENDS + dt.timedelta(days=1)
    refused: list[Result] = []

    def hire(result: Result) -> None:
        barrier.wait()
        try:
            recruitment_hire(actor=world.hr, result=result, today=after)
        except ValidationError:
            refused.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=hire, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first_now, second_now = statuses([first, second])
    assert first_now == S.HIRED
    assert second_now == (S.PUBLISHED if refused == [second] else S.RESERVE)
    assert Result.objects.filter(post=world.post, status=S.HIRED).count() == 1
