"""A consumer for the real-worker test: its first attempt hangs (the test kills the worker
there), a later one records its work as an audit row in the handling's transaction.

Defining it registers nothing: the worker imports `probe_worker` (with `--include`), which
registers it there; the test puts it into its own registry, so no other test meets it.
"""

from __future__ import annotations

import time

from mianshi.compliance.services import audit_record
from mianshi.events.models import Event, Handling

NAME = "events.tests.probe"
ACTION = "events.probe"
HANG_SECONDS = 120
TYPE = "answer.checked"


def probe(event: Event) -> None:
    attempts = Handling.objects.get(event=event, consumer=NAME).attempts
    if attempts == 1:
        time.sleep(HANG_SECONDS)  # killed here
    audit_record(actor="system", action=ACTION, object_type="events.event", object_id=event.pk)
