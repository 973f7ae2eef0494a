"""The server-side quality gate of a completed answer (F-45), run by `interviews.check_answer`.

The engine judges (`interview_analysis.answer_gate`: probe, audio levels and SNR, frames
sampled for face visibility, a covered camera and blur, the verdict); this module decrypts
the answer's segments one at a time for it, decides whether a face may be searched for (the
candidate's biometric consent), stores the verdict in the candidate's and HR's language and
flags the session on a FAIL, so HR can send a re-record invitation in one click.

Bounded work (M11): decoding stops at the answer's time plus the grace, however long the
files are; the check runs under Celery time limits, a claim older than the time limit is
given back by `uploads_maintain`, and a check claimed MAX_CLAIMS times fails (audited,
translated reason) instead of being re-run forever. The count is per take: settling a new
take COMPLETE (`verification._complete`) starts it again from zero.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interview_analysis.answer_gate import GateResult, assess_segments
from interview_analysis.errors import MediaError
from interview_analysis.types import QualityReport
from mianshi.common.claims import claim
from mianshi.common.crypto import DecryptionError
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.interviews.consents import consent_given
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    ConsentKind,
    QualityStatus,
    Recording,
    RecordingStatus,
)
from mianshi.interviews.services.recordings import RecordingUnavailable, recording_open
from mianshi.interviews.services.verification import session_flag
from mianshi.jobs.models import AnswerType

logger = logging.getLogger(__name__)

# A check that lost its worker this often (killed at the time limit, out of memory) is
# given up instead of being re-run forever.
MAX_CLAIMS = 3

# The engine's issue codes, in the candidate's and HR's language.
ISSUE_LABELS = {
    "no_audio": gettext_lazy("The recording has no sound."),
    "silent": gettext_lazy("No speech can be heard."),
    "too_quiet": gettext_lazy("The voice is too quiet."),
    "low_snr": gettext_lazy("Background noise is loud compared with the voice."),
    "clipping": gettext_lazy("The voice is distorted (too loud)."),
    "too_short": gettext_lazy("The recording is too short."),
    "low_fps": gettext_lazy("The video frame rate is low."),
    "low_resolution": gettext_lazy("The video resolution is low."),
    "camera_covered": gettext_lazy("The camera is covered or too dark."),
    "no_face": gettext_lazy("The face is not visible."),
    "blurred": gettext_lazy("The picture is blurred."),
    "unreadable": gettext_lazy("The recording could not be read."),
    "not_checkable": gettext_lazy("The recording could not be checked after several attempts."),
}


def issue_label(code: str) -> str:
    """The translated text of a quality issue code (the code itself when unknown)."""
    return str(ISSUE_LABELS.get(code, code))


def _segments(recordings: list[Recording]) -> Iterator[Path]:
    """Each recording decrypted to a temporary file while the engine reads it."""
    for recording in recordings:
        with recording_open(recording=recording) as path:
            yield path


def _assess(answer: Answer, recordings: list[Recording], biometric: bool) -> GateResult:
    from mianshi.interviews.services.answers import answer_seconds_allowed

    return assess_segments(
        _segments(recordings), video=answer.answer_type == AnswerType.VIDEO,
        biometric=biometric, max_seconds=answer_seconds_allowed(answer=answer),
    )  # fmt: skip


def _status(report: QualityReport) -> str:
    if report.verdict == "needs_rerecord":
        return QualityStatus.FAIL
    return QualityStatus.WARN if report.issues else QualityStatus.OK


def _document(gate: GateResult, face: str, segments: int) -> dict[str, Any]:
    report, video = gate.report, gate.video
    issues = [
        {"code": i.code, "severity": i.severity, "value": i.value, "threshold": i.threshold,
         "message": issue_label(i.code)}
        for i in report.issues
    ]  # fmt: skip
    return {
        "verdict": report.verdict, "issues": issues, "fps": report.fps,
        "width": report.width, "height": report.height,
        "audio_level_dbfs": report.audio_level_dbfs, "snr_db": report.snr_db,
        "speech_ratio": report.speech_ratio, "duration_s": report.duration_s,
        "analysed_s": gate.analysed_s,
        "face_visible_ratio": video.face_present_ratio if video and face == "done" else None,
        "dark_ratio": video.dark_ratio if video else None,
        "blur": video.blur if video else None,
        "frames_analysed": video.frames_analysed if video else 0,
        "face_analysis": face, "segments": segments,
        "integrity": [{"code": s.code, "start": s.start, "end": s.end} for s in gate.signals],
        "checked_at": timezone.now().isoformat(), "engine": gate.engine,
    }  # fmt: skip


def _unreadable(segments: int, code: str = "unreadable") -> dict[str, Any]:
    issue = {"code": code, "severity": "fail", "value": None, "threshold": None,
             "message": issue_label(code)}  # fmt: skip
    return {"verdict": "needs_rerecord", "issues": [issue], "face_analysis": "none",
            "segments": segments, "checked_at": timezone.now().isoformat()}  # fmt: skip


def _claim(answer_id: int) -> datetime | None:
    """PENDING → CHECKING in one conditional UPDATE: the claim's time, or None when another
    worker has it (or it was checked already). Stale claims go back to PENDING in
    `uploads_maintain`."""
    now = timezone.now()
    expect = {"status": AnswerStatus.COMPLETE, "quality_status": QualityStatus.PENDING,
              "quality_claims__lt": MAX_CLAIMS}  # fmt: skip
    to = {"quality_status": QualityStatus.CHECKING, "quality_claimed_at": now}
    won = claim(Answer.objects, pk=answer_id, expect=expect, to=to, count="quality_claims")
    return now if won else None


def _claimed(answer_id: int, claimed_at: datetime | None) -> QuerySet[Answer]:
    """The answer while this worker's claim still holds."""
    return Answer.objects.filter(
        pk=answer_id, quality_status=QualityStatus.CHECKING, quality_claimed_at=claimed_at
    )


