"""Recordings as tus uploads (F-44): creation, appending chunks, termination, playback, purge.

The append path is the hot one (one call per MediaRecorder chunk of every candidate), so it
is one conditional statement (see `upload_sql`) and loads no model instance. Zero data loss
rests on one rule: a chunk object is stored under a unique name first, then `offset` moves
from the value the client sent to the new one in a single conditional UPDATE — only for the
token's own, open, unexpired upload — together with the Chunk row (unique per offset). Of
two racing PATCHes at one offset exactly one moves it; the other removes its object and is
told 409. A gap can never be accepted.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    Chunk,
    Recording,
    RecordingMode,
    RecordingStatus,
)
from mianshi.interviews.services import storage, upload_sql
from mianshi.invitations.models import Invitation, InvitationStatus

logger = logging.getLogger(__name__)

# An answer takes new uploads while it is recorded and until its last attempt is settled.
OPEN_FOR_UPLOAD = frozenset(
    {AnswerStatus.RECORDING, AnswerStatus.UPLOADING, AnswerStatus.VERIFYING}
)
# After these the upload's bytes are final: no more PATCH, no termination.
FINISHED = frozenset(
    {RecordingStatus.COMPLETE, RecordingStatus.VERIFYING, RecordingStatus.VERIFIED}
)
# A revoked link refuses every upload request. A re-invite supersedes a link but does not
# throw away what its candidate recorded: its uploads finish as a completed link's do (M6).
LINK_CLOSED = frozenset({InvitationStatus.REVOKED})
# Links whose answers may still create uploads after expiry (the answer's state decides).
LINK_DONE = frozenset({InvitationStatus.COMPLETED, InvitationStatus.SUPERSEDED})
# last_data_at is for the live board: a write every few seconds per session is plenty.
DATA_SEEN_EVERY = timedelta(seconds=5)
# Container types MediaRecorder produces (WebM streams; MP4 from Safari as whole files).
MEDIA_TYPES = frozenset(
    {"video/webm", "audio/webm", "video/mp4", "audio/mp4", "video/x-matroska", "audio/ogg"}
)


class UploadError(DomainError):
    """A tus refusal; `status` is the HTTP status the protocol prescribes for it."""


class UploadNotFound(UploadError):
    status, code = 404, "upload_not_found"


class UploadGone(UploadError):
    status, code = 410, "upload_gone"


class UploadForbidden(UploadError):
    status, code = 403, "upload_finished"


class OffsetConflict(UploadError):
    status, code = 409, "offset_mismatch"


class UploadTooLarge(UploadError):
    status, code = 413, "too_large"


class UnsupportedMediaType(UploadError):
    status, code = 415, "unsupported_media_type"


class ChecksumMismatch(UploadError):
    status, code = 460, "checksum_mismatch"


class RecordingUnavailable(DomainError):
    """No bytes to play: the upload never completed or was purged."""

    status, code = 404, "recording_unavailable"


@dataclass(frozen=True)
class UploadState:
    """One upload as HEAD, DELETE and a refused PATCH need it, read in one query."""

    id: UUID
    session_id: int
    offset: int
    length: int | None
    status: str
    expires_at: datetime
    invitation_status: str
    # When the session last received data (the live board's "no data for 3 min").
    data_seen_at: datetime | None = None
    # The most bytes the upload may hold (its answer's time; None: UPLOAD_MAX_BYTES only).
    byte_budget: int | None = None

    @property
    def expired(self) -> bool:
        return self.status not in FINISHED and timezone.now() >= self.expires_at

    @property
    def complete(self) -> bool:
        return self.length is not None and self.offset == self.length


def upload_state(*, token_hash: str, upload_id: UUID) -> UploadState | None:
    """The upload if it belongs to the session of the invitation with this token hash."""
    row = upload_sql.fetch_upload(token_hash, upload_id)
    return UploadState(*row) if row else None


def upload_usable(upload: UploadState) -> UploadState:
    """Refuse what no request may touch: a closed link (410), a terminated (404) or an
    expired (410) upload."""
    if upload.invitation_status in LINK_CLOSED:
        raise UploadGone(_("This interview link is no longer valid."))
    if upload.status == RecordingStatus.TERMINATED:
        raise UploadNotFound(_("This upload was deleted."))
    if upload.expired:
        raise UploadGone(_("This upload has expired; record the answer again."))
    return upload


# --- creation --------------------------------------------------------------------------


def media_type(filetype: str) -> str:
    """The container type of a MediaRecorder MIME type ('video/webm;codecs=vp8' → video/webm)."""
    base = filetype.split(";", 1)[0].strip().lower()
    if base not in MEDIA_TYPES:
        raise UnsupportedMediaType(_("Only WebM, MP4 or Ogg recordings can be uploaded."))
    return base


def _check_link(invitation: Invitation) -> None:
    # A completed or superseded interview may still create the upload of an answer waiting
    # for it (a Safari whole-file upload after a network drop), also once the link has
    # expired: the answer's state decides below.
    if invitation.status in LINK_CLOSED:
        raise UploadGone(_("This interview link is no longer valid."))
    if invitation.is_expired and invitation.status not in LINK_DONE:
        raise UploadGone(_("This interview link is no longer valid."))


def _open_answer(invitation: Invitation, spec: tuple[int, int, int, str]) -> Answer:
    """The answer slot, locked, if the candidate flow says this take may upload now."""
    from mianshi.interviews.services.answers import answer_accepts_upload

    position, attempt, segment, mode = spec
    answer = (
        # NO KEY UPDATE, like every lock on these rows: the browser's events and recordings
        # inserted beside the upload (a key share on answer and session) do not wait.
        Answer.objects.select_for_update(no_key=True, of=("self", "session"))
        .select_related("session")
        .filter(session__invitation=invitation, position=position)
        .first()
    )
    if answer is None:
        raise UploadNotFound(_("This interview has no question %(n)s.") % {"n": position})
    refusal = answer_accepts_upload(answer=answer, attempt=attempt, segment=segment, mode=mode)
    if refusal:
        raise Conflict(refusal, code="not_recording")
    return answer


def _replace_empty_twin(answer: Answer, attempt: int, segment: int) -> None:
    """A second creation for one segment: an untouched earlier upload gives way, else 409."""
    twins = Recording.objects.filter(
        answer=answer, attempt=attempt, segment=segment, is_current=True
    ).exclude(status=RecordingStatus.TERMINATED)
    if twins.filter(offset__gt=0).exists():
        raise OffsetConflict(_("This part of the answer is already being uploaded."))
    twins.update(status=RecordingStatus.TERMINATED, is_current=False)


def _byte_budget(answer: Answer, attempt: int, segment: int, length: int | None) -> int:
    """What the new upload may hold of the answer's byte budget (M11), or 413."""
    from mianshi.interviews.services.answers import answer_byte_budget

    budget = answer_byte_budget(answer=answer, attempt=attempt, segment=segment)
    if budget <= 0 or (length is not None and length > budget):
        raise UploadTooLarge(_("The recording is longer than this answer's time allows."))
    return budget


