"""The outbox consumer that turns pipeline moves into transition actions (F-23, F-30).

It only plans (database rows, in the dispatcher's transaction with marking the event
handled), so a second delivery of the event plans nothing twice; the actions themselves
run after the commit in `automation.run_action`.
"""

from __future__ import annotations

from mianshi.events.catalogue import StageChangedData
from mianshi.events.consumers import consumer
from mianshi.events.models import Event
from mianshi.integrations.automation.services import runs_plan


@consumer("automation.transition_actions", types=["application.stage_changed"])
def transition_actions(event: Event) -> None:
    data = StageChangedData.model_validate(event.data)
    runs_plan(transition_id=data.transition_id)
