"""Answer writes of the candidate flow (F-43, F-48): the per-question state machine.

READY --start--> PREP --record--> ANSWER --finish--> REVIEW (retakes left) --next--> next
READY --start--> ANSWER directly when the prep time is 0 or the answer is written/chosen.
Every step checks the order on the server with the session row locked, and a replayed
request (a retry after a lost response) returns the same result instead of an error.

Here: the phase moves and the timers (start, record, next, what the upload side may
accept); `takes`: finish and retake; `answer_steps`: the shared steps;
`submissions`: written, chosen and file answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.interviews.errors import OutOfOrder
from mianshi.interviews.flow import QuestionSpec, answer_time_over, spec_of
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
from mianshi.interviews.services.answer_steps import (
    advance,
    begin_answer,
    begin_interview,
    is_past,
    locked_answer,
    require_current,
    require_devices,
    require_type,
    set_phase,
)
from mianshi.jobs.models import AnswerType

MAX_SEGMENTS = 100


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
    require_devices(session, spec)
    begin_interview(session)
    if not spec.recorded:
        set_phase(session, Phase.ANSWER)
        answer.started_at = session.phase_started_at
        answer.save(update_fields=["started_at"])
    elif spec.prep_seconds > 0:
        set_phase(session, Phase.PREP)
    else:
        begin_answer(session, answer)
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
        require_devices(session, spec)
        begin_interview(session)
    elif session.phase != Phase.PREP:
        raise OutOfOrder(_("Please start the question first."), code="not_started")
    begin_answer(session, answer)
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


# --- what one answer may hold (M11) --------------------------------------------------------


def answer_seconds_allowed(*, answer: Answer) -> int:
    """The longest recording the answer may have: its answer time plus the grace."""
    answer = Answer.objects.select_related("template_question").get(pk=answer.pk)
    return spec_of(answer).answer_seconds + settings.ANSWER_GRACE_SECONDS


def answer_byte_budget(*, answer: Answer, attempt: int, segment: int) -> int:
    """Bytes a new upload of this take's `segment` may hold: the answer's time at a generous
    bitrate (capped by UPLOAD_MAX_BYTES), less what its other segments hold already."""
    allowed = answer_seconds_allowed(answer=answer) * settings.UPLOAD_BYTES_PER_SECOND
    others = (
        Recording.objects.filter(answer_id=answer.pk, attempt=attempt, is_current=True)
        .exclude(segment=segment)
        .exclude(status=RecordingStatus.TERMINATED)
    )
    used = others.aggregate(total=Sum("offset"))["total"] or 0
    return min(allowed, settings.UPLOAD_MAX_BYTES) - used


def answer_length_refusal(*, answer: Answer, measured_s: float) -> str | None:
    """A translated refusal when a decoded recording lasts longer than the answer allows."""
    limit = answer_seconds_allowed(answer=answer)
    if measured_s <= limit:
        return None
    return _(
        "The recording lasts %(measured).1f s, longer than the %(limit)s s this answer allows."
    ) % {"measured": measured_s, "limit": limit}
