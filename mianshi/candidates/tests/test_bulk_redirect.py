"""The candidate list's bulk bar sends the user back through the one safe-redirect rule: a
`next` pointing off the site (an open redirect) is refused and the list is shown instead."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Application
from mianshi.candidates.tests.factories import make_application, make_candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(world: Any, org: Any) -> Application:
    return make_application(world.hr_sh, make_candidate(world.hr_sh, org.sh), world.job_sh_sales)


@pytest.mark.parametrize("target", ["https://evil.example/", "/\\evil.example/", "//evil.example"])
def test_the_bulk_bar_refuses_an_open_redirect(
    target: str, world: Any, app: Application, login: Any
) -> None:
    body = {"action": "move", "application": [app.pk], "to_stage": "screening", "next": target}
    response = login(world.hr_sh).post("/candidates/bulk/", body)
    assert (response.status_code, response["Location"]) == (302, "/candidates/")
    assert Application.objects.get(pk=app.pk).stage == "screening"


def test_the_bulk_bar_goes_back_to_the_filtered_list(
    world: Any, app: Application, login: Any
) -> None:
    body = {"action": "move", "application": [app.pk], "to_stage": "screening"}
    response = login(world.hr_sh).post("/candidates/bulk/", {**body, "next": "/candidates/?q=a"})
    assert response["Location"] == "/candidates/?q=a"
