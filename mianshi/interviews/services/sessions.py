"""Session writes of the candidate flow: open, visit, consent, device check, heartbeat,
finish (F-40, F-41). The candidate is not a user: the audit trail names them "candidate"
and holds ids and codes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mianshi.candidates.pipeline import Stage
from mianshi.common.deadlocks import atomic_retried
from mianshi.compliance.services import audit_record
from mianshi.interviews.consents import consent_given
from mianshi.interviews.errors import OutOfOrder
from mianshi.interviews.flow import answer_type_of
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    Consent,
    ConsentKind,
    InterviewSession,
    SessionState,
)
from mianshi.interviews.notices import NOTICE_VERSION, notice_language, notice_sha256
from mianshi.invitations.models import Invitation, InvitationKind
from mianshi.jobs.models import TemplateQuestion

ACTOR = "candidate"
FINISHED_STATES = frozenset({SessionState.UPLOADING, SessionState.DONE})
# Answers in these states wait for nothing more (the upload side uses the same rule).
SETTLED = frozenset({AnswerStatus.COMPLETE, AnswerStatus.FAILED, AnswerStatus.SKIPPED})


def lock(session: InterviewSession) -> InterviewSession:
    """The session row, locked for this transaction (double clicks and retries queue up).

    Lock order, shared with the upload side, so that no two requests wait on each other:
    answers (by primary key) → recordings → session → application → invitation, and the
    audit trail last; a deadlock that a third request closes anyway is retried
    (`atomic_retried`). NO KEY UPDATE on answers and sessions everywhere: inserting a
    recording or an event (a key share) does not wait for it.
    """
    return InterviewSession.objects.select_for_update(no_key=True).get(pk=session.pk)


def lock_application_and_invitation(session: InterviewSession) -> None:
    """Take these rows before the services that audit (the audit chain is one lock that
    every audited write takes): HR's invitation writes take them in the same order."""
    from mianshi.candidates.models import Application

    Application.objects.select_for_update().filter(pk=session.application_id).first()
    Invitation.objects.select_for_update().filter(pk=session.invitation_id).first()


def _questions(invitation: Invitation) -> list[TemplateQuestion]:
    items = list(invitation.template_version.items.order_by("position"))
    wanted = invitation.positions if isinstance(invitation.positions, list) else []
    if invitation.kind == InvitationKind.RE_RECORD and wanted:
        chosen = [i for i in items if i.position in wanted]
        # Positions that match nothing must not leave an interview without questions.
        return chosen or items
    return items


@transaction.atomic
def session_open(*, invitation: Invitation) -> InterviewSession:
    """The invitation's session; the first call creates it with one answer slot per
    question (or per re-record position) and marks the invitation opened. Idempotent."""
    existing = InterviewSession.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            session = InterviewSession.objects.create(
                invitation=invitation,
                application_id=invitation.application_id,
                org_unit_id=invitation.org_unit_id,
            )
    except IntegrityError:  # a parallel request created it first
        return InterviewSession.objects.get(invitation=invitation)
    items = _questions(invitation)
    Answer.objects.bulk_create(
        Answer(
            session=session,
            template_question=item,
            position=item.position,
            answer_type=answer_type_of(item.snapshot or {}),
        )
        for item in items
    )
    _invitations().invitation_mark_opened(invitation=invitation)
    audit_record(
        actor=ACTOR,
        action="interview_session.open",
        obj=session,
        detail={"invitation": invitation.pk, "questions": len(items)},
    )
    return session


def _invitations() -> Any:
    """The invitations app's services, imported late: that app imports ours too."""
    from mianshi.invitations import services

    return services


def session_visit(*, session: InterviewSession, language: str, user_agent: str = "") -> None:
    """Remember the page's language and browser (one UPDATE, only when they changed)."""
    language = notice_language(language)
    user_agent = (user_agent or "")[:400]
    if session.language == language and session.user_agent == user_agent:
        return
    InterviewSession.objects.filter(pk=session.pk).update(language=language, user_agent=user_agent)
    session.language, session.user_agent = language, user_agent


@dataclass(frozen=True)
class ConsentInput:
    """The candidate's three decisions on the notices of `notice_version`."""

    recording: bool
    ai_analysis: bool
    biometric: bool
    notice_version: str


def _refuse_finished(session: InterviewSession) -> None:
    if session.state in FINISHED_STATES:
        raise OutOfOrder(_("You have already finished this interview."), code="finished")


def _check_consent(data: ConsentInput) -> None:
    if data.notice_version != NOTICE_VERSION:
        raise OutOfOrder(
            _("The consent text has changed. Please reload the page and read it again."),
            code="notice_changed",
        )
    if not data.recording:
        raise OutOfOrder(
            _(
                "The interview is recorded, so it cannot continue without your consent to "
                "recording. If you cannot agree, please contact the employer."
            ),
            code="recording_consent_required",
        )


