"""Writes of the webhooks app: endpoints (admin actions) and deliveries (the engine)."""

from mianshi.integrations.webhooks.services.deliveries import deliveries_fanout
from mianshi.integrations.webhooks.services.drain import delivery_send, endpoint_drain
from mianshi.integrations.webhooks.services.endpoints import (
    signing_secrets,
    subscribable_types,
    webhook_create,
    webhook_delete,
    webhook_disable,
    webhook_enable,
    webhook_rotate_secret,
    webhook_test,
    webhook_update,
)
from mianshi.integrations.webhooks.services.gone import webhook_gone, webhook_gone_notify
from mianshi.integrations.webhooks.services.maintenance import deliveries_sweep, delivery_replay

__all__ = [
    "deliveries_fanout",
    "deliveries_sweep",
    "delivery_replay",
    "delivery_send",
    "endpoint_drain",
    "signing_secrets",
    "subscribable_types",
    "webhook_create",
    "webhook_delete",
    "webhook_disable",
    "webhook_enable",
    "webhook_gone",
    "webhook_gone_notify",
    "webhook_rotate_secret",
    "webhook_test",
    "webhook_update",
]
