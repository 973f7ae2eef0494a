"""Invitations to a one-way interview (F-30), their deliveries per channel (F-31).

The link's secret is never stored in clear: `token_hash` (SHA-256) finds the invitation,
`token_enc` (AES-GCM) lets HR resend the same link. An invitation is bound to one
application and one locked template version, so the questions cannot change under a
candidate who already started.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationKind(models.TextChoices):
    FIRST = "first", _("Interview invitation")
    RE_RECORD = "re_record", _("Re-record invitation")
    NEXT_ROUND = "next_round", _("Second-round invitation")


class InvitationStatus(models.TextChoices):
    """Where the invitation stands; expiry is a time, not a status (see `is_expired`)."""

    CREATED = "created", _("Created")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    # A re-invitation replaced this one: its link shows where the new one went.
    SUPERSEDED = "superseded", _("Replaced by a newer invitation")


# Links in these states no longer open the recording flow (the status page still works).
CLOSED_STATUSES = frozenset(
    {InvitationStatus.COMPLETED, InvitationStatus.REVOKED, InvitationStatus.SUPERSEDED}
)


class Invitation(models.Model):
    """One candidate's key to one interview: unguessable, expiring, revocable, tracked."""

    application = models.ForeignKey(
        "candidates.Application",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("application"),
    )
    # Copied from the application: scoping is one indexed column, no join.
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation unit"),
    )
    template_version = models.ForeignKey(
        "jobs.TemplateVersion",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("template version"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvitationKind.choices, default=InvitationKind.FIRST
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.CREATED,
        db_index=True,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_enc = models.TextField(editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    instructions = models.TextField(_("instructions"), blank=True)
    required_materials = models.JSONField(_("required materials"), default=list, blank=True)
    # Re-record invitations may limit themselves to the questions that failed.
    positions = models.JSONField(_("questions to answer"), default=list, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("times opened"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["org_unit", "status"], name="invitation_unit_status"),
            models.Index(fields=["application", "-created_at"], name="invitation_app_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.get_kind_display()} · {self.status}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        """Whether the link may still open the recording flow."""
        return self.status not in CLOSED_STATUSES and not self.is_expired


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One attempt to bring an invitation (or a reminder) to the candidate over a channel."""

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("invitation"),
    )
    channel = models.CharField(_("channel"), max_length=20)
    # What was sent: the invitation itself, a reminder, a re-record request…
    purpose = models.CharField(_("purpose"), max_length=20, default="invitation")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When a worker took it: a claim far older than any send means that worker died.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.invitation_id} · {self.channel} · {self.status}"
