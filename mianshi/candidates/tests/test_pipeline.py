"""The pipeline state machine (F-23): allowed moves, refusals, the recorded history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import CLOSED_STAGES, TRANSITIONS, Stage, can_move
from mianshi.candidates.services import application_advance, application_create
from mianshi.candidates.tests.factories import make_application, make_candidate, make_job
from mianshi.common.errors import Conflict, TransitionRefused
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


def test_table_covers_every_stage_and_hired_only_from_pending_onboarding() -> None:
    assert set(TRANSITIONS) == set(Stage)
    sources = [s for s, targets in TRANSITIONS.items() if Stage.HIRED in targets]
    assert sources == [Stage.PENDING_ONBOARDING]
    assert TRANSITIONS[Stage.HIRED] == frozenset()
    open_stages = set(Stage) - CLOSED_STAGES
    assert all(can_move(s, Stage.REJECTED) and can_move(s, Stage.TALENT_POOL) for s in open_stages)


def test_happy_path_records_actor_time_reason(world: Any, org: Any) -> None:
    hr = world.hr_sh
    app = make_application(hr, make_candidate(hr, org.sh), world.job_sh_sales)
    path = [
        Stage.SCREENING,
        Stage.INVITED,
        Stage.INTERVIEWING,
        Stage.INTERVIEW_DONE,
        Stage.AI_SCORED,
        Stage.OFFER_APPROVAL,
        Stage.PENDING_ONBOARDING,
        Stage.HIRED,
    ]
    for stage in path:
        application_advance(actor=hr, application=app, to_stage=stage, reason=f"go {stage}")
    app.refresh_from_db()
    assert app.stage == Stage.HIRED
    history = list(ApplicationTransition.objects.filter(application=app))
    assert [t.to_stage for t in history] == [Stage.APPLIED, *path]
    assert history[1].from_stage == Stage.APPLIED and history[1].reason == "go screening"
    assert all(t.actor == hr and t.at is not None for t in history)
    assert (
        AuditEvent.objects.filter(action="application.advance", object_id=str(app.pk)).count() == 8
    )


def test_invalid_transition_refused_with_both_stage_names(world: Any, org: Any) -> None:
    hr = world.hr_sh
    app = make_application(hr, make_candidate(hr, org.sh), world.job_sh_sales)
    with pytest.raises(TransitionRefused) as info:
        application_advance(actor=hr, application=app, to_stage=Stage.HIRED, reason="skip")
    assert "已报名" in info.value.message and "已入职" in info.value.message
    app.refresh_from_db()
    assert app.stage == Stage.APPLIED
    assert ApplicationTransition.objects.filter(application=app).count() == 1


def test_hired_is_final(world: Any, org: Any) -> None:
    hr = world.hr_sh
    app = make_application(hr, make_candidate(hr, org.sh), world.job_sh_sales)
    for stage in [Stage.SCREENING, Stage.REJECTED]:
        application_advance(actor=hr, application=app, to_stage=stage)
    with pytest.raises(TransitionRefused):
        application_advance(actor=hr, application=app, to_stage=Stage.SCREENING)
    application_advance(actor=hr, application=app, to_stage=Stage.TALENT_POOL, reason="潜力")
    application_advance(actor=hr, application=app, to_stage=Stage.SCREENING, reason="reactivate")
    assert app.stage == Stage.SCREENING


def test_view_only_user_cannot_move(world: Any, org: Any) -> None:
    app = make_application(world.hr_sh, make_candidate(world.hr_sh, org.sh), world.job_sh_sales)
    with pytest.raises(PermissionDenied):
        application_advance(actor=world.manager_sh_sales, application=app, to_stage=Stage.SCREENING)


def test_one_open_application_per_job_and_only_open_jobs(world: Any, org: Any) -> None:
    hr = world.hr_sh
    candidate = make_candidate(hr, org.sh)
    make_application(hr, candidate, world.job_sh_sales)
    with pytest.raises(Conflict):
        application_create(actor=hr, candidate=candidate, job=world.job_sh_sales)
    draft = make_job(org.sh_sales, "草稿岗位", status=JobStatus.DRAFT)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        application_create(actor=hr, candidate=candidate, job=draft)
    assert candidate.applications.count() == 1
