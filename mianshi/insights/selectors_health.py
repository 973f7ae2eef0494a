"""The administrator's home: is the system delivering? The outbox's backlog and failures,
webhook deliveries retrying or given up, and each EHR connector's sync state.

The connector and endpoint figures are the integrations app's own health selectors (scoped
by INTEGRATIONS_MANAGE); the outbox is read here, counted per status for the events of the
units the user administers (ORG_MANAGE or INTEGRATIONS_MANAGE), plus the events of no unit
for an administrator of the whole organisation. Counts only: no event's data is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.events.models import Handling, HandlingStatus
from mianshi.integrations.connectors.selectors import ConnectorHealth, connector_health
from mianshi.integrations.webhooks.selectors import EndpointHealth, endpoint_health
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, units_for

H = HandlingStatus


@dataclass(frozen=True)
class Outbox:
    """The outbox in the user's units: work waiting, running, failed for good."""

    pending: int
    running: int
    failed: int
    oldest_due: datetime | None  # the longest-waiting handling: how far behind delivery is

    @property
    def late_minutes(self) -> int:
        if self.oldest_due is None:
            return 0
        return max(0, int((timezone.now() - self.oldest_due).total_seconds() // 60))


@dataclass
class Health:
    """What the administrator's home shows."""

    outbox: Outbox
    connectors: list[ConnectorHealth] = field(default_factory=list)
    endpoints: list[EndpointHealth] = field(default_factory=list)
    integrations: bool = False  # the user manages integrations (the links make sense)

    @property
    def connectors_attention(self) -> int:
        return sum(1 for c in self.connectors if c.needs_attention)

    @property
    def deliveries_failed(self) -> int:
        return sum(e.given_up + e.stopped for e in self.endpoints)

    @property
    def deliveries_retrying(self) -> int:
        return sum(e.retrying for e in self.endpoints)


def is_admin(user: Actor) -> bool:
    """Whether the user administers the system or its integrations somewhere."""
    return has_cap(user, Cap.ORG_MANAGE) or has_cap(user, Cap.INTEGRATIONS_MANAGE)


def _outbox_units(user: Actor) -> set[int | None]:
    """The units whose events the user's outbox counts; None, events of no unit, for an
    administrator of the whole organisation."""
    units = units_for(user, Cap.ORG_MANAGE) | units_for(user, Cap.INTEGRATIONS_MANAGE)
    whole = bool(units) and OrgUnit.objects.filter(pk__in=units, parent__isnull=True).exists()
    return {*units, None} if whole else set(units)


def outbox(*, user: Actor) -> Outbox:
    """Counts per status of the handlings not done, in the user's units.

    Grouped per status and unit over the (status, due_at) index, then kept to the user's
    units here: with the units in the query, SQLite's planner scans every handling, the
    done ones too (145 ms against 1 ms at 200,000 delivered events, bench/pages.py)."""
    units = _outbox_units(user)
    rows = (
        Handling.objects.filter(status__in=(H.PENDING, H.RUNNING, H.FAILED))
        .order_by()
        .values_list("status", "event__org_unit_id")
        .annotate(n=Count("pk"), due=Min("due_at"))
    )
    n: dict[str, int] = {H.PENDING: 0, H.RUNNING: 0, H.FAILED: 0}
    due: list[datetime] = []
    for status, unit, count, oldest in rows:
        if unit in units:
            n[status] += count
            due += [oldest] if status == H.PENDING else []
    return Outbox(n[H.PENDING], n[H.RUNNING], n[H.FAILED], min(due, default=None))


def system_health(*, user: Actor) -> Health:
    """The outbox, and the integrations' health where the user manages integrations."""
    health = Health(outbox=outbox(user=user))
    if has_cap(user, Cap.INTEGRATIONS_MANAGE):
        health.integrations = True
        health.connectors = connector_health(user=user, rows=0)
        health.endpoints = endpoint_health(user=user)
    return health
