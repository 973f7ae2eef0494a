"""Answer writes of the candidate flow (F-43, F-48): the per-question state machine.

READY --start--> PREP --record--> ANSWER --finish--> REVIEW (retakes left) --next--> next
READY --start--> ANSWER directly when the prep time is 0 or the answer is written/chosen.
Every step checks the order on the server with the session row locked, and a replayed
request (a retry after a lost response) returns the same result instead of an error.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mianshi.compliance.services import audit_record
from mianshi.interviews.errors import LinkUnknown, OutOfOrder, Unacceptable
from mianshi.interviews.flow import QuestionSpec, answer_time_over, retakes_left, spec_of
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Phase,
    Recording,
    RecordingMode,
    RecordingStatus,
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
MAX_SEGMENTS = 100


# --- shared steps ------------------------------------------------------------------------


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


def _require_devices(session: InterviewSession, spec: QuestionSpec) -> None:
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


def _begin_interview(session: InterviewSession) -> None:
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


def _set_phase(session: InterviewSession, phase: str) -> None:
    session.phase = phase
    session.phase_started_at = timezone.now() if phase != Phase.READY else None
    session.save(update_fields=["phase", "phase_started_at"])


def advance(session: InterviewSession) -> None:
    session.current_position += 1
    session.phase = Phase.READY
    session.phase_started_at = None
    session.save(update_fields=["current_position", "phase", "phase_started_at"])


def _begin_answer(session: InterviewSession, answer: Answer) -> None:
    _set_phase(session, Phase.ANSWER)
    answer.status = AnswerStatus.RECORDING
    answer.attempt = max(1, answer.attempt)
    answer.started_at = session.phase_started_at
    answer.save(update_fields=["status", "attempt", "started_at"])


# --- recorded answers --------------------------------------------------------------------


@transaction.atomic
def answer_start(*, session: InterviewSession, position: int) -> Answer:
    """Show the question: prep countdown, or straight to answering (prep 0, written or
    chosen answers). A repeated call while it runs changes nothing."""
    session, answer = locked_answer(session, position)
    require_current(session, answer)
    if session.phase in (Phase.PREP, Phase.ANSWER):
        return answer
    if session.phase != Phase.READY:
        raise OutOfOrder(_("Please retake or go on to the next question."), code="in_review")
    spec = spec_of(answer)
    _require_devices(session, spec)
    _begin_interview(session)
    if not spec.recorded:
        _set_phase(session, Phase.ANSWER)
        answer.started_at = session.phase_started_at
        answer.save(update_fields=["started_at"])
    elif spec.prep_seconds > 0:
        _set_phase(session, Phase.PREP)
    else:
        _begin_answer(session, answer)
    return answer


@transaction.atomic
def answer_record(*, session: InterviewSession, position: int) -> Answer:
    """Start the answer countdown (after the prep, or early); sets attempt 1 on the first
    take. A repeated call while recording returns the same attempt."""
    session, answer = locked_answer(session, position)
    require_current(session, answer)
    spec = spec_of(answer)
    require_type(spec, AnswerType.VIDEO, AnswerType.AUDIO)
    if session.phase == Phase.ANSWER:
        return answer
    if session.phase == Phase.READY and spec.prep_seconds == 0:
        _require_devices(session, spec)
        _begin_interview(session)
    elif session.phase != Phase.PREP:
        raise OutOfOrder(_("Please start the question first."), code="not_started")
    _begin_answer(session, answer)
    return answer


@dataclass(frozen=True)
class ReportedRecording:
    """The browser's account of one uploaded segment of the take."""

    id: uuid.UUID
    duration_ms: int
    interrupted: bool = False


def _already_finished(answer: Answer, attempt: int) -> bool:
    return (
        answer.attempt == attempt
        and answer.finished_at is not None
        and answer.status != AnswerStatus.RECORDING
    )


def _store_reports(answer: Answer, attempt: int, reports: Sequence[ReportedRecording]) -> None:
    """Hand the browser's durations to the upload side, after checking that every listed
    recording is a current segment of this take (nothing is stored otherwise)."""
    from mianshi.interviews.services.verification import recordings_report

    ids = [r.id for r in reports]
    if len(set(ids)) != len(ids):
        raise Unacceptable(_("A recording is listed twice."), code="duplicate_recording")
    found = set(
        Recording.objects.filter(
            pk__in=ids, answer=answer, attempt=attempt, is_current=True
        ).values_list("pk", flat=True)
    )
    if found != set(ids):
        raise Unacceptable(
            _("A listed recording does not belong to this answer."), code="unknown_recording"
        )
    recordings_report(
        answer=answer,
        reports=[
            {"id": r.id, "duration_ms": r.duration_ms, "interrupted": r.interrupted}
            for r in reports
        ],
    )
    if reports and not any(r.interrupted for r in reports):
        answer.reported_ms = sum(r.duration_ms for r in reports)
    else:
        answer.reported_ms = None


def _upload_status(answer: Answer, attempt: int) -> str:
    """UPLOADING while a segment still takes bytes, VERIFYING once all are complete, FAILED
    when the take has no upload at all: the browser creates every upload before it reports
    the take, so nothing will come and HR must be able to see it (and re-invite)."""
    takes = Recording.objects.filter(answer=answer, attempt=attempt, is_current=True).exclude(
        status=RecordingStatus.TERMINATED
    )
    if not takes.exists():
        return AnswerStatus.FAILED
    if takes.filter(status=RecordingStatus.UPLOADING).exists():
        return AnswerStatus.UPLOADING
    return AnswerStatus.VERIFYING


