"""Fixtures of the connector tests: the fake SuccessFactors, an HR admin of 上海, a
configured SuccessFactors connector with the example template, Celery in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.common.tests.real_worker import real_workers  # noqa: F401 (fixture)
from mianshi.common.tests.support import eager  # noqa: F401 (fixture)
from mianshi.integrations.connectors.adapters.successfactors.example import EXAMPLE_TEMPLATE
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key, start
from mianshi.reviews.tests.factories import ReviewWorld, review_world

KEY = new_private_key()


@pytest.fixture
def sf() -> Iterator[FakeSF]:
    fake, server = start()
    fake.register_client("api-key-1", KEY)
    yield fake
    server.shutdown()


@pytest.fixture
def admin(make_user: Any, org: Any) -> User:
    return make_user("integrator", Role.HR_ADMIN, org.sh)


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    return review_world(org, make_user)


def sf_data(sf: FakeSF, **over: Any) -> dict[str, Any]:
    """The form a person fills in for a SuccessFactors connector."""
    data: dict[str, Any] = {
        "name": "SuccessFactors 上海",
        "settings": {"base_url": sf.url, "company_id": "ACME", "user_id": "sfapi"},
        "credentials": {"client_id": "api-key-1", "private_key": KEY},
        "triggers": [{"event": "offer.approved", "kind": "assessment"}],
    }
    return {**data, **over}


def make_connector(admin: User, unit: Any, sf: FakeSF, **over: Any) -> Connector:
    connector = connector_create(
        actor=admin, org_unit_id=unit.pk, adapter="successfactors", data=sf_data(sf, **over)
    )
    template_create(actor=admin, connector=connector, kind="assessment", body=EXAMPLE_TEMPLATE)
    return connector


@pytest.fixture
def connector(admin: User, org: Any, sf: FakeSF) -> Connector:
    return make_connector(admin, org.sh, sf)
