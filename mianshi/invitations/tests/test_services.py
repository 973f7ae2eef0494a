"""Invitation services: creation rules, superseding, revoking, tracking, re-inviting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.common.errors import Conflict
from mianshi.compliance.models import AuditEvent
from mianshi.invitations.models import Invitation, InvitationKind, InvitationStatus
from mianshi.invitations.selectors import invitation_by_token
from mianshi.invitations.services import (
    NotInvitable,
    invitation_create,
    invitation_link,
    invitation_mark_completed,
    invitation_mark_opened,
    invitation_mark_started,
    invitation_reinvite,
    invitation_revoke,
    invitation_token,
)
from mianshi.invitations.tokens import hash_token
from mianshi.jobs.services import job_update, template_update

pytestmark = pytest.mark.django_db


def test_create_returns_token_once_and_stores_only_hash_and_ciphertext(world: Any) -> None:
    before = timezone.now()
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    assert len(token) >= 40 and invitation.token_hash == hash_token(token)
    assert token not in invitation.token_enc and invitation_token(invitation) == token
    assert invitation_by_token(token) == invitation and invitation_by_token(token + "x") is None
    # Expiry from the job (72 h), instructions and materials copied from the job.
    delta = invitation.expires_at - before
    assert dt.timedelta(hours=71, minutes=59) < delta < dt.timedelta(hours=72, minutes=1)
    assert invitation.instructions == "请在安静的环境中完成面试。"
    assert invitation.required_materials == ["身份证复印件", "学历证书"]
    assert invitation.status == InvitationStatus.CREATED and invitation.kind == "first"
    assert invitation.template_version.is_locked
    assert invitation_link(invitation, token) == f"https://jobs.example.cn/i/{token}/"


def test_create_moves_application_to_invited_and_audits_without_token(world: Any) -> None:
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    world.app_sh.refresh_from_db()
    assert world.app_sh.stage == Stage.INVITED
    assert ApplicationTransition.objects.filter(
        application=world.app_sh, to_stage=Stage.INVITED, actor=world.hr_sh
    ).exists()
    event = AuditEvent.objects.get(action="invitation.create", object_id=str(invitation.pk))
    assert event.detail == {"application": world.app_sh.pk, "kind": "first", "hours": 72}
    dumped = "".join(str(e.detail) + str(e.changed_fields) for e in AuditEvent.objects.all())
    assert token not in dumped and invitation.token_hash not in dumped


def test_expiry_override_is_bounded(world: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh, expires_hours=1)
    assert invitation.expires_at - timezone.now() < dt.timedelta(hours=1, seconds=5)
    for bad in (0, 24 * 60 + 1, -3):
        with pytest.raises(ValidationError) as info:
            invitation_create(actor=world.hr_sh, application=world.app_sh, expires_hours=bad)
        assert "60 days" in " ".join(info.value.messages)
    assert Invitation.objects.filter(application=world.app_sh).count() == 1


def test_refused_without_template_or_questions_or_in_wrong_stage(world: Any) -> None:
    job = world.job_sh
    template = job.interview_template
    job_update(actor=world.hr_sh, job=job, data={"interview_template": None})
    with pytest.raises(NotInvitable, match="has no interview template"):
        invitation_create(actor=world.hr_sh, application=world.app_sh)
    template_update(actor=world.hr_sh, template=template, data={}, question_ids=[])
    job_update(actor=world.hr_sh, job=job, data={"interview_template": template})
    with pytest.raises(NotInvitable, match="has no questions"):
        invitation_create(actor=world.hr_sh, application=world.app_sh)
    application_advance(actor=world.hr_sh, application=world.app_sh, to_stage=Stage.REJECTED)
    with pytest.raises(NotInvitable, match="Rejected"):
        invitation_create(actor=world.hr_sh, application=world.app_sh)
    assert not Invitation.objects.exists()
    world.app_sh.refresh_from_db()
    assert world.app_sh.stage == Stage.REJECTED


def test_other_branch_hr_may_not_create(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        invitation_create(actor=world.hr_sz, application=world.app_sh)
    assert not Invitation.objects.exists()


def test_new_invitation_supersedes_the_open_one(world: Any) -> None:
    first, first_token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    second, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    first.refresh_from_db()
    assert first.status == InvitationStatus.SUPERSEDED and not first.is_usable
    assert second.replaces == first and second.is_usable
    assert invitation_by_token(first_token) == first
    usable = [i for i in Invitation.objects.filter(application=world.app_sh) if i.is_usable]
    assert usable == [second]


def test_revoke_is_idempotent_and_refused_once_completed(world: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED and invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1
    done, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_mark_completed(invitation=done)
    with pytest.raises(Conflict, match="already completed"):
        invitation_revoke(actor=world.hr_sh, invitation=done)
    with pytest.raises(PermissionDenied):
        invitation_revoke(actor=world.hr_sz, invitation=done)


def test_tracking_counts_opens_and_only_moves_forward(world: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_mark_opened(invitation=invitation)
    first_open = invitation.first_opened_at
    invitation_mark_opened(invitation=invitation)
    assert invitation.open_count == 2 and invitation.first_opened_at == first_open
    assert invitation.status == InvitationStatus.OPENED
    invitation_mark_started(invitation=invitation)
    started = invitation.started_at
    invitation_mark_started(invitation=invitation)
    invitation_mark_opened(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED and invitation.started_at == started
    assert invitation.open_count == 3
    invitation_mark_completed(invitation=invitation)
    invitation_mark_completed(invitation=invitation)
    invitation_mark_started(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED and invitation.completed_at
    actions = list(
        AuditEvent.objects.filter(object_type="invitations.invitation", object_id=invitation.pk)
        .exclude(action="invitation.create")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["invitation.opened", "invitation.started", "invitation.completed"]


def test_tracking_never_reopens_a_revoked_invitation(world: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    invitation_mark_started(invitation=invitation)
    invitation_mark_completed(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.started_at is None and invitation.completed_at is None


def _session_with_answers(invitation: Invitation, failed: set[int]) -> None:
    """Interview rows as the candidate flow leaves them (the read side of this test)."""
    from mianshi.interviews.models import Answer, AnswerStatus, InterviewSession, QualityStatus

    session = InterviewSession.objects.create(
        invitation=invitation,
        application=invitation.application,
        org_unit=invitation.org_unit,
        state="done",
    )
    for item in invitation.template_version.items.all():
        bad = item.position in failed
        Answer.objects.create(
            session=session,
            template_question=item,
            position=item.position,
            answer_type="video",
            status=AnswerStatus.COMPLETE,
            quality_status=QualityStatus.FAIL if bad else QualityStatus.OK,
        )


def test_reinvite_after_failed_quality_asks_only_the_failed_question(
    world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    _session_with_answers(first, failed={2})
    invitation_mark_completed(invitation=first)
    for stage in (Stage.INTERVIEWING, Stage.INTERVIEW_DONE):
        application_advance(actor=None, application=world.app_sh, to_stage=stage)
    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_reinvite(actor=world.hr_sh, application=world.app_sh, reason="画面全黑")
    assert again.kind == InvitationKind.RE_RECORD and again.positions == [2]
    assert again.replaces == first and again.template_version == first.template_version
    world.app_sh.refresh_from_db()
    assert world.app_sh.stage == Stage.INVITED
    last = ApplicationTransition.objects.filter(application=world.app_sh).last()
    assert last is not None and last.from_stage == Stage.INTERVIEW_DONE
    assert last.reason == "画面全黑" and last.actor == world.hr_sh
    first.refresh_from_db()
    assert first.status == InvitationStatus.COMPLETED  # a finished interview stays finished
    assert len(smtp.messages) == 1
    assert invitation_token(again) in smtp.bodies()[0]
    assert "请重新录制回答：销售代表" in str(smtp.messages[0]["Subject"])
    assert "could not be used. Please record them again." in smtp.bodies()[0]
    assert "You will answer 1 question." in smtp.bodies()[0]


def test_reinvite_of_expired_link_asks_everything_and_needs_a_previous_one(
    world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(Conflict, match="no invitation"):
        invitation_reinvite(actor=world.hr_sh, application=world.app_sh)
    first, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_reinvite(actor=world.hr_sh, application=world.app_sh)
    assert again.positions == [] and again.is_usable
    subject = str(smtp.messages[-1]["Subject"])
    assert "New interview link: 销售代表" in subject and "重新录制" not in subject
    assert "the previous link no longer works" in smtp.bodies()[0]
    first.refresh_from_db()
    assert first.status == InvitationStatus.SUPERSEDED
    with pytest.raises(ValidationError, match="Not questions of this interview: 7"):
        invitation_reinvite(actor=world.hr_sh, application=world.app_sh, positions=[1, 7])
    assert Invitation.objects.filter(application=world.app_sh).count() == 2
