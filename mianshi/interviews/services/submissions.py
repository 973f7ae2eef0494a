"""Answers given in the page instead of on camera (F-48): written text, chosen options and
uploaded files. Each completes its answer and moves on to the next question; a repeated
submission of the same content (a retry after a lost response) changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.candidates.services.resumes import detect_kind
from mianshi.common.crypto import encrypt_bytes, encrypt_str
from mianshi.compliance.services import audit_record
from mianshi.interviews.errors import OutOfOrder, TooLarge, Unacceptable, UnsupportedType
from mianshi.interviews.flow import FILE_GRACE_MS, GRACE_MS, QuestionSpec, answer_time_over, spec_of
from mianshi.interviews.models import Answer, AnswerStatus, InterviewSession, Phase
from mianshi.interviews.services.answer_steps import (
    advance,
    is_past,
    locked_answer,
    require_current,
    require_type,
)
from mianshi.interviews.services.sessions import ACTOR
from mianshi.jobs.models import AnswerType

logger = logging.getLogger(__name__)

TEXT_MAX = 20_000


def answer_file_max_bytes() -> int:
    return settings.INTERVIEW_FILE_MAX_BYTES


def _require_answering(session: InterviewSession, spec: QuestionSpec, grace_ms: int) -> None:
    if session.phase != Phase.ANSWER:
        raise OutOfOrder(_("Please start the question first."), code="not_started")
    if answer_time_over(session, spec, timezone.now(), grace_ms):
        raise OutOfOrder(_("The time for this question is over."), code="time_over")


def _complete(session: InterviewSession, answer: Answer, fields: list[str]) -> Answer:
    answer.status = AnswerStatus.COMPLETE
    answer.attempt = 1
    answer.finished_at = timezone.now()
    answer.save(update_fields=[*fields, "status", "attempt", "finished_at"])
    advance(session)
    audit_record(
        actor=ACTOR,
        action="answer.submit",
        obj=answer,
        org_unit_id=session.org_unit_id,
        changed_fields=fields,
        detail={"position": answer.position, "type": answer.answer_type},
    )
    return answer


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        raise Unacceptable(_("Please write your answer before sending it."), code="empty")
    if len(text) > TEXT_MAX:
        raise Unacceptable(
            _("Your answer is too long: at most %(n)s characters.") % {"n": TEXT_MAX},
            code="too_long",
        )
    return text


@transaction.atomic
def answer_text_submit(*, session: InterviewSession, position: int, text: str) -> Answer:
    """Store a written answer (at most 20,000 characters) and go on."""
    session, answer = locked_answer(session, position)
    cleaned = _clean_text(text)
    if is_past(session, answer) and answer.text == cleaned:
        return answer
    require_current(session, answer)
    spec = spec_of(answer)
    require_type(spec, AnswerType.TEXT)
    _require_answering(session, spec, GRACE_MS)
    answer.text = cleaned
    return _complete(session, answer, ["text"])


def _clean_keys(spec: QuestionSpec, keys: Sequence[str]) -> list[str]:
    """The chosen keys in the question's own order; one or more, each offered, none twice."""
    if not spec.choices:
        raise Unacceptable(_("This question offers no options."), code="no_choices")
    if not keys:
        raise Unacceptable(_("Please choose at least one option."), code="empty")
    if len(set(keys)) != len(keys):
        raise Unacceptable(_("An option is chosen twice."), code="duplicate_choice")
    unknown = set(keys) - set(spec.choice_keys)
    if unknown:
        raise Unacceptable(_("Please choose among the options shown."), code="unknown_choice")
    return [k for k in spec.choice_keys if k in set(keys)]


@transaction.atomic
def answer_choice_submit(
    *, session: InterviewSession, position: int, keys: Sequence[str]
) -> Answer:
    """Store the chosen option keys and go on."""
    session, answer = locked_answer(session, position)
    spec = spec_of(answer)
    if is_past(session, answer) and answer.choice == _clean_keys(spec, keys):
        return answer
    require_current(session, answer)
    require_type(spec, AnswerType.CHOICE)
    _require_answering(session, spec, GRACE_MS)
    answer.choice = _clean_keys(spec, keys)
    return _complete(session, answer, ["choice"])


# --- files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", FileKind("image/png", "png")),
    (b"\xff\xd8\xff", FileKind("image/jpeg", "jpg")),
)


def detect_file_kind(data: bytes) -> FileKind | None:
    """Documents (PDF, Word, RTF, text) and photos (PNG, JPEG, WebP), judged by content."""
    for magic, kind in _IMAGES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileKind("image/webp", "webp")
    doc = detect_kind(data)
    return FileKind(doc.content_type, doc.extension) if doc else None


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        _("The file is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024}, code="too_large"
    )


def read_answer_file(upload: IO[bytes], *, size: int | None) -> tuple[bytes, FileKind]:
    """The file's bytes and kind, or a refusal (too large, empty, not a document/photo)."""
    limit = answer_file_max_bytes()
    if size is not None and size > limit:
        raise _too_large(limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise Unacceptable(_("The file is empty."), code="empty")
    kind = detect_file_kind(data)
    if kind is None:
        raise UnsupportedType(
            _(
                "Please upload a PDF, Word (DOC/DOCX), RTF or text document, "
                "or a PNG, JPEG or WebP photo."
            )
        )
    return data, kind


def file_context(answer_id: int) -> str:
    """Associated data binding a stored answer file to its answer."""
    return f"interviews.answer_file:{answer_id}"


def _store(answer: Answer, data: bytes) -> str:
    sealed = encrypt_bytes(data, context=file_context(answer.pk))
    return default_storage.save(f"answer-files/{uuid.uuid4().hex}.enc", ContentFile(sealed))


@transaction.atomic
def answer_file_submit(
    *, session: InterviewSession, position: int, upload: IO[bytes], filename: str, size: int | None
) -> Answer:
    """Check, encrypt and store an uploaded file as the answer, then go on."""
    session, answer = locked_answer(session, position)
    require_current(session, answer)
    spec = spec_of(answer)
    require_type(spec, AnswerType.FILE)
    _require_answering(session, spec, FILE_GRACE_MS)
    data, kind = read_answer_file(upload, size=size)
    stem = (filename or "file").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0][:100]
    path = _store(answer, data)
    answer.file_path = path
    answer.file_name_enc = encrypt_str(
        f"{stem or 'file'}.{kind.extension}", context=f"interviews.answer_file_name:{answer.pk}"
    )
    answer.file_content_type = kind.content_type
    answer.file_size = len(data)
    try:
        return _complete(
            session, answer, ["file_path", "file_name_enc", "file_content_type", "file_size"]
        )
    except Exception:
        default_storage.delete(path)  # the row did not take it: the file must not linger
        raise
