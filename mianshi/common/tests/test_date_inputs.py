"""Date fields read YYYY-MM-DD in every browser and language (issue 14: no mm/dd/yyyy in zh)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation

from mianshi.common.widgets import IsoDateInput, IsoDateTimeInput
from mianshi.compliance.forms import EventFilterForm
from mianshi.employees.forms import RecordForm
from mianshi.reviews.forms_offers import HireForm, OfferForm


class _Form(forms.Form):
    day = forms.DateField(widget=IsoDateInput())
    at = forms.DateTimeField(widget=IsoDateTimeInput())


def test_a_date_is_text_in_year_month_day_order_with_a_translated_hint() -> None:
    with translation.override("en"):
        html = str(_Form(initial={"day": dt.date(2026, 12, 10)})["day"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2026-12-10"' in html and 'placeholder="YYYY-MM-DD"' in html
    assert 'aria-describedby="id_day-format"' in html
    assert (
        '<small class="muted" id="id_day-format">Format: YYYY-MM-DD, e.g. 2026-12-10</small>'
        in html
    )


def test_typed_dates_are_read_in_both_languages() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            form = _Form({"day": "2026-12-10", "at": "2026-12-10 09:30"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["day"] == dt.date(2026, 12, 10)
            assert form.cleaned_data["at"].hour == 9


def test_no_form_of_the_product_uses_the_browsers_date_picker() -> None:
    for form in (EventFilterForm(), RecordForm(), HireForm(), OfferForm(approvers=[])):
        for field in form:
            assert 'type="date' not in str(field), field.name
