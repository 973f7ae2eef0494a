"""Forms of the exam pages: types and lengths only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.models import User
from mianshi.common.widgets import IsoDateInput
from mianshi.organisations.models import OrgUnit
from mianshi.recruitment.models import Relation


def score_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    """A score or mark: two decimals, not negative (the service checks the plan's maximum)."""
    return forms.DecimalField(
        label=label, required=required, max_digits=6, decimal_places=2, min_value=0
    )


class SheetForm(forms.Form):
    """The exam centre's filled score sheet."""

    file = forms.FileField(label=_("Score sheet (.xlsx or .csv)"))


class WrittenForm(forms.Form):
    """One applicant's written result entered by hand."""

    score = score_field(_("Written score"), required=False)
    absent = forms.BooleanField(label=_("Absent"), required=False)
    discipline = forms.CharField(label=_("Misconduct note"), required=False, max_length=200)


class ExtraForm(forms.Form):
    """The 加试 score of one applicant."""

    extra = score_field(_("Additional test score"))


class ReasonForm(forms.Form):
    """A reason, required by the service (withdrawal, correction)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExaminerForm(forms.Form):
    """An examiner of the pool; the ID number is optional and never shown again in clear."""

    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=80)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False,
        help_text=_("Leave empty to keep the recorded number."),
    )  # fmt: skip
    region = forms.CharField(
        label=_("Region code"), max_length=6, required=False,
        help_text=_("Six digits (GB/T 2260); taken from the ID number when empty."),
    )  # fmt: skip
    expertise = forms.CharField(
        label=_("Expertise"), max_length=300, required=False,
        help_text=_("Separate fields with commas."),
    )  # fmt: skip
    employer = forms.CharField(label=_("Employer"), max_length=120, required=False)
    school = forms.CharField(label=_("School"), max_length=120, required=False)
    graduation_year = forms.IntegerField(label=_("Graduation year"), required=False)
    user = forms.ModelChoiceField(
        label=_("Linked user account"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]

    def expertise_list(self) -> list[str]:
        """The expertise field split on commas (both widths)."""
        text = self.cleaned_data["expertise"].replace("，", ",")
        return [part.strip() for part in text.split(",") if part.strip()]


class PanelForm(forms.Form):
    """A panel to draw for one room of the post's interview."""

    room = forms.CharField(label=_("Room"), max_length=40)
    interview_on = forms.DateField(label=_("Interview day"), widget=IsoDateInput())
    size = forms.IntegerField(label=_("Number of examiners"), min_value=1, max_value=30)
    expertise = forms.CharField(label=_("Expertise required"), max_length=60, required=False)
    local_region = forms.CharField(
        label=_("Local region code"), max_length=6, required=False,
        help_text=_("For a plan that draws examiners from other regions only."),
    )  # fmt: skip


class ResolveForm(forms.Form):
    """An approver's decision on a 回避 conflict."""

    decision = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "upheld", widget=forms.RadioSelect,
        choices=[("cleared", _("Cleared: the examiner may judge")),
                 ("upheld", _("Upheld: the examiner stands aside, a substitute is drawn"))],
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DeclarationForm(forms.Form):
    """A declared relation between an examiner and a candidate of the panel."""

    examiner = forms.TypedChoiceField(label=_("Examiner"), coerce=int)
    application = forms.TypedChoiceField(label=_("Candidate"), coerce=int)
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)

    def __init__(
        self, *args: Any, examiners: list[tuple[int, str]],
        candidates: list[tuple[int, str]], **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["examiner"].choices = examiners  # type: ignore[attr-defined]
        self.fields["application"].choices = candidates  # type: ignore[attr-defined]


class CorrectForm(ReasonForm):
    """A corrected mark and why."""

    score = score_field(_("Corrected mark"))
    reason = forms.CharField(label=_("Reason for the correction"), max_length=80)
