"""The connector form, built from the chosen adapter's declared fields.

Field names follow the service's error keys ("settings.base_url", "credentials.client_id")
so a refusal lands beside its field. Credentials are password inputs that are never filled
back in: on edit an empty box keeps the stored value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import Stage
from mianshi.events.catalogue import PUBLIC_TYPES
from mianshi.integrations.connectors.protocol import Adapter, adapters_all

TRIGGER_ROWS = 3


def adapter_choices() -> list[tuple[str, str]]:
    return [(a.key, str(a.label)) for a in adapters_all()]


class ConnectorForm(forms.Form):
    """Name, unit, the adapter's settings and credentials, triggers and a pull schedule."""

    name = forms.CharField(label=_("Name"), max_length=120)
    org_unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=None
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    schedule_minutes = forms.IntegerField(
        label=_("Pull every (minutes)"), required=False, min_value=5, max_value=10080
    )

    def __init__(self, *args: Any, adapter: Adapter, units: Any, editing: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.adapter, self.editing = adapter, editing
        unit_field = self.fields["org_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        unit_field.disabled = editing  # a connector stays with its unit
        for f in adapter.settings_fields:
            self.fields[f"settings.{f.name}"] = forms.CharField(
                label=str(f.label), required=f.required, max_length=500
            )
        for f in adapter.credential_fields:
            self.fields[f"credentials.{f.name}"] = self._secret(str(f.label), f.required)
        self._trigger_fields()

    def _secret(self, label: Any, required: bool) -> forms.Field:
        help_text = _("Write-only. Leave empty to keep the stored value.") if self.editing else ""
        widget = forms.Textarea(attrs={"rows": 2, "autocomplete": "off"})
        return forms.CharField(
            label=label,
            required=required and not self.editing,
            widget=widget,
            help_text=help_text,
            strip=False,
        )

    def _trigger_fields(self) -> None:
        events = [("", "—")] + [(t, t) for t in PUBLIC_TYPES]
        kinds = [("", "—")] + [(k, k) for k in sorted(self.adapter.push_kinds)]
        stages = [("", _("any")), *Stage.choices]
        for i in range(TRIGGER_ROWS):
            self.fields[f"trigger{i}.event"] = forms.ChoiceField(
                label=_("On event"), choices=events, required=False
            )
            self.fields[f"trigger{i}.kind"] = forms.ChoiceField(
                label=_("send"), choices=kinds, required=False
            )
            self.fields[f"trigger{i}.to_stage"] = forms.ChoiceField(
                label=_("entering stage"), choices=stages, required=False
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned form as the service's `data`."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "enabled": data["enabled"],
            "schedule_minutes": data.get("schedule_minutes"),
            "settings": {
                f.name: data.get(f"settings.{f.name}", "") for f in self.adapter.settings_fields
            },
            "credentials": {
                f.name: data.get(f"credentials.{f.name}", "")
                for f in self.adapter.credential_fields
            },
            "triggers": [
                {k: data.get(f"trigger{i}.{k}", "") for k in ("event", "kind", "to_stage")}
                for i in range(TRIGGER_ROWS)
                if data.get(f"trigger{i}.event")
            ],
        }

    def field_groups(self) -> dict[str, list[Any]]:
        """Bound fields by section, for the template."""
        groups: dict[str, list[Any]] = {
            "main": [],
            "settings": [],
            "credentials": [],
            "triggers": [],
        }
        for bound in self:
            prefix = bound.name.split(".")[0]
            key = (
                "triggers"
                if prefix.startswith("trigger")
                else prefix
                if prefix in groups
                else "main"
            )
            groups[key].append(bound)
        return groups


def initial_for(connector: Any) -> dict[str, Any]:
    """The edit form's starting values (never the credentials)."""
    initial: dict[str, Any] = {
        "name": connector.name, "org_unit": connector.org_unit, "enabled": connector.enabled,
        "schedule_minutes": connector.schedule_minutes,
    }  # fmt: skip
    initial |= {f"settings.{k}": v for k, v in connector.settings.items()}
    for i, trigger in enumerate(connector.triggers[:TRIGGER_ROWS]):
        initial |= {f"trigger{i}.{k}": trigger.get(k, "") for k in ("event", "kind", "to_stage")}
    return initial


class TemplateForm(forms.Form):
    """A new version of a mapping template, as JSON text."""

    body = forms.CharField(
        label=_("Template (JSON)"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"})
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class PreviewForm(forms.Form):
    """Which real record to preview the template on."""

    object_id = forms.IntegerField(label=_("Record id"), min_value=1, max_value=2**63 - 1)
