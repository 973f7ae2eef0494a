"""HR access to a candidate's recordings and answer files: decrypted on demand, audited.

Watching or downloading a recording is a view of personal data (F-100, F-105): every
opening is in the audit trail with ids only. A player that seeks sends many Range requests,
whatever their header looks like, so one user's requests for one recording within
VIEWING_WINDOW are one viewing, audited once; an explicit download is audited every time.
The audit event commits before anything is decrypted, and playback then decrypts only the
sealed blocks a range covers, outside any transaction (review M12: decrypting a whole
recording inside the audit transaction held the audit chain's lock for its duration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction

from mianshi.accounts.actor import Actor
from mianshi.common.crypto import DecryptionError, decrypt_bytes, decrypt_str
from mianshi.compliance.services import audit_last_detail, audit_record
from mianshi.interviews.models import Answer, Recording
from mianshi.interviews.services.storage import SealedRecording
from mianshi.interviews.services.submissions import file_context

EXTENSIONS = {"video/webm": "webm", "audio/webm": "webm", "video/mp4": "mp4", "audio/mp4": "m4a"}
# Long enough for a reviewer to watch, pause and seek through one answer.
VIEWING_WINDOW = timedelta(minutes=30)


@dataclass
class OpenedMedia:
    """A sealed recording opened for reading by range; the caller closes `sealed`."""

    sealed: SealedRecording
    size: int
    content_type: str
    filename: str


def _media_type(recording: Recording) -> str:
    return (recording.content_type or "application/octet-stream").split(";")[0].strip()


def recording_filename(recording: Recording) -> str:
    """A download name without personal data: question, attempt and segment."""
    ext = EXTENSIONS.get(_media_type(recording), "bin")
    return f"answer-{recording.answer.position}-a{recording.attempt}-s{recording.segment}.{ext}"


def _seen_recently(actor: Actor, recording: Recording, action: str) -> bool:
    last = audit_last_detail(
        actor=actor, action=action, object_type=recording._meta.label_lower,
        object_id=str(recording.pk), window=VIEWING_WINDOW,
    )  # fmt: skip
    return last is not None


@transaction.atomic
def recording_access_audit(*, actor: Actor, recording: Recording, action: str, every: bool) -> None:
    """Audit one access (`every`) or the first of a viewing; commits before any decryption."""
    # The row lock makes parallel range requests of one recording agree on "first".
    Recording.objects.select_for_update().filter(pk=recording.pk).values_list("pk").first()
    if not every and _seen_recently(actor, recording, action):
        return
    audit_record(
        actor=actor, action=action, obj=recording, org_unit_id=recording.session.org_unit_id,
        detail={"answer": recording.answer_id, "attempt": recording.attempt},
    )  # fmt: skip


def recording_media_open(
    *, actor: Actor, recording: Recording, download: bool = False, api: bool = False
) -> OpenedMedia:
    """Audit, then open `recording` for ranged playback (`download`: audited every time;
    `api`: an API client's download, audited once per viewing window like playback)."""
    action = "recording.download" if download or api else "recording.view"
    recording_access_audit(actor=actor, recording=recording, action=action, every=download)
    sealed = SealedRecording(recording.pk, recording.storage_path)
    return OpenedMedia(sealed, sealed.size, _media_type(recording), recording_filename(recording))


def _file_name(answer: Answer) -> str:
    # The name is a convenience: a name that no longer decrypts must not block the file.
    try:
        context = f"interviews.answer_file_name:{answer.pk}"
        return decrypt_str(answer.file_name_enc, context=context) or "file"
    except DecryptionError:
        return "file"


def answer_file_download(*, actor: Actor, answer: Answer) -> tuple[bytes, str, str]:
    """The decrypted file a candidate uploaded as an answer: (bytes, name, content type).
    The audit commits first; the file is read and decrypted outside any transaction."""
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
