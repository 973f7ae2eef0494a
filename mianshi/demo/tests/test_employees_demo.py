"""The demo's employee (mianshi/demo/employees.py): a hire with its frozen baseline and
three performance ratings on the timeline; loading twice adds nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mianshi.demo import employees as demo
from mianshi.employees.models import Employee, PostHireRecord
from mianshi.employees.selectors import employee_timeline

pytestmark = pytest.mark.django_db


def test_the_demo_hire_has_a_baseline_and_ratings(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command("load_demo", stdout=StringIO())
    employee = demo.load()
    baseline = employee.baseline
    assert baseline.final_total is not None and baseline.report_path
    assert baseline.dimensions and all(d["human"] is not None for d in baseline.dimensions)
    kinds = [e.kind for e in employee_timeline(employee=employee)]
    assert kinds.count("performance") == 3 and kinds[-1] == "hire"
    assert [r.score for r in PostHireRecord.objects.order_by("date")] == [0.75, 0.5, 1.0]
    assert demo.load() == employee and Employee.objects.count() == 1
