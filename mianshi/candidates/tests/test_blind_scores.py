"""Raters rate blind: an application's overall score holds other raters' scores, so whoever
is assigned to rate it does not see it — on the profile (test_profile.py), in the candidate
list and in the profile's possible duplicates. Everyone else sees it as before.

The rater here is a department manager of Shanghai sales who also interviews there: they
see every sales application, and only the one they are assigned to loses its score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import application_assign, application_update, candidate_create
from mianshi.candidates.tests.factories import make_application, make_candidate, make_job, phone

pytestmark = pytest.mark.django_db

RATED, OTHER = Decimal("7.25"), Decimal("8.50")


@dataclass
class Blind:
    """A candidate with two scored sales applications, the rater assigned to one of them."""

    rater: User
    candidate: Candidate
    rated: Application
    other: Application


@pytest.fixture
def blind(world: Any, org: Any) -> Blind:
    rater = world.manager_sh_sales
    RoleGrant.objects.create(user=rater, role=Role.INTERVIEWER, org_unit=org.sh_sales)
    candidate = make_candidate(world.hr_sh, org.sh, name="赵六", phone=phone())
    rated = make_application(world.hr_sh, candidate, world.job_sh_sales)
    other = make_application(world.hr_sh, candidate, make_job(org.sh_sales, "销售助理"))
    for application, score in ((rated, RATED), (other, OTHER)):
        application_update(actor=world.hr_sh, application=application, overall_score=score)
    application_assign(actor=world.hr_sh, application=rated, interviewer=rater)
    application_assign(actor=world.hr_sh, application=rated, interviewer=world.interviewer_sh)
    return Blind(rater, candidate, rated, other)


def _html(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _listed(html: str) -> list[int]:
    """The applications the list shows (their bulk checkboxes)."""
    return [int(pk) for pk in re.findall(r'name="application" value="(\d+)"', html)]


def _list_scores(html: str) -> list[str]:
    return re.findall(r"<span data-overall-score>([\d.]+)</span>", html)


def _duplicate_scores(html: str) -> list[str]:
    return re.findall(r"<span data-duplicate-score>([\d.]+)</span>", html)


# --- the candidate list ----------------------------------------------------------------------


def test_the_list_hides_the_score_of_the_application_the_reader_rates(
    world: Any, blind: Blind, login: Any
) -> None:
    html = _html(login(blind.rater), "/candidates/")
    assert _listed(html) == [blind.other.pk, blind.rated.pk]  # both listed, one scored
    assert _list_scores(html) == [str(OTHER)]
    assert str(RATED) not in html


def test_an_interviewer_sees_no_score_in_the_list(world: Any, blind: Blind, login: Any) -> None:
    html = _html(login(world.interviewer_sh), "/candidates/")
    assert _listed(html) == [blind.rated.pk]
    assert _list_scores(html) == [] and str(RATED) not in html


def test_hr_who_does_not_rate_sees_every_score_in_the_list(
    world: Any, blind: Blind, login: Any
) -> None:
    html = _html(login(world.hr_sh), "/candidates/")
    assert _list_scores(html) == [str(OTHER), str(RATED)]


# --- the profile's possible duplicates -------------------------------------------------------


@pytest.fixture
def newer(world: Any, org: Any, blind: Blind) -> Candidate:
    """The same person entered again (same phone), applying in sales: a possible duplicate
    of the blind candidate, visible to the rater and, once assigned, the interviewer."""
    number = blind.candidate.phone
    newer = candidate_create(actor=world.hr_sh, org_unit=org.sh, name="赵六", phone=number)
    assert newer.duplicate_of_id == blind.candidate.pk
    application = make_application(world.hr_sh, newer, make_job(org.sh_sales, "大客户经理"))
    application_assign(actor=world.hr_sh, application=application, interviewer=world.interviewer_sh)
    return newer


def test_the_duplicates_hide_the_score_of_the_application_the_reader_rates(
    blind: Blind, newer: Candidate, login: Any
) -> None:
    html = _html(login(blind.rater), f"/candidates/{newer.pk}/")
    assert f'href="/candidates/{blind.candidate.pk}/"' in html
    assert _duplicate_scores(html) == [str(OTHER)]
    assert str(RATED) not in html


def test_an_interviewer_sees_no_score_in_the_duplicates(
    world: Any, blind: Blind, newer: Candidate, login: Any
) -> None:
    html = _html(login(world.interviewer_sh), f"/candidates/{newer.pk}/")
    assert f'href="/candidates/{blind.candidate.pk}/"' in html  # listed, with its application
    assert "销售代表" in html
    assert _duplicate_scores(html) == [] and str(RATED) not in html


def test_hr_who_does_not_rate_sees_every_score_in_the_duplicates(
    world: Any, blind: Blind, newer: Candidate, login: Any
) -> None:
    html = _html(login(world.hr_sh), f"/candidates/{newer.pk}/")
    assert sorted(_duplicate_scores(html)) == [str(RATED), str(OTHER)]