@transaction.atomic
def recording_create(
    *,
    invitation: Invitation,
    position: int,
    attempt: int,
    segment: int = 0,
    mode: str = RecordingMode.STREAM,
    content_type: str,
    length: int | None = None,
) -> Recording:
    """Open a tus upload for the current attempt of one answer of the invitation's session."""
    _check_link(invitation)
    if length is not None and length > settings.UPLOAD_MAX_BYTES:
        raise UploadTooLarge(_("The recording is larger than the allowed maximum."))
    kind = media_type(content_type)
    answer = _open_answer(invitation, (position, attempt, segment, mode))
    if invitation.status == InvitationStatus.SUPERSEDED and answer.finished_at is None:
        # What is recorded from now on belongs to the new link.
        raise UploadGone(_("This interview link is no longer valid."))
    _replace_empty_twin(answer, attempt, segment)
    budget = _byte_budget(answer, attempt, segment, length)
    recording = Recording.objects.create(
        session=answer.session, answer=answer, attempt=attempt, segment=segment, mode=mode,
        content_type=kind, length=length, byte_budget=budget,
        expires_at=timezone.now() + timedelta(hours=settings.UPLOAD_EXPIRY_HOURS),
    )  # fmt: skip
    audit_record(
        actor="candidate", action="recording.create", obj=recording,
        org_unit_id=answer.session.org_unit_id,
        detail={"position": position, "attempt": attempt, "segment": segment, "mode": mode},
    )  # fmt: skip
    return recording


# --- appending -------------------------------------------------------------------------


def check_append(upload: UploadState, offset: int, size: int, declared: int | None) -> int | None:
    """The upload's length after this PATCH, or the refusal the protocol asks for."""
    if upload.status in FINISHED or upload.status == RecordingStatus.FAILED:
        raise UploadForbidden(_("This upload is already complete."))
    if offset != upload.offset:
        raise OffsetConflict(
            _("The upload is at byte %(n)s; send from there.") % {"n": upload.offset}
        )
    length = upload.length
    if declared is not None:
        if length is not None and declared != length:
            raise DomainError(_("The upload length cannot change."), code="length_changed")
        if declared > settings.UPLOAD_MAX_BYTES:
            raise UploadTooLarge(_("The recording is larger than the allowed maximum."))
        length = declared
    if offset + size > (length if length is not None else settings.UPLOAD_MAX_BYTES):
        raise UploadTooLarge(_("The data goes past the end of the upload."))
    if upload.byte_budget is not None and max(offset + size, length or 0) > upload.byte_budget:
        raise UploadTooLarge(_("The recording is longer than this answer's time allows."))
    if declared is not None and declared < offset + size:
        raise DomainError(_("The upload length is shorter than the data."), code="bad_length")
    return length


