"""The import and export forms (parsing only: the services do the real checks)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.integrations.connectors.files.kinds import KINDS

FORMAT_CHOICES = [
    ("", _("From the file name")),
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("xml", "XML"),
]


def _kinds() -> list[tuple[str, Any]]:
    return [(key, kind.label) for key, kind in KINDS.items()]


class ImportForm(forms.Form):
    """A file, what it holds, where its rows go and how its columns map."""

    kind = forms.ChoiceField(label=_("Records"), choices=_kinds)
    unit = forms.TypedChoiceField(
        label=_("Organisation unit"), coerce=int, required=False, empty_value=None
    )
    file = forms.FileField(label=_("File (CSV, Excel or XML)"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
    template_id = forms.TypedChoiceField(
        label=_("Mapping template"), coerce=int, required=False, empty_value=None
    )
    template = forms.CharField(
        label=_("Or a template of your own (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("Leave empty to use the built-in layout: one column per field."),
    )
    record = forms.CharField(
        label=_("XML record element"),
        required=False,
        max_length=60,
        help_text=_("Empty: the kind's name, e.g. <candidate>."),
    )

    def __init__(self, *args: Any, units: list[Any], templates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("As named in each row"))] + [  # type: ignore[attr-defined]
            (u.pk, u.name) for u in units
        ]
        self.fields["template_id"].choices = [("", _("Built-in layout"))] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.connector.name} · {t.kind} v{t.version}") for t in templates
        ]


class ExportForm(forms.Form):
    """What to export, in which format, optionally of one unit only."""

    kind = forms.ChoiceField(label=_("Records"), choices=_kinds)
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES[1:])
    unit = forms.TypedChoiceField(
        label=_("Organisation unit"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All I may see"))] + [  # type: ignore[attr-defined]
            (u.pk, u.name) for u in units
        ]
