"""The transactional outbox (ARCHITECTURE rule 5a): events and who still has to handle them.

A service writes an `Event` in the same transaction as the change it describes, and one
`Handling` row per consumer registered for its type. If the transaction rolls back, neither
exists; if it commits, both do, so no consumer can miss an event however the process dies
afterwards. The dispatcher works through the handlings after commit.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something that happened, as its consumers and webhook receivers see it (thin data)."""

    uid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    # The unit the event belongs to and its materialised path at that moment: a receiver
    # configured on a unit sees its subtree with one prefix test.
    org_unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def message_id(self) -> str:
        """The id a receiver deduplicates on (Standard Webhooks `webhook-id`)."""
        return f"msg_{self.uid.hex}"

    def envelope(self) -> dict[str, object]:
        """The spec's envelope: {"type", "timestamp", "data"}."""
        stamp = self.occurred_at.isoformat().replace("+00:00", "Z")
        return {"type": self.type, "timestamp": stamp, "data": self.data}


class HandlingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Handling(models.Model):
    """One consumer's work on one event: claimed, retried with backoff, done once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handlings")
    consumer = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=HandlingStatus.choices, default=HandlingStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="events_handling_once")
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="events_handling_due")]

    def __str__(self) -> str:
        return f"{self.consumer} ← {self.event_id} ({self.status})"
