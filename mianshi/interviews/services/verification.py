"""After an upload completes: assemble, verify, store, and settle the answer (F-44, F-45).

`recording_verify` is what the `interviews.verify_recording` task runs: it claims the
recording (COMPLETE → VERIFYING), joins the decrypted chunks in offset order into a
temporary file (refusing any gap again), checks with the analysis engine that the file
decodes and holds the streams the question asks for and that its decoded duration matches
what the browser reported, then remuxes it into a seekable copy (a duration and a seek index;
see services/remux.py — the original is kept when that fails), seals what it keeps into
storage and removes the chunks. Any failure marks the recording FAILED with a translated
reason and flags the session for HR.

`Recording.sha256`, `duration_ms` and media_info describe the file as stored (the remuxed
copy when there is one); media_info's `upload_sha256` / `upload_bytes` keep what the
candidate's browser sent, and `remuxed` says which of the two was stored.

`answer_settle` turns verified recordings into a COMPLETE answer and queues the quality
check (`interviews.check_answer`); it is idempotent and safe to call from both sides.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interview_analysis import media
from interview_analysis.errors import MediaError
from interview_analysis.types import MediaInfo, to_dict
from mianshi.common.claims import claim
from mianshi.common.crypto import DecryptionError, UnknownKeyError
from mianshi.common.deadlocks import atomic_retried
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    Chunk,
    InterviewSession,
    QualityStatus,
    Recording,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.services import remux, storage
from mianshi.interviews.services.recordings import SUFFIXES, recording_object_name
from mianshi.jobs.models import AnswerType
from mianshi.jobs.models.question import RECORDED_TYPES

logger = logging.getLogger(__name__)

# Decoded vs browser-reported duration: timers and container timestamps differ a little.
TOLERANCE_S, TOLERANCE_SHARE = 1.5, 0.05
# A segment cut by a reload or a crash loses the chunks MediaRecorder had not flushed yet.
INTERRUPTED_SHORT_S, INTERRUPTED_SHORT_SHARE = 5.0, 0.25
SETTLED = frozenset({AnswerStatus.COMPLETE, AnswerStatus.FAILED, AnswerStatus.SKIPPED})
# What settling an answer writes (a new COMPLETE also resets the quality check, its claim
# count included: MAX_CLAIMS counts one take's checks, and a take recorded after a retake
# is new media to check, however often the discarded take's check was claimed).
SETTLE_FIELDS = (
    "status",
    "measured_ms",
    "reported_ms",
    "quality_status",
    "quality",
    "quality_claimed_at",
    "quality_claims",
)
FLAG_REASON_MAX = 300


class VerificationFailed(Exception):
    """The recording is not usable; `code` for programs, `message` (translated) for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def duration_problem(reported_ms: int, measured_ms: int, *, interrupted: bool = False) -> bool:
    """Whether the decoded duration contradicts the browser's: max(1.5 s, 5 %) either way;
    an interrupted segment may also be shorter by max(5 s, 25 %)."""
    allowed = max(TOLERANCE_S * 1000, TOLERANCE_SHARE * reported_ms)
    if measured_ms - reported_ms > allowed:
        return True
    if interrupted:
        allowed = max(allowed, INTERRUPTED_SHORT_S * 1000, INTERRUPTED_SHORT_SHARE * reported_ms)
    return reported_ms - measured_ms > allowed


def assemble(recording: Recording, target: IO[bytes]) -> tuple[str, int]:
    """Write the decrypted chunks in offset order to `target`: (sha256, bytes); no gap passes."""
    digest, expected = hashlib.sha256(), 0
    rows = Chunk.objects.filter(recording_id=recording.pk).order_by("offset")
    for offset, length, name in rows.values_list("offset", "length", "storage_name"):
        if offset != expected:
            raise VerificationFailed("gap", _("Part of the recording is missing."))
        data = storage.chunk_read(recording.pk, offset, name)
        if len(data) != length:
            raise VerificationFailed("gap", _("Part of the recording is missing."))
        digest.update(data)
        target.write(data)
        expected += length
    if recording.length is None or expected != recording.length:
        raise VerificationFailed("gap", _("Part of the recording is missing."))
    return digest.hexdigest(), expected


def _probe(recording: Recording, path: Path) -> MediaInfo:
    """The engine's probe plus the streams the question needs."""
    try:
        info = media.probe(path)
    except MediaError as exc:
        logger.info("recording %s does not decode: %s", recording.pk, exc)
        raise VerificationFailed("not_media", _("The recording could not be played back.")) from exc
    if recording.answer.answer_type == AnswerType.VIDEO and not (info.has_video and info.has_audio):
        raise VerificationFailed("missing_stream", _("The recording lacks its picture or sound."))
    if not info.has_audio:
        raise VerificationFailed("missing_stream", _("The recording has no sound."))
    return info


