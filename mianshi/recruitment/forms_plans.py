"""HR forms of recruitment plans, posts, screening and the calendar: they parse input into
what the services take (parameters and rules as their JSON form); the services judge it."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mianshi.common.widgets import IsoDateInput
from mianshi.recruitment.calendar import OFFICIAL_YEARS
from mianshi.recruitment.models import DayKind, Post
from mianshi.recruitment.parameters import COLUMNS, TIE_BREAKS, Parameters
from mianshi.recruitment.qualification import (
    Degree,
    EducationLevel,
    HouseholdSource,
    PoliticalStatus,
)

_SPLIT = re.compile(r"[\n,，、;；]+")
_NONE = [("", _("No requirement"))]
_UNSET = [("", _("Not given"))]

TIE_LABELS = {
    "written": _("written score"),
    "extra": _("skills test score"),
    "decision": _("a recorded decision"),
}
COLUMN_LABELS = {
    "name": _("Candidate's name"),
    "gender": _("Gender"),
    "id_number": _("ID number"),
    "education": _("Education"),
    "post_code": _("Post code"),
    "written": _("Written score"),
    "interview": _("Interview score"),
    "total": _("Total score"),
    "rank": _("Rank"),
}
MASK_CHOICES = [
    ("show", _("Shown in full")),
    ("name", _("Masked as a name (张*)")),
    ("id", _("Masked as an ID number (3301…1234)")),
    ("hide", _("Left off the list")),
]


def split_list(text: str) -> list[str]:
    """One item a line, or separated by commas or 、 (as people type lists)."""
    return [item.strip() for item in _SPLIT.split(text or "") if item.strip()]


def _tie_choices() -> list[tuple[str, str]]:
    orders = [p for n in (3, 2, 1) for p in itertools.permutations(TIE_BREAKS, n)]
    return [(",".join(o), " → ".join(str(TIE_LABELS[k]) for k in o)) for o in orders]


class PlanForm(forms.Form):
    """A plan's title, year, unit (on creation) and every parameter of its procedure."""

    title = forms.CharField(label=_("Plan title"), max_length=160)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    announcement_days = forms.IntegerField(
        label=_("Announcement period (working days)"),
        help_text=_("Applications open on the working day after this period."),
    )
    opening_ratio = forms.DecimalField(
        label=_("Opening ratio (qualified applicants per place)"),
        decimal_places=2,
        help_text=_("Below it a named approver keeps, reduces, cancels or merges the post."),
    )
    pass_line = forms.DecimalField(label=_("Written pass line"), decimal_places=2)
    max_score = forms.DecimalField(label=_("Highest score"), decimal_places=2)
    shortlist_ratio = forms.IntegerField(
        label=_("Interview shortlist (applicants per place)"),
        help_text=_("Ties at the cut-off are all invited."),
    )
    panel_size = forms.IntegerField(label=_("Examiners per panel"))
    other_regions = forms.BooleanField(label=_("Examiners from other regions only"), required=False)
    drop_highest = forms.IntegerField(label=_("Highest marks dropped"), min_value=0)
    drop_lowest = forms.IntegerField(label=_("Lowest marks dropped"), min_value=0)
    weight_written = forms.DecimalField(
        label=_("Weight of the written score"),
        decimal_places=4,
        help_text=_("A share between 0 and 1; the three weights add up to 1."),
    )
    weight_interview = forms.DecimalField(
        label=_("Weight of the interview score"), decimal_places=4
    )
    weight_extra = forms.DecimalField(
        label=_("Weight of the skills test"),
        decimal_places=4,
        help_text=_("0 when there is no skills test."),
    )
    tie_break = forms.ChoiceField(label=_("Equal totals are ranked by"))
    publication_days = forms.IntegerField(label=_("Publication period (公示, working days)"))

    def __init__(self, *args: Any, units: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tie_break"].choices = _tie_choices()  # type: ignore[attr-defined]
        for column in COLUMNS:
            self.fields[f"mask_{column}"] = forms.ChoiceField(
                label=_("Publication list: %(column)s") % {"column": COLUMN_LABELS[column]},
                choices=MASK_CHOICES,
            )
        if units is not None:  # on creation: the unit comes right after the title and year
            unit = forms.ModelChoiceField(queryset=units, label=_("Unit"))
            fields = list(self.fields.items())
            self.fields = dict([*fields[:2], ("org_unit", unit), *fields[2:]])  # type: ignore[assignment]

    @staticmethod
    def initial_from(parameters: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from stored (or default) parameters."""
        params = Parameters.from_dict(parameters).to_dict()
        masking = params.pop("masking")
        params["tie_break"] = ",".join(params["tie_break"])
        return params | {f"mask_{column}": mask for column, mask in masking.items()}

    def parameters(self) -> dict[str, Any]:
        """The parameters' JSON form, as plan_create and plan_update_parameters read it."""
        data = self.cleaned_data
        names = [name for name in Parameters.__dataclass_fields__ if name != "masking"]
        params = {name: data[name] for name in names if data.get(name) is not None}
        params = {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}
        params["tie_break"] = data["tie_break"].split(",")
        params["masking"] = {column: data[f"mask_{column}"] for column in COLUMNS}
        return params


class RulesForm(forms.Form):
    """A post's qualification rules; every field left empty is no requirement."""

    education_min = forms.ChoiceField(
        label=_("Minimum education"), required=False, choices=_NONE + list(EducationLevel.choices)
    )
    degree_min = forms.ChoiceField(
        label=_("Minimum degree"), required=False, choices=_NONE + list(Degree.choices)
    )
    majors = forms.CharField(
        label=_("Majors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: a major (计算机科学与技术) or a category (计算机类)."),
    )
    certificates = forms.CharField(
        label=_("Certificates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line; an applicant must hold them all."),
    )
    experience_years_min = forms.DecimalField(
        label=_("Minimum years of work experience"), required=False, decimal_places=1
    )
    age_max = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0)
    age_cutoff = forms.DateField(
        label=_("Age counted on"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("Needed with a maximum age."),
    )
    household = forms.CharField(
        label=_("Household registration (region codes)"),
        required=False,
        help_text=_("Region code prefixes of 2, 4 or 6 digits, e.g. 3301 for 杭州市."),
    )
    household_source = forms.ChoiceField(
        label=_("Household registration read"), choices=HouseholdSource.choices
    )
    political = forms.MultipleChoiceField(
        label=_("Political status"),
        required=False,
        choices=PoliticalStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    @staticmethod
    def initial_from(rules: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from a post's stored rules."""
        initial = dict(rules)
        for name in ("majors", "certificates"):
            initial[name] = "\n".join(rules.get(name) or ())
        initial["household"] = " ".join(rules.get("household") or ())
        return initial

    def rules(self) -> dict[str, Any]:
        """The rules' JSON form, as post_create and post_update_rules read it."""
        data = self.cleaned_data
        minimum, cutoff = data.get("experience_years_min"), data.get("age_cutoff")
        return {
            "education_min": data.get("education_min") or None,
            "degree_min": data.get("degree_min") or None,
            "majors": split_list(data.get("majors", "")),
            "certificates": split_list(data.get("certificates", "")),
            "experience_years_min": None if minimum is None else str(minimum),
            "age_max": data.get("age_max"),
            "age_cutoff": None if cutoff is None else cutoff.isoformat(),
            "household": (data.get("household") or "").replace(",", " ").split(),
            "household_source": data.get("household_source") or HouseholdSource.ID,
            "political": list(data.get("political") or ()),
        }


class PostForm(RulesForm):
    """A new post: an open job of the plan's unit, its code (岗位代码) and its rules."""

    def __init__(self, *args: Any, jobs: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = forms.CharField(
            label=_("Post code"),
            max_length=30,
            help_text=_("As the announcement lists it, e.g. 2026001."),
        )
        job = forms.ModelChoiceField(queryset=jobs, label=_("Job"))
        self.fields = {"job": job, "code": code, **self.fields}  # type: ignore[assignment]


class AnnounceForm(forms.Form):
    """The day the announcement is published and how long applications stay open."""

    on = forms.DateField(label=_("Announced on"), widget=IsoDateInput())
    close_after_days = forms.IntegerField(
        label=_("Applications stay open (working days)"), initial=5, min_value=1, max_value=60
    )


class OverrideForm(forms.Form):
    """HR's verdict over the rules' (资格复审) with the reason the candidate will read."""

    qualified = forms.TypedChoiceField(
        label=_("Verdict"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Qualified")), ("no", _("Not qualified"))],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required; the applicant reads it on their status page."),
    )


class DecisionForm(forms.Form):
    """A named approver's decision on a post below the opening ratio."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("keep", _("Keep the post: the examinations go ahead")),
            ("reduce", _("Reduce its places (核减)")),
            ("cancel", _("Cancel the post (取消)")),
            ("merge", _("Merge it into another post")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_headcount = forms.IntegerField(
        label=_("New number of places"), required=False, help_text=_("Only when reducing.")
    )
    merge_into = forms.ModelChoiceField(
        label=_("Merge into"),
        required=False,
        queryset=Post.objects.none(),
        help_text=_("Only when merging."),
    )

    def __init__(self, *args: Any, others: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].queryset = others  # type: ignore[attr-defined]


class FactsForm(forms.Form):
    """What an applicant declared, as the rules read it (资格审查)."""

    education = forms.ChoiceField(
        label=_("Education"), required=False, choices=_UNSET + list(EducationLevel.choices)
    )
    degree = forms.ChoiceField(
        label=_("Degree"), required=False, choices=_UNSET + list(Degree.choices)
    )
    major = forms.CharField(label=_("Major"), required=False, max_length=80)
    school = forms.CharField(label=_("School"), required=False, max_length=120)
    graduation_year = forms.IntegerField(label=_("Graduation year"), required=False)
    certificates = forms.CharField(
        label=_("Certificates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line."),
    )
    experience_years = forms.DecimalField(label=_("Years of work experience"), required=False)
    employer = forms.CharField(label=_("Current employer"), required=False, max_length=120)
    declared_household = forms.CharField(
        label=_("Declared household registration (region code)"),
        required=False,
        help_text=_("2, 4 or 6 digits, e.g. 330106."),
    )
    political_status = forms.ChoiceField(
        label=_("Political status"), required=False, choices=_UNSET + list(PoliticalStatus.choices)
    )
    ticket = forms.CharField(label=_("Exam ticket number"), required=False, max_length=30)

    def facts(self) -> dict[str, Any]:
        """The facts as facts_save takes them (text trimmed by the service)."""
        data = dict(self.cleaned_data)
        data["certificates"] = split_list(data.get("certificates", ""))
        return data


class CalendarDayForm(forms.Form):
    """A day that breaks the weekly rule: a day off or a 调休 working day."""

    day = forms.DateField(label=_("Date"), widget=IsoDateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("Name (e.g. 国庆节)"), required=False, max_length=60)


class CalendarRemoveForm(forms.Form):
    day = forms.DateField()


class CalendarLoadForm(forms.Form):
    """Which State Council calendar to load: one of the years whose notice is shipped."""

    year = forms.TypedChoiceField(
        label=_("Official calendar"),
        choices=[(y, str(y)) for y in OFFICIAL_YEARS],
        coerce=int,
        initial=OFFICIAL_YEARS[-1],
    )