def answer_quality_check(*, answer_id: int) -> str:
    """Measure a COMPLETE answer's recordings and store the verdict (idempotent claim)."""
    claimed_at = _claim(answer_id)
    if claimed_at is None:
        return "not_claimed"
    answer = Answer.objects.select_related("session").get(pk=answer_id)
    recordings = list(
        Recording.objects.filter(
            answer=answer, attempt=answer.attempt, is_current=True, status=RecordingStatus.VERIFIED
        ).order_by("segment", "created_at")
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return _check(answer, recordings)
    except Exception:
        # Give the claim back so a retry can take it again.
        _claimed(answer_id, claimed_at).update(
            quality_status=QualityStatus.PENDING, quality_claimed_at=None
        )
        raise


def _check(answer: Answer, recordings: list[Recording]) -> str:
    if not recordings:
        return _store(answer, QualityStatus.FAIL, _unreadable(0), "unreadable")
    biometric = consent_given(answer.session_id, ConsentKind.BIOMETRIC)
    try:
        gate = _assess(answer, recordings, biometric)
    except (MediaError, DecryptionError, RecordingUnavailable) as exc:
        logger.warning("answer %s: recordings unreadable for the quality check: %s", answer.pk, exc)
        return _store(answer, QualityStatus.FAIL, _unreadable(len(recordings)), "unreadable")
    face = "done" if biometric else "skipped_no_consent"
    if answer.answer_type != AnswerType.VIDEO:
        face = "not_video"
    document = _document(gate, face, len(recordings))
    return _store(answer, _status(gate.report), document, gate.report.verdict)


@transaction.atomic
def _store(answer: Answer, status: str, document: dict[str, Any], verdict: str) -> str:
    stored = _claimed(answer.pk, answer.quality_claimed_at).update(
        quality_status=status, quality=document
    )
    if not stored:
        return "lost_claim"
    _settled(answer, status, document)
    return status


def _settled(answer: Answer, status: str, document: dict[str, Any]) -> None:
    """After a verdict: flag a FAIL for HR, audit, and hand a usable answer to analysis."""
    if status == QualityStatus.FAIL:
        codes = [i["code"] for i in document["issues"] if i["severity"] == "fail"]
        reason = _("Question %(n)s needs a re-recording: %(issues)s") % {
            "n": answer.position, "issues": "、".join(issue_label(c) for c in codes),
        }  # fmt: skip
        session_flag(session_id=answer.session_id, reason=reason)
    audit_record(
        actor="system", action="answer.quality_check", obj=answer,
        org_unit_id=answer.session.org_unit_id,
        detail={"status": status, "issues": len(document["issues"]),
                "claims": answer.quality_claims},
    )  # fmt: skip
    if status != QualityStatus.FAIL and answer.answer_type in (AnswerType.VIDEO, AnswerType.AUDIO):
        # The analysis app, above this one, queues the analysis when it handles the event
        # (and skips it without AI consent), so the hand-off survives a crash after commit.
        event_emit(
            type="answer.checked", data={"answer_id": answer.pk, "session_id": answer.session_id},
            org_unit_id=answer.session.org_unit_id,
        )  # fmt: skip


# --- housekeeping ----------------------------------------------------------------------------


def quality_stale_after() -> timedelta:
    """A claim older than this lost its worker: past the task's hard time limit (soft + 60 s)
    with room to spare, so a slow check still running is never run twice."""
    soft = settings.QUALITY_CHECK_TIME_LIMIT
    return timedelta(seconds=max(2 * soft, soft + 120))


@transaction.atomic
def _give_up(answer_id: int) -> bool:
    """A check claimed MAX_CLAIMS times without a verdict fails (conditional UPDATE)."""
    with translation.override(settings.LANGUAGE_CODE):
        document = _unreadable(0, "not_checkable")
    won = Answer.objects.filter(
        pk=answer_id, quality_status=QualityStatus.PENDING, quality_claims__gte=MAX_CLAIMS
    ).update(quality_status=QualityStatus.FAIL, quality=document, quality_claimed_at=None)
    if won:
        answer = Answer.objects.select_related("session").get(pk=answer_id)
        with translation.override(settings.LANGUAGE_CODE):
            _settled(answer, QualityStatus.FAIL, document)
    return bool(won)


def answers_quality_sweep(*, now: datetime) -> list[int]:
    """Give back claims older than the time limit, fail checks claimed MAX_CLAIMS times;
    the ids of the answers whose check is still to be run."""
    Answer.objects.filter(
        quality_status=QualityStatus.CHECKING, quality_claimed_at__lt=now - quality_stale_after()
    ).update(quality_status=QualityStatus.PENDING, quality_claimed_at=None)
    pending = Answer.objects.filter(
        status=AnswerStatus.COMPLETE, quality_status=QualityStatus.PENDING
    )
    for answer_id in pending.filter(quality_claims__gte=MAX_CLAIMS).values_list("pk", flat=True):
        _give_up(answer_id)
    return list(pending.filter(quality_claims__lt=MAX_CLAIMS).values_list("pk", flat=True))
