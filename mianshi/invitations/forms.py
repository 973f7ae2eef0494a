"""HR forms of invitations; they parse input, the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.invitations.channels import channel_choices
from mianshi.invitations.models import InvitationKind, InvitationStatus
from mianshi.invitations.selectors import EXPIRED
from mianshi.invitations.services.invitations import MAX_HOURS, MAX_INSTRUCTIONS, MIN_HOURS


class InviteForm(forms.Form):
    """The invite panel of an application: validity, instructions, channels."""

    expires_hours = forms.IntegerField(
        label=_("Valid for (hours)"), min_value=MIN_HOURS, max_value=MAX_HOURS
    )
    instructions = forms.CharField(
        label=_("Instructions for the candidate"),
        required=False,
        max_length=MAX_INSTRUCTIONS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channels = forms.MultipleChoiceField(
        label=_("Send by"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = channel_choices()
        field = self.fields["channels"]
        field.choices = choices  # type: ignore[attr-defined]
        field.initial = [name for name, _label in choices[:1]]


class ChannelsForm(forms.Form):
    """Channels of a resend."""

    channels = forms.MultipleChoiceField(choices=(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = channel_choices()  # type: ignore[attr-defined]

    def names(self) -> list[str]:
        return list(self.cleaned_data.get("channels") or ["email"])


class FilterForm(forms.Form):
    """The list's filters."""

    job = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("All")), *InvitationStatus.choices, (EXPIRED, _("Expired"))],
    )
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("All")), *InvitationKind.choices]
    )
