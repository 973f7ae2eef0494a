"""Post-hire data (F-93): performance, probation, training, promotion and leave records,
the customer's rating scales, and the signed inbound webhook sources that send them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PostHireKind(models.TextChoices):
    PERFORMANCE = "performance", _("Performance rating")
    PROBATION = "probation", _("Probation result")
    TRAINING = "training", _("Training")
    PROMOTION = "promotion", _("Promotion")
    LEAVE = "leave", _("Leave")


class ProbationResult(models.TextChoices):
    PASS = "pass", _("Passed")
    EXTEND = "extend", _("Extended")
    FAIL = "fail", _("Failed")


class LeaveType(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    INVOLUNTARY = "involuntary", _("Involuntary")


class RecordSource(models.TextChoices):
    API = "api", _("API")
    WEBHOOK = "webhook", _("Webhook")
    EXCEL = "excel", _("Excel import")
    UI = "ui", _("Entered by hand")


class PerformanceScale(models.Model):
    """A unit's performance scale mapped to 0–1: grades (S/A/B/C/D → 1/0.75/0.5/0.25/0)
    and/or numeric ranges ([{min, max, value}]); the nearest unit up the tree applies."""

    org_unit = models.OneToOneField(
        "organisations.OrgUnit", on_delete=models.CASCADE, related_name="performance_scale"
    )
    name = models.CharField(_("name"), max_length=80)
    grades = models.JSONField(_("grades"), default=dict, blank=True)
    ranges = models.JSONField(_("numeric ranges"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("performance scale")
        verbose_name_plural = _("performance scales")

    def __str__(self) -> str:
        return self.name


class PostHireRecord(models.Model):
    """One post-hire fact about an employee; a record re-sent by its source (same source
    record id) is found, not duplicated."""

    employee = models.ForeignKey(
        "employees.Employee", on_delete=models.CASCADE, related_name="records"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PostHireKind.choices)
    period = models.CharField(_("period"), max_length=20, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    raw_value = models.CharField(_("rating"), max_length=40, blank=True)
    score = models.FloatField(_("score (0–1)"), null=True, blank=True)
    probation_result = models.CharField(
        _("probation result"), max_length=10, choices=ProbationResult.choices, blank=True
    )
    training_name = models.CharField(_("training"), max_length=200, blank=True)
    training_hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    new_position = models.CharField(_("new position"), max_length=120, blank=True)
    leave_type = models.CharField(
        _("leave type"), max_length=12, choices=LeaveType.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecordSource.choices)
    # The inbound source's name for webhooks, "" otherwise: ids are unique per sender.
    channel = models.CharField(max_length=60, blank=True)
    source_record_id = models.CharField(_("source record id"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post-hire record")
        verbose_name_plural = _("post-hire records")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "channel", "source_record_id"],
                condition=~models.Q(source_record_id=""),
                name="posthire_unique_source_record",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="posthire_score_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of employee {self.employee_id}"


class InboundSource(models.Model):
    """A system allowed to send post-hire data by signed webhook (Standard Webhooks), with
    its own secret (sealed) and the unit whose employees it may write."""

    name = models.SlugField(_("name"), max_length=60, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    secret_enc = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inbound source")
        verbose_name_plural = _("inbound sources")

    def __str__(self) -> str:
        return self.name


class InboundMessage(models.Model):
    """A webhook-id seen from a source: a replayed message answers 200 with no effect."""

    source = models.ForeignKey(InboundSource, on_delete=models.CASCADE, related_name="messages")
    webhook_id = models.CharField(max_length=100)
    record = models.ForeignKey(
        PostHireRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "webhook_id"], name="inbound_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.webhook_id}"
