"""The employee page marks an evidence quote with its question's language (issue 14): the
frozen baseline keeps it, so an English answer's quote reads as English content."""

from __future__ import annotations

import re
from typing import Any

from mianshi.employees.tests.world import hire
from mianshi.jobs.models import TemplateQuestion
from mianshi.reviews.tests.factories import ReviewWorld


def test_an_english_quote_is_marked_english_on_the_employee_page(
    world: ReviewWorld, login: Any
) -> None:
    for item in TemplateQuestion.objects.all():  # the world's questions, asked in English
        item.snapshot = {**item.snapshot, "language": "en"}
        item.save(update_fields=["snapshot"])
    employee = hire(world, scores={"communication": 8.0})
    frozen = [e for d in employee.baseline.dimensions for e in d["evidence"]]
    assert frozen and {e["language"] for e in frozen} == {"en"}
    page = login(world.hr).get(f"/employees/{employee.pk}/").content.decode()
    quotes = re.findall(r"<q\b[^>]*data-evidence-quote[^>]*>", page)
    assert quotes and all('lang="en"' in q for q in quotes)


def test_a_baseline_frozen_before_languages_were_kept_shows_no_lang(
    world: ReviewWorld, login: Any
) -> None:
    employee = hire(world, scores={"communication": 8.0})
    baseline = employee.baseline
    for d in baseline.dimensions:
        for e in d["evidence"]:
            e.pop("language", None)
    baseline.save(update_fields=["dimensions"])
    page = login(world.hr).get(f"/employees/{employee.pk}/").content.decode()
    quotes = re.findall(r"<q\b[^>]*data-evidence-quote[^>]*>", page)
    assert quotes and not [q for q in quotes if "lang=" in q]  # the page's own language
