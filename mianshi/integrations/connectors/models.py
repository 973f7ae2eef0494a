"""Connectors: an adapter + a versioned mapping template + sealed credentials + a trigger,
and one Sync row per record sent, so every push can be seen, retried and explained.

Credentials, the adapter's state (OAuth tokens) and the exact mapped payload are sealed with
ENCRYPTION_KEYS (registered for rotation in sealed.py): a payload carries the candidate's
e-mail and name to the EHR, and a token opens the customer's HR system.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.common.crypto import decrypt_str, encrypt_str

CREDENTIALS_CONTEXT = "connectors.credentials"
STATE_CONTEXT = "connectors.state"
PAYLOAD_CONTEXT = "connectors.payload"


def seal_json(value: dict[str, Any], *, context: str) -> str:
    """A dict sealed as JSON text ('' for an empty one)."""
    return encrypt_str(json.dumps(value, sort_keys=True), context=context) if value else ""


def open_json(token: str, *, context: str) -> dict[str, Any]:
    """Inverse of seal_json."""
    return json.loads(decrypt_str(token, context=context)) if token else {}


class Connector(models.Model):
    """One configured EHR link of an org unit: it sees events of the unit's subtree."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organisation unit"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=120)
    adapter = models.CharField(_("protocol"), max_length=40)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    credentials_enc = models.TextField(blank=True, default="", editable=False)
    state_enc = models.TextField(blank=True, default="", editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    # [{"event": "decision.made", "to_stage": "", "kind": "assessment"}]: which event makes
    # which record go out; `to_stage` narrows application.stage_changed and decision.made.
    triggers = models.JSONField(_("triggers"), default=list, blank=True)
    schedule_minutes = models.PositiveIntegerField(_("pull every (minutes)"), null=True, blank=True)
    pull_kind = models.CharField(_("records pulled"), max_length=20, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")

    def __str__(self) -> str:
        return self.name

    @property
    def credentials(self) -> dict[str, str]:
        return open_json(self.credentials_enc, context=CREDENTIALS_CONTEXT)

    @property
    def state(self) -> dict[str, Any]:
        return open_json(self.state_enc, context=STATE_CONTEXT)


class MappingTemplate(models.Model):
    """One version of a connector's mapping for one kind of record. Versions are never
    edited: a change is a new version, the newest is in force, and each sync names the
    version it was mapped with, so an old payload can always be explained."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("kind"), max_length=20)
    version = models.PositiveIntegerField(_("version"))
    body = models.JSONField(_("template"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["connector", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "kind", "version"], name="connectors_template_version"
            )
        ]
        verbose_name = _("mapping template")
        verbose_name_plural = _("mapping templates")

    def __str__(self) -> str:
        return f"{self.connector_id}:{self.kind} v{self.version}"


class SyncStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")


class Sync(models.Model):
    """One record pushed to one connector: claimed, retried with backoff, settled once.
    `payload_enc` is exactly what was sent (sealed); `external_id` is set only on success."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="syncs")
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("object"))
    # The outbox event that caused it (null for one started by hand): an event syncs once.
    event_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    template_version = models.PositiveIntegerField(null=True, blank=True)
    payload_enc = models.TextField(blank=True, default="", editable=False)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    response_excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "kind", "event_id"], name="connectors_sync_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="connectors_sync_due")]
        verbose_name = _("sync")
        verbose_name_plural = _("syncs")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.connector_id} ({self.status})"

    @property
    def payload(self) -> dict[str, Any]:
        return open_json(self.payload_enc, context=PAYLOAD_CONTEXT)


class RefusalReason(models.TextChoices):
    """Why an inbound (Moka) webhook was refused: the health page says which."""

    BAD_SIGNATURE = "bad_signature", _("Signature not valid")
    UNKNOWN_BINDING = "unknown_binding", _("No Moka binding with that number")
    BINDING_DISABLED = "binding_disabled", _("The connector is disabled")
    NO_WEBHOOK_KEY = "no_webhook_key", _("No webhook signing key is set")
    NOT_JSON = "not_json", _("The body is not JSON")
    NO_RECORDS = "no_records", _("The message carries no application records")
    TOO_MANY = "too_many", _("More than 100 records in one message")
    ENCRYPTED = "encrypted", _("The data is encrypted (not supported)")
    MAPPING = "mapping", _("The application template cannot map the records")


class WebhookRefusal(models.Model):
    """Inbound webhooks refused for one binding (`connector`; none: for no known binding):
    how many, the last reason and when. Never the refused body: forged or not, it may
    carry candidates' data we were not given. `accepted_at` is the last webhook of the
    binding accepted since, so a fixed key clears the health page's alarm."""

    key = models.CharField(max_length=40, unique=True)  # "connector:<id>", or UNBOUND
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(_("refused"), default=0)
    last_code = models.CharField(_("last reason"), max_length=40)  # a RefusalReason
    last_detail = models.CharField(max_length=200, blank=True)
    last_at = models.DateTimeField(_("last refused"))
    accepted_at = models.DateTimeField(_("last accepted"), null=True, blank=True)

    UNBOUND = "unbound"

    class Meta:
        verbose_name = _("refused webhooks")
        verbose_name_plural = _("refused webhooks")

    def __str__(self) -> str:
        return f"{self.key}: {self.count} ({self.last_code})"

    @property
    def reason(self) -> str:
        """The last reason in the reader's language (choices left off the field: a
        reworded label needs no migration)."""
        try:
            return str(RefusalReason(self.last_code).label)
        except ValueError:
            return self.last_code

    @property
    def unresolved(self) -> bool:
        """Refused more recently than anything was accepted: a person should look."""
        return self.accepted_at is None or self.accepted_at < self.last_at


# The file import jobs live beside their code (files/models.py); importing them here registers
# them with the connectors app.
from mianshi.integrations.connectors.files.models import ImportJob, ImportStatus  # noqa: E402,F401
