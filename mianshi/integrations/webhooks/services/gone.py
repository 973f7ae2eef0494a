"""A receiver that answers 410 Gone: the endpoint is disabled and its owner told once.

410 is the receiver saying "this URL will never take messages again" (Standard Webhooks);
retrying for three days would only fill its logs. Disabling is a conditional UPDATE, so of
two deliveries that meet the 410 at once only one disables, audits and mails. The mail is
sent by a task after commit; it claims `owner_notified_at` first, so it goes out once.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.common.mail import DeliveryError, mail_build, mail_send
from mianshi.compliance.services import audit_record
from mianshi.integrations.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookDelivery,
    WebhookEndpoint,
)

log = logging.getLogger(__name__)


def _notify_later(endpoint_id: int) -> None:
    from mianshi.integrations.webhooks.tasks import notify_gone

    notify_gone.delay(endpoint_id)


@transaction.atomic
def webhook_gone(*, endpoint_id: int) -> bool:
    """Disable the endpoint after a 410 and stop its pending deliveries; True if this call
    disabled it (and so the owner will be mailed)."""
    now = timezone.now()
    disabled = WebhookEndpoint.objects.filter(pk=endpoint_id, enabled=True).update(
        enabled=False,
        disabled_reason=DisabledReason.GONE,
        disabled_at=now,
        owner_notified_at=None,
        updated_at=now,
    )
    if not disabled:
        return False
    stopped = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.FAILED, finished_at=now, next_attempt_at=None)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    audit_record(
        actor=None,
        action="webhook.gone",
        obj=endpoint,
        changed_fields=["enabled"],
        detail={"stopped": stopped},
    )
    transaction.on_commit(partial(_notify_later, endpoint_id), robust=True)
    return True


def _message(endpoint: WebhookEndpoint) -> tuple[str, str, str]:
    context = {"endpoint": endpoint}
    subject = _("A webhook endpoint was disabled: the receiver answered 410 Gone")
    text = render_to_string("webhooks/mail_gone.txt", context)
    html = render_to_string("webhooks/mail_gone.html", context)
    return subject, text, html


def webhook_gone_notify(*, endpoint_id: int) -> str:
    """Mail the owner of an endpoint disabled by a 410, once: "sent", "skipped", or a
    DeliveryError when the mail server should be tried again (the claim is given back)."""
    claimed = WebhookEndpoint.objects.filter(
        pk=endpoint_id, enabled=False, owner_notified_at__isnull=True
    ).update(owner_notified_at=timezone.now())
    endpoint = WebhookEndpoint.objects.select_related("owner").filter(pk=endpoint_id).first()
    if not claimed or endpoint is None or endpoint.owner is None or not endpoint.owner.email:
        return "skipped"
    subject, text, html = _message(endpoint)
    try:
        mail_send(mail_build(to=endpoint.owner.email, subject=subject, text=text, html=html))
    except DeliveryError as exc:
        if exc.temporary:
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(owner_notified_at=None)
            raise
        log.warning("webhook %s: owner mail refused: %s", endpoint_id, exc.message)
        return "refused"
    audit_record(actor=None, action="webhook.gone_notified", obj=endpoint)
    return "sent"
