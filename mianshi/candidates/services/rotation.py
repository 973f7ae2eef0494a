"""Key rotation: re-encrypt every identifier and résumé with the newest key, and the run
over every registered sealed kind (`mianshi.common.sealed`) that the command starts.

Rows already on the newest key are skipped by an indexed-prefix filter, so the run is
idempotent and can be interrupted and restarted; each batch commits on its own so a huge
archive never holds one long transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from mianshi.candidates.models import ENC_CONTEXT, Candidate
from mianshi.candidates.services.resumes import delete_stored_file, file_context, store_encrypted
from mianshi.common.crypto import (
    blind_index,
    current_key_id,
    decrypt_bytes,
    decrypt_str,
    encrypt_str,
)
from mianshi.common.sealed import RotationRun, sealed_rotate
from mianshi.compliance.services import audit_record

BIDX = {"id_number_enc": "id_number", "phone_enc": "phone", "email_enc": "email"}


@dataclass
class RotationReport:
    """What a rotation run changed."""

    key_id: str
    rows: int = 0
    files: int = 0


def stale_candidates(kid: str) -> Q:
    """Candidates holding a value or a résumé not sealed under key `kid`."""
    prefix = f"v1:{kid}:"
    rule = Q()
    for field in ENC_CONTEXT:
        rule |= ~Q(**{field: ""}) & ~Q(**{f"{field}__startswith": prefix})
    return rule | (~Q(resume_path="") & ~Q(resume_key_id=kid))


def _reseal_fields(candidate: Candidate, *, reindex: bool) -> list[str]:
    kid, changed = current_key_id(), []
    for field, context in ENC_CONTEXT.items():
        token = getattr(candidate, field)
        if not token:
            continue
        plain = decrypt_str(token, context=context)
        if not token.startswith(f"v1:{kid}:"):
            setattr(candidate, field, encrypt_str(plain, context=context))
            changed.append(field)
        if reindex and field in BIDX:
            setattr(candidate, f"{BIDX[field]}_bidx", blind_index(plain, kind=BIDX[field]))
            changed.append(f"{BIDX[field]}_bidx")
    return changed


def _reseal_file(candidate: Candidate) -> str | None:
    """Store the résumé re-encrypted under a new name; returns the old path to delete."""
    if not candidate.resume_path or candidate.resume_key_id == current_key_id():
        return None
    with default_storage.open(candidate.resume_path, "rb") as stored:
        data = decrypt_bytes(stored.read(), context=file_context(candidate.pk))
    old = candidate.resume_path
    candidate.resume_path = store_encrypted(candidate.pk, data)
    candidate.resume_key_id = current_key_id()
    return old


def _batch(after: int, size: int, *, reindex: bool, report: RotationReport) -> int | None:
    """Rotate one batch of rows with pk > after; returns the last pk seen, None when done."""
    qs = Candidate.objects.filter(pk__gt=after).order_by("pk")
    if not reindex:
        qs = qs.filter(stale_candidates(report.key_id))
    with transaction.atomic():
        batch = list(qs.select_for_update()[:size])
        for candidate in batch:
            changed = _reseal_fields(candidate, reindex=reindex)
            old = _reseal_file(candidate)
            if old:
                changed += ["resume_path", "resume_key_id"]
                report.files += 1
                transaction.on_commit(partial(delete_stored_file, old))
            if changed:
                candidate.save(update_fields=sorted(set(changed)))
                report.rows += 1
    return batch[-1].pk if batch else None


def encryption_rotate(*, batch_size: int = 500, reindex: bool = False) -> RotationReport:
    """Re-encrypt all candidates' identifiers and résumés with the newest key (idempotent).

    With `reindex`, every blind index is also recomputed (after BLIND_INDEX_KEY changed).
    """
    report = RotationReport(key_id=current_key_id())
    last: int | None = 0
    while last is not None:
        last = _batch(last, batch_size, reindex=reindex, report=report)
    audit_record(
        actor=None,
        action="encryption.rotate",
        object_type="candidates.candidate",
        detail={"rows": report.rows, "files": report.files, "key": report.key_id},
    )
    return report


def encryption_rotate_all(*, batch_size: int = 500, reindex: bool = False) -> RotationRun:
    """Re-seal everything registered under the newest key (and with `reindex`, recompute
    the blind indexes first); audited with the counts of each kind."""
    if reindex:
        encryption_rotate(batch_size=batch_size, reindex=True)
    run = sealed_rotate(batch_size=batch_size)
    detail: dict[str, object] = {"key": run.key_id, "complete": run.complete}
    for kind in run.kinds:
        detail[f"{kind.name}.resealed"] = kind.resealed
        detail[f"{kind.name}.remaining"] = kind.remaining
    audit_record(actor=None, action="encryption.rotate_all", object_type="", detail=detail)
    return run
