"""Scheduled pulls: claimed once per schedule, page by page with the EHR's cursor, each page
mapped and handed to the registered importer; no importer → a clear error, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services import pulls
from mianshi.integrations.connectors.services.connectors import template_create
from mianshi.integrations.connectors.tests.conftest import make_connector
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF

pytestmark = pytest.mark.django_db

CANDIDATE_TEMPLATE = {
    "version": 1,
    "kind": "candidate",
    "fields": {
        "email": {"path": "$.primaryEmail", "transform": "lower"},
        "ref": {"path": "$.candidateId", "transform": "str"},
    },
}


@pytest.fixture
def puller(admin: User, org: Any, sf: FakeSF) -> Connector:
    connector = make_connector(admin, org.sh, sf, schedule_minutes=60, pull_kind="candidate")
    template_create(actor=admin, connector=connector, kind="candidate", body=CANDIDATE_TEMPLATE)
    sf.page_size = 2
    for i in range(5):
        sf.add_candidate(700 + i, f"P{i}@Example.com", 9700 + i)
    return connector


def test_a_due_connector_is_claimed_once(puller: Connector) -> None:
    assert pulls.pulls_due() == [puller.pk]
    assert pulls.pulls_due() == []
    Connector.objects.filter(pk=puller.pk).update(
        last_pulled_at=timezone.now() - timedelta(minutes=61)
    )
    assert pulls.pulls_due() == [puller.pk]


def test_pages_are_mapped_and_imported_in_order(puller: Connector, monkeypatch: Any) -> None:
    got: list[dict[str, Any]] = []

    def importer(connector: Connector, records: list[dict[str, Any]]) -> int:
        got.extend(records)
        return len(records)

    monkeypatch.setitem(pulls._HANDLERS, "candidate", importer)
    outcome = pulls.connector_pull(connector_id=puller.pk)
    assert outcome["records"] == 5 and outcome["error"] == ""
    assert [r["email"] for r in got] == [f"p{i}@example.com" for i in range(5)]
    assert got[0]["ref"] == "700"
    puller.refresh_from_db()
    assert puller.state["pull_cursor"] == "" and puller.state["last_pull"]["records"] == 5


def test_a_failing_importer_keeps_the_cursor_of_the_last_good_page(
    puller: Connector, monkeypatch: Any
) -> None:
    calls = {"n": 0}

    def importer(connector: Connector, records: list[dict[str, Any]]) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise pulls.AdapterError("stop", retryable=True)
        return len(records)

    monkeypatch.setitem(pulls._HANDLERS, "candidate", importer)
    outcome = pulls.connector_pull(connector_id=puller.pk)
    assert outcome["records"] == 2 and outcome["error"] == "stop"
    puller.refresh_from_db()
    assert "skiptoken=2" in puller.state["pull_cursor"]


def test_without_an_importer_the_pull_says_so(puller: Connector) -> None:
    outcome = pulls.connector_pull(connector_id=puller.pk)
    assert outcome["records"] == 0 and outcome["error"]


def test_a_failed_pull_shows_on_the_health_page(puller: Connector, login: Any, admin: User) -> None:
    from django.urls import reverse

    pulls.connector_pull(connector_id=puller.pk)  # no importer registered
    page = login(admin).get(reverse("integrations:health")).content.decode()
    assert "data-attention" in page and 'role="alert"' in page
