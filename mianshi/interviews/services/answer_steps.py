"""Shared steps of the per-question state machine (see `answers`): the lock, the order and
type checks, and the phase moves every answer write is built from (also `takes` and
`submissions`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.compliance.services import audit_record
from mianshi.interviews.errors import LinkUnknown, OutOfOrder, Unacceptable
from mianshi.interviews.flow import QuestionSpec
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Phase,
    SessionState,
)
from mianshi.interviews.selectors import candidate_current_answer
from mianshi.interviews.services.sessions import (
    ACTOR,
    FINISHED_STATES,
    application_move,
    lock_application_and_invitation,
    recording_consented,
)
from mianshi.jobs.models import AnswerType

MAX_POSITION = 10_000


def locked_answer(session: InterviewSession, position: int) -> tuple[InterviewSession, Answer]:
    """The answer at `position`, locked, and its session read after the lock (404 for a
    position the session lacks).

    The answer row is the lock of every step on a question: whatever moves the session
    to or from this question holds it, so the session read next cannot change under us.
    The session row itself is written last (recordings, then the answer, then the
    session), the order the upload side's chunk commits follow too.
    """
    answer = None
    if 0 < position <= MAX_POSITION:
        answer = (
            Answer.objects.select_for_update(no_key=True, of=("self",))
            .select_related("template_question")
            .filter(session_id=session.pk, position=position)
            .first()
        )
    if answer is None:
        raise LinkUnknown(_("This interview has no such question."), code="no_such_question")
    session = InterviewSession.objects.get(pk=session.pk)
    if session.state in FINISHED_STATES:
        raise OutOfOrder(_("You have already finished this interview."), code="finished")
    return session, answer


def _index(session: InterviewSession, answer: Answer) -> int:
    return session.answers.filter(position__lt=answer.position).count()


def is_past(session: InterviewSession, answer: Answer) -> bool:
    return _index(session, answer) < session.current_position


def require_current(session: InterviewSession, answer: Answer) -> None:
    """Questions are answered strictly in order."""
    current = candidate_current_answer(session)
    if current is None:
        raise OutOfOrder(_("You have answered every question."), code="all_answered")
    if current.pk != answer.pk:
        raise OutOfOrder(
            _("Please answer the questions in order: question %(n)s is next.")
            % {"n": _index(session, current) + 1},
            code="not_current",
        )


def require_type(spec: QuestionSpec, *types: str) -> None:
    if spec.answer_type not in types:
        raise Unacceptable(
            _("This question is answered differently (expected: %(kind)s).")
            % {"kind": AnswerType(spec.answer_type).label},
            code="wrong_answer_type",
        )


def require_devices(session: InterviewSession, spec: QuestionSpec) -> None:
    """Consent, then the device check, then questions; a recorded answer needs the
    devices it records with to have worked in the last check."""
    if not recording_consented(session):
        raise OutOfOrder(_("Please read and accept the consent first."), code="consent_required")
    check = session.device_check or {}
    if not check:
        raise OutOfOrder(_("Please check your camera and microphone first."), code="device_check")
    needs_camera = spec.answer_type == AnswerType.VIDEO
    if spec.recorded and (
        not check.get("microphone") or (needs_camera and not check.get("camera"))
    ):
        raise OutOfOrder(
            _(
                "Your camera or microphone did not work in the device check. Please fix it "
                "and run the check again."
            ),
            code="device_not_working",
        )


def begin_interview(session: InterviewSession) -> None:
    """The first question starts the interview: tracking and the pipeline follow."""
    if session.state == SessionState.ANSWERING:
        return
    from mianshi.candidates.pipeline import Stage
    from mianshi.invitations import services as invitations

    session.state = SessionState.ANSWERING
    session.started_at = timezone.now()
    session.save(update_fields=["state", "started_at"])
    lock_application_and_invitation(session)
    application_move(session, Stage.INVITED, Stage.INTERVIEWING)
    invitations.invitation_mark_started(invitation=session.invitation)
    audit_record(
        actor=ACTOR, action="interview_session.start", obj=session, changed_fields=["state"]
    )


def set_phase(session: InterviewSession, phase: str) -> None:
    session.phase = phase
    session.phase_started_at = timezone.now() if phase != Phase.READY else None
    session.save(update_fields=["phase", "phase_started_at"])


def advance(session: InterviewSession) -> None:
    session.current_position += 1
    session.phase = Phase.READY
    session.phase_started_at = None
    session.save(update_fields=["current_position", "phase", "phase_started_at"])


def begin_answer(session: InterviewSession, answer: Answer) -> None:
    """The answer phase of a recorded question: attempt 1 on the first take."""
    set_phase(session, Phase.ANSWER)
    answer.status = AnswerStatus.RECORDING
    answer.attempt = max(1, answer.attempt)
    answer.started_at = session.phase_started_at
    answer.save(update_fields=["status", "attempt", "started_at"])
