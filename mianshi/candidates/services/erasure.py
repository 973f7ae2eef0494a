"""Erasure of a candidate (F-105, PIPL; review M5): the rows AND every stored object.

A plain delete of a candidate with interviews is refused (services.candidates): it would
destroy ratings and decisions F-101 keeps, and the FK cascade never reaches storage, so the
encrypted video, voice and face data would stay behind, unreferenced, for good. Erasure is
the deliberate path: an HR admin over the owner unit and every unit the candidate applied
to, with a reason, audited with ids and counts only. The objects go after commit (a rolled
back erasure must leave the media playable); a failed delete is logged and retried by
nothing else, so the sweep also lists each app's prefixes, which catches the objects of a
remux or a PATCH that died before its row was written.

Layering: what the apps above candidates store (interviews: recordings, chunks, answer
files) is found through the registry in `common.erasure`, never by importing them.

The reason is kept in the audit event, because an erasure nobody can account for is not
accountable; it is therefore capped at the audit's 80 characters for a text value, and the
form says it must hold no personal data (a request's reference, not the requester's name).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.roles import Cap, Role
from mianshi.candidates.models import Candidate
from mianshi.common.erasure import holdings_of
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.organisations.scoping import units_for

logger = logging.getLogger(__name__)
REASON_MAX = 80  # the longest text value an audit event's detail holds


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure removes: row ids for the audit, object names and prefixes for storage."""

    application_ids: list[int]
    ids: dict[str, list[int]]
    objects: list[str]
    prefixes: list[str]


def require_erase(actor: SystemActor, candidate: Candidate) -> None:
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


def offers_erasure(user: Actor, candidate: Candidate) -> bool:
    """Whether to offer `user` the erasure of `candidate` (HR admin over the owner unit;
    require_erase checks the applications' units when it is done). No query of its own."""
    units = units_for(user, Cap.CANDIDATES_MANAGE, roles={Role.HR_ADMIN})
    return candidate.org_unit_id in units


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the erasure (e.g. the request).")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("The reason has at most %(max)d characters.") % {"max": REASON_MAX}}
        )
    return reason


def erasure_plan(candidate: Candidate) -> ErasurePlan:
    """Every row id and stored object name of the candidate, from every registered app."""
    holdings = holdings_of(candidate.pk)
    names = {name for h in holdings for name in h.objects}
    names |= {candidate.resume_path} if candidate.resume_path else set()
    return ErasurePlan(
        application_ids=list(candidate.applications.values_list("pk", flat=True)),
        ids={label: ids for h in holdings for label, ids in h.ids.items()},
        objects=sorted(names),
        prefixes=sorted({p for h in holdings for p in h.prefixes}),
    )


@transaction.atomic
def candidate_erase(*, actor: SystemActor, candidate: Candidate, reason: str) -> ErasurePlan:
    """Delete the candidate with every application, interview, rating and decision, and,
    once that commits, every stored object of theirs. Audited with ids and counts only."""
    reason = _clean_reason(reason)
    require_erase(actor, candidate)
    plan = erasure_plan(candidate)
    audit_record(
        actor=actor, action="candidate.erase", obj=candidate,
        detail={
            "reason": reason, "applications": plan.application_ids, **plan.ids,
            "objects": len(plan.objects),
        },
    )  # fmt: skip
    event_emit(
        type="candidate.erased", data={"candidate_id": candidate.pk},
        org_unit_id=candidate.org_unit_id,
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
    """Delete the plan's objects and whatever else lies under its prefixes; a missing object
    is no error (a retry). Returns how many were deleted."""
    names = set(plan.objects)
    for prefix in plan.prefixes:
        names.update(_under(prefix))
    deleted = 0
    for name in sorted(names):
        try:
            default_storage.delete(name)
            deleted += 1
        except OSError:
            logger.warning("could not delete stored object %s", name)
    return deleted
