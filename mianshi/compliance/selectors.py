"""Audit trail reads for auditors, scoped to the units their grants cover (F-100)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.compliance.models import AuditEvent
from mianshi.organisations.scoping import scope
from mianshi.organisations.selectors import audits_root


def event_visible(*, user: Actor) -> QuerySet[AuditEvent]:
    """Events in the auditor's subtree; root auditors also see events without a unit."""
    qs = AuditEvent.objects.select_related("actor")
    if audits_root(user):
        return qs.all()
    return scope(qs, user, Cap.AUDIT_VIEW, field="org_unit_id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_list(
    *,
    user: Actor,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Visible events, newest first; `action` and `object_type` match as prefixes."""
    qs = event_visible(user=user)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type__startswith=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_label=actor)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return qs.order_by("-id")


def event_get(*, user: Actor, pk: int) -> AuditEvent:
    """One visible event, else 404."""
    return get_object_or_404(event_visible(user=user), pk=pk)
