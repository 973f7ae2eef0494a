"""schemathesis fuzzes every operation of the candidate API's own OpenAPI document with a
real invitation token, so generated bodies and positions reach the flow's logic instead of
stopping at "unknown link". Whatever arrives, the answer is never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance

from config.wsgi import application
from mianshi.common.tests.support import fuzz_settings, kept_test_connection
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import Interview

schema = schemathesis.openapi.from_wsgi("/i/api/openapi.json", application)


@pytest.fixture
def begun(three: Interview) -> Interview:
    """Consent and device check given: the question endpoints do real work."""
    three.api.guided_start()
    return three


@pytest.fixture
def fuzzed(begun: Interview) -> Iterator[Interview]:
    """The test transaction's connection kept open, after `begun` used the test client."""
    with kept_test_connection():
        yield begun


def test_the_document_lists_the_candidate_operations() -> None:
    paths = set(schema.raw_schema["paths"])
    for path in ("state", "consent", "events", "heartbeat", "finish"):
        assert f"/i/api/{{token}}/{path}" in paths
    assert "/i/api/{token}/questions/{position}/finish" in paths


@schema.parametrize()
@fuzz_settings(max_examples=25)
@pytest.mark.django_db
def test_candidate_api_never_fails(case: Any, fuzzed: Interview) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "token": fuzzed.token}
    case.call_and_validate(checks=[not_a_server_error, content_type_conformance])
