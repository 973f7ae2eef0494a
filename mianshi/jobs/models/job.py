"""Jobs (F-10)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScorePolicy(models.TextChoices):
    """How a job's final interview score combines the AI's and the raters' scores (F-71).

    Every policy keeps a person in charge: the AI score alone never decides (F-72)."""

    HUMAN_ONLY = "human_only", _("Human ratings only")
    AVERAGE = "average", _("Average of AI and human ratings")
    AI_SECOND_OPINION = "ai_second_opinion", _("Human ratings; AI as a second opinion")


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Education(models.TextChoices):
    NONE = "", _("No requirement")
    COLLEGE = "college", _("College (大专)")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctorate")


class Job(models.Model):
    """A post (岗位) of one org unit, with its requirements and headcount quota."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("organisation unit"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description (JD)"), blank=True)
    education = models.CharField(
        _("minimum education"), max_length=20, choices=Education.choices, blank=True
    )
    majors = models.CharField(_("majors"), max_length=255, blank=True)
    certificates = models.CharField(_("certificates"), max_length=255, blank=True)
    min_years = models.PositiveSmallIntegerField(_("minimum years of experience"), default=0)
    headcount = models.PositiveIntegerField(
        _("headcount quota"), default=1, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=JobStatus.choices,
        default=JobStatus.DRAFT,
        db_index=True,
    )
    # Optional links: the job's own competency model and its default interview template.
    competency_model = models.ForeignKey(
        "jobs.CompetencyModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("competency model"),
    )
    interview_template = models.ForeignKey(
        "jobs.InterviewTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interview template"),
    )
    # What invitations for this job say and how long their links stay valid (F-30).
    invitation_hours = models.PositiveIntegerField(
        _("invitation validity (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    invitation_instructions = models.TextField(_("instructions for candidates"), blank=True)
    required_materials = models.CharField(
        _("required materials"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. ID card copy, degree certificate."),
    )
    # Set when the job becomes a public-recruitment post: its hires go through that
    # procedure (公示 window, 编制 quota), so the generic stage move refuses them.
    public_recruitment = models.BooleanField(
        _("hired through the public-recruitment procedure"), default=False, editable=False
    )
    score_policy = models.CharField(
        _("final score policy"),
        max_length=20,
        choices=ScorePolicy.choices,
        default=ScorePolicy.AVERAGE,
    )
    # The interview a "second round" decision invites to; none → a notice without a link.
    second_round_template = models.ForeignKey(
        "jobs.InterviewTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second-round interview template"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return self.title
