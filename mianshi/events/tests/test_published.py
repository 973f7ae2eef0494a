"""The published contract: /api/events/types without a key, the event envelopes among the
OpenAPI document's schemas, the catalogue page; every example valid against its schema."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.utils import translation
from openapi_spec_validator import validate

from mianshi.accounts.roles import Role
from mianshi.events.catalogue import EVENT_TYPES, PUBLIC_TYPES
from mianshi.events.openapi import add_event_schemas


def test_the_types_are_listed_without_a_key_internal_ones_left_out(client: Client) -> None:
    response = client.get("/api/events/types")
    assert response.status_code == 200
    listed = response.json()
    assert [t["name"] for t in listed] == PUBLIC_TYPES
    assert "answer.checked" not in {t["name"] for t in listed}
    for item in listed:
        assert item["description"]
        jsonschema.validate(item["example"], item["envelope_schema"])
        assert item["envelope_schema"]["properties"]["type"] == {"const": item["name"]}


def test_an_example_is_a_valid_payload_of_its_type() -> None:
    from mianshi.events.publishing import public_types

    for published in public_types():
        EVENT_TYPES[published.name].data.model_validate(published.example["data"])


def test_a_payload_with_personal_data_fails_the_published_schema() -> None:
    from mianshi.events.publishing import public_types

    created = next(t for t in public_types() if t.name == "candidate.created")
    bad = copy.deepcopy(created.example)
    bad["data"]["name"] = "张三"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, created.envelope_schema)


def test_the_openapi_document_carries_each_event_schema(client: Client) -> None:
    # As served: config/api.py passes Ninja's document through add_event_schemas.
    document = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    schemas = document["components"]["schemas"]
    names = {f"Event_{name.replace('.', '_')}" for name in PUBLIC_TYPES}
    assert names <= set(schemas) and "Event_answer_checked" not in schemas
    created = schemas["Event_candidate_created"]
    assert created["required"] == ["type", "timestamp", "data"]
    assert created["properties"]["data"]["properties"]["candidate_id"]["type"] == "integer"
    assert created["description"] == "A candidate was added."
    validate(document)  # still a valid OpenAPI document
    for name in names:
        jsonschema.validate(schemas[name]["examples"][0], schemas[name])
    with translation.override("en"):
        assert add_event_schemas(copy.deepcopy(document)) == document  # idempotent


@pytest.mark.django_db
def test_the_catalogue_page_lists_every_public_type(
    org: Any, make_user: Any, login: Any, client: Client
) -> None:
    assert client.get("/events/").status_code == 302  # signed-in users only
    page = login(make_user("viewer", Role.INTERVIEWER, org.sz)).get("/events/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-event-type=") == len(PUBLIC_TYPES)
    assert 'data-event-type="answer.checked"' not in html
    assert "<details>" in html and "&quot;candidate_id&quot;: 1024" in html