@dataclass(frozen=True)
class Appended:
    """The upload after an accepted PATCH."""

    offset: int
    status: str
    expires_at: datetime


def recording_append(
    *, token_hash: str, upload_id: UUID, offset: int, data: bytes,
    declared_length: int | None = None,
) -> Appended:  # fmt: skip
    """Store one PATCH body at `offset` of the token's upload; of two racing appends one
    wins, the other gets 409. One statement on the happy path; a refusal is explained by
    looking the upload up afterwards (404, 410, 403, 409, 413, 400)."""
    size, limit = len(data), settings.UPLOAD_MAX_BYTES
    if declared_length is not None and declared_length > limit:
        raise UploadTooLarge(_("The recording is larger than the allowed maximum."))
    if offset + size > (limit if declared_length is None else declared_length):
        raise UploadTooLarge(_("The data goes past the end of the upload."))
    name = storage.chunk_store(upload_id, offset, data) if data else ""
    append = upload_sql.Append(token_hash, upload_id, offset, size, declared_length, name,
                               timezone.now())  # fmt: skip
    try:
        claimed = _claim(append)
    except IntegrityError:
        claimed = None
    except BaseException:
        storage.objects_delete([name] if name else [])
        raise
    if claimed is None:
        storage.objects_delete([name] if name else [])
        raise _refusal(append)
    _after_claim(append, claimed)
    return Appended(offset + size, claimed.status, claimed.expires_at)


def _refusal(append: upload_sql.Append) -> Exception:
    """Why the claim moved nothing: the same checks, now on the upload as it is."""
    upload = upload_state(token_hash=append.token_hash, upload_id=append.upload_id)
    if upload is None:
        return UploadNotFound(_("This upload does not exist."))
    try:
        upload_usable(upload)
        check_append(upload, append.offset, append.size, append.declared)
    except UploadError as exc:
        return exc
    except DomainError as exc:
        return exc
    return OffsetConflict(_("Another request already stored data at this offset."))


# SQLite has one writer at a time and its busy handler sleeps 1–100 ms between retries; a
# thread that holds the write lock while waiting for the GIL makes every other thread of
# the process sleep too. Threads of one process therefore queue here, where a release
# wakes the next at once, and only processes meet in SQLite's lock.
_SQLITE_WRITER = threading.Lock()


def _claim(append: upload_sql.Append) -> upload_sql.Claimed | None:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return upload_sql.claim(append)  # one statement: atomic without BEGIN/COMMIT
    if connection.vendor == "sqlite":
        with _SQLITE_WRITER, transaction.atomic():
            return upload_sql.claim(append)
    with transaction.atomic():  # a savepoint inside a caller's transaction
        return upload_sql.claim(append)


def _after_claim(append: upload_sql.Append, claimed: upload_sql.Claimed) -> None:
    seen = claimed.data_seen_at
    if not claimed.seen_known or seen is None or append.now - seen >= DATA_SEEN_EVERY:
        upload_sql.mark_data_seen(
            session_id=claimed.session_id, now=append.now, every=DATA_SEEN_EVERY
        )
    if claimed.status == RecordingStatus.COMPLETE:
        _enqueue_verification(append.upload_id)


def _enqueue_verification(recording_id: UUID) -> None:
    from mianshi.interviews.tasks import verify_recording

    transaction.on_commit(lambda: verify_recording.delay(str(recording_id)))


def recording_object_name(recording: Recording) -> str:
    """A fresh name for a new sealed copy of the recording (verification, remux).

    Never the name of a stored object: S3 overwrites a key by default, so a copy saved
    under a reused name would replace the original, and whoever then deletes "its" object
    would delete the other's. A unique name makes every delete touch only its own copy.
    """
    base = storage.recording_name(recording.session_id, recording.answer_id, recording.pk)
    stem, dot, suffix = base.rpartition(".")
    return f"{stem}-{uuid.uuid4().hex[:12]}{dot}{suffix}" if dot else f"{base}-{uuid.uuid4().hex}"


# --- termination, purge ----------------------------------------------------------------


def _drop_chunks(recording_ids: list[Any]) -> int:
    """Delete the chunk rows now and their objects once the transaction commits."""
    chunks = Chunk.objects.filter(recording_id__in=recording_ids)
    names = list(chunks.values_list("storage_name", flat=True))
    chunks.delete()
    transaction.on_commit(lambda: storage.objects_delete(names))
    return len(names)


