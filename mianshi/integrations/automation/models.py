"""Transition actions (F-23, F-30): what happens by itself when an application moves.

A rule says "on entering stage S (optionally only from F) → invite / send a notice / run a
connector". Rules live on an org unit (the default of every job below it) or on one job
(an override for that stage). Each action runs at most once per pipeline move: an
`ActionRun` row, unique per (transition, rule), is claimed, retried with backoff and kept
so HR sees what ran, what failed and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import Stage


class ActionKind(models.TextChoices):
    INVITE = "invite", _("Invite to the interview")
    NOTIFY = "notify", _("Send a notice")
    CONNECTOR = "connector", _("Run a connector")


class RecordKind(models.TextChoices):
    """What a connector action sends about the application (the connectors' record kinds)."""

    ASSESSMENT = "assessment", _("Assessment result")
    APPLICATION = "application", _("Application")
    CANDIDATE = "candidate", _("Candidate")


class NoticeTemplate(models.Model):
    """A message to the candidate with placeholders ({candidate_name}, {job_title}…),
    owned by a unit and usable by the rules of that unit and the units below it."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation unit"),
    )
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")

    def __str__(self) -> str:
        return self.name


class TransitionRule(models.Model):
    """On entering `to_stage` (from `from_stage`, or from anywhere when blank) → an action.

    `job` empty: the default of the unit's jobs (the nearest unit up the tree wins); set:
    the job's own rules for that stage, which replace the inherited ones (a disabled rule
    thus switches the stage's automation off for the job)."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation unit"),
    )
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job"),
    )
    to_stage = models.CharField(_("on entering"), max_length=20, choices=Stage.choices)
    from_stage = models.CharField(
        _("only from"), max_length=20, choices=Stage.choices, blank=True, default=""
    )
    action = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    # invite: the job's interview template when empty.
    interview_template = models.ForeignKey(
        "jobs.InterviewTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interview template"),
    )
    invitation_kind = models.CharField(_("invitation kind"), max_length=20, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    notice = models.ForeignKey(
        NoticeTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("notice template"),
    )
    # An id, not a foreign key: a connector deleted in its own app leaves the rule with a
    # clear run error ("no such connector") instead of deleting HR's rule with it.
    connector_id = models.BigIntegerField(_("connector"), null=True, blank=True)
    record_kind = models.CharField(
        _("record sent"), max_length=20, choices=RecordKind.choices, blank=True, default=""
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["to_stage", "order", "id"]
        verbose_name = _("transition rule")
        verbose_name_plural = _("transition rules")
        indexes = [
            models.Index(fields=["job", "to_stage"], name="automation_rule_job_stage"),
            models.Index(fields=["org_unit", "to_stage"], name="automation_rule_unit_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '*'} → {self.to_stage}: {self.action}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class ActionRun(models.Model):
    """One rule's action for one pipeline move: claimed, retried, done once."""

    rule = models.ForeignKey(
        TransitionRule, on_delete=models.CASCADE, related_name="runs", verbose_name=_("rule")
    )
    transition = models.ForeignKey(
        "candidates.ApplicationTransition", on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="+"
    )
    # The application's unit: runs are scoped like the applications they act on.
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True, default="")
    # What the action produced: the invitation, the e-mail's Message-ID, the sync…
    result = models.JSONField(default=dict, blank=True)
    # The pipeline move the action itself made (an invitation moves to "invited"): the
    # loop guard follows these links back so no rule reacts to its own effect.
    caused_transition = models.ForeignKey(
        "candidates.ApplicationTransition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caused_by_runs",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("action run")
        verbose_name_plural = _("action runs")
        constraints = [
            models.UniqueConstraint(fields=["transition", "rule"], name="automation_run_once")
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="automation_run_due")]

    def __str__(self) -> str:
        return f"rule {self.rule_id} on transition {self.transition_id} ({self.status})"
