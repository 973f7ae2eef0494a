"""The question bank (题库, F-12): typed questions with timing, rubric and dimension mapping."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Bounds that keep a question answerable in a browser session.
PREP_MAX = 600
ANSWER_MIN, ANSWER_MAX = 10, 1800
RETAKES_MAX = 5


class QuestionType(models.TextChoices):
    SELF_INTRO = "self_intro", _("Self-introduction")
    BEHAVIOURAL = "behavioural", _("Behavioural (BEI / STAR)")
    SITUATIONAL = "situational", _("Situational simulation")
    ABILITY = "ability", _("Ability item")
    SKILLS_DEMO = "skills_demo", _("Skills demo (screen share)")


class AnswerType(models.TextChoices):
    """How the candidate answers (F-48): recorded on camera, voice only, or in the page."""

    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio only")
    TEXT = "text", _("Written text")
    FILE = "file", _("File upload")
    CHOICE = "choice", _("Multiple choice")


RECORDED_TYPES = frozenset({AnswerType.VIDEO, AnswerType.AUDIO})


class QuestionLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class Question(models.Model):
    """One interview question of a unit's bank; units below the owner may use it too."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("owner unit"),
    )
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, db_index=True)
    text = models.TextField(_("question text"))
    answer_type = models.CharField(
        _("answer type"), max_length=10, choices=AnswerType.choices, default=AnswerType.VIDEO
    )
    # Multiple choice only: [{"key": "A", "text": "…"}, …]; the candidate picks one or more.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=QuestionLanguage.choices,
        default=QuestionLanguage.ZH_HANS,
    )
    prep_seconds = models.PositiveIntegerField(
        _("preparation time (s)"), default=30, validators=[MaxValueValidator(PREP_MAX)]
    )
    answer_seconds = models.PositiveIntegerField(
        _("answer time (s)"),
        default=120,
        validators=[MinValueValidator(ANSWER_MIN), MaxValueValidator(ANSWER_MAX)],
    )
    max_retakes = models.PositiveSmallIntegerField(
        _("retakes allowed"), default=0, validators=[MaxValueValidator(RETAKES_MAX)]
    )
    screen_share = models.BooleanField(_("screen sharing"), default=False)
    reference_answer = models.TextField(_("reference answer"), blank=True)
    # Stored as ",a,b," so an exact tag filter is one portable LIKE on every database.
    tags = models.CharField(_("tags"), max_length=500, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer_seconds__gte=ANSWER_MIN, answer_seconds__lte=ANSWER_MAX),
                name="question_answer_seconds_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(type="skills_demo") | models.Q(screen_share=True),
                name="question_skills_demo_shares_screen",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def dimension_codes(self) -> list[str]:
        return [d.code for d in self.dimension_links.all()]


class QuestionDimension(models.Model):
    """Maps a question to a dimension code (valid in every model that has that code)."""

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="dimension_links",
        verbose_name=_("question"),
    )
    code = models.SlugField(_("dimension code"), max_length=60, allow_unicode=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question dimension")
        verbose_name_plural = _("question dimensions")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="questiondimension_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class RubricLevel(models.Model):
    """One scoring level (评分细则), e.g. 3 = full key behavioural event, with keywords."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="rubric_levels", verbose_name=_("question")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    description = models.TextField(_("description"))
    keywords = models.JSONField(_("expected keywords"), default=list, blank=True)

    class Meta:
        ordering = ["-level"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="rubriclevel_unique_level"),
        ]

    def __str__(self) -> str:
        return str(self.level)