def _decisions(data: ConsentInput) -> dict[str, bool]:
    return {
        ConsentKind.RECORDING: data.recording,
        ConsentKind.AI_ANALYSIS: data.ai_analysis,
        ConsentKind.BIOMETRIC: data.biometric,
    }


@transaction.atomic
def session_consent(
    *, session: InterviewSession, data: ConsentInput, language: str
) -> InterviewSession:
    """Store the three consents with the notice hash; recording consent is required to go
    on (refusing AI means human-only review, refusing biometrics means no face/voice)."""
    session = lock(session)
    _refuse_finished(session)
    _check_consent(data)
    lang = notice_language(language)
    Consent.objects.bulk_create(
        Consent(
            session=session,
            kind=kind,
            granted=granted,
            notice_version=NOTICE_VERSION,
            notice_sha256=notice_sha256(kind, lang),
            language=lang,
        )
        for kind, granted in _decisions(data).items()
    )
    if session.state == SessionState.NOT_STARTED:
        session.state = SessionState.GUIDE
        session.save(update_fields=["state"])
    detail = {**_decisions(data), "version": NOTICE_VERSION, "language": lang}
    audit_record(
        actor=ACTOR,
        action="interview_session.consent",
        obj=session,
        changed_fields=["consents"],
        detail=dict(detail),
    )
    return session


def recording_consented(session: InterviewSession) -> bool:
    """Whether the latest recording decision is a yes."""
    return consent_given(session.pk, ConsentKind.RECORDING)


@transaction.atomic
def session_device_check(*, session: InterviewSession, result: dict[str, Any]) -> InterviewSession:
    """Store the browser's device check (camera, microphone, level, network, problems);
    it may be repeated, e.g. after plugging in a microphone."""
    session = lock(session)
    _refuse_finished(session)
    if not recording_consented(session):
        raise OutOfOrder(_("Please read and accept the consent first."), code="consent_required")
    session.device_check = {**result, "at": timezone.now().isoformat()}
    session.save(update_fields=["device_check"])
    return session


def session_heartbeat(*, session_id: int, client_state: dict[str, Any]) -> None:
    """What the browser says about itself, for the live board: one UPDATE, no lock."""
    now = timezone.now()
    InterviewSession.objects.filter(pk=session_id).update(
        last_seen_at=now, client_state={**client_state, "at": now.isoformat()}
    )


def _pending_uploads(session: InterviewSession) -> bool:
    """Whether an answer still waits for its bytes or their verification; the upload side
    (`answer_settle`) turns UPLOADING into DONE when the last one settles."""
    return session.answers.exclude(status__in=SETTLED).exists()


@atomic_retried
def session_finish(*, session: InterviewSession) -> InterviewSession:
    """End the interview once every question is answered: UPLOADING while bytes are still
    on their way, else DONE; the invitation is completed and the application moves to
    "interview done". Calling it again changes nothing (so a deadlock's retry is safe)."""
    # Answers first (the upload side settles them, then the session): a late settle waits
    # here or sees UPLOADING, so the session cannot stay UPLOADING with nothing pending.
    # By primary key, the order of every path that locks more than one answer.
    answers = Answer.objects.select_for_update(no_key=True)
    list(answers.filter(session_id=session.pk).order_by("pk"))
    session = lock(session)
    if session.state in FINISHED_STATES:
        return session
    if session.current_position < session.answers.count():
        raise OutOfOrder(
            _("Please answer every question before finishing the interview."),
            code="questions_left",
        )
    now = timezone.now()
    session.state = SessionState.UPLOADING if _pending_uploads(session) else SessionState.DONE
    session.finished_at = now
    session.save(update_fields=["state", "finished_at"])
    lock_application_and_invitation(session)
    application_move(session, Stage.INTERVIEWING, Stage.INTERVIEW_DONE)
    _invitations().invitation_mark_completed(invitation=session.invitation)
    audit_record(
        actor=ACTOR,
        action="interview_session.finish",
        obj=session,
        changed_fields=["state", "finished_at"],
        detail={"state": session.state},
    )
    if session.state == SessionState.DONE:
        from mianshi.interviews.services.verification import interview_completed

        interview_completed(session)
    return session


def application_move(session: InterviewSession, from_stage: str, to_stage: str) -> None:
    """Move the application along the pipeline if it still stands where the flow expects;
    HR may have moved it already, which is not the candidate's problem."""
    from mianshi.candidates.services import application_advance

    application = session.application
    application.refresh_from_db(fields=["stage"])
    if application.stage != from_stage:
        return
    # The history is read by HR: written in the product's language, not the candidate's.
    with translation.override(settings.LANGUAGE_CODE):
        reason = (
            _("The candidate started the video interview.")
            if to_stage == Stage.INTERVIEWING
            else _("The candidate completed the video interview.")
        )
    application_advance(actor=None, application=application, to_stage=to_stage, reason=reason)
