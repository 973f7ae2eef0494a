"""Post-hire data by signed webhook (F-93): Standard Webhooks with a secret per source.

A message counts only when its signature matches the source's secret and its timestamp is
within five minutes (stdwebhooks.verify); anything else is refused (401) before a byte of
the body is trusted. Each webhook-id is stored with what it wrote, in the same transaction,
so a replayed message answers 200 and changes nothing.

The envelope is the spec's `{"type", "timestamp", "data"}`; `data` holds the employee's
`employee_number` and the record's fields, as the API takes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.crypto import decrypt_str, encrypt_str
from mianshi.common.errors import DomainError
from mianshi.common.stdwebhooks import SignatureError, secret_new, verify
from mianshi.compliance.services import audit_record
from mianshi.employees.models import Employee, InboundMessage, InboundSource, RecordSource
from mianshi.employees.services.employees import require_manage
from mianshi.employees.services.posthire import posthire_clean, posthire_write
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import subtree_ids

SECRET_CONTEXT = "employees.inbound_secret"


class SignatureRefused(DomainError):
    """The message is not signed by the source's secret, or it is too old."""

    status = 401
    code = "bad_signature"


@dataclass(frozen=True)
class Received:
    """What an inbound message did: the record and whether this delivery wrote it."""

    record_id: int | None
    created: bool
    replayed: bool


@transaction.atomic
def inbound_source_create(
    *, actor: Actor, name: str, org_unit: OrgUnit
) -> tuple[InboundSource, str]:
    """A new source and its secret, returned this once (stored sealed)."""
    require_manage(actor, org_unit.pk)
    slug = (name or "").strip().lower()
    if not slug or InboundSource.objects.filter(name=slug).exists():
        raise ValidationError({"name": _("Choose a new, unused name for the source.")})
    secret = secret_new()
    source = InboundSource(name=slug, org_unit=org_unit)
    source.secret_enc = encrypt_str(secret, context=SECRET_CONTEXT)
    source.full_clean(exclude=["secret_enc", "org_unit"])
    source.save()
    audit_record(actor=actor, action="inbound_source.create", obj=source)
    return source, secret


def _source(name: str) -> InboundSource:
    source = InboundSource.objects.filter(name=name, is_active=True).first()
    if source is None:
        raise Http404
    return source


def _verify(source: InboundSource, body: bytes, headers: Mapping[str, str]) -> str:
    try:
        return verify([decrypt_str(source.secret_enc, context=SECRET_CONTEXT)], body, headers)
    except SignatureError as exc:
        raise SignatureRefused(_("The message's signature or timestamp is not valid.")) from exc


def _data(body: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"body": _("The body is not JSON.")}) from exc
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"data": _("The message has no data object.")})
    return data


def _employee(source: InboundSource, number: Any) -> Employee:
    employee = (
        Employee.objects.select_for_update(of=("self",))
        .select_related("org_unit")
        .filter(employee_number=str(number or "").strip())
        .filter(org_unit_id__in=subtree_ids(source.org_unit_id))
        .first()
    )
    if employee is None:
        raise ValidationError({"employee_number": _("No such employee for this source.")})
    return employee


def _replayed(source: InboundSource, msg_id: str) -> Received | None:
    seen = InboundMessage.objects.filter(source=source, webhook_id=msg_id).first()
    return Received(seen.record_id, False, True) if seen else None


def inbound_receive(*, source_name: str, body: bytes, headers: Mapping[str, str]) -> Received:
    """Verify and apply one webhook from the named source (404 unknown, 401 unsigned,
    422 bad data with nothing written, 200 for a replay)."""
    source = _source(source_name)
    msg_id = _verify(source, body, headers)[:100]
    try:
        return _apply(source, msg_id, body)
    except IntegrityError:
        # The same message delivered twice at once: the other delivery wrote it.
        replay = _replayed(source, msg_id)
        if replay is None:
            raise
        return replay


@transaction.atomic
def _apply(source: InboundSource, msg_id: str, body: bytes) -> Received:
    replay = _replayed(source, msg_id)
    if replay is not None:
        return replay
    data = _data(body)
    employee = _employee(source, data.get("employee_number"))
    fields = posthire_clean(employee, data)
    fields["source_record_id"] = fields["source_record_id"] or msg_id
    record, created = posthire_write(
        actor=None, employee=employee, fields=fields, source=RecordSource.WEBHOOK,
        channel=source.name,
    )  # fmt: skip
    InboundMessage.objects.create(source=source, webhook_id=msg_id, record=record)
    return Received(record.pk, created, False)
