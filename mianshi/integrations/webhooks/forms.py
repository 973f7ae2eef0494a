"""The webhook endpoint form: URL, unit (only units where the admin manages integrations),
event types (none ticked = every type) and a description. The service checks again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mianshi.events.catalogue import EVENT_TYPES
from mianshi.integrations.webhooks.services import subscribable_types
from mianshi.organisations.models import OrgUnit


def type_choices() -> list[tuple[str, str]]:
    """Each type by its code (what integrators filter on, so shown as code) and meaning."""
    return [
        (name, format_html("<code>{}</code> — {}", name, EVENT_TYPES[name].description))
        for name in subscribable_types()
    ]


class WebhookForm(forms.Form):
    """Create or change an endpoint."""

    url = forms.URLField(
        label=_("Receiver URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Where the signed POST requests go (http or https)."),
    )
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The endpoint receives the events of this unit and every unit below it."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to receive every type, including types added later."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["org_unit"]
        unit_field.queryset = units  # type: ignore[attr-defined]
        unit_field.label_from_instance = lambda u: f"{'— ' * u.depth}{u.name} ({u.code})"  # type: ignore[attr-defined]
        self.fields["event_types"].choices = type_choices()  # type: ignore[attr-defined]
