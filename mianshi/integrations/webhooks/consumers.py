"""The webhooks app hears every public event through the outbox and fans it out.

`webhooks.fanout` runs inside the transaction that marks its handlings done (a batch of
events at a time), so the delivery rows exist exactly once per event and endpoint; each
endpoint's sender is woken after that commit. A `webhook.test` event goes only to the
endpoint it tests.
"""

from __future__ import annotations

from mianshi.events.consumers import ALL_PUBLIC, consumer
from mianshi.events.models import Event
from mianshi.integrations.webhooks.services import deliveries_fanout


@consumer("webhooks.fanout", types=[ALL_PUBLIC], batch=True)
def fanout(events: list[Event]) -> None:
    deliveries_fanout(events=events)
