"""Starting syncs: from an event (the trigger consumer), by a rule or a person ("sync this
application now"), and again after a failure (retry).

An event makes at most one sync per connector and kind (a unique row), so a consumer run
twice, or an event redelivered, sends nothing twice. The object must lie in the
connector's subtree: a connector of 上海 never sends 深圳's records.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.records import RecordMissing, record_build, record_unit
from mianshi.integrations.connectors.services.syncs import enqueue_send
from mianshi.organisations.scoping import require_cap, subtree_ids

S = SyncStatus


def sync_request(
    *, connector: Connector, kind: str, object_id: int, event_id: int | None = None
) -> Sync | None:
    """A pending sync of `object_id` to `connector` (None if this event already made one);
    its sender is queued after commit."""
    now = timezone.now()
    try:
        with transaction.atomic():
            sync = Sync.objects.create(
                connector=connector, kind=kind, object_id=object_id, event_id=event_id,
                next_attempt_at=now,
            )  # fmt: skip
    except IntegrityError:
        return None
    enqueue_send(sync.pk)
    return sync


def connector_sync_now(*, actor: SystemActor, connector_id: int, kind: str, object_id: int) -> Sync:
    """Send `object_id` through connector `connector_id` now (a transition rule or a person).
    The connector must be enabled and able to send `kind`; the object must be in its subtree."""
    connector = Connector.objects.filter(pk=connector_id).first()
    if connector is None:
        raise Http404
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    if not connector.enabled:
        raise Conflict(_("The connector is switched off."), code="connector_disabled")
    _check_object(connector, kind, object_id)
    with transaction.atomic():
        sync = sync_request(connector=connector, kind=kind, object_id=object_id)
        assert sync is not None  # no event: nothing to collide with
        audit_record(
            actor=actor, action="connector.sync_request", obj=connector,
            detail={"sync": sync.pk, "kind": kind, "object": object_id},
        )  # fmt: skip
    return sync


def _check_object(connector: Connector, kind: str, object_id: int) -> None:
    if (
        not any(t.get("kind") == kind for t in connector.triggers)
        and not connector.templates.filter(kind=kind).exists()
    ):
        raise ValidationError(
            {"kind": [_("The connector has no template for this kind of record.")]}
        )
    try:
        unit = record_unit(record_build(kind=kind, object_id=object_id))
    except RecordMissing:
        raise ValidationError({"object_id": [_("No such record.")]}) from None
    if unit not in subtree_ids(connector.org_unit_id):
        raise ValidationError({"object_id": [_("No such record.")]})


def sync_retry(*, actor: Actor, sync: Sync) -> Sync:
    """Send a failed or stuck sync again now (after the person fixed the cause)."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, sync.connector.org_unit_id)
    now = timezone.now()
    with transaction.atomic():
        done = Sync.objects.filter(
            pk=sync.pk, status__in=[S.FAILED, S.NEEDS_ATTENTION, S.PENDING]
        ).update(status=S.PENDING, next_attempt_at=now, attempts=0)
        if done != 1:
            raise Conflict(_("This sync is running or already succeeded."), code="not_retryable")
        audit_record(
            actor=actor, action="connector.sync_retry", obj=sync.connector, detail={"sync": sync.pk}
        )
        enqueue_send(sync.pk)
    sync.refresh_from_db()
    return sync
