"""Moka wired in: the OAuth binding started and finished from the connector page, and
Moka's signed webhooks turned into applications.

Binding (Moka's provider guide): HR is sent to Moka's login with a random `state` we keep
in their session; Moka sends the browser back to our callback with a one-time code, and
only the state we issued may finish it (else someone else's code could bind this
connector to their Moka account). The tokens land in the connector's sealed state through
`adapter_call`, which saves nothing when the exchange fails.

Webhooks carry `?sign=` (HMAC-SHA256 hex of the raw body) with the connector's webhook
key; no API key, so the signature is the only proof, and any failure to prove it — an
unknown connector included — is the same 401 with nothing changed. The pushed records go
through the connector's `application` template and the pull importer, so a replay finds
its application by Moka's id and creates nothing.

A refused webhook (signature, binding, body) is counted per binding with its reason and
time for the health page, where a wrong key on either side shows before HR misses the
applications; the refused body itself is never kept. The 401 stays the same whatever the
reason: only the health page, behind INTEGRATIONS_MANAGE, tells them apart.

Moka can encrypt the body's `data` (AES-256-CBC, hex; "主动推送说明 / 数据加密", key set up
with Moka's customer success manager). What Moka publishes does not say how the IV is
chosen or sent, nor how the key's text becomes its 32 bytes, so we do not guess: encrypted
data is refused with its own reason, and Moka can be asked to send it in clear (HTTPS).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors.adapters.moka import client, verify_moka_webhook
from mianshi.integrations.connectors.mapping import MappingError, mapping_apply, mapping_compile
from mianshi.integrations.connectors.models import Connector, WebhookRefusal
from mianshi.integrations.connectors.models import RefusalReason as R
from mianshi.integrations.connectors.pull_importers import applications_import
from mianshi.integrations.connectors.services.context import adapter_call, connector_context
from mianshi.integrations.connectors.services.pulls import PullResult
from mianshi.integrations.connectors.services.syncs import template_current
from mianshi.organisations.scoping import require_cap

MOKA = "moka"
MAX_RECORDS = 100
# AES-CBC ciphertext in hex: whole 16-byte blocks, 32 hex digits each
CIPHER_HEX = re.compile(r"(?:[0-9a-fA-F]{32})+")


class SignatureRefused(DomainError):
    """The webhook is not signed with the connector's Moka webhook key."""

    status = 401
    code = "bad_signature"


def _require(actor: Actor, connector: Connector) -> None:
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, connector.org_unit_id)
    if connector.adapter != MOKA:
        raise Conflict(_("Only a Moka connector can be bound to Moka."), code="not_moka")


def moka_bind_start(*, actor: Actor, connector: Connector) -> tuple[str, str]:
    """(Moka's binding page with a fresh state, that state) for the caller to keep."""
    _require(actor, connector)
    state = secrets.token_urlsafe(24)
    return client.authorize_url(connector_context(connector), state), state


def moka_bind_finish(
    *, actor: Actor, connector: Connector, params: Mapping[str, str], expected_state: str
) -> None:
    """Exchange the code Moka sent back (its state must be ours); AdapterError if refused."""
    _require(actor, connector)
    adapter_call(connector, lambda _a, ctx: client.bind_from_callback(ctx, params, expected_state))
    audit_record(actor=actor, action="connector.moka_bind", obj=connector, detail={})


def moka_bound(connector: Connector) -> bool:
    """Whether the connector holds a Moka binding (its refresh token)."""
    return bool((connector.state.get(MOKA) or {}).get("refresh_token"))


class _Refused(Exception):
    """A webhook refused: the reason kept for the health page, the error answered."""

    def __init__(self, connector: Connector | None, reason: R, error: Exception, detail: str = ""):
        super().__init__(reason)
        self.connector, self.reason, self.error, self.detail = connector, reason, error, detail


def _verified(connector_id: int, body: bytes, sign: str) -> Connector:
    found = Connector.objects.filter(pk=connector_id, adapter=MOKA).first()
    secret = found.credentials.get("webhook_secret", "") if found else ""
    if found is None:
        reason = R.UNKNOWN_BINDING
    elif not found.enabled:
        reason = R.BINDING_DISABLED
    elif not secret:
        reason = R.NO_WEBHOOK_KEY
    elif verify_moka_webhook(secret, body, sign):
        return found
    else:
        reason = R.BAD_SIGNATURE
    refused = SignatureRefused(_("The message's signature is not valid."))
    raise _Refused(found, reason, refused, "" if found else f"#{connector_id}")


def _body_refused(connector: Connector, reason: R, field: str, message: str) -> _Refused:
    return _Refused(connector, reason, ValidationError({field: message}))


def _records(connector: Connector, body: bytes) -> list[dict[str, Any]]:
    try:
        document = json.loads(body)
    except ValueError:
        raise _body_refused(connector, R.NOT_JSON, "body", _("The body is not JSON.")) from None
    data = document.get("data", document) if isinstance(document, dict) else None
    if isinstance(data, str) and CIPHER_HEX.fullmatch(data):
        msg = _("Moka sent the data encrypted, which Mianshi cannot read: ask Moka for clear data.")
        raise _body_refused(connector, R.ENCRYPTED, "data", msg)
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        msg = _("The message carries no application records.")
        raise _body_refused(connector, R.NO_RECORDS, "data", msg)
    if len(records) > MAX_RECORDS:
        msg = _("At most 100 records per message.")
        raise _body_refused(connector, R.TOO_MANY, "data", msg)
    return records


def _mapped(connector: Connector, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    template = template_current(connector.pk, "application")
    if template is None:
        return records
    try:
        compiled = mapping_compile(template.body, kind="application")
        return [mapping_apply(compiled, r) for r in records]
    except MappingError as exc:
        # the problems' fields, not their text: a message may quote the refused values
        fields = ", ".join(sorted({p.field for p in exc.problems if p.field}))
        error = ValidationError({"data": str(exc)})
        raise _Refused(connector, R.MAPPING, error, fields) from None


def moka_refusal_record(*, connector: Connector | None, reason: str, detail: str = "") -> None:
    """Count one refused webhook of `connector` (None: no known binding), race-safe."""
    key = f"connector:{connector.pk}" if connector else WebhookRefusal.UNBOUND
    values = {"last_code": reason, "last_detail": detail[:200], "last_at": timezone.now()}
    bump = WebhookRefusal.objects.filter(key=key)
    if bump.update(count=F("count") + 1, **values):
        return
    try:
        with transaction.atomic():
            WebhookRefusal.objects.create(key=key, connector=connector, count=1, **values)
    except IntegrityError:  # a concurrent first refusal made the row
        bump.update(count=F("count") + 1, **values)


def moka_webhook_receive(*, connector_id: int, body: bytes, sign: str) -> PullResult:
    """Verify one Moka webhook and import the applications it carries; a refusal is
    counted for the health page (reason and time, never the body), then answered."""
    try:
        connector = _verified(connector_id, body, sign)
        records = _mapped(connector, _records(connector, body))
    except _Refused as refused:
        moka_refusal_record(
            connector=refused.connector, reason=refused.reason, detail=refused.detail
        )
        raise refused.error from None
    # one UPDATE, nothing when the binding never had a refusal
    WebhookRefusal.objects.filter(key=f"connector:{connector.pk}").update(
        accepted_at=timezone.now()
    )
    return applications_import(connector, records)
