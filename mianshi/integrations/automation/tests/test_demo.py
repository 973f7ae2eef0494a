"""The demo's rules: passing screening invites by itself; loading twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.demo import automation as demo
from mianshi.integrations.automation.models import RunStatus
from mianshi.integrations.automation.tests.flow import Move
from mianshi.invitations.models import Invitation

pytestmark = pytest.mark.django_db


def test_demo_rules_invite_on_passing_screening_and_load_once(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    rules = demo.load()
    assert len(rules) == 2 and {r.org_unit for r in rules} == {world.org.hq}
    assert len(demo.load()) == 2
    move(world.hr_sh, world.app_sh, Stage.SCREENING)
    move(world.hr_sh, world.app_sh, Stage.INVITED)
    assert Invitation.objects.filter(application=world.app_sh).count() == 1
    other = world.application()
    move(world.hr_sh, other, Stage.SCREENING)
    move(world.hr_sh, other, Stage.REJECTED)
    assert [m["To"] for m in smtp.messages] == ["zhang.san@example.com", "li.si@example.com"]
    assert "感谢您应聘" in smtp.bodies()[0]
    assert {r.runs.get().status for r in rules} == {RunStatus.DONE}
