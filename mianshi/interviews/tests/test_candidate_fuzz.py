"""schemathesis fuzzes every operation of the candidate API's own OpenAPI document with a
real invitation token, so generated bodies and positions reach the flow's logic instead of
stopping at "unknown link". Whatever arrives, the answer is never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance

from config.wsgi import application
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
    """As Django's test client does per request (it reconnects the handlers afterwards, so
    this comes after `begun`): keep the test transaction's connection open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield begun
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_document_lists_the_candidate_operations() -> None:
    paths = set(schema.raw_schema["paths"])
    for path in ("state", "consent", "events", "heartbeat", "finish"):
        assert f"/i/api/{{token}}/{path}" in paths
    assert "/i/api/{token}/questions/{position}/finish" in paths


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@pytest.mark.django_db
def test_candidate_api_never_fails(case: Any, fuzzed: Interview) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "token": fuzzed.token}
    case.call_and_validate(checks=[not_a_server_error, content_type_conformance])
