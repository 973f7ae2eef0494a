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
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict, DomainError
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors.adapters.moka import client, verify_moka_webhook
from mianshi.integrations.connectors.mapping import MappingError, mapping_apply, mapping_compile
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.pull_importers import applications_import
from mianshi.integrations.connectors.services.context import adapter_call, connector_context
from mianshi.integrations.connectors.services.pulls import PullResult
from mianshi.integrations.connectors.services.syncs import template_current
from mianshi.organisations.scoping import require_cap

MOKA = "moka"
MAX_RECORDS = 100


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


def _records(body: bytes) -> list[dict[str, Any]]:
    try:
        document = json.loads(body)
    except ValueError:
        raise ValidationError({"body": _("The body is not JSON.")}) from None
    data = document.get("data", document) if isinstance(document, dict) else None
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValidationError({"data": _("The message carries no application records.")})
    if len(records) > MAX_RECORDS:
        raise ValidationError({"data": _("At most 100 records per message.")})
    return records


def _mapped(connector: Connector, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    template = template_current(connector.pk, "application")
    if template is None:
        return records
    try:
        compiled = mapping_compile(template.body, kind="application")
        return [mapping_apply(compiled, r) for r in records]
    except MappingError as exc:
        raise ValidationError({"data": str(exc)}) from None


def moka_webhook_receive(*, connector_id: int, body: bytes, sign: str) -> PullResult:
    """Verify one Moka webhook and import the applications it carries."""
    connector = Connector.objects.filter(pk=connector_id, adapter=MOKA, enabled=True).first()
    secret = connector.credentials.get("webhook_secret", "") if connector else ""
    if connector is None or not verify_moka_webhook(secret, body, sign):
        raise SignatureRefused(_("The message's signature is not valid."))
    return applications_import(connector, _mapped(connector, _records(body)))
