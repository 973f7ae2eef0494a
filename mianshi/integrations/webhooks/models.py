"""Outbound webhooks (F-90, Standard Webhooks 1.0): endpoints, deliveries and their attempts.

An endpoint belongs to an org unit and hears the events of that unit's subtree. Its signing
secret is sealed at rest (common/crypto, registered for key rotation in `sealed.py`); after
a rotation the previous secret keeps signing beside the new one until `previous_until`, so
a receiver can switch without losing a message. A delivery is one event for one endpoint;
every try of it is an attempt row, which is what the admin reads when a receiver complains.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mianshi.events.models import Event
from mianshi.organisations.models import OrgUnit

SECRET_CONTEXT = "webhooks.endpoint_secret"
EXCERPT_BYTES = 1024


class DisabledReason(models.TextChoices):
    MANUAL = "manual", _("Disabled by an administrator")
    GONE = "gone", _("The receiver answered 410 Gone")


class WebhookEndpoint(models.Model):
    """A receiver's URL, the event types it wants, and the secret our signatures use."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation unit")
    )
    url = models.URLField(_("URL"), max_length=2000)
    # Event type names; an empty list means every public type, new ones included.
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(
        _("why disabled"), max_length=10, choices=DisabledReason.choices, blank=True
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    # Set when the owner was told the receiver is gone: they are told once per disabling.
    owner_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    secret = models.TextField(editable=False)  # sealed "whsec_…"
    previous_secret = models.TextField(blank=True, default="", editable=False)  # sealed
    previous_until = models.DateTimeField(null=True, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"webhook #{self.pk}"

    @property
    def previous_secret_expires_at(self) -> datetime | None:
        """Until when the previous secret still signs; None once it no longer does."""
        until = self.previous_until
        return until if until and until > timezone.now() else None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Stopped")
    GIVEN_UP = "given_up", _("Given up")


# A delivery in one of these will never be tried again (a replay makes a new delivery).
FINAL_STATUSES = frozenset(
    {DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP}
)


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint, tried on the retry schedule until it lands."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    # A replay is a new delivery of the same event (same webhook-id, so receivers dedupe).
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When a worker took it: a claim much older than a send means that worker died.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # The fan-out may run twice (at least once); a replay is the one deliberate copy.
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                condition=models.Q(replay_of__isnull=True),
                name="webhooks_delivery_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "status", "event"], name="webhooks_delivery_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP try: when, what came back (or what went wrong), how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows"
    )
    attempted_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"
