"""Competency models (胜任力模型, F-11): weighted dimensions with optional sub-items."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompetencyModel(models.Model):
    """A set of weighted dimensions owned by one unit and readable by its whole subtree."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="competency_models",
        verbose_name=_("owner unit"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("competency model")
        verbose_name_plural = _("competency models")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "name"], name="competencymodel_unique_name_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    """One competency (e.g. 沟通能力 30%) or a sub-item of one (parent set)."""

    model = models.ForeignKey(
        CompetencyModel,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("competency model"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent dimension"),
    )
    # The code is how questions map to dimensions, so one question can serve several models.
    code = models.SlugField(_("code"), max_length=60, allow_unicode=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "code"], name="dimension_unique_code_per_model"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__isnull=True) | models.Q(weight__gt=0, weight__lte=100),
                name="dimension_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name
