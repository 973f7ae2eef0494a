"""The organisation tree: headquarters → branches → departments (F-01)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    HEADQUARTERS = "hq", _("Headquarters")
    BRANCH = "branch", _("Branch")
    DEPARTMENT = "department", _("Department")


class OrgUnit(models.Model):
    """One node of the organisation tree; every job, candidate and interview has one."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # Materialised path "/1/4/9/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="orgunit_unique_name_per_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Give a new unit its path even when saved outside the services (admin, shell)."""
        super().save(*args, **kwargs)
        if not self.path:
            # An empty path is a prefix of every path: a grant on it would cover the tree.
            self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2
