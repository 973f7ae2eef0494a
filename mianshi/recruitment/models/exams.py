"""The written exam (笔试) and the interview shortlist (进入面试人选) with its 递补."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WrittenScore(models.Model):
    """One applicant's written result: a score, or absent (缺考); a 违纪 note kept as text."""

    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="written"
    )
    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True)
    absent = models.BooleanField(_("absent"), default=False)
    discipline = models.CharField(_("discipline"), max_length=200, blank=True)
    extra = models.DecimalField(
        _("skills test (加试)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("written score")
        verbose_name_plural = _("written scores")
        indexes = [models.Index(fields=["post", "score"], name="recruitment_written_post")]

    def __str__(self) -> str:
        return f"{self.application_id}: " + ("absent" if self.absent else str(self.score))


class ShortlistStatus(models.TextChoices):
    SHORTLISTED = "shortlisted", _("Shortlisted")
    SUBSTITUTE = "substitute", _("Substitute (递补)")
    WITHDRAWN = "withdrawn", _("Withdrew")


class ShortlistEntry(models.Model):
    """A place on a post's interview shortlist; a substitute names whom it replaces."""

    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="shortlist"
    )
    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="+")
    written_rank = models.PositiveIntegerField(_("written rank"))
    status = models.CharField(
        _("status"), max_length=12, choices=ShortlistStatus.choices,
        default=ShortlistStatus.SHORTLISTED,
    )  # fmt: skip
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shortlist place")
        verbose_name_plural = _("shortlist places")
        ordering = ["post", "written_rank"]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.written_rank} {self.status}"
