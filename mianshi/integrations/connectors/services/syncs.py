"""Sending records to EHRs: one Sync row per record, claimed, mapped, pushed, settled once.

ARCHITECTURE rule 4: the sender takes an id, claims the row with a conditional UPDATE
(a second worker or a redelivered message does nothing), pushes outside any transaction,
then settles with an UPDATE that still expects its own claim. A retryable failure (429,
5xx, a timeout) comes back later — after the EHR's Retry-After when it gave one, else on
the dispatcher's backoff; one a person must fix (wrong credentials, a refused payload, a
broken template) stops at needs_attention with the EHR's own words. Nothing is half-written:
the external id is stored only with success, in the same UPDATE.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.common.claims import claim, claims_sweep
from mianshi.events.dispatcher import backoff
from mianshi.integrations.connectors.mapping import MappingError, mapping_apply, mapping_compile
from mianshi.integrations.connectors.mapping_compile import Compiled
from mianshi.integrations.connectors.models import (
    PAYLOAD_CONTEXT,
    MappingTemplate,
    Sync,
    SyncStatus,
    seal_json,
)
from mianshi.integrations.connectors.protocol import AdapterError, PushResult
from mianshi.integrations.connectors.records import RecordMissing, record_build
from mianshi.integrations.connectors.services.context import adapter_call
from mianshi.integrations.connectors.services.refs import external_ref_remember

logger = logging.getLogger(__name__)
S = SyncStatus
MAX_ATTEMPTS = 25
STALE_AFTER = timedelta(minutes=10)
EXCERPT = 2000


class _Refused(Exception):
    """The record cannot be mapped: a person must look (no template, a bad value…)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class Mapped:
    payload: dict[str, Any]
    version: int


def enqueue_send(sync_id: int, *, delay: float = 0.0) -> None:
    """Queue the sender for `sync_id` after the current transaction commits."""
    from mianshi.integrations.connectors.tasks import send_sync

    if delay > 0:
        transaction.on_commit(
            lambda: send_sync.apply_async((sync_id,), countdown=delay), robust=True
        )
    else:
        transaction.on_commit(lambda: send_sync.delay(sync_id), robust=True)


def template_current(connector_id: int, kind: str) -> MappingTemplate | None:
    """The newest version of the connector's template for `kind`: the one in force."""
    return (
        MappingTemplate.objects.filter(connector_id=connector_id, kind=kind)
        .order_by("-version")
        .first()
    )


_COMPILED: dict[tuple[int, str], Compiled] = {}


def _compiled(template: MappingTemplate) -> Compiled:
    """A version never changes, so its compiled form is kept (a bulk sync maps thousands
    of records with one version) — by id and creation time, since SQLite hands a deleted
    row's id to the next template."""
    key = (template.pk, template.created_at.isoformat())
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 256:
            _COMPILED.clear()
        found = _COMPILED[key] = mapping_compile(template.body, kind=template.kind)
    return found


def _mapped(sync: Sync) -> Mapped:
    if not sync.connector.enabled:
        raise _Refused(_("The connector is switched off."), "disabled")
    template = template_current(sync.connector_id, sync.kind)
    if template is None:
        raise _Refused(
            _("The connector has no mapping template for this kind of record."), "no_template"
        )
    try:
        record = record_build(kind=sync.kind, object_id=sync.object_id)
        return Mapped(mapping_apply(_compiled(template), record), template.version)
    except RecordMissing:
        raise _Refused(_("The record no longer exists."), "record_missing") from None
    except MappingError as exc:
        raise _Refused(_("The mapping template failed: %(e)s") % {"e": exc}, "mapping") from None


def sync_send(*, sync_id: int) -> str:
    """Push one sync if it is due and unclaimed: succeeded, retry, needs_attention, taken…"""
    now = timezone.now()
    expect = {"status": S.PENDING, "next_attempt_at__lte": now}
    if not claim(
        Sync.objects,
        pk=sync_id,
        expect=expect,
        to={"status": S.RUNNING, "claimed_at": now},
        count="attempts",
    ):
        return "taken"
    sync = Sync.objects.select_related("connector").get(pk=sync_id)
    try:
        mapped = _mapped(sync)
    except _Refused as exc:
        return _settle(
            sync, now, status=S.NEEDS_ATTENTION, last_error=exc.message, error_code=exc.code
        )
    try:
        result = adapter_call(sync.connector, lambda a, ctx: a.push(ctx, sync.kind, mapped.payload))
    except AdapterError as exc:
        return _failed(sync, now, exc, mapped)
    return _succeeded(sync, now, result, mapped)


def _sealed(mapped: Mapped) -> dict[str, Any]:
    return {
        "payload_enc": seal_json(mapped.payload, context=PAYLOAD_CONTEXT),
        "template_version": mapped.version,
    }


def _succeeded(sync: Sync, claimed: datetime, result: PushResult, mapped: Mapped) -> str:
    with transaction.atomic():
        outcome = _settle(
            sync, claimed, status=S.SUCCEEDED, external_id=result.external_id[:200],
            response_excerpt=result.excerpt[:EXCERPT], last_error="", error_code="",
            succeeded_at=timezone.now(), **_sealed(mapped),
        )  # fmt: skip
        if outcome == S.SUCCEEDED and result.external_id:
            external_ref_remember(sync=sync, external_id=result.external_id)
    return outcome


def _failed(sync: Sync, claimed: datetime, exc: AdapterError, mapped: Mapped) -> str:
    common = {"last_error": exc.message[:EXCERPT], "error_code": exc.code[:60], **_sealed(mapped)}
    if not exc.retryable:
        return _settle(sync, claimed, status=S.NEEDS_ATTENTION, **common)
    if sync.attempts >= MAX_ATTEMPTS:
        return _settle(sync, claimed, status=S.FAILED, **common)
    delay = retry_delay(sync.attempts, exc.retry_after)
    due = timezone.now() + timedelta(seconds=delay)
    outcome = _settle(sync, claimed, status=S.PENDING, next_attempt_at=due, **common)
    if outcome == S.PENDING:
        enqueue_send(sync.pk, delay=delay)
        return "retry"
    return outcome


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """The EHR's Retry-After (with a little jitter so a crowd does not return at once),
    else the outbox's backoff: 5 s doubling to an hour."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, 3600.0) + random.uniform(0.0, 0.2)  # noqa: S311 (jitter)
    return backoff(attempts)


def _settle(sync: Sync, claimed: datetime, *, status: str, **values: Any) -> str:
    """Write the outcome if the claim is still ours (the sweep may have given it back)."""
    mine = Sync.objects.filter(pk=sync.pk, status=S.RUNNING, claimed_at=claimed)
    if mine.update(status=status, **values) != 1:
        logger.warning("sync %s: claim lost before settling", sync.pk)
        return "lost"
    if status != S.SUCCEEDED:
        logger.info("sync %s: %s (%s)", sync.pk, status, values.get("error_code", ""))
    return str(status)


def syncs_sweep(*, limit: int = 500) -> int:
    """Give back claims of dead workers, then queue what is due; how many were queued."""
    stale = Sync.objects.filter(status=S.RUNNING, claimed_at__lt=timezone.now() - STALE_AFTER)
    claims_sweep(
        stale, count="attempts", limit=MAX_ATTEMPTS,
        give_up={"status": S.FAILED, "last_error": _("The worker was lost too often.")},
        give_back={"status": S.PENDING, "next_attempt_at": timezone.now()},
    )  # fmt: skip
    due = Sync.objects.filter(status=S.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_send(pk)
    return len(ids)
