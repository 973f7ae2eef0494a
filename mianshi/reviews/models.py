"""Human review of an interview: combined scores, raters' ratings and decisions (F-70–F-73)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import Stage


class InterviewScore(models.Model):
    """The interview's combined scores, kept current so lists and rankings read one row.

    Refreshed by reviews.services.scores after every finished analysis and every submitted
    rating; dimensions are [{code, name, score, weight}] on a 0–10 scale.
    """

    session = models.OneToOneField(
        "interviews.InterviewSession",
        on_delete=models.CASCADE,
        related_name="score",
        verbose_name=_("interview"),
    )
    application = models.ForeignKey(
        "candidates.Application",
        on_delete=models.CASCADE,
        related_name="interview_scores",
        verbose_name=_("application"),
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.CASCADE, related_name="+", verbose_name=_("job")
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    policy = models.CharField(_("final score policy"), max_length=20, blank=True)
    ai_total = models.FloatField(_("AI score"), null=True, blank=True)
    ai_dimensions = models.JSONField(_("AI dimension scores"), default=list, blank=True)
    ai_confidence = models.FloatField(_("AI confidence"), null=True, blank=True)
    answers_analysed = models.PositiveSmallIntegerField(_("answers analysed"), default=0)
    answers_pending = models.PositiveSmallIntegerField(_("answers pending"), default=0)
    human_total = models.FloatField(_("human score"), null=True, blank=True)
    human_dimensions = models.JSONField(_("human dimension scores"), default=list, blank=True)
    raters = models.PositiveSmallIntegerField(_("raters"), default=0)
    final_total = models.FloatField(_("final score"), null=True, blank=True)
    needs_review = models.BooleanField(_("needs human review"), default=False)
    # [{code, dimension?, name?, value?}] — F-66 flags as codes; selectors.scores.anomaly_text
    # puts them into words at display time, in the reader's language.
    anomalies = models.JSONField(_("anomaly flags"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview score")
        verbose_name_plural = _("interview scores")
        indexes = [
            models.Index(fields=["job", "final_total"], name="iscore_job_final"),
            models.Index(fields=["org_unit", "job"], name="iscore_unit_job"),
        ]

    def __str__(self) -> str:
        return f"scores of interview {self.session_id}"


class RatingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    # Steps aside (回避, or decides without rating): rates nothing, sees the others' ratings.
    DECLINED = "declined", _("Not rating")


# A rater in one of these has no rating left to keep independent: the others' are shown.
RATING_DONE = (RatingStatus.SUBMITTED, RatingStatus.DECLINED)


class Rating(models.Model):
    """One rater's rating of one interview; others' ratings stay hidden until it is submitted."""

    session = models.ForeignKey(
        "interviews.InterviewSession",
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("interview"),
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interview_ratings",
        verbose_name=_("rater"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT
    )
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    total = models.FloatField(_("weighted score"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "rater"], name="rating_one_per_rater"),
        ]

    def __str__(self) -> str:
        return f"rating of interview {self.session_id} by {self.rater_id} ({self.status})"


# A rater's score further than this from the AI's (both 0–10) overrides it and needs a reason.
OVERRIDE_GAP = 2.0


class RatingScore(models.Model):
    """A rater's score (1–10) for one competency dimension, with the override reason when it
    departs from the AI's score by more than the allowed gap."""

    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="scores", verbose_name=_("rating")
    )
    code = models.SlugField(_("dimension code"), max_length=60, allow_unicode=True)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    ai_score = models.FloatField(_("AI score shown"), null=True, blank=True)
    override_reason = models.CharField(
        _("reason for overriding the AI"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("dimension rating")
        verbose_name_plural = _("dimension ratings")
        constraints = [
            models.UniqueConstraint(fields=["rating", "code"], name="rating_score_one_per_code"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=10), name="rating_score_1_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.score}"


class DecisionKind(models.TextChoices):
    SECOND_ROUND = "second_round", _("Advance to the second round")
    OFFER = "offer", _("Offer")
    REJECT = "reject", _("Reject")
    TALENT_POOL = "talent_pool", _("Talent pool")


# Where each decision moves the application in the pipeline.
DECISION_STAGE: dict[str, Stage] = {
    DecisionKind.SECOND_ROUND: Stage.SECOND_ROUND,
    DecisionKind.OFFER: Stage.OFFER_APPROVAL,
    DecisionKind.REJECT: Stage.REJECTED,
    DecisionKind.TALENT_POOL: Stage.TALENT_POOL,
}


class FeedbackStatus(models.TextChoices):
    NONE = "none", _("Not sent")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Decision(models.Model):
    """A named person's decision on an application after an interview, and its follow-ups."""

    application = models.ForeignKey(
        "candidates.Application",
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("application"),
    )
    session = models.ForeignKey(
        "interviews.InterviewSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("interview"),
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    # The scores the decision was taken on, frozen for the audit trail.
    policy = models.CharField(_("final score policy"), max_length=20, blank=True)
    ai_total = models.FloatField(_("AI score"), null=True, blank=True)
    human_total = models.FloatField(_("human score"), null=True, blank=True)
    final_total = models.FloatField(_("final score"), null=True, blank=True)
    # Follow-ups.
    invitation = models.ForeignKey(
        "invitations.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next-round invitation"),
    )
    tag = models.ForeignKey(
        "candidates.Tag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("talent-pool tag"),
    )
    feedback_subject = models.CharField(_("feedback subject"), max_length=200, blank=True)
    feedback_body = models.TextField(_("feedback message"), max_length=8000, blank=True)
    feedback_status = models.CharField(
        _("feedback"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NONE
    )
    feedback_sent_at = models.DateTimeField(_("feedback sent"), null=True, blank=True)
    feedback_error = models.CharField(_("feedback error"), max_length=500, blank=True)
    feedback_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Claims so far: a message whose send keeps killing its worker stops being re-sent.
    feedback_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["feedback_status", "feedback_claimed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} on application {self.application_id}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    HIRED = "hired", _("Hired")


# An application has at most one offer in these at a time: the one being decided or kept.
OPEN_OFFER = (OfferStatus.PENDING, OfferStatus.APPROVED)


class Offer(models.Model):
    """An offer after the "offer" decision, signed off by a named approver (F-72, four eyes),
    then the candidate's notices and the hire; the terms are frozen once approved."""

    application = models.ForeignKey(
        "candidates.Application",
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("application"),
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="offers", verbose_name=_("decision")
    )
    # The application's unit: what scoping filters on.
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    # The unit the new hire joins (the application's or one below it).
    hire_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("joins unit"),
    )
    position = models.CharField(_("position"), max_length=120)
    salary = models.CharField(_("salary or grade"), max_length=200, blank=True)
    start_date = models.DateField(_("proposed start date"))
    note = models.TextField(_("note to the approver"), max_length=2000, blank=True)
    medical_at = models.DateTimeField(_("medical check"), null=True, blank=True)
    medical_place = models.CharField(_("medical check place"), max_length=200, blank=True)
    medical_materials = models.TextField(_("materials to bring"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="offers_to_approve",
        verbose_name=_("approver"),
    )
    decided_at = models.DateTimeField(_("approved or returned"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), max_length=2000, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    hired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hire recorded by"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="offer_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=~models.Q(approver=models.F("proposed_by")),
                name="offer_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~models.Q(employee_number=""),
                name="offer_employee_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["approver", "status"], name="offer_approver_status")]

    def __str__(self) -> str:
        return f"offer {self.pk} on application {self.application_id} ({self.status})"
