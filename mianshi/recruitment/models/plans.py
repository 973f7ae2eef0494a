"""Recruitment plans and their posts (招聘计划, 岗位), and the working-day calendar.

A plan groups the posts one announcement publishes; its parameters (periods, ratios, pass
line, weights, tie-breaks, masking) are configured per plan because localities differ, and
a post is a job switched into public-recruitment mode: the job keeps its pipeline, the post
adds the procedure's state (岗位代码, the opening-ratio decision, the qualification rules).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.recruitment.parameters import Parameters


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (holiday)")
    WORKDAY = "workday", _("Working day (adjusted, 调休)")


class CalendarDay(models.Model):
    """A day that breaks the weekly rule: a weekday off (法定节假日) or a weekend day worked
    (调休上班). Every period of the procedure is counted on these (calendar.WorkCalendar)."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")  # the announcement runs before applications open
    OPEN = "open", _("Open for applications")
    EXAMINING = "examining", _("Examinations")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    """A recruitment plan (招聘计划) of one unit, with the parameters of its procedure."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="recruitment_plans",
        verbose_name=_("organisation unit"),
    )
    title = models.CharField(_("title"), max_length=160)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # parameters.Parameters.to_dict(): every rule of the procedure, with its usual default.
    parameters = models.JSONField(_("parameters"), default=dict)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    applications_open_on = models.DateField(_("applications open on"), null=True, blank=True)
    applications_close_on = models.DateField(_("applications close on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("recruitment plan")
        verbose_name_plural = _("recruitment plans")

    def __str__(self) -> str:
        return self.title


class PostStatus(models.TextChoices):
    RECRUITING = "recruiting", _("Recruiting")
    BELOW_RATIO = "below_ratio", _("Below the opening ratio")  # waits for a named decision
    EXAMINING = "examining", _("Examinations")
    REDUCED = "reduced", _("Headcount reduced (核减)")
    CANCELLED = "cancelled", _("Cancelled (取消)")
    MERGED = "merged", _("Merged into another post")
    PUBLISHED = "published", _("Results published (公示)")
    FILLED = "filled", _("Filled")


class Post(models.Model):
    """A post (岗位) of a plan: a job in public-recruitment mode. Its headcount is the job's
    (one home for the quota, 编制); the rules are qualification.PostRules.to_dict()."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="posts")
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.PROTECT, related_name="post", verbose_name=_("job")
    )
    code = models.CharField(_("post code"), max_length=30)
    status = models.CharField(
        _("status"), max_length=12, choices=PostStatus.choices, default=PostStatus.RECRUITING
    )
    rules = models.JSONField(_("qualification rules"), default=dict)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The opening-ratio decision (开考比例不足时核减或取消), taken by a named person.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="recruitment_post_code")
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.code} {self.job.title}"

    @property
    def parameters(self) -> Parameters:
        """The rules of the post's plan."""
        return Parameters.from_dict(self.plan.parameters)

    @property
    def unit_id(self) -> int:
        """The org unit whose grants govern the post: its job's."""
        return self.job.org_unit_id


class QuotaChange(models.Model):
    """A change of a post's headcount (编制), with its reason: quotas move only this way."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="quota_changes")
    before = models.PositiveIntegerField(_("before"))
    after = models.PositiveIntegerField(_("after"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("headcount change")
        verbose_name_plural = _("headcount changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.before} → {self.after}"
