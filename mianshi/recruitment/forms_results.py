"""Forms of the results pages (synthesis, 体检/考察, 公示, hire, 编制): types and lengths
only; the rules (who may, when, how many) live in the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.common.widgets import IsoDateInput
from mianshi.recruitment.services.hiring import MAX_TEXT

FIRST_YEAR, LAST_YEAR = 2000, 2099


def _reason(label: Any = None, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"), max_length=MAX_TEXT, required=required,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )  # fmt: skip


class TieDecisionForm(forms.Form):
    """A named approver's order among candidates the tie-breaks left tied (1 first)."""

    order = forms.IntegerField(label=_("Order (1 first)"), min_value=1, max_value=1000)
    reason = _reason()


class FailForm(forms.Form):
    """体检 or 考察 not passed: the reason is kept on the result."""

    reason = _reason()


class WithdrawForm(forms.Form):
    """The candidate gives up their place (放弃); a reason is optional."""

    reason = _reason(_("Reason (optional)"), required=False)


class PassForm(forms.Form):
    """Which step the candidate passed."""

    step = forms.ChoiceField(
        choices=[("medical", _("Medical check")), ("background", _("Background review"))]
    )


class PublicationForm(forms.Form):
    """The first day of the 公示; its end is counted in working days by the service."""

    starts_on = forms.DateField(label=_("First day of the publication"), widget=IsoDateInput())

    def clean_starts_on(self) -> date:
        day: date = self.cleaned_data["starts_on"]
        # Far dates would overflow the working-day count (date.max); no 公示 is that far off.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            message = _("A date in the years %(first)s to %(last)s.")
            raise forms.ValidationError(message % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return day


class ObjectionForm(forms.Form):
    """An objection as received: its text and, optionally, the candidate it is about."""

    text = forms.CharField(
        label=_("Objection"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    application = forms.TypedChoiceField(
        label=_("About the candidate"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("The list as a whole")), *candidates]


class ResolveForm(forms.Form):
    """A named approver's decision on an objection."""

    upheld = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Upheld")), ("no", _("Not upheld"))],
    )  # fmt: skip
    reason = _reason()


class QuotaForm(forms.Form):
    """A named approver's change of the post's headcount (编制)."""

    new_headcount = forms.IntegerField(label=_("New headcount"), min_value=0, max_value=10000)
    reason = _reason()
