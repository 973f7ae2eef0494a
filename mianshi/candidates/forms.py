"""HR forms; services do the real validation, forms only parse and show errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.models import Gender, Source
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services.identifiers import REVEALABLE, RevealReason
from mianshi.candidates.validators import validate_id_number, validate_phone
from mianshi.common.widgets import IsoDateInput
from mianshi.jobs.models import Job
from mianshi.organisations.models import OrgUnit


class CandidateForm(forms.Form):
    """Identity of a candidate (create and edit)."""

    org_unit: forms.ModelChoiceField[OrgUnit] = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Organisation unit")
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=IsoDateInput())
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.OTHER)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate tags with commas."),
    )
    resume = forms.FileField(label=_("Résumé"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        return validate_id_number(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return validate_phone(value) if value else ""

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"].replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    def service_data(self) -> dict[str, Any]:
        """Everything but the résumé, shaped for candidate_create / candidate_update."""
        return {k: v for k, v in self.cleaned_data.items() if k != "resume"}


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea)


class TagForm(forms.Form):
    name = forms.CharField(label=_("Tag"), max_length=40)


class ResumeForm(forms.Form):
    resume = forms.FileField(label=_("Résumé"))


class RevealForm(forms.Form):
    """Which masked identifier to show in full, and why (the audit records both codes)."""

    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE])
    reason = forms.ChoiceField(label=_("Why do you need it?"), choices=RevealReason.choices)


class ApplicationForm(forms.Form):
    job: forms.ModelChoiceField[Job] = forms.ModelChoiceField(
        queryset=Job.objects.none(), label=_("Job")
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, jobs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = jobs  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AssignForm(forms.Form):
    interviewer = forms.IntegerField(label=_("Interviewer"))


class BulkForm(forms.Form):
    """The list's bulk bar."""

    ACTIONS = [
        ("move", _("Move to stage")),
        ("tag", _("Add tag")),
        ("assign", _("Assign interviewer")),
        # Sends each an interview invitation with the job's defaults (invitations app).
        ("invite", _("Invite to the video interview")),
        ("export", _("Export CSV")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    application = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    to_stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", "—"), *Stage.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    interviewer = forms.IntegerField(label=_("Interviewer id"), required=False)

    def clean_application(self) -> list[int]:
        return list(self.cleaned_data["application"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service checks scope and refuses the whole batch.
        field = self.fields["application"]
        field.valid_value = lambda value: True  # type: ignore[attr-defined]
        field.error_messages["required"] = _("Select at least one application.")


def form_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the matching fields (or on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
