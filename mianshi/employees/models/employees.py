"""Employees and the interview baseline frozen into them at hire (F-92).

The baseline is a copy, not a link: the interview's scores may be re-run or erased later,
but what the company knew on the day it hired is what post-hire outcomes are compared to.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployeeStatus(models.TextChoices):
    PROBATION = "probation", _("On probation")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Employee(models.Model):
    """A hire: created once per application when it enters "hired", then kept current by
    HR, the API and the post-hire data (probation results, promotions, leave)."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("organisation unit"),
    )
    employee_number = models.CharField(_("employee number"), max_length=40, unique=True)
    position = models.CharField(_("position"), max_length=120)
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(
        _("status"), max_length=10, choices=EmployeeStatus.choices, default=EmployeeStatus.PROBATION
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    # Unique: the hire consumer may run twice for one event; the second finds this row.
    application = models.OneToOneField(
        "candidates.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("application"),
    )
    offer = models.ForeignKey(
        "reviews.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The EHRs' ids for this employee (common.external_refs); deleted with the employee.
    external_refs = GenericRelation("common.ExternalRef")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["-hire_date", "-id"]
        indexes = [models.Index(fields=["org_unit", "status"], name="employee_unit_status")]

    def __str__(self) -> str:
        return f"employee {self.employee_number}"


class StatusChange(models.Model):
    """One change of an employee's status or position, for the timeline and the audit."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20)
    old = models.CharField(max_length=120, blank=True)
    new = models.CharField(max_length=120, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employee change")
        verbose_name_plural = _("employee changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


class Baseline(models.Model):
    """The interview as it stood at hire: per-dimension AI / human / final scores with the
    evidence quotes, the growth areas and the PDF report (sealed with ENCRYPTION_KEYS)."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="baseline")
    session = models.ForeignKey(
        "interviews.InterviewSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    policy = models.CharField(_("final score policy"), max_length=20, blank=True)
    ai_total = models.FloatField(_("AI score"), null=True, blank=True)
    human_total = models.FloatField(_("human score"), null=True, blank=True)
    final_total = models.FloatField(_("final score"), null=True, blank=True)
    # [{code, name, weight, ai, human, final, evidence: [{quote, position, start, end}]}]
    dimensions = models.JSONField(default=list, blank=True)
    # [{code, name, final}] the lowest dimensions, and the raters' comments as notes.
    growth_areas = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    report_path = models.CharField(max_length=300, blank=True)
    report_size = models.PositiveIntegerField(default=0)
    report_key_id = models.CharField(max_length=40, blank=True)
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview baseline")
        verbose_name_plural = _("interview baselines")

    def __str__(self) -> str:
        return f"baseline of employee {self.employee_id}"
