"""Raters rate blind: an application's overall score holds other raters' scores, so whoever
is assigned to rate it does not see it — on the profile (test_profile.py), in the candidate
list, in the profile's possible duplicates, in the API (null) and in the CSV and file
exports (empty). Everyone else sees it as before. One rule (blind.py) answers them all.

The rater here is a department manager of Shanghai sales who also interviews there: they
see every sales application, and only the one they are assigned to loses its score.
"""

from __future__ import annotations

import csv
import io
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
from mianshi.integrations.connectors.files.exports import file_export

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


# --- the API -----------------------------------------------------------------------------


def _score(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _scores(applications: list[dict[str, Any]]) -> dict[int, Decimal | None]:
    return {a["id"]: _score(a["overall_score"]) for a in applications}


def _api_scores(api: Any, blind: Blind) -> dict[str, dict[int, Decimal | None]]:
    """What the API shows of the blind candidate's scores: the application list, each
    application, the candidate's applications."""
    listed = api.get("/candidates/applications", candidate=blind.candidate.pk).json()["items"]
    one = {}
    for application in (blind.rated, blind.other):
        answer = api.get(f"/candidates/applications/{application.pk}")
        if answer.status_code == 200:
            one[application.pk] = _score(answer.json()["overall_score"])
    detail = api.get(f"/candidates/{blind.candidate.pk}").json()
    return {"list": _scores(listed), "one": one, "candidate": _scores(detail["applications"])}


def test_the_api_hides_the_score_of_the_application_the_reader_rates(
    blind: Blind, api_for: Any
) -> None:
    seen = _api_scores(api_for(blind.rater), blind)
    expected = {blind.rated.pk: None, blind.other.pk: OTHER}
    assert seen == {"list": expected, "one": expected, "candidate": expected}


def test_an_interviewer_gets_no_score_from_the_api(world: Any, blind: Blind, api_for: Any) -> None:
    seen = _api_scores(api_for(world.interviewer_sh), blind)
    expected = {blind.rated.pk: None}  # the other application is not theirs to see
    assert seen == {"list": expected, "one": expected, "candidate": expected}


def test_hr_who_does_not_rate_gets_every_score_from_the_api(
    world: Any, blind: Blind, api_for: Any
) -> None:
    seen = _api_scores(api_for(world.hr_sh), blind)
    expected = {blind.rated.pk: RATED, blind.other.pk: OTHER}
    assert seen == {"list": expected, "one": expected, "candidate": expected}


def _api_duplicate_scores(api: Any, newer: Candidate) -> dict[int, Decimal | None]:
    duplicates = api.get(f"/candidates/{newer.pk}").json()["duplicates"]
    return {k: v for d in duplicates for k, v in _scores(d["applications"]).items()}


def test_the_api_duplicates_hide_the_score_of_the_application_the_reader_rates(
    world: Any, blind: Blind, newer: Candidate, api_for: Any
) -> None:
    assert _api_duplicate_scores(api_for(blind.rater), newer) == {
        blind.rated.pk: None,
        blind.other.pk: OTHER,
    }
    assert _api_duplicate_scores(api_for(world.interviewer_sh), newer) == {blind.rated.pk: None}
    assert _api_duplicate_scores(api_for(world.hr_sh), newer) == {
        blind.rated.pk: RATED,
        blind.other.pk: OTHER,
    }


# --- the exports -------------------------------------------------------------------------


def _bulk_csv(api: Any, ids: list[int]) -> dict[int, str]:
    """The list's bulk export (API) as {application: overall_score cell}."""
    answer = api.post("/candidates/bulk", {"action": "export", "application_ids": ids})
    assert answer.status_code == 200, answer.content
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return {int(r["application"]): r["overall_score"] for r in rows}


def _file_csv(user: User) -> dict[int, str | None]:
    """The file connector's application export as {application: overall_score cell}."""
    export = file_export(actor=user, kind="application", fmt="csv")
    rows = csv.DictReader(io.StringIO("".join(export.chunks or []).lstrip("\ufeff")))
    return {int(r["id"]): r["overall_score"] for r in rows}


def test_the_exports_leave_the_score_of_the_application_the_reader_rates_empty(
    blind: Blind, api_for: Any
) -> None:
    both = [blind.rated.pk, blind.other.pk]
    expected = {blind.rated.pk: "", blind.other.pk: str(OTHER)}
    assert _bulk_csv(api_for(blind.rater), both) == expected
    assert _file_csv(blind.rater) == expected


def test_an_interviewer_exports_no_score(world: Any, blind: Blind, api_for: Any) -> None:
    assert _bulk_csv(api_for(world.interviewer_sh), [blind.rated.pk]) == {blind.rated.pk: ""}
    assert _file_csv(world.interviewer_sh) == {blind.rated.pk: ""}


def test_hr_who_does_not_rate_exports_every_score(world: Any, blind: Blind, api_for: Any) -> None:
    both = [blind.rated.pk, blind.other.pk]
    expected = {blind.rated.pk: str(RATED), blind.other.pk: str(OTHER)}
    assert _bulk_csv(api_for(world.hr_sh), both) == expected
    assert _file_csv(world.hr_sh) == expected


def test_the_list_page_export_leaves_the_rated_score_empty(blind: Blind, login: Any) -> None:
    """The list's bulk bar (a form post) reads the same service."""
    response = login(blind.rater).post(
        "/candidates/bulk/",
        {"action": "export", "application": [blind.rated.pk, blind.other.pk]},
    )
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert {int(r["application"]): r["overall_score"] for r in rows} == {
        blind.rated.pk: "",
        blind.other.pk: str(OTHER),
    }
