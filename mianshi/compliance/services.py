"""Writing and verifying the audit trail (F-100): changes, and every read of personal data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mianshi.accounts.actor import Actor, AuditActor
from mianshi.accounts.models import User
from mianshi.common.requestid import current_request_id
from mianshi.compliance.models import AuditChainHead, AuditEvent

# Values in `detail` must never be personal data: keep them to ids, codes and counts.
_SAFE_DETAIL = (int, float, bool, type(None))

# A partial that htmx polls every few seconds (the live board, the analysis panel) would
# write ~700 events per viewer-hour at a 5 s poll. Such a read (`polled=True`) repeating the
# last one of the same user, action, object and ids within READ_WINDOW is the same viewing,
# as for recording playback, and is recorded once; other ids (a new row on the board) are a
# new event. Pages and API reads are each recorded: a user asked for them.
READ_WINDOW = timedelta(minutes=10)


def audit_record(
    *,
    actor: AuditActor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changed_fields: Iterable[str] = (),
    org_unit_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (call inside the service's transaction so both commit together)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        org_unit_id = org_unit_id or getattr(obj, "org_unit_id", None)
    real_actor = actor if isinstance(actor, User) else None
    event = AuditEvent(
        at=timezone.now(),
        actor=real_actor,
        actor_label=real_actor.get_username() if real_actor else str(actor or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        org_unit_id=org_unit_id,
        request_id=current_request_id(),
        changed_fields=sorted(set(changed_fields)),
        detail=_safe(detail or {}),
    )
    # No savepoint: inside a service's transaction, a failed append must fail it all (and
    # the two statements a savepoint costs are a fifth of a read's audit).
    with transaction.atomic(savepoint=False):
        head = _chain_head()
        event.prev_hash = head.last_hash
        event.hash = event_hash(event)
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=event.hash)
    return event


def _chain_head() -> AuditChainHead:
    # The row exists after the first event: lock it in one query, create it only once.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _safe_value(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= 80
    if isinstance(value, list):  # ids, e.g. the rows a list read returned
        return all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return isinstance(value, _SAFE_DETAIL)


def _safe(detail: dict[str, Any]) -> dict[str, Any]:
    for key, value in detail.items():
        if not _safe_value(value):
            raise ValueError(f"audit detail {key!r} must be a short code, a number or ids")
    return detail


def audit_read(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    ids: Iterable[int] | None = None,
    org_unit_id: int | None = None,
    detail: dict[str, Any] | None = None,
    polled: bool = False,
) -> AuditEvent | None:
    """Record that `actor` read personal data: one event per request, holding ids (a list
    read: the ids it returned), never values. None for a `polled` read repeated within
    READ_WINDOW."""
    facts = dict(detail or {})
    if ids is not None:
        facts["ids"] = [int(pk) for pk in ids]
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    if polled and _read_recently(actor, action, object_type, str(object_id), facts):
        return None
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        org_unit_id=org_unit_id,
        detail=facts,
    )


def _read_recently(actor: Actor, action: str, kind: str, pk: str, facts: dict[str, Any]) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return audit_last_detail(actor=actor, action=action, object_type=kind, object_id=pk,
                             window=READ_WINDOW) == facts  # fmt: skip


def audit_last_detail(
    *, actor: Actor, action: str, object_type: str, object_id: str, window: timedelta
) -> dict[str, Any] | None:
    """The detail of `actor`'s latest `action` on the object within `window` (None: there
    is none): how a repeated viewing is told from a new one."""
    return (
        AuditEvent.objects.filter(
            actor_id=actor.pk, action=action, object_type=object_type, object_id=object_id,
            at__gte=timezone.now() - window,
        )
        .order_by("-id")
        .values_list("detail", flat=True)
        .first()
    )  # fmt: skip


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's content and the previous hash."""
    payload = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "label": event.actor_label,
        "action": event.action,
        "type": event.object_type,
        "id": event.object_id,
        "unit": event.org_unit_id,
        "req": event.request_id,
        "fields": event.changed_fields,
        "detail": event.detail,
        "prev": event.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """What `audit_chain_check` found; `head:count` is the anchor to store elsewhere."""

    intact: bool
    count: int  # events verified
    head: str  # hash of the last verified event
    broken_id: int | None = None  # the first altered event, if one is
    problem: str = ""  # "event", "head" (newest events removed) or "anchor"

    @property
    def anchor(self) -> str:
        return f"{self.head}:{self.count}"


def audit_chain_check(*, anchor: tuple[str, int] | None = None) -> ChainReport:
    """Walk the chain oldest first, up to and past the stored head, and through `anchor`.

    The hash is unkeyed on purpose: anyone may verify with no secret to guard. A database
    writer could recompute the whole chain and the head; an anchor (head hash and count)
    printed by `audit_verify` and stored outside the database detects that rewrite.
    """
    stored_head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    prev, count, head_seen, anchored = "", 0, not stored_head, anchor is None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or event_hash(event) != event.hash:
            return ChainReport(False, count, prev, event.pk, "event")
        prev, count = event.hash, count + 1
        head_seen = head_seen or prev == stored_head  # later events: appended meanwhile
        anchored = anchored or (anchor is not None and anchor == (prev, count))
    if not head_seen:
        return ChainReport(False, count, prev, None, "head")
    return ChainReport(anchored, count, prev, None, "" if anchored else "anchor")


def audit_verify() -> tuple[bool, int | None]:
    """(intact, id of the first broken event); see audit_chain_check."""
    report = audit_chain_check()
    return report.intact, report.broken_id


def changed(instance: models.Model, data: dict[str, Any]) -> list[str]:
    """Names of the fields in `data` whose value differs from `instance`'s."""
    return [name for name, value in data.items() if getattr(instance, name) != value]
