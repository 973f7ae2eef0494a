"""Interview templates (F-13): ordered questions, versioned so interviews keep theirs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.jobs.models.question import QuestionType


class InterviewTemplate(models.Model):
    """A named, versioned interview plan for a job; weights come from its competency model."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="interview_templates",
        verbose_name=_("owner unit"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name=_("job"),
    )
    competency_model = models.ForeignKey(
        "jobs.CompetencyModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name=_("competency model"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("interview template")
        verbose_name_plural = _("interview templates")

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """A numbered state of a template; once locked (in use) it never changes again."""

    template = models.ForeignKey(
        InterviewTemplate,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("interview template"),
    )
    number = models.PositiveIntegerField(_("version"))
    # The model's dimensions and weights as they were, so scoring an old interview is stable.
    model_snapshot = models.JSONField(_("competency model snapshot"), default=dict, blank=True)
    locked_at = models.DateTimeField(_("in use since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="templateversion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class TemplateQuestion(models.Model):
    """One slot of a version: the bank question and a frozen copy of its content."""

    version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("template version"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(
        "jobs.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    snapshot = models.JSONField(_("question snapshot"), default=dict)

    class Meta:
        ordering = ["position"]
        verbose_name = _("template question")
        verbose_name_plural = _("template questions")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="templatequestion_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} #{self.position}"

    @property
    def type_label(self) -> str:
        """The snapshot's question type as its translated label (the code if unknown)."""
        code = str(self.snapshot.get("type", ""))
        return str(QuestionType(code).label) if code in QuestionType.values else code
