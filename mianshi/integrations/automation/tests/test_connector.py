"""The connector action: a rule asks the connectors app to send the application now.

A real SuccessFactors connector (h4's adapter and its fake server on loopback) is
configured by an HR admin; the rule's run makes exactly one Sync of the connectors app,
which sends, retries and reports on its own health page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.accounts.roles import Role
from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import ActionKind, ActionRun, RunStatus
from mianshi.integrations.automation.services import rule_create, run_execute
from mianshi.integrations.automation.tests.flow import Move
from mianshi.integrations.connectors.models import Connector, Sync
from mianshi.integrations.connectors.services.connectors import connector_update
from mianshi.integrations.connectors.tests.conftest import KEY, make_connector
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def sf() -> Iterator[FakeSF]:
    fake, server = start()
    fake.register_client("api-key-1", KEY)
    yield fake
    server.shutdown()


@pytest.fixture
def connector(world: Any, make_user: Any, sf: FakeSF) -> Connector:
    admin = make_user("integrator", Role.HR_ADMIN, world.org.sh)
    return make_connector(admin, world.org.sh, sf, triggers=[])


def connector_rule(world: Any, connector: Connector, **extra: Any) -> Any:
    data: dict[str, Any] = {"to_stage": Stage.SCREENING, "action": ActionKind.CONNECTOR}
    data |= {"connector_id": connector.pk, "record_kind": "assessment", **extra}
    return rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)


def test_entering_a_stage_syncs_the_application_once(
    world: Any, eager: Any, move: Move, connector: Connector
) -> None:
    connector_rule(world, connector)
    move(world.hr_sh, world.app_sh, Stage.SCREENING)
    run = ActionRun.objects.get()
    sync = Sync.objects.get(connector=connector)
    assert (run.status, run.result["sync_id"]) == (RunStatus.DONE, sync.pk)
    assert (sync.kind, sync.object_id) == ("assessment", world.app_sh.pk)
    assert run_execute(run_id=run.pk) == "taken"
    assert Sync.objects.count() == 1


def test_a_switched_off_connector_fails_the_run_with_its_reason(
    world: Any, eager: Any, move: Move, connector: Connector, make_user: Any
) -> None:
    connector_rule(world, connector)
    admin = make_user("integrator2", Role.HR_ADMIN, world.org.sh)
    connector_update(actor=admin, connector=connector, data={"enabled": False})
    move(world.hr_sh, world.app_sh, Stage.SCREENING)
    run = ActionRun.objects.get()
    assert run.status == RunStatus.FAILED and run.error and run.attempts == 1
    assert not Sync.objects.exists()


def test_a_connector_of_another_branch_cannot_be_named(
    world: Any, connector: Connector, api_for: Any
) -> None:
    api = api_for(world.hr_sz, scopes=["integrations:read", "integrations:write"])
    payload = {"org_unit_id": world.org.sz.pk, "to_stage": "screening", "action": "connector"}
    response = api.post(
        "/integrations/transition-actions/rules", {**payload, "connector_id": connector.pk}
    )
    assert response.status_code == 422 and "connector_id" in str(response.json()["detail"])
