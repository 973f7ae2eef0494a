"""F-30 with a REAL Celery worker: HR passes a candidate's screening, the worker (outbox
dispatch → transition-action consumer → the run → the invitation's delivery) invites and
mails the candidate, once; a second dispatch of the same event does nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.events.dispatcher import event_dispatch
from mianshi.integrations.automation.models import ActionKind, ActionRun, RunStatus
from mianshi.integrations.automation.services import rule_create
from mianshi.integrations.automation.tests.flow import stage_event
from mianshi.invitations.models import Invitation, InvitationStatus


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_invites_on_passing_screening_once(
    world: Any, smtp: Any, real_workers: RealWorkers
) -> None:
    data = {"to_stage": Stage.INVITED, "from_stage": Stage.SCREENING, "action": ActionKind.INVITE}
    rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)
    application_advance(actor=world.hr_sh, application=world.app_sh, to_stage=Stage.SCREENING)
    real_workers.start()
    moved = application_advance(actor=world.hr_sh, application=world.app_sh, to_stage=Stage.INVITED)
    sent = real_workers.wait_until(
        lambda: Invitation.objects.filter(status=InvitationStatus.SENT).first(),
        what="the worker to invite and mail the candidate",
        timeout=120,
    )
    assert sent.application_id == world.app_sh.pk
    run = ActionRun.objects.get()
    assert (run.transition_id, run.status, run.attempts) == (moved.pk, RunStatus.DONE, 1)
    event = stage_event(moved)
    assert event is not None and event_dispatch(event_id=event.pk) == {}
    assert smtp.recipients == [["zhang.san@example.com"]]
    assert Invitation.objects.count() == 1