def _check_duration(recording: Recording, measured_ms: int) -> bool:
    """Compare with the browser's figure when it is known; True when compared."""
    if recording.reported_ms is None:
        return False
    if duration_problem(recording.reported_ms, measured_ms, interrupted=recording.interrupted):
        raise VerificationFailed(
            "duration",
            _("The recording lasts %(measured).1f s but %(reported).1f s were recorded.")
            % {"measured": measured_ms / 1000, "reported": recording.reported_ms / 1000},
        )
    return True


def _check_length(recording: Recording, info: MediaInfo) -> None:
    """The decoded file may not outlast the answer time plus the grace (M11), whatever the
    browser reported or left out."""
    from mianshi.interviews.services.answers import answer_length_refusal

    refusal = answer_length_refusal(answer=recording.answer, measured_s=info.duration_s)
    if refusal:
        raise VerificationFailed("too_long", refusal)


def _claim(recording_id: UUID | str) -> datetime | None:
    """COMPLETE → VERIFYING in one conditional UPDATE: the claim's time, or None (not ours)."""
    now = timezone.now()
    won = claim(
        Recording.objects, pk=recording_id, expect={"status": RecordingStatus.COMPLETE},
        to={"status": RecordingStatus.VERIFYING, "verify_claimed_at": now}, count="verify_claims",
    )  # fmt: skip
    return now if won else None


def _owned(recording: Recording) -> QuerySet[Recording]:
    """The row while this worker's claim holds: after a stale reset and a second claim it is
    someone else's, and this worker may then settle nothing (and delete only its own copy)."""
    return Recording.objects.filter(
        pk=recording.pk, status=RecordingStatus.VERIFYING,
        verify_claimed_at=recording.verify_claimed_at,
    )  # fmt: skip


def _give_back(recording: Recording) -> None:
    _owned(recording).update(status=RecordingStatus.COMPLETE, verify_claimed_at=None)


def recording_verify(*, recording_id: UUID | str) -> str:
    """Assemble, check and store one completed upload, then settle its answer (idempotent)."""
    claimed_at = _claim(recording_id)
    if claimed_at is None:
        return "not_claimed"
    recording = Recording.objects.select_related("answer", "session").get(pk=recording_id)
    recording.verify_claimed_at = claimed_at  # ours, even if the row moved on meanwhile
    try:
        # Reasons are stored for HR in the deployment's language, whoever triggered this.
        with translation.override(settings.LANGUAGE_CODE):
            outcome = _verify_claimed(recording)
    except Exception:
        # Storage or database trouble: give the claim back so a retry can take it again.
        _give_back(recording)
        raise
    answer_settle(answer=recording.answer)
    return outcome


def _verify_claimed(recording: Recording) -> str:
    suffix = SUFFIXES.get(recording.content_type, ".bin")
    with (
        tempfile.NamedTemporaryFile(prefix="mianshi-verify-", suffix=suffix) as plain,
        tempfile.TemporaryDirectory(prefix="mianshi-remux-") as work,
    ):
        try:
            upload_sha, upload_size = assemble(recording, plain)
            plain.flush()
            info = _probe(recording, Path(plain.name))
            _check_length(recording, info)
            checked = _check_duration(recording, round(info.duration_s * 1000))
        except UnknownKeyError as exc:
            return _key_unknown(recording, exc)
        except DecryptionError as exc:
            logger.warning("recording %s: a chunk fails to decrypt: %s", recording.pk, exc)
            return _fail(
                recording, "corrupt", _("Part of the recording is damaged."), _owned(recording)
            )
        except VerificationFailed as exc:
            return _fail(recording, exc.code, exc.message, _owned(recording))
        kept, info, remuxed = _seekable(recording, Path(plain.name), info, Path(work))
        name = recording_object_name(recording)  # unique: a duplicate run cannot overwrite
        stored, sha, size = storage.seal_file(recording.pk, kept, name)
    details = {
        **to_dict(info), "bytes": size, "duration_checked": checked, "remuxed": remuxed,
        "upload_sha256": upload_sha, "upload_bytes": upload_size,
    }  # fmt: skip
    return _mark_verified(recording, stored, sha, round(info.duration_s * 1000), details)


