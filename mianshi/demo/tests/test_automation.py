"""The demo's transition rules (mianshi/demo/automation.py): passing screening invites by
itself; loading twice adds nothing."""

from __future__ import annotations

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.common.tests.support import interview_settings, smtp  # noqa: F401 (fixtures)
from mianshi.demo import automation as demo
from mianshi.integrations.automation.models import RunStatus
from mianshi.integrations.automation.tests.conftest import eager, world  # noqa: F401
from mianshi.integrations.automation.tests.flow import Move, move  # noqa: F401
from mianshi.invitations.models import Invitation

pytestmark = pytest.mark.django_db


def test_demo_rules_invite_on_passing_screening(request: pytest.FixtureRequest) -> None:
    # The transition-action tests' fixtures, imported above: their conftest is not this folder's.
    w, box = request.getfixturevalue("world"), request.getfixturevalue("smtp")
    go: Move = request.getfixturevalue("move")
    request.getfixturevalue("eager")
    rules = demo.load()
    assert len(rules) == 2 and {r.org_unit for r in rules} == {w.org.hq}
    assert len(demo.load()) == 2
    go(w.hr_sh, w.app_sh, Stage.SCREENING)
    go(w.hr_sh, w.app_sh, Stage.INVITED)
    assert Invitation.objects.filter(application=w.app_sh).count() == 1
    other = w.application()
    go(w.hr_sh, other, Stage.SCREENING)
    go(w.hr_sh, other, Stage.REJECTED)
    assert [m["To"] for m in box.messages] == ["zhang.san@example.com", "li.si@example.com"]
    assert "感谢您应聘" in box.bodies()[0]
    assert {r.runs.get().status for r in rules} == {RunStatus.DONE}
