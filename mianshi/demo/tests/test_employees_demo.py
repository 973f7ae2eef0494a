"""The demo's employee (mianshi/demo/employees.py) is a hire the product made: `load_demo`
makes none and writes no analysis; `hire()` refuses a candidate whose interview is not
AI scored. The full hire of the analysed 林晓东 is in test_demo_interviews.py."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mianshi.analysis.models import AnalysisRun
from mianshi.candidates.models import Application
from mianshi.demo import employees as demo
from mianshi.employees.models import Employee
from mianshi.events.models import Event
from mianshi.reviews.models import Decision, Offer

pytestmark = pytest.mark.django_db


def test_load_demo_hires_nobody_and_analyses_nothing() -> None:
    call_command("load_demo", stdout=StringIO())
    assert not Employee.objects.exists() and not Offer.objects.exists()
    assert not AnalysisRun.objects.exists()
    assert not Event.objects.filter(type__in=["offer.approved", "decision.made"]).exists()


def test_a_candidate_without_an_analysed_interview_is_not_hired() -> None:
    call_command("load_demo", stdout=StringIO())
    invited = Application.objects.filter(stage="invited").first()
    assert invited is not None
    assert demo.hire(invited) is None
    invited.refresh_from_db()
    assert invited.stage == "invited"
    assert not Employee.objects.exists() and not Decision.objects.exists()
