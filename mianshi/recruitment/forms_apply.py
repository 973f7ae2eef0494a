"""The public application form (报名): who applies, to which post, the résumé facts the
rules read (HR's FactsForm, whose fields and choices it inherits) and the consent.

The form parses and bounds the input; services/applying.py judges it (the ID number, the
window, one application per plan)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mianshi.recruitment.forms_plans import FactsForm
from mianshi.recruitment.selectors_apply import PublicPost
from mianshi.recruitment.services.applying import Applicant

MAX_CERTIFICATES = 1000


class ApplyForm(FactsForm):
    """报名: the post, the applicant's identity and contact, their facts, their consent."""

    # The exam ticket is the organiser's to assign: None takes the inherited field off.
    ticket = None  # type: ignore[assignment]
    post = forms.TypedChoiceField(label=_("Post"), coerce=int)
    name = forms.CharField(label=_("Full name"), max_length=80)
    id_number = forms.CharField(
        label=_("ID number"), max_length=20, help_text=_("The 18 characters of your ID card.")
    )
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    consent = forms.BooleanField(label=_("Consent"), required=True)

    field_order = ["post", "name", "id_number", "phone", "email"]

    def __init__(self, *args: Any, posts: list[PublicPost], notice: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(p.pk, f"{p.code} {p.title}") for p in posts]
        self.fields["post"].choices = choices  # type: ignore[attr-defined]
        self.fields["consent"].label = notice
        self.fields["consent"].error_messages["required"] = _(
            "Applying needs your consent to the notice."
        )
        self.fields["certificates"].validators.append(MaxLengthValidator(MAX_CERTIFICATES))

    def applicant(self) -> Applicant:
        """Who applies, as the service takes it."""
        data = self.cleaned_data
        return Applicant(data["name"], data["id_number"], data["phone"], data.get("email") or "")

    def facts(self) -> dict[str, Any]:
        """The facts as facts_save reads them: only FactsForm's own fields."""
        facts = super().facts()
        return {name: facts[name] for name in FactsForm.base_fields if name != "ticket"}
