"""Filters of the audit trail UI."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mianshi.common.widgets import IsoDateInput


class EventFilterForm(forms.Form):
    """Action and object type match as prefixes ("user." finds every user event)."""

    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),  # labelled codes, as typed
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=IsoDateInput())
