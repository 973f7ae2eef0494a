"""Bulk actions on selected applications (F-25): all or nothing.

Every item is checked before anything is written; if one is out of scope or cannot make
the move, the whole action is refused with the list of offending items, and the single
surrounding transaction guarantees nothing half-done survives a later failure either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.candidates import blind
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.pipeline import Stage, can_move, label
from mianshi.candidates.services.applications import application_advance, application_assign
from mianshi.candidates.services.candidates import candidate_tag_add
from mianshi.common.errors import Conflict
from mianshi.common.spreadsheet import formula_safe
from mianshi.compliance.services import audit_record

MAX_ITEMS = 1000


class BulkRefused(Conflict):
    """At least one selected item cannot take the action; `failures` lists them all."""

    code = "bulk_refused"

    def __init__(self, failures: list[str]) -> None:
        message = _("Nothing was changed. %(n)d selected item(s) cannot take this action: ") % {
            "n": len(failures)
        }
        super().__init__(message + "; ".join(failures))
        self.failures = failures


def _ids(application_ids: Sequence[int]) -> list[int]:
    ids = sorted({int(i) for i in application_ids})
    if not ids:
        raise ValidationError({"application_ids": _("Select at least one application.")})
    if len(ids) > MAX_ITEMS:
        raise ValidationError({"application_ids": _("Select at most 1000 applications.")})
    return ids


def _load(qs: QuerySet[Application], application_ids: Sequence[int]) -> list[Application]:
    """The selected applications, locked; refuses when any is missing from `qs` (scope)."""
    ids = _ids(application_ids)
    found = {a.pk: a for a in qs.filter(pk__in=ids).select_for_update(of=("self",))}
    missing = [f"#{i}: " + _("not found or not permitted") for i in ids if i not in found]
    if missing:
        raise BulkRefused(missing)
    return [found[i] for i in ids]


def _manageable(actor: Actor) -> QuerySet[Application]:
    from mianshi.candidates.selectors import manageable_applications

    return manageable_applications(actor)


@transaction.atomic
def applications_bulk_advance(
    *, actor: Actor, application_ids: Sequence[int], to_stage: str, reason: str = ""
) -> int:
    """Move every selected application to `to_stage`, or none of them."""
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown pipeline stage.")})
    apps = _load(_manageable(actor), application_ids)
    failures = [
        f"#{a.pk}: "
        + _("cannot move from “%(from)s” to “%(to)s”")
        % {"from": label(a.stage), "to": label(to_stage)}
        for a in apps
        if not can_move(a.stage, to_stage)
    ]
    if failures:
        raise BulkRefused(failures)
    for application in apps:
        application_advance(actor=actor, application=application, to_stage=to_stage, reason=reason)
    return len(apps)


@transaction.atomic
def applications_bulk_tag(*, actor: Actor, application_ids: Sequence[int], tag: str) -> int:
    """Tag the candidates of every selected application."""
    apps = _load(_manageable(actor), application_ids)
    candidate_ids = {a.candidate_id for a in apps}
    for candidate in Candidate.objects.filter(pk__in=candidate_ids):
        candidate_tag_add(actor=actor, candidate=candidate, name=tag)
    return len(candidate_ids)


@transaction.atomic
def applications_bulk_assign(
    *, actor: Actor, application_ids: Sequence[int], interviewer: User
) -> int:
    """Assign one interviewer to every selected application, or to none."""
    from mianshi.candidates.selectors import interviewer_choices

    apps = _load(_manageable(actor), application_ids)
    failures = [
        f"#{a.pk}: " + _("the user is not an interviewer of this unit")
        for a in apps
        if not interviewer_choices(application=a).filter(pk=interviewer.pk).exists()
    ]
    if failures:
        raise BulkRefused(failures)
    for application in apps:
        application_assign(actor=actor, application=application, interviewer=interviewer)
    return len(apps)


EXPORT_HEADER = [
    "application",
    "candidate",
    "name",
    "phone",
    "email",
    "job",
    "unit",
    "stage",
    "overall_score",
    "applied_at",
]


def _cell(value: Any) -> str:
    """Exported text that never runs as a spreadsheet formula (CSV injection)."""
    return formula_safe("" if value is None else str(value))


@transaction.atomic
def applications_export(*, actor: Actor, application_ids: Sequence[int]) -> list[list[str]]:
    """CSV rows (header first) for visible applications; identifiers masked unless managed,
    the score blank for an application the actor rates (blind.py)."""
    from mianshi.candidates.selectors import identifiers_for, visible_applications

    qs = visible_applications(actor).select_related("candidate", "job", "org_unit")
    qs = qs.prefetch_related(blind.rater_assignments(actor))
    ids = _ids(application_ids)
    found = {a.pk: a for a in qs.filter(pk__in=ids)}
    missing = [f"#{i}: " + _("not found or not permitted") for i in ids if i not in found]
    if missing:
        raise BulkRefused(missing)
    rows = [EXPORT_HEADER]
    for a in (found[i] for i in ids):
        ident = identifiers_for(user=actor, candidate=a.candidate)
        rows.append(
            [
                _cell(v)
                for v in (
                    a.pk,
                    a.candidate_id,
                    a.candidate.name,
                    ident["phone"],
                    ident["email"],
                    a.job.title,
                    a.org_unit.name,
                    label(a.stage),
                    blind.shown_score(user=actor, application=a),
                    a.created_at.isoformat(),
                )
            ]
        )
    audit_record(
        actor=actor,
        action="application.export",
        object_type="candidates.application",
        detail={"count": len(ids)},
    )
    return rows


def applications_bulk_action(
    *,
    actor: Actor,
    action: str,
    application_ids: Sequence[int],
    to_stage: str | None = None,
    reason: str = "",
    tag: str = "",
    interviewer_id: int | None = None,
) -> int:
    """One entry point for the UI's and the API's bulk bar: move, tag or assign (inviting is
    the invitations app's, above this one: invitation_bulk_create_send)."""
    if action == "move":
        if not to_stage:
            raise ValidationError({"to_stage": _("Choose the stage to move to.")})
        return applications_bulk_advance(
            actor=actor, application_ids=application_ids, to_stage=to_stage, reason=reason
        )
    if action == "tag":
        if not tag.strip():
            raise ValidationError({"tag": _("Enter a tag.")})
        return applications_bulk_tag(actor=actor, application_ids=application_ids, tag=tag)
    if action == "assign":
        return applications_bulk_assign(
            actor=actor, application_ids=application_ids, interviewer=_interviewer(interviewer_id)
        )
    raise ValidationError({"action": _("Unknown bulk action.")})


def _interviewer(user_id: int | None) -> User:
    from mianshi.candidates.selectors import active_user

    user = active_user(pk=user_id)
    if user is None:
        raise ValidationError({"interviewer_id": _("Choose an interviewer.")})
    return user
