"""One home for an org unit id taken from input (organisations/selectors.py::orgunit_resolve):
every API that takes one answers a unit outside the user's units exactly as a unit that does
not exist — the answer tells nothing about other branches — and creates nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from mianshi.accounts.roles import Cap, Role
from mianshi.candidates.models import Candidate
from mianshi.jobs.models import CompetencyModel, InterviewTemplate, Job, Question
from mianshi.organisations.selectors import orgunit_resolve

pytestmark = pytest.mark.django_db

MISSING = 999_999

# path → a valid body without its unit, the field naming the unit, the model it creates
CREATES: dict[str, tuple[dict[str, Any], str, Any]] = {
    "/jobs/jobs": ({"title": "A"}, "org_unit_id", Job),
    "/jobs/questions": (
        {
            "type": "ability",
            "text": "Tell us about a project.",
            "language": "en",
            "rubric": [{"level": 1, "description": "weak"}],
        },
        "org_unit_id",
        Question,
    ),
    "/jobs/models": (
        {"name": "M", "dimensions": [{"name": "A", "weight": 100}]},
        "org_unit_id",
        CompetencyModel,
    ),
    "/jobs/templates": ({"name": "T", "question_ids": []}, "org_unit_id", InterviewTemplate),
    "/candidates/": ({"name": "钱七", "phone": "13912345678"}, "org_unit_id", Candidate),
}


@pytest.fixture
def hr_sh(org: Any, make_user: Any) -> Any:
    return make_user("hr_sh_units", Role.HR, org.sh)


@pytest.mark.parametrize("path", list(CREATES))
def test_a_unit_outside_the_users_units_is_answered_as_a_missing_one(
    path: str, org: Any, hr_sh: Any, api_for: Any
) -> None:
    body, field, model = CREATES[path]
    api = api_for(hr_sh)
    outside = api.post(path, {**body, field: org.sz.pk})
    missing = api.post(path, {**body, field: MISSING})
    assert (outside.status_code, outside.json()) == (missing.status_code, missing.json())
    assert outside.status_code in (404, 422)
    assert not model.objects.exists()
    assert api.post(path, {**body, field: org.sh.pk}).status_code == 201


def test_the_resolver_gives_a_field_error_or_a_404_with_one_answer(org: Any, hr_sh: Any) -> None:
    assert orgunit_resolve(user=hr_sh, pk=org.sh.pk, cap=Cap.JOBS_MANAGE) == org.sh
    answers = []
    for pk in (org.sz.pk, org.hq.pk, MISSING):
        with pytest.raises(ValidationError) as refused:
            orgunit_resolve(user=hr_sh, pk=pk, cap=Cap.JOBS_MANAGE, field="org_unit_id")
        answers.append(refused.value.message_dict)
        with pytest.raises(Http404):
            orgunit_resolve(user=hr_sh, pk=pk, cap=Cap.JOBS_MANAGE)
    assert answers[0] == answers[1] == answers[2] == {"org_unit_id": [answers[0]["org_unit_id"][0]]}


def test_an_inactive_unit_is_refused_like_a_missing_one(org: Any, hr_sh: Any) -> None:
    org.sh_sales.is_active = False
    org.sh_sales.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        orgunit_resolve(user=hr_sh, pk=org.sh_sales.pk, cap=Cap.CANDIDATES_MANAGE)
