"""Forms of the org tree UI, plus the helper that shows service errors beside fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mianshi.common.errors import DomainError
from mianshi.organisations.models import OrgUnit, UnitKind


def add_service_errors(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal beside the matching field, or at the top of the form."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class OrgUnitForm(forms.Form):
    """Create or edit a unit; the parent list holds only units the user manages."""

    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(label=_("Code"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("(root of the tree)"),
    )

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = _indented  # type: ignore[attr-defined]


def _indented(unit: OrgUnit) -> str:
    return f"{'— ' * unit.depth}{unit.name} ({unit.code})"
