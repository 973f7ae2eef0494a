"""HR access to a candidate's recordings and answer files: decrypted on demand, audited.

Watching or downloading a recording is a view of personal data (F-100, F-105): every
opening is in the audit trail with ids only. Range requests of a player that seeks are one
viewing, so only the request that starts at byte 0 is recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction

from mianshi.common.crypto import DecryptionError, decrypt_bytes, decrypt_str
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import Answer, Recording
from mianshi.interviews.services.recordings import recording_open
from mianshi.interviews.services.submissions import file_context

EXTENSIONS = {"video/webm": "webm", "audio/webm": "webm", "video/mp4": "mp4", "audio/mp4": "m4a"}


@dataclass
class OpenedMedia:
    """A readable, already decrypted recording; the caller closes `handle`."""

    handle: IO[bytes]
    size: int
    content_type: str
    filename: str


def _media_type(recording: Recording) -> str:
    return (recording.content_type or "application/octet-stream").split(";")[0].strip()


def recording_filename(recording: Recording) -> str:
    """A download name without personal data: question, attempt and segment."""
    ext = EXTENSIONS.get(_media_type(recording), "bin")
    return f"answer-{recording.answer.position}-a{recording.attempt}-s{recording.segment}.{ext}"


@transaction.atomic
def recording_media_open(
    *, actor: Any, recording: Recording, download: bool = False, audit: bool = True
) -> OpenedMedia:
    """Decrypt `recording` for HR playback or download; audited unless `audit` is False."""
    if audit:
        audit_record(
            actor=actor,
            action="recording.download" if download else "recording.view",
            obj=recording,
            org_unit_id=recording.session.org_unit_id,
            detail={"answer": recording.answer_id, "attempt": recording.attempt},
        )
    with recording_open(recording=recording) as path:
        # The temporary copy is unlinked when the block ends; the open handle stays readable.
        handle = open(path, "rb")  # noqa: SIM115 - closed by the response that streams it
    size = os.fstat(handle.fileno()).st_size
    return OpenedMedia(handle, size, _media_type(recording), recording_filename(recording))


def _file_name(answer: Answer) -> str:
    # The name is a convenience: a name that no longer decrypts must not block the file.
    try:
        context = f"interviews.answer_file_name:{answer.pk}"
        return decrypt_str(answer.file_name_enc, context=context) or "file"
    except DecryptionError:
        return "file"


@transaction.atomic
def answer_file_download(*, actor: Any, answer: Answer) -> tuple[bytes, str, str]:
    """The decrypted file a candidate uploaded as an answer: (bytes, name, content type)."""
    audit_record(
        actor=actor,
        action="answer_file.download",
        obj=answer,
        org_unit_id=answer.session.org_unit_id,
        detail={"position": answer.position},
    )
    with default_storage.open(answer.file_path, "rb") as stored:
        data = decrypt_bytes(stored.read(), context=file_context(answer.pk))
    return data, _file_name(answer), answer.file_content_type or "application/octet-stream"
