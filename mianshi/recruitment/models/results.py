"""Synthesis and what follows it: the ranked result per applicant, medical check and
background review (体检, 考察), the publication (公示) with its objections, and the hire."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultStatus(models.TextChoices):
    RANKED = "ranked", _("Ranked")
    MEDICAL = "medical", _("Medical check (体检)")
    BACKGROUND = "background", _("Background review (考察)")
    CLEARED = "cleared", _("Cleared for publication (体检, 考察 passed)")
    PUBLISHED = "published", _("On the publication list (公示)")
    HIRED = "hired", _("Hired")
    RESERVE = "reserve", _("Reserve pool (后备人才库)")
    FAILED = "failed", _("Did not pass")
    WITHDRAWN = "withdrawn", _("Withdrew")


class Result(models.Model):
    """An applicant's synthesised result: written × w1 + interview × w2 (+ 加试), ranked."""

    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="result"
    )
    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="results")
    written = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    interview = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    extra = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(null=True)
    tied = models.BooleanField(default=False)  # still tied after the tie-breaks
    decision = models.PositiveSmallIntegerField(null=True, blank=True)  # a recorded tie order
    # Who ordered a tie the tie-breaks left, when and why (the reason outlives later statuses).
    decision_reason = models.TextField(_("reason for the tie decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.RANKED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    # The list this result was published on (公示); a 递补 candidate is on a later one.
    publication = models.ForeignKey(
        "recruitment.Publication", on_delete=models.PROTECT, null=True, blank=True,
        related_name="results",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["post", "rank"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.total} #{self.rank}"


class Publication(models.Model):
    """A post's publication list (公示), its window counted in working days."""

    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication list")
        verbose_name_plural = _("publication lists")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.starts_on}–{self.ends_on}"


class Objection(models.Model):
    """An objection raised during the publication window (异议), resolved with a reason."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="objections"
    )
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField(auto_now_add=True)
    upheld = models.BooleanField(null=True, blank=True)  # None while open
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.text[:40]}"
