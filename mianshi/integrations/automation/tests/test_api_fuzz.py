"""schemathesis fuzzes the transition-action operations of the published OpenAPI document
with a key holding the integrations scopes (the suite-wide fuzzer's key has none): valid
and malformed requests alike, no answer may be a 5xx or break what the document promises."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from conftest import MakeUser, Org
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.common.tests.support import fuzz_settings, kept_test_connection

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex="^/api/integrations/transition-actions"
)
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def bearer(org: Org, make_user: MakeUser) -> Iterator[dict[str, str]]:
    admin = make_user("api_admin", Role.HR_ADMIN, org.hq)
    scopes = ["integrations:read", "integrations:write"]
    _, raw = apikey_create(actor=None, user=admin, scopes=scopes)
    with kept_test_connection():
        yield {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@fuzz_settings(max_examples=15)
@pytest.mark.django_db
def test_transition_actions_api_never_fails_and_keeps_its_promises(
    case: Any, bearer: dict[str, str]
) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
