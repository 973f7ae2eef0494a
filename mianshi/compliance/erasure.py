"""Erasure of a candidate (F-105, PIPL; review M5): the rows AND every stored object.

A plain delete of a candidate with interviews is refused (candidates.services): it would
destroy ratings and decisions F-101 keeps, and the FK cascade never reaches storage, so the
encrypted video, voice and face data would stay behind, unreferenced, for good. Erasure is
the deliberate path: an HR admin over the owner unit and every unit the candidate applied
to, with a reason, audited with ids and counts only. The objects go after commit (a rolled
back erasure must leave the media playable); a failed delete is logged and retried by
nothing else, so the sweep also lists the recording and chunk prefixes, which catches the
objects of a remux or a PATCH that died before its row was written.

Layering: compliance sits below candidates and interviews, and this module reads their
models and the recording storage layout. It is the one upward reach of compliance, listed
here with its reason: erasure must know every place personal data is kept, and the
architecture makes compliance the home of deletion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.roles import Cap, Role
from mianshi.compliance.services import audit_record
from mianshi.organisations.scoping import units_for

logger = logging.getLogger(__name__)
REASON_MAX = 500


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure removes: row ids for the audit, object names for storage."""

    application_ids: list[int]
    session_ids: list[int]
    recording_ids: list[str]
    objects: list[str]


def require_erase(actor: Any, candidate: Any) -> None:
    """Refuse (403) unless `actor` is an HR admin over the owner unit and every unit the
    candidate applied to (erasure destroys their evidence too); None is trusted system code."""
    if actor is None:
        return
    units = units_for(actor, Cap.CANDIDATES_MANAGE, roles={Role.HR_ADMIN})
    needed = {candidate.org_unit_id, *candidate.applications.values_list("org_unit_id", flat=True)}
    if not needed <= units:
        raise PermissionDenied(
            _("Only an HR admin over every unit this candidate belongs or applied to may erase it.")
        )


def offers_erasure(user: Any, candidate: Any) -> bool:
    """Whether to offer `user` the erasure of `candidate` (HR admin over the owner unit;
    require_erase checks the applications' units when it is done). No query of its own."""
    units = units_for(user, Cap.CANDIDATES_MANAGE, roles={Role.HR_ADMIN})
    return candidate.org_unit_id in units


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the erasure (e.g. the request).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    return reason


def erasure_plan(candidate: Any) -> ErasurePlan:
    """Every row id and stored object name of the candidate's interviews and résumé."""
    from mianshi.interviews.models import Answer, Chunk, InterviewSession, Recording

    sessions = InterviewSession.objects.filter(application__candidate=candidate)
    recordings = Recording.objects.filter(session__in=sessions)
    names = list(recordings.exclude(storage_path="").values_list("storage_path", flat=True))
    names += Chunk.objects.filter(recording__in=recordings).values_list("storage_name", flat=True)
    answers = Answer.objects.filter(session__in=sessions).exclude(file_path="")
    names += answers.values_list("file_path", flat=True)
    names += [candidate.resume_path] if candidate.resume_path else []
    return ErasurePlan(
        application_ids=list(candidate.applications.values_list("pk", flat=True)),
        session_ids=list(sessions.values_list("pk", flat=True)),
        recording_ids=[str(pk) for pk in recordings.values_list("pk", flat=True)],
        objects=sorted(set(names)),
    )


@transaction.atomic
def candidate_erase(*, actor: Any, candidate: Any, reason: str) -> ErasurePlan:
    """Delete the candidate with every application, interview, rating and decision, and,
    once that commits, every stored object of theirs. Audited with ids only."""
    reason = _clean_reason(reason)
    require_erase(actor, candidate)
    plan = erasure_plan(candidate)
    audit_record(
        actor=actor, action="candidate.erase", obj=candidate,
        detail={
            "reason": reason, "applications": plan.application_ids,
            "sessions": plan.session_ids, "objects": len(plan.objects),
        },
    )  # fmt: skip
    candidate.delete()
    transaction.on_commit(lambda: objects_erase(plan))
    return plan


def _under(prefix: str) -> list[str]:
    """Every object name below `prefix` (a missing folder holds none)."""
    try:
        dirs, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [f"{prefix}{name}" for name in files]
    for sub in dirs:
        found += _under(f"{prefix}{sub}/")
    return found


def objects_erase(plan: ErasurePlan) -> int:
    """Delete the plan's objects and whatever else lies under its recording and chunk
    prefixes; a missing object is no error (a retry). Returns how many were deleted."""
    from mianshi.interviews.services.storage import CHUNK_PREFIX, RECORDING_PREFIX, objects_delete

    names = set(plan.objects)
    for session_id in plan.session_ids:
        names.update(_under(f"{RECORDING_PREFIX}/{session_id}/"))
    for recording_id in plan.recording_ids:
        names.update(_under(f"{CHUNK_PREFIX}/{recording_id}/"))
    return objects_delete(sorted(names))
