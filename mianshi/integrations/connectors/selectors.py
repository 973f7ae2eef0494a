"""Reads of connectors, their templates and syncs, always through INTEGRATIONS_MANAGE scoping:
a connector of another branch answers 404 like one that does not exist."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.integrations.connectors.models import (
    Connector,
    MappingTemplate,
    Sync,
    SyncStatus,
    WebhookRefusal,
)
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import scope, units_for
from mianshi.organisations.selectors import orgunit_resolve

S = SyncStatus
ATTENTION = (S.NEEDS_ATTENTION, S.FAILED)


def connector_list(*, user: Actor) -> QuerySet[Connector]:
    """The connectors of units where `user` manages integrations."""
    return scope(Connector.objects.select_related("org_unit"), user, Cap.INTEGRATIONS_MANAGE)


def unit_for_connectors(*, user: Actor, pk: int) -> OrgUnit:
    """A unit where `user` manages integrations; 404 for any other (no leak)."""
    return orgunit_resolve(user=user, pk=pk, cap=Cap.INTEGRATIONS_MANAGE)


def connector_get(*, user: Actor, pk: int) -> Connector:
    return get_object_or_404(connector_list(user=user), pk=pk)


def template_versions(*, connector: Connector, kind: str = "") -> QuerySet[MappingTemplate]:
    """Every version, newest first (the first of a kind is the one in force)."""
    qs = connector.templates.select_related("created_by").order_by("kind", "-version")
    return qs.filter(kind=kind) if kind else qs


def sync_list(*, user: Actor, connector_id: int | None = None, status: str = "") -> QuerySet[Sync]:
    """Syncs of the connectors `user` may manage, newest first."""
    qs = scope(
        Sync.objects.select_related("connector"),
        user,
        Cap.INTEGRATIONS_MANAGE,
        field="connector__org_unit",
    )
    if connector_id is not None:
        qs = qs.filter(connector_id=connector_id)
    return qs.filter(status=status) if status else qs


def sync_get(*, user: Actor, pk: int) -> Sync:
    return get_object_or_404(sync_list(user=user), pk=pk)


@dataclass
class ConnectorHealth:
    """How one connector is doing: the health page's row."""

    connector: Connector
    last_success_at: datetime | None
    pending: int
    failing: int  # needs attention or given up
    attention: list[Sync] = field(default_factory=list)
    refusals: WebhookRefusal | None = None  # its inbound webhooks refused, if any

    @property
    def needs_attention(self) -> bool:
        refused = self.refusals is not None and self.refusals.unresolved
        return self.failing > 0 or refused or bool((self.last_pull or {}).get("error"))

    @property
    def last_pull(self) -> dict[str, Any] | None:
        """How the last scheduled pull went ({"at", "records", "error"}), if it pulls."""
        if not self.connector.schedule_minutes:
            return None
        found = self.connector.state.get("last_pull")
        return found if isinstance(found, dict) else None


def connector_health(*, user: Actor, rows: int = 5) -> list[ConnectorHealth]:
    """Per connector in scope: last success, pending, failing, and the latest failing rows
    with their error."""
    qs = connector_list(user=user).annotate(
        last_ok=Max("syncs__succeeded_at"),
        pending=Count("syncs", filter=Q(syncs__status__in=[S.PENDING, S.RUNNING])),
        failing=Count("syncs", filter=Q(syncs__status__in=ATTENTION)),
    )
    out = [ConnectorHealth(c, c.last_ok, c.pending, c.failing) for c in qs]  # type: ignore[attr-defined]
    refused = WebhookRefusal.objects.filter(connector__in=[row.connector for row in out])
    by_connector = {r.connector_id: r for r in refused}
    for row in out:
        row.refusals = by_connector.get(row.connector.pk)
        if row.failing:
            row.attention = list(
                row.connector.syncs.filter(status__in=ATTENTION).order_by("-updated_at")[:rows]
            )
    return out


def webhook_refusals_unbound(*, user: Actor) -> WebhookRefusal | None:
    """Webhooks refused for no known binding: they belong to no unit, so only someone who
    manages integrations from a root unit (the whole organisation) sees them."""
    units = units_for(user, Cap.INTEGRATIONS_MANAGE)
    if not units or not OrgUnit.objects.filter(pk__in=units, parent__isnull=True).exists():
        return None
    return WebhookRefusal.objects.filter(key=WebhookRefusal.UNBOUND).first()


def webhook_health(*, user: Actor) -> list[Any]:
    """The webhook endpoints' health rows (the webhooks app's own selector), if installed."""
    try:
        module = importlib.import_module("mianshi.integrations.webhooks.selectors")
    except ImportError:
        return []
    reader = getattr(module, "endpoint_health", None)
    return list(reader(user=user)) if callable(reader) else []