@transaction.atomic
def recording_terminate(*, upload: UploadState) -> None:
    """tus termination: the upload stops counting and its chunks are removed."""
    upload_usable(upload)
    if upload.status in FINISHED:
        raise UploadForbidden(_("A completed recording cannot be deleted."))
    claimed = Recording.objects.filter(pk=upload.id, status=upload.status).update(
        status=RecordingStatus.TERMINATED, is_current=False
    )
    if not claimed:
        raise OffsetConflict(_("The upload changed meanwhile; try again."))
    removed = _drop_chunks([upload.id])
    audit_record(
        actor="candidate", action="recording.terminate", object_type="interviews.recording",
        object_id=str(upload.id), detail={"chunks": removed},
    )  # fmt: skip


@transaction.atomic
def uploads_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Expired unfinished uploads fail (their answers are settled); dead chunks are removed."""
    now = now or timezone.now()
    expired = Recording.objects.filter(status=RecordingStatus.UPLOADING, expires_at__lte=now)
    answer_ids = set(expired.values_list("answer_id", flat=True))
    expired_ids = list(expired.values_list("pk", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The upload was not finished before it expired.")
    # Conditioned again: a PATCH that completed the upload meanwhile (PostgreSQL reads
    # committed rows between the two statements) must not be turned into a failure.
    failed = Recording.objects.filter(
        pk__in=expired_ids, status=RecordingStatus.UPLOADING, expires_at__lte=now
    ).update(status=RecordingStatus.FAILED, error=reason)
    # A FAILED recording was never playable: its chunks are all anyone can look at, so
    # they stay for FAILED_UPLOAD_KEEP_DAYS after the upload expired (review M7).
    failed_until = now - timedelta(days=settings.FAILED_UPLOAD_KEEP_DAYS)
    dead = Recording.objects.filter(
        Q(status=RecordingStatus.TERMINATED)
        | Q(status=RecordingStatus.FAILED, expires_at__lte=failed_until)
        | Q(status=RecordingStatus.VERIFIED)
    ).filter(chunks__isnull=False)  # fmt: skip
    removed = _drop_chunks(list(dead.values_list("pk", flat=True).distinct()))
    if answer_ids:
        transaction.on_commit(lambda: _settle_later(answer_ids))
    return {"expired": failed, "chunks_removed": removed}


def recordings_discarded_delete(*, answer_id: int | None = None) -> int:
    """Delete what is stored of takes the candidate discarded for a retake (review L7):
    verified files and the chunks of failed ones. Runs after the retake's commit and in
    the maintenance, which also catches a take verified after it was discarded."""
    discarded = Recording.objects.filter(
        is_current=False, status__in=[RecordingStatus.VERIFIED, RecordingStatus.FAILED]
    )
    if answer_id is not None:
        discarded = discarded.filter(answer_id=answer_id)
    return sum(_discarded_delete(r) for r in discarded.select_related("session"))


@transaction.atomic
def _discarded_delete(recording: Recording) -> int:
    """TERMINATED by a conditional UPDATE (a row changed meanwhile is left for the next
    run); its objects are deleted only after that commits."""
    won = Recording.objects.filter(
        pk=recording.pk, is_current=False, status=recording.status,
        storage_path=recording.storage_path,
    ).update(status=RecordingStatus.TERMINATED, storage_path="",
             media_info={**recording.media_info, "discarded": True})  # fmt: skip
    if not won:
        return 0
    names = [recording.storage_path] if recording.storage_path else []
    transaction.on_commit(lambda: storage.objects_delete(names))
    _drop_chunks([recording.pk])
    audit_record(
        actor="system", action="recording.discard", obj=recording,
        org_unit_id=recording.session.org_unit_id, detail={"status": recording.status},
    )  # fmt: skip
    return 1


def _settle_later(answer_ids: set[int]) -> None:
    from mianshi.interviews.services.verification import answer_settle

    for answer in Answer.objects.filter(pk__in=answer_ids):
        answer_settle(answer=answer)


# --- playback --------------------------------------------------------------------------

SUFFIXES = {"video/webm": ".webm", "audio/webm": ".webm", "video/mp4": ".mp4", "audio/mp4": ".m4a"}


@contextmanager
def recording_open(*, recording: Recording) -> Iterator[Path]:
    """A decrypted temporary copy of the recording, deleted when the block ends."""
    suffix = SUFFIXES.get(recording.content_type, ".bin")
    with tempfile.NamedTemporaryFile(prefix="mianshi-rec-", suffix=suffix) as plain:
        if recording.status == RecordingStatus.VERIFIED and recording.storage_path:
            storage.unseal_to(recording.pk, recording.storage_path, plain)
        elif recording.chunks.exists():
            from mianshi.interviews.services.verification import assemble

            assemble(recording, plain)
        else:
            raise RecordingUnavailable(_("This recording is not available."))
        plain.flush()
        yield Path(plain.name)
