"""The end of a recorded take (F-43): finish it with the browser's report, or discard it
for a retake while retakes are left. See `answers` for the whole state machine."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mianshi.compliance.services import audit_record
from mianshi.interviews.errors import OutOfOrder, Unacceptable
from mianshi.interviews.flow import retakes_left, spec_of
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Phase,
    Recording,
    RecordingStatus,
)
from mianshi.interviews.services.answer_steps import (
    advance,
    locked_answer,
    require_current,
    require_type,
    set_phase,
)
from mianshi.interviews.services.recordings import recordings_discarded_delete
from mianshi.interviews.services.sessions import ACTOR
from mianshi.jobs.models import AnswerType


@dataclass(frozen=True)
class ReportedRecording:
    """The browser's account of one uploaded segment of the take."""

    id: uuid.UUID
    duration_ms: int
    interrupted: bool = False


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
    _require_take(session, answer, attempt)
    _store_reports(answer, attempt, recordings)
    answer.status = _upload_status(answer, attempt)
    answer.finished_at = timezone.now()
    answer.save(update_fields=["status", "finished_at", "reported_ms"])
    if answer.status == AnswerStatus.FAILED:
        _flag_empty_take(answer)
    _settle(answer)
    if retakes_left(answer, spec_of(answer)) > 0:
        set_phase(session, Phase.REVIEW)
    else:
        advance(session)
    return answer


def _already_finished(answer: Answer, attempt: int) -> bool:
    return (
        answer.attempt == attempt
        and answer.finished_at is not None
        and answer.status != AnswerStatus.RECORDING
    )


def _require_take(session: InterviewSession, answer: Answer, attempt: int) -> None:
    """`attempt` is the take of the current question being recorded now."""
    require_current(session, answer)
    require_type(spec_of(answer), AnswerType.VIDEO, AnswerType.AUDIO)
    if session.phase != Phase.ANSWER or answer.status != AnswerStatus.RECORDING:
        raise OutOfOrder(_("This question is not being recorded."), code="not_recording")
    if attempt != answer.attempt:
        raise OutOfOrder(_("This take is no longer the current one."), code="stale_attempt")


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
    if retakes_left(answer, spec_of(answer)) <= 0:
        raise OutOfOrder(_("No retakes are left for this question."), code="no_retakes_left")
    _discard_take(answer)
    set_phase(session, Phase.READY)
    audit_record(
        actor=ACTOR,
        action="answer.retake",
        obj=answer,
        org_unit_id=session.org_unit_id,
        detail={"position": answer.position, "attempt": answer.attempt},
    )
    return answer


def _discard_take(answer: Answer) -> None:
    """The take's recordings stop being current (and their files go once this commits);
    the answer waits for the next attempt."""
    Recording.objects.filter(answer=answer, is_current=True).update(is_current=False)
    transaction.on_commit(partial(recordings_discarded_delete, answer_id=answer.pk))
    answer.attempt += 1
    answer.status = AnswerStatus.PENDING
    answer.finished_at = None
    answer.reported_ms = answer.measured_ms = None
    answer.save(update_fields=["attempt", "status", "finished_at", "reported_ms", "measured_ms"])
