"""Moving applications as HR does, with the outbox dispatched after each commit.

`application_advance` writes `application.stage_changed`; until every branch of the code
has that emit, `move` writes the event itself when the service did not (same payload), so
these tests exercise the real consumer and dispatcher either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from mianshi.candidates.models import Application, ApplicationTransition
from mianshi.candidates.services import application_advance
from mianshi.events.models import Event
from mianshi.events.services import event_emit

STAGE_CHANGED = "application.stage_changed"
Move = Callable[[Any, Application, str], ApplicationTransition]


def stage_event(transition: ApplicationTransition) -> Event | None:
    return Event.objects.filter(type=STAGE_CHANGED, data__transition_id=transition.pk).first()


def ensure_event(transition: ApplicationTransition) -> Event:
    """The move's event: the one the service wrote, else written here."""
    found = stage_event(transition)
    if found is not None:
        return found
    application = transition.application
    data = {
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "transition_id": transition.pk,
        "from_stage": transition.from_stage,
        "to_stage": transition.to_stage,
        "actor_id": transition.actor_id,
    }
    return event_emit(type=STAGE_CHANGED, data=data, org_unit_id=application.org_unit_id)


@pytest.fixture
def move(django_capture_on_commit_callbacks: Any) -> Move:
    """move(actor, application, to_stage): the move, its event, dispatch and actions."""

    def go(actor: Any, application: Application, to_stage: str) -> ApplicationTransition:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            transition = application_advance(
                actor=actor, application=application, to_stage=to_stage
            )
            ensure_event(transition)
        return transition

    return go
