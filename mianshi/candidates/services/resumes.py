"""Résumé files: checked by content and size, stored encrypted through the storage API."""

from __future__ import annotations

import io
import logging
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.candidates.models import ENC_CONTEXT, Candidate
from mianshi.candidates.services.candidates import require_candidate_manage
from mianshi.common.crypto import current_key_id, decrypt_bytes, encrypt_bytes, encrypt_str
from mianshi.compliance.services import audit_record

logger = logging.getLogger(__name__)

OLE_HEADER = bytes.fromhex("D0CF11E0A1B11AE1")
# C0 controls except tab/newline/form feed/return, DEL and the C1 block: binary, not prose.
_TEXT_CONTROL = (set(range(32)) - {9, 10, 12, 13}) | set(range(0x7F, 0xA0))


@dataclass(frozen=True)
class ResumeKind:
    """A detected document type: MIME type and the extension files get on download."""

    content_type: str
    extension: str


PDF = ResumeKind("application/pdf", "pdf")
DOCX = ResumeKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
DOC = ResumeKind("application/msword", "doc")
RTF = ResumeKind("application/rtf", "rtf")
TXT = ResumeKind("text/plain; charset=utf-8", "txt")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _is_text(data: bytes) -> bool:
    # UTF-16 only with its byte-order mark: without one almost any even-length blob "decodes".
    utf16 = ("utf-16",) if data[:2] in {b"\xff\xfe", b"\xfe\xff"} else ()
    for encoding in ("utf-8-sig", *utf16, "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(ord(ch) in _TEXT_CONTROL for ch in text):
            return True
    return False


def detect_kind(data: bytes) -> ResumeKind | None:
    """The document type by content (never by the name or the browser's claim)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(data) else None
    if data.startswith(OLE_HEADER):
        return DOC
    if data.startswith(b"{\\rtf"):
        return RTF
    return TXT if _is_text(data) else None


def read_checked(upload: IO[bytes], *, size: int | None) -> tuple[bytes, ResumeKind]:
    """The upload's bytes and kind, or ValidationError (too large, empty, not a document)."""
    limit = settings.RESUME_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError({"resume": _too_large(limit)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"resume": _too_large(limit)})
    if not data:
        raise ValidationError({"resume": _("The file is empty.")})
    kind = detect_kind(data)
    if kind is None:
        raise ValidationError(
            {"resume": _("Upload a PDF, Word (DOC/DOCX), RTF or plain-text résumé.")}
        )
    return data, kind


def _too_large(limit: int) -> str:
    return _("The résumé is larger than %(mb).1f MB.") % {"mb": limit / 1024 / 1024}


def file_context(candidate_id: int) -> str:
    """Associated data binding a stored résumé to its candidate."""
    return f"candidate.resume:{candidate_id}"


def delete_stored_file(path: str) -> None:
    """Remove a stored file; a missing file is not an error (retries, manual cleanup)."""
    try:
        default_storage.delete(path)
    except OSError:
        logger.warning("could not delete stored résumé %s", path)


def store_encrypted(candidate_id: int, data: bytes) -> str:
    """Encrypt and save under a random name (the name carries no personal data)."""
    sealed = encrypt_bytes(data, context=file_context(candidate_id))
    return default_storage.save(f"resumes/{uuid.uuid4().hex}.enc", ContentFile(sealed))


@transaction.atomic
def candidate_resume_upload(
    *,
    actor: SystemActor,
    candidate: Candidate,
    upload: IO[bytes],
    filename: str,
    size: int | None = None,
) -> Candidate:
    """Check, encrypt and store a résumé, replacing any previous one."""
    require_candidate_manage(actor, candidate)
    data, kind = read_checked(upload, size=size)
    stem = (filename or "resume").rsplit("/", 1)[-1].rsplit(".", 1)[0][:100] or "resume"
    path = store_encrypted(candidate.pk, data)
    old = candidate.resume_path
    candidate.resume_path = path
    candidate.resume_name_enc = encrypt_str(
        f"{stem}.{kind.extension}", context=ENC_CONTEXT["resume_name_enc"]
    )
    candidate.resume_content_type = kind.content_type
    candidate.resume_size = len(data)
    candidate.resume_key_id = current_key_id()
    _save_or_discard(candidate, path)
    if old:
        transaction.on_commit(lambda: delete_stored_file(old))
    audit_record(
        actor=actor,
        action="candidate.resume_upload",
        obj=candidate,
        changed_fields=["resume"],
        detail={"bytes": len(data), "type": kind.extension},
    )
    return candidate


@transaction.atomic
def candidate_resume_delete(*, actor: SystemActor, candidate: Candidate) -> None:
    """Remove the résumé (a wrong file, or one the candidate withdrew); the stored file goes
    after commit, so a rolled-back delete leaves it in place."""
    require_candidate_manage(actor, candidate)
    old = candidate.resume_path
    if not old:
        return
    candidate.resume_path = candidate.resume_name_enc = candidate.resume_content_type = ""
    candidate.resume_size, candidate.resume_key_id = 0, ""
    candidate.save(
        update_fields=[
            "resume_path", "resume_name_enc", "resume_content_type", "resume_size",
            "resume_key_id", "updated_at",
        ]
    )  # fmt: skip
    transaction.on_commit(lambda: delete_stored_file(old))
    audit_record(
        actor=actor, action="candidate.resume_delete", obj=candidate, changed_fields=["resume"]
    )


def _save_or_discard(candidate: Candidate, path: str) -> None:
    """Save the row; if that fails the freshly stored file must not linger."""
    try:
        candidate.save(
            update_fields=[
                "resume_path",
                "resume_name_enc",
                "resume_content_type",
                "resume_size",
                "resume_key_id",
                "updated_at",
            ]
        )
    except Exception:
        delete_stored_file(path)
        raise


@transaction.atomic
def candidate_resume_download(
    *, actor: SystemActor, candidate: Candidate
) -> tuple[bytes, str, str]:
    """(plaintext, file name, content type) of the résumé; the access is audited."""
    if not candidate.resume_path:
        from django.http import Http404

        raise Http404(_("This candidate has no résumé."))
    with default_storage.open(candidate.resume_path, "rb") as stored:
        data = decrypt_bytes(stored.read(), context=file_context(candidate.pk))
    audit_record(
        actor=actor, action="candidate.resume_download", obj=candidate, detail={"bytes": len(data)}
    )
    return data, candidate.resume_name, candidate.resume_content_type
