"""Managing webhook endpoints: create (secret shown once), change, rotate, test, delete.

Every write checks Cap.INTEGRATIONS_MANAGE on the endpoint's unit (and on the new unit when
it moves) and is audited with ids only. The URL passes the SSRF guard here, with a message
the admin can act on; the sender checks it again at every attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common import stdwebhooks
from mianshi.common.crypto import decrypt_str, encrypt_str
from mianshi.common.errors import Conflict
from mianshi.compliance.services import audit_record
from mianshi.events.catalogue import PUBLIC_TYPES
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import (
    SECRET_CONTEXT,
    DisabledReason,
    WebhookEndpoint,
)
from mianshi.integrations.webhooks.outbound import OutboundRefused, check_url
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import require_cap

TEST_TYPE = "webhook.test"
MAX_OVERLAP_HOURS = 24 * 7


def subscribable_types() -> list[str]:
    """The types an endpoint may ask for: every public one but the test ping."""
    return [t for t in PUBLIC_TYPES if t != TEST_TYPE]


def _clean_types(event_types: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    unknown = [t for t in chosen if t not in subscribable_types()]
    if unknown:
        message = _("Unknown event type: %(types)s.") % {"types": ", ".join(unknown)}
        raise ValidationError({"event_types": message})
    return chosen


def _clean_url(url: str) -> str:
    url = url.strip()
    if len(url) > 2000:
        raise ValidationError({"url": _("The URL is too long (2000 characters at most).")})
    try:
        check_url(url)
    except OutboundRefused as exc:
        raise ValidationError({"url": exc.message}) from exc
    return url


def require_manage(actor: Actor, unit_id: int) -> None:
    """Refuse (403) unless `actor` manages integrations on the unit."""
    require_cap(actor, Cap.INTEGRATIONS_MANAGE, unit_id)


def _seal(secret: str) -> str:
    return encrypt_str(secret, context=SECRET_CONTEXT)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime | None = None) -> list[str]:
    """The secrets a message is signed with: the current one, and the previous one while
    its overlap lasts (receivers switch at their own pace)."""
    now = now or timezone.now()
    found = [decrypt_str(endpoint.secret, context=SECRET_CONTEXT)]
    if endpoint.previous_secret and endpoint.previous_until and endpoint.previous_until > now:
        found.append(decrypt_str(endpoint.previous_secret, context=SECRET_CONTEXT))
    return found


@transaction.atomic
def webhook_create(
    *, actor: Actor, org_unit: OrgUnit, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint owned by `actor`; returns it with its secret, shown this once."""
    require_manage(actor, org_unit.pk)
    secret = stdwebhooks.secret_new()
    endpoint = WebhookEndpoint.objects.create(
        org_unit=org_unit,
        url=_clean_url(url),
        event_types=_clean_types(event_types),
        description=description.strip(),
        secret=_seal(secret),
        owner=actor,
    )
    audit_record(actor=actor, action="webhook.create", obj=endpoint)
    return endpoint, secret


@transaction.atomic
def webhook_update(
    *, actor: Actor, endpoint: WebhookEndpoint, data: dict[str, Any]
) -> WebhookEndpoint:
    """Change url, event types, description or unit (`data` holds only what changes)."""
    require_manage(actor, endpoint.org_unit_id)
    if "org_unit" in data:
        require_manage(actor, data["org_unit"].pk)
    cleaners: dict[str, Callable[[Any], Any]] = {
        "url": _clean_url,
        "event_types": _clean_types,
        "description": str.strip,
    }
    for name, value in data.items():
        setattr(endpoint, name, cleaners[name](value) if name in cleaners else value)
    endpoint.save()
    audit_record(actor=actor, action="webhook.update", obj=endpoint, changed_fields=list(data))
    return endpoint


@transaction.atomic
def webhook_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries; a send under way finds nothing to settle."""
    require_manage(actor, endpoint.org_unit_id)
    audit_record(
        actor=actor,
        action="webhook.delete",
        obj=endpoint,
        detail={"deliveries": endpoint.deliveries.count()},
    )
    endpoint.delete()


@transaction.atomic
def webhook_rotate_secret(
    *, actor: Actor, endpoint: WebhookEndpoint, overlap_hours: int | None = None
) -> str:
    """A new secret (returned, shown once); the current one keeps signing beside it for
    `overlap_hours` (settings.WEBHOOK_SECRET_OVERLAP_HOURS by default)."""
    require_manage(actor, endpoint.org_unit_id)
    hours = settings.WEBHOOK_SECRET_OVERLAP_HOURS if overlap_hours is None else overlap_hours
    if not 0 <= hours <= MAX_OVERLAP_HOURS:
        raise ValidationError(
            {
                "overlap_hours": _("Choose an overlap of 0 to %(max)s hours.")
                % {"max": MAX_OVERLAP_HOURS}
            }
        )
    secret = stdwebhooks.secret_new()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_until = timezone.now() + timedelta(hours=hours)
    endpoint.secret = _seal(secret)
    endpoint.save()
    audit_record(
        actor=actor, action="webhook.rotate_secret", obj=endpoint, detail={"overlap_hours": hours}
    )
    return secret


@transaction.atomic
def webhook_enable(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send again to this endpoint (new events only; missed ones can be replayed)."""
    require_manage(actor, endpoint.org_unit_id)
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, "", None
    endpoint.owner_notified_at = None
    endpoint.save()
    audit_record(actor=actor, action="webhook.enable", obj=endpoint)
    return endpoint


@transaction.atomic
def webhook_disable(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending: no new deliveries, and the pending ones stop at their next turn."""
    require_manage(actor, endpoint.org_unit_id)
    endpoint.enabled, endpoint.disabled_reason = False, DisabledReason.MANUAL
    endpoint.disabled_at = timezone.now()
    endpoint.save()
    audit_record(actor=actor, action="webhook.disable", obj=endpoint)
    return endpoint


@transaction.atomic
def webhook_test(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    """Send a `webhook.test` event to this endpoint only; returns its webhook-id."""
    require_manage(actor, endpoint.org_unit_id)
    if not endpoint.enabled:
        raise Conflict(_("Enable the endpoint before sending a test."))
    event = event_emit(
        type=TEST_TYPE, data={"endpoint_id": endpoint.pk}, org_unit_id=endpoint.org_unit_id
    )
    audit_record(actor=actor, action="webhook.test", obj=endpoint, detail={"event": event.pk})
    return event.message_id
