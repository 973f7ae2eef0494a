"""Forms of the archive pages: types and lengths only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.common.widgets import IsoDateInput
from mianshi.employees.models import LeaveType, PostHireKind, ProbationResult


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


class RecordForm(forms.Form):
    """One post-hire record entered by hand; the kind decides which fields count."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PostHireKind.choices)
    period = forms.CharField(label=_("Period"), max_length=20, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=IsoDateInput())
    value = forms.CharField(label=_("Rating"), max_length=40, required=False)
    probation_result = forms.ChoiceField(
        label=_("Probation result"), choices=[("", "—"), *ProbationResult.choices], required=False
    )
    training_name = forms.CharField(label=_("Training"), max_length=200, required=False)
    training_hours = forms.DecimalField(
        label=_("Hours"), max_digits=6, decimal_places=1, required=False, min_value=0
    )
    new_position = forms.CharField(label=_("New position"), max_length=120, required=False)
    leave_type = forms.ChoiceField(
        label=_("Leave type"), choices=[("", "—"), *LeaveType.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScaleForm(forms.Form):
    """A unit's performance scale; grades and ranges as JSON, checked by the service."""

    unit = forms.TypedChoiceField(label=_("Organisation unit"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=80)
    grades = forms.CharField(
        label=_("Grades"), required=False, max_length=2000,
        initial='{"S": 1.0, "A": 0.75, "B": 0.5, "C": 0.25, "D": 0.0}',
        help_text=_(
            'JSON, e.g. {"S": 1.0, "A": 0.75}; ranges e.g. [{"min": 90, "max": 100, "value": 1}].'
        ),
    )  # fmt: skip
    ranges = forms.CharField(
        label=_("Numeric ranges"), required=False, max_length=4000, initial="[]"
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class SourceForm(forms.Form):
    """A new inbound webhook source."""

    unit = forms.TypedChoiceField(label=_("Organisation unit"), coerce=int)
    name = forms.SlugField(label=_("Name"), max_length=60)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
