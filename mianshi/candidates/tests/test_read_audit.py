"""Every read of candidates' personal data is audited (F-100): one event per request, with
the ids read, never the values (not even the number searched)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.forms.models import model_to_dict

from mianshi.candidates.tests.factories import id_number, make_application, make_candidate
from mianshi.compliance.tests.support import only, recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: Any, org: Any) -> list[Any]:
    """Three Shanghai candidates, newest last, each applying to the sales job."""
    made = [make_candidate(world.hr_sh, org.sh_sales, name=f"王{n}") for n in range(3)]
    for candidate in made:
        make_application(world.hr_sh, candidate, world.job_sh_sales)
    return made


def test_candidate_list_records_one_read_with_the_ids_shown(
    world: Any, people: list[Any], login: Any
) -> None:
    with recorded() as events:
        assert login(world.hr_sh).get("/candidates/").status_code == 200
    event = only(events, "candidate.list")
    assert event.actor == world.hr_sh
    assert event.detail["ids"] == [c.pk for c in reversed(people)]


def test_a_search_records_its_kind_and_the_ids_not_the_number_searched(
    world: Any, org: Any, people: list[Any], login: Any
) -> None:
    number = id_number()
    wanted = make_candidate(world.hr_sh, org.sh_sales, name="李四", id_number=number)
    with recorded() as events:
        body = login(world.hr_sh).get("/candidates/", {"q": number}).content.decode()
    assert "李四" in body
    event = only(events, "candidate.list")
    assert event.detail == {"ids": [wanted.pk], "search": "id_number", "page": 1}
    assert number not in json.dumps(model_to_dict(event), default=str)


def test_candidate_detail_records_a_view_of_the_identifiers_shown(
    world: Any, people: list[Any], login: Any
) -> None:
    candidate = people[0]
    with recorded() as events:
        assert login(world.hr_sh).get(f"/candidates/{candidate.pk}/").status_code == 200
    event = only(events, "candidate.view")
    assert (event.actor, event.object_type, event.object_id) == (
        world.hr_sh,
        "candidates.candidate",
        str(candidate.pk),
    )
    assert event.org_unit_id == candidate.org_unit_id
    # The page masks them for everyone; a full read is its own event (test_profile.py).
    assert event.detail == {"identifiers": "masked", "page": "detail"}


def test_a_managers_detail_view_records_masked_identifiers(
    world: Any, people: list[Any], login: Any
) -> None:
    with recorded() as events:
        login(world.manager_sh_sales).get(f"/candidates/{people[0].pk}/")
    assert only(events, "candidate.view").detail["identifiers"] == "masked"


def test_candidate_edit_page_records_a_view(world: Any, people: list[Any], login: Any) -> None:
    with recorded() as events:
        assert login(world.hr_sh).get(f"/candidates/{people[1].pk}/edit/").status_code == 200
    event = only(events, "candidate.view")
    assert event.object_id == str(people[1].pk)
    assert event.detail == {"identifiers": "full", "page": "edit"}


def test_a_refused_read_records_nothing(world: Any, people: list[Any], login: Any) -> None:
    with recorded() as events:
        assert login(world.hr_sz).get(f"/candidates/{people[0].pk}/").status_code == 404
    assert events == []


def test_api_list_records_one_event_with_the_ids_of_the_page_returned(
    world: Any, people: list[Any], api_for: Any
) -> None:
    api = api_for(world.hr_sh)
    with recorded() as events:
        first = api.get("/candidates/", page_size=2).json()
    event = only(events, "candidate.list")
    assert event.actor == world.hr_sh and len(first["items"]) == 2
    assert event.detail == {"ids": [c["id"] for c in first["items"]], "page": 1}
    with recorded() as events:
        second = api.get("/candidates/", page_size=2, page=2).json()
    assert only(events, "candidate.list").detail["ids"] == [second["items"][0]["id"]]


def test_api_detail_records_a_view(world: Any, people: list[Any], api_for: Any) -> None:
    api = api_for(world.hr_sh)
    with recorded() as events:
        assert api.get(f"/candidates/{people[2].pk}").status_code == 200
    event = only(events, "candidate.view")
    assert event.object_id == str(people[2].pk)
    assert event.detail == {"identifiers": "full", "page": "api"}


def test_api_application_list_records_the_ids_returned(
    world: Any, people: list[Any], api_for: Any
) -> None:
    api = api_for(world.hr_sh)
    with recorded() as events:
        body = api.get("/candidates/applications").json()
    event = only(events, "application.list")
    assert event.detail["ids"] == [a["id"] for a in body["items"]] and len(body["items"]) == 3


def test_api_application_detail_records_a_view(world: Any, people: list[Any], api_for: Any) -> None:
    application = people[0].applications.get()
    api = api_for(world.hr_sh)
    with recorded() as events:
        assert api.get(f"/candidates/applications/{application.pk}").status_code == 200
    event = only(events, "application.view")
    assert (event.object_type, event.object_id) == ("candidates.application", str(application.pk))
    assert event.org_unit_id == application.org_unit_id and event.detail == {"page": "api"}


def test_api_transition_list_records_the_transitions_returned(
    world: Any, people: list[Any], api_for: Any
) -> None:
    application = people[1].applications.get()
    api = api_for(world.hr_sh)
    with recorded() as events:
        body = api.get(f"/candidates/applications/{application.pk}/transitions").json()
    event = only(events, "application_transition.list")
    assert (event.object_type, event.object_id) == ("candidates.application", str(application.pk))
    assert event.detail == {"ids": [t["id"] for t in body]} and len(body) >= 1


def test_a_refused_application_read_records_nothing(
    world: Any, people: list[Any], api_for: Any
) -> None:
    application = people[0].applications.get()
    api = api_for(world.hr_sz)
    with recorded() as events:
        assert api.get(f"/candidates/applications/{application.pk}").status_code == 404
        path = f"/candidates/applications/{application.pk}/transitions"
        assert api.get(path).status_code == 404
    assert events == []