def _key_unknown(recording: Recording, exc: UnknownKeyError) -> str:
    """A chunk sealed under a key this worker does not have: a configuration skew during a
    key rotation or a deploy, not damage. The recording stays COMPLETE for a later try (the
    maintenance re-queues it), never FAILED, so nothing is purged for it."""
    logger.warning(
        "recording %s: verification postponed, %s (key configuration?)", recording.pk, exc
    )
    _give_back(recording)
    return "key_unknown"


def _seekable(
    recording: Recording, source: Path, info: MediaInfo, work: Path
) -> tuple[Path, MediaInfo, bool]:
    """The file to store, its info, whether it is the seekable copy (else the original)."""
    target = work / f"copy{source.suffix}"
    copied = remux.seekable_copy(source, info, target, label=str(recording.pk))
    if copied is None:
        return source, info, False
    return target, copied, True


def _merged(recording_id: Any, extra: Mapping[str, Any]) -> dict[str, Any]:
    """media_info as stored now with `extra` added (earlier steps' notes are kept)."""
    current = Recording.objects.filter(pk=recording_id).values_list("media_info", flat=True).first()
    return {**(current or {}), **extra}


@transaction.atomic
def _mark_verified(
    recording: Recording, stored: str, sha: str, measured: int, details: dict[str, Any]
) -> str:
    won = _owned(recording).update(
        status=RecordingStatus.VERIFIED, storage_path=stored, sha256=sha, duration_ms=measured,
        media_info=_merged(recording.pk, details), error="",
    )  # fmt: skip
    if not won:
        transaction.on_commit(lambda: storage.objects_delete([stored]))
        return "lost_claim"
    chunks = Chunk.objects.filter(recording_id=recording.pk)
    names = list(chunks.values_list("storage_name", flat=True))
    chunks.delete()
    transaction.on_commit(lambda: storage.objects_delete(names))
    audit_record(
        actor="system", action="recording.verify", obj=recording,
        org_unit_id=recording.session.org_unit_id,
        detail={"status": "verified", "bytes": details["bytes"], "duration_ms": measured},
    )  # fmt: skip
    return "verified"


@transaction.atomic
def _fail(
    recording: Recording, code: str, message: str, rows: QuerySet[Recording] | None = None
) -> str:
    """FAILED with a reason for HR, the session flagged; `rows` conditions the UPDATE (a
    verification fails the recording only while its claim holds)."""
    reason = str(message)[:FLAG_REASON_MAX]
    flag = _flag_text(recording.answer.position, reason)
    rows = Recording.objects.filter(pk=recording.pk) if rows is None else rows
    failed = rows.update(
        status=RecordingStatus.FAILED, error=reason,
        media_info=_merged(recording.pk, {"error_code": code}),
    )  # fmt: skip
    if not failed:
        return "lost_claim"
    session_flag(session_id=recording.session_id, reason=flag)
    audit_record(
        actor="system", action="recording.verify", obj=recording,
        org_unit_id=recording.session.org_unit_id, detail={"status": "failed", "code": code},
    )  # fmt: skip
    session = recording.session
    event_emit(
        type="recording.failed",
        data={"recording_id": str(recording.pk), "answer_id": recording.answer_id,
              "session_id": session.pk, "application_id": session.application_id, "reason": code},
        org_unit_id=session.org_unit_id,
    )  # fmt: skip
    return "failed"


def recording_give_up(*, recording_id: UUID | str, claimed_at: datetime | None) -> str:
    """Fail a verification whose claims all lost their worker (killed, out of memory): one
    that never finishes is not re-run for ever. Its chunks stay for a person to look at."""
    recording = Recording.objects.select_related("answer", "session").get(pk=recording_id)
    recording.verify_claimed_at = claimed_at
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The recording could not be checked: its verification never finished.")
        outcome = _fail(recording, "gave_up", reason, _owned(recording))
    answer_settle(answer=recording.answer)
    return outcome


def session_flag(*, session_id: int, reason: str) -> None:
    """Mark the session for HR's attention (F-50); reasons add up, the same one only once."""
    current = InterviewSession.objects.filter(pk=session_id).values_list("flag_reason", flat=True)
    existing = current.first() or ""
    combined = existing if reason in existing else "；".join(filter(None, [existing, reason]))
    InterviewSession.objects.filter(pk=session_id).update(
        flagged=True, flag_reason=combined[:FLAG_REASON_MAX]
    )


# --- the answer --------------------------------------------------------------------------


