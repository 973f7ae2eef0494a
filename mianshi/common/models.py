"""Rows the whole platform shares: idempotent API writes and external references.

Both are generic on purpose: an Idempotency-Key guards every POST of every router, present
and future, and an EHR can create candidates, applications and (soon) employees, so neither
may know the apps above `common` (ARCHITECTURE rule 5b).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.common.sealed import register, sealed_text_field


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one API key: claimed while its request runs, then the first
    response, replayed to a retry with the same body until `expires_at`.

    The body is sealed (it can hold personal data: a created candidate's phone) and bound to
    the row; the API key is kept as an HMAC only, never the key or its stored hash.
    """

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("in flight")
        DONE = "done", _("done")

    scope = models.CharField(max_length=64)  # HMAC of the Authorization header
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # HMAC of method, path and body
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_FLIGHT)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body_enc = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"idempotency {self.pk} ({self.state})"


def body_context(row: IdempotencyRecord) -> str:
    """The associated data a stored body is sealed with: moved to another row, it fails."""
    return f"common.idempotency:{row.pk}"


register(
    sealed_text_field(
        name="common.idempotency", model=IdempotencyRecord, field="body_enc", context=body_context
    )
)


class ExternalRef(models.Model):
    """The id another system (an EHR: `sap_sf`, `moka`…) gives one of our objects: one per
    object and source, and an external id names one object per source and kind.

    Kept in clear, unlike phone or ID numbers: it is another system's record key, which
    means nothing outside that system, and lookups must match it exactly. It goes with its
    object: models that carry refs declare a GenericRelation, so a delete or an erasure
    cascades to them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    source = models.CharField(max_length=32)
    external_id = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "external_id"], name="external_ref_unique_id"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "source"], name="external_ref_one_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class Doorbell(models.Model):
    """A wake-up that is sent once, not once per change (common/doorbell.py): rung when work
    appears and no run has been woken yet, silenced by the run that starts on it."""

    name = models.CharField(max_length=100, primary_key=True)
    rung_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({'rung' if self.rung_at else 'quiet'})"


class RateWindow(models.Model):
    """How many times one caller did one thing in one fixed window (common/ratelimit.py).

    The caller (an IP address) is kept as a keyed SHA-256 only, never in clear; a row goes
    once its window has ended (`expires_at`)."""

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=64)  # HMAC-SHA256 (hex) of the caller, per scope
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="rate_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M} ({self.count})"
