"""Forms of the transition-action pages: what HR fills in; the services check the rest.

The choices offered are what the rule's unit may use (templates and notices of the unit
or a unit above it, the enabled channels); the service checks again, so a tampered form
gets the same refusal as the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import ActionKind, NoticeTemplate, RecordKind
from mianshi.integrations.automation.selectors import ancestor_ids
from mianshi.integrations.connectors.models import Connector
from mianshi.invitations.channels import channel_choices
from mianshi.invitations.models import InvitationKind
from mianshi.jobs.models import InterviewTemplate
from mianshi.organisations.models import OrgUnit

KINDS = [(InvitationKind.FIRST, InvitationKind.FIRST.label)]
KINDS.append((InvitationKind.NEXT_ROUND, InvitationKind.NEXT_ROUND.label))


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError beside the matching field (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class RuleForm(forms.Form):
    """One rule; with `units` given it also asks which unit's default it is."""

    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))
    to_stage = forms.ChoiceField(label=_("On entering"), choices=Stage.choices)
    from_stage = forms.ChoiceField(
        label=_("Only from"), choices=[("", _("any stage")), *Stage.choices], required=False
    )
    action = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    interview_template = forms.TypedChoiceField(
        label=_("Interview template"), coerce=int, empty_value=None, required=False,
        help_text=_("Invitations only. Empty: the job's interview template."),
    )  # fmt: skip
    invitation_kind = forms.ChoiceField(
        label=_("Invitation kind"), choices=KINDS, required=False,
        help_text=_("Invitations only."),
    )  # fmt: skip
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Invitations only."),
    )  # fmt: skip
    notice = forms.TypedChoiceField(
        label=_("Notice"), coerce=int, empty_value=None, required=False,
        help_text=_("Notices only."),
    )  # fmt: skip
    connector_id = forms.TypedChoiceField(
        label=_("Connector"), coerce=int, empty_value=None, required=False,
        help_text=_("Connectors only."),
    )  # fmt: skip
    record_kind = forms.ChoiceField(
        label=_("Record sent"), choices=[("", "—"), *RecordKind.choices], required=False,
        help_text=_("Connectors only. Empty: the assessment result."),
    )  # fmt: skip
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args: Any, unit: OrgUnit | None, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["org_unit"]
        else:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        # A job's rule may use what its unit or a unit above owns; a unit default, what any
        # of the user's units owns (the service checks the unit chosen on save).
        where = (
            {"org_unit__in": units}
            if units is not None
            else {"org_unit_id__in": ancestor_ids(unit.path) if unit else []}
        )
        self._choices("interview_template", InterviewTemplate.objects.filter(**where))
        self._choices("notice", NoticeTemplate.objects.filter(**where))
        self._choices("connector_id", Connector.objects.filter(**where))
        self.fields["channels"].choices = channel_choices()  # type: ignore[attr-defined]

    def _choices(self, field: str, qs: Any) -> None:
        options = [("", "—"), *((o.pk, o.name) for o in qs)]
        self.fields[field].choices = options  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values under the service's names."""
        data = dict(self.cleaned_data)
        data.pop("org_unit", None)
        data["interview_template_id"] = data.pop("interview_template")
        data["notice_id"] = data.pop("notice")
        return data


class NoticeForm(forms.Form):
    """A notice template; placeholders in braces, e.g. {candidate_name}."""

    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))
    name = forms.CharField(label=_("Name"), max_length=120)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Body"), max_length=8000, widget=forms.Textarea)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["org_unit"]
        else:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
