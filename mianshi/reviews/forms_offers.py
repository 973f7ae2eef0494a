"""The offer forms: field types and lengths here, the rules (four eyes, the unit, the
pipeline) in services.offers, so the page and the API refuse the same things."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.common.widgets import IsoDateInput, IsoDateTimeInput


class OfferForm(forms.Form):
    """What the proposer fills in."""

    position = forms.CharField(label=_("Position"), max_length=120)
    start_date = forms.DateField(label=_("Proposed start date"), widget=IsoDateInput())
    salary = forms.CharField(label=_("Salary or grade"), max_length=200, required=False)
    approver = forms.TypedChoiceField(label=_("Approver"), coerce=int)
    note = forms.CharField(
        label=_("Note to the approver"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    medical_at = forms.DateTimeField(
        label=_("Medical check: date and time"), required=False,
        widget=IsoDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )  # fmt: skip
    medical_place = forms.CharField(label=_("Medical check: place"), max_length=200, required=False)
    medical_materials = forms.CharField(
        label=_("Medical check: materials to bring"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: object, approvers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["approver"].choices = [("", _("— choose —")), *approvers]  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HireForm(forms.Form):
    hire_date = forms.DateField(label=_("Hire date"), widget=IsoDateInput())
    employee_number = forms.CharField(label=_("Employee number"), max_length=40)
