"""Runs of the analysis engine over one answer, and what a finished run found."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class AnalysisRun(models.Model):
    """One analysis of an answer; a re-run supersedes it (is_current) but it stays for audit."""

    answer = models.ForeignKey(
        "interviews.Answer",
        on_delete=models.CASCADE,
        related_name="analysis_runs",
        verbose_name=_("answer"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    is_current = models.BooleanField(_("current"), default=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    face_analysis = models.BooleanField(_("face analysis allowed"), default=True)
    pipeline_version = models.CharField(_("pipeline version"), max_length=40, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claims = models.PositiveSmallIntegerField(default=0, editable=False)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"analysis {self.pk} of answer {self.answer_id} ({self.status})"


class AnalysisResult(models.Model):
    """What a done run found: transcript, features, quality and the rubric score."""

    run = models.OneToOneField(
        AnalysisRun, on_delete=models.CASCADE, related_name="result", verbose_name=_("run")
    )
    language = models.CharField(_("language"), max_length=5, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    segments = models.JSONField(_("transcript segments"), default=list, blank=True)
    speech = models.JSONField(_("speech features"), default=dict, blank=True)
    video = models.JSONField(_("video features"), default=dict, blank=True)
    integrity = models.JSONField(_("integrity signals"), default=list, blank=True)
    quality = models.JSONField(_("quality"), default=dict, blank=True)
    score = models.JSONField(_("text score"), default=dict, blank=True)
    level = models.PositiveSmallIntegerField(_("rubric level"), null=True, blank=True)
    total = models.FloatField(_("score"), null=True, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    needs_human_review = models.BooleanField(_("needs human review"), default=False)
    review_reasons = models.JSONField(_("review reasons"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("analysis result")
        verbose_name_plural = _("analysis results")

    def __str__(self) -> str:
        return f"result of analysis {self.run_id}"