def _flag_empty_take(answer: Answer) -> None:
    from mianshi.interviews.services.verification import session_flag

    # Read by HR: the product's language, not the candidate's.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Question %(n)s: nothing was recorded.") % {"n": answer.position}
    session_flag(session_id=answer.session_id, reason=reason)


@transaction.atomic
def answer_finish(
    *,
    session: InterviewSession,
    position: int,
    attempt: int,
    recordings: Sequence[ReportedRecording] = (),
) -> Answer:
    """End the take: store the reported durations, wait for the upload and verification,
    then review (retakes left) or go on. The same attempt twice gives the same answer."""
    session, answer = locked_answer(session, position)
    if _already_finished(answer, attempt):
        return answer
    require_current(session, answer)
    spec = spec_of(answer)
    require_type(spec, AnswerType.VIDEO, AnswerType.AUDIO)
    if session.phase != Phase.ANSWER or answer.status != AnswerStatus.RECORDING:
        raise OutOfOrder(_("This question is not being recorded."), code="not_recording")
    if attempt != answer.attempt:
        raise OutOfOrder(_("This take is no longer the current one."), code="stale_attempt")
    _store_reports(answer, attempt, recordings)
    answer.status = _upload_status(answer, attempt)
    answer.finished_at = timezone.now()
    answer.save(update_fields=["status", "finished_at", "reported_ms"])
    if answer.status == AnswerStatus.FAILED:
        _flag_empty_take(answer)
    _settle(answer)
    if retakes_left(answer, spec) > 0:
        _set_phase(session, Phase.REVIEW)
    else:
        advance(session)
    return answer


def _settle(answer: Answer) -> None:
    """The upload side decides when the answer is complete (all segments verified)."""
    from mianshi.interviews.services.verification import answer_settle

    answer_settle(answer=answer)


@transaction.atomic
def answer_retake(*, session: InterviewSession, position: int) -> Answer:
    """Discard the take under review and prepare the next attempt (while retakes are left)."""
    session, answer = locked_answer(session, position)
    require_current(session, answer)
    if session.phase == Phase.READY and answer.attempt > 1:
        return answer  # a repeated retake: the new attempt is already prepared
    if session.phase != Phase.REVIEW:
        raise OutOfOrder(_("You can retake an answer only after recording it."), code="not_review")
    spec = spec_of(answer)
    if retakes_left(answer, spec) <= 0:
        raise OutOfOrder(_("No retakes are left for this question."), code="no_retakes_left")
    Recording.objects.filter(answer=answer, is_current=True).update(is_current=False)
    answer.attempt += 1
    answer.status = AnswerStatus.PENDING
    answer.finished_at = None
    answer.reported_ms = answer.measured_ms = None
    answer.save(update_fields=["attempt", "status", "finished_at", "reported_ms", "measured_ms"])
    _set_phase(session, Phase.READY)
    audit_record(
        actor=ACTOR,
        action="answer.retake",
        obj=answer,
        org_unit_id=session.org_unit_id,
        detail={"position": answer.position, "attempt": answer.attempt},
    )
    return answer


@transaction.atomic
def answer_next(*, session: InterviewSession, position: int) -> Answer:
    """Go on from the review; from a written/chosen/file answer whose time ran out, go on
    without one (the answer is marked failed)."""
    session, answer = locked_answer(session, position)
    if is_past(session, answer):
        return answer
    require_current(session, answer)
    spec = spec_of(answer)
    if session.phase == Phase.REVIEW:
        advance(session)
        return answer
    over = session.phase == Phase.ANSWER and answer_time_over(session, spec, timezone.now())
    if spec.recorded or not over:
        raise OutOfOrder(_("Please finish this question first."), code="not_finished")
    answer.status = AnswerStatus.FAILED
    answer.finished_at = timezone.now()
    answer.save(update_fields=["status", "finished_at"])
    advance(session)
    return answer


# --- checks for the upload side ----------------------------------------------------------


def answer_accepts_upload(*, answer: Answer, attempt: int, segment: int, mode: str) -> str | None:
    """None when a tus upload for this take and segment may be created, else a translated
    refusal. Streamed segments only while the answer time (plus grace) runs; the whole-file
    fallback and late segments of the finished take until it is verified."""
    session = InterviewSession.objects.get(pk=answer.session_id)
    answer = Answer.objects.select_related("template_question").get(pk=answer.pk)
    spec = spec_of(answer)
    refusal = _upload_shape_refusal(spec, attempt, segment, mode) or _take_refusal(
        session, answer, attempt
    )
    if refusal:
        return refusal
    late_stream = mode == RecordingMode.STREAM and answer.status == AnswerStatus.RECORDING
    if late_stream and answer_time_over(session, spec, timezone.now()):
        return _("The time for this answer is over.")
    return None


def _upload_shape_refusal(spec: QuestionSpec, attempt: int, segment: int, mode: str) -> str | None:
    if not spec.recorded:
        return _("This question is not answered with a recording.")
    if mode not in RecordingMode.values:
        return _("Unknown upload mode.")
    if not 0 <= segment < MAX_SEGMENTS or attempt < 1:
        return _("The upload names an impossible part of the recording.")
    return None


def _take_refusal(session: InterviewSession, answer: Answer, attempt: int) -> str | None:
    if session.state == SessionState.DONE:
        return _("This interview is finished.")
    if attempt != answer.attempt:
        return _("This take is no longer the current one.")
    if answer.status not in (
        AnswerStatus.RECORDING,
        AnswerStatus.UPLOADING,
        AnswerStatus.VERIFYING,
    ):
        return _("This answer is not being recorded.")
    return None