@transaction.atomic
def recordings_report(*, answer: Answer, reports: Iterable[Mapping[str, Any]]) -> int:
    """Store what the browser measured per recording ({id, duration_ms, interrupted}).

    The candidate flow calls this when an answer finishes, before `answer_settle`; a
    recording verified earlier is then compared by `answer_settle`.
    """
    stored = 0
    for report in reports:
        stored += Recording.objects.filter(pk=report["id"], answer=answer).update(
            reported_ms=max(0, int(report.get("duration_ms") or 0)),
            interrupted=bool(report.get("interrupted")),
        )
    return stored


def _current_recordings(answer: Answer) -> list[Recording]:
    return list(
        Recording.objects.filter(answer=answer, attempt=answer.attempt, is_current=True)
        .exclude(status=RecordingStatus.TERMINATED)
        .order_by("segment", "created_at")
    )


def _late_duration_check(recording: Recording) -> None:
    """Verification ran before the browser reported the duration: compare now."""
    if recording.media_info.get("duration_checked") or recording.duration_ms is None:
        return
    try:
        checked = _check_duration(recording, recording.duration_ms)
    except VerificationFailed as exc:
        recording.status = RecordingStatus.FAILED
        _fail(recording, exc.code, exc.message)
        return
    if checked:
        Recording.objects.filter(pk=recording.pk).update(
            media_info=_merged(recording.pk, {"duration_checked": True})
        )


@atomic_retried
def answer_settle(*, answer: Answer) -> Answer:
    """Finish a recorded answer once all its current recordings are verified (or one failed).

    COMPLETE queues the quality check on commit; FAILED flags the session. A session the
    candidate finished becomes DONE when no answer is left waiting. Idempotent.
    """
    rows = Answer.objects.select_for_update(no_key=True, of=("self", "session"))
    answer = rows.select_related("session").get(pk=answer.pk)
    waiting = answer.status not in SETTLED and answer.finished_at is not None
    if waiting and answer.answer_type in RECORDED_TYPES:
        with translation.override(settings.LANGUAGE_CODE):
            _settle_recorded(answer)
    _settle_session(answer.session_id)
    return answer


def _settle_recorded(answer: Answer) -> None:
    recordings = _current_recordings(answer)
    if not recordings:
        return  # nothing arrived yet: the upload may still be created
    for recording in recordings:
        if recording.status == RecordingStatus.VERIFIED:
            _late_duration_check(recording)
    statuses = {r.status for r in recordings}
    if RecordingStatus.FAILED in statuses:
        answer.status = AnswerStatus.FAILED
    elif statuses == {RecordingStatus.VERIFIED}:
        _complete(answer, recordings)
    elif RecordingStatus.UPLOADING in statuses:
        answer.status = AnswerStatus.UPLOADING
    else:
        answer.status = AnswerStatus.VERIFYING
    answer.save(update_fields=SETTLE_FIELDS)
    for failed in (r for r in recordings if r.status == RecordingStatus.FAILED):
        # The same words as when the recording failed, so the flag names it only once.
        session_flag(session_id=answer.session_id, reason=_flag_text(answer.position, failed.error))


def _flag_text(position: int, reason: str) -> str:
    return _("Question %(n)s: %(reason)s") % {"n": position, "reason": reason}


def _complete(answer: Answer, recordings: list[Recording]) -> None:
    from mianshi.interviews.tasks import check_answer

    answer.status = AnswerStatus.COMPLETE
    answer.measured_ms = sum(r.duration_ms or 0 for r in recordings)
    reported = [r.reported_ms for r in recordings]
    if answer.reported_ms is None and all(ms is not None for ms in reported):
        answer.reported_ms = sum(ms or 0 for ms in reported)
    answer.quality_status, answer.quality = QualityStatus.PENDING, {}
    answer.quality_claimed_at, answer.quality_claims = None, 0
    answer_id = answer.pk
    transaction.on_commit(lambda: check_answer.delay(answer_id))


def _settle_session(session_id: int) -> None:
    """UPLOADING → DONE once every answer is settled (the candidate already finished)."""
    open_answers = Answer.objects.filter(session_id=session_id).exclude(status__in=SETTLED)
    if not open_answers.exists():
        done = InterviewSession.objects.filter(pk=session_id, state=SessionState.UPLOADING).update(
            state=SessionState.DONE
        )
        if done:
            interview_completed(InterviewSession.objects.get(pk=session_id))


def interview_completed(session: InterviewSession) -> None:
    """The interview is DONE (finished, every answer settled): reviewers and receivers may
    start; written once, by whichever side made it DONE."""
    data = {"session_id": session.pk, "application_id": session.application_id,
            "invitation_id": session.invitation_id}  # fmt: skip
    event_emit(type="interview.completed", data=data, org_unit_id=session.org_unit_id)
