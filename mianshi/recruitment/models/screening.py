"""What an applicant declared for the qualification check (资格审查), and its outcome.

The facts are entered by the candidate or by HR (résumé parsing comes later); the outcome
keeps every rule's reason as it was evaluated, and HR's override with a reason beside it,
never instead of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApplicantFacts(models.Model):
    """The résumé fields the rules read (qualification.Facts), plus what 回避 compares."""

    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="facts"
    )
    education = models.CharField(_("education"), max_length=20, blank=True)
    degree = models.CharField(_("degree"), max_length=20, blank=True)
    major = models.CharField(_("major"), max_length=80, blank=True)
    school = models.CharField(_("school"), max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    certificates = models.JSONField(_("certificates"), default=list, blank=True)
    experience_years = models.DecimalField(
        _("years of experience"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    employer = models.CharField(_("current employer"), max_length=120, blank=True)
    declared_household = models.CharField(_("household registration"), max_length=6, blank=True)
    political_status = models.CharField(_("political status"), max_length=20, blank=True)
    ticket = models.CharField(_("exam ticket number"), max_length=30, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("qualification facts")
        verbose_name_plural = _("qualification facts")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.education} {self.major}"


# The verdict that counts, as a filter: HR's override where there is one (Screening.qualified).
QUALIFIED = Q(override=True) | Q(override__isnull=True, passed=True)


class Screening(models.Model):
    """The automatic check's verdict per rule, and HR's override (with its reason) if any."""

    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="screening"
    )
    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField(_("passed the rules"))
    results = models.JSONField(default=list)  # [{code, passed, reason}], as evaluated
    evaluated_at = models.DateTimeField()
    override = models.BooleanField(_("overridden to"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("qualification screening")
        verbose_name_plural = _("qualification screenings")
        indexes = [models.Index(fields=["post", "passed"], name="recruitment_screening_post")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.qualified}"

    @property
    def qualified(self) -> bool:
        """The verdict that counts: HR's override where there is one."""
        return self.passed if self.override is None else self.override
