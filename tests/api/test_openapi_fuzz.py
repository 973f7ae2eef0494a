"""schemathesis fuzzes every operation of the published OpenAPI document.

The document is fetched from /api/openapi.json through the WSGI application, exactly as a
client would; each generated request (valid and malformed) carries the Bearer key of an
HR admin over the whole organisation. No request may answer 5xx, and every answer must
match what the document promises (content type, body schema for documented statuses).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from config.wsgi import application
from conftest import ALL_SCOPES
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.common.tests.support import fuzz_settings, kept_test_connection


def load_schema() -> tuple[Any, str]:
    """The document as clients get it; a broken one fails a test instead of collection
    (which would stop the whole suite from running)."""
    try:
        return schemathesis.openapi.from_wsgi("/api/openapi.json", application), ""
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


schema, LOAD_ERROR = load_schema()

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_keeps_test_connection() -> Iterator[None]:
    """The test transaction survives the WSGI handler's requests."""
    with kept_test_connection():
        yield


@pytest.fixture
def bearer(org: Any, make_user: Any) -> dict[str, str]:
    admin = make_user("api_admin", Role.HR_ADMIN, org.hq)
    _, raw = apikey_create(actor=None, user=admin, scopes=ALL_SCOPES)
    return {"Authorization": f"Bearer {raw}"}


def test_the_document_is_served_and_lists_operations() -> None:
    assert not LOAD_ERROR, LOAD_ERROR
    assert schema.raw_schema["openapi"].startswith("3.")
    paths = list(schema.raw_schema["paths"])
    for area in ("org", "accounts", "jobs", "candidates", "audit"):
        assert any(p.startswith(f"/api/{area}/") for p in paths), f"no /api/{area}/ operation"
    assert "bearer" in str(schema.raw_schema["components"]["securitySchemes"]).lower()


if schema is not None:

    @schema.parametrize()
    # The data the examples create piles up inside the test transaction, like a busy tenant.
    @fuzz_settings(max_examples=10)
    @pytest.mark.django_db
    @pytest.mark.usefixtures("wsgi_keeps_test_connection")
    def test_api_never_fails_and_keeps_its_promises(case: Any, bearer: dict[str, str]) -> None:
        case.call_and_validate(headers=bearer, checks=CHECKS)
