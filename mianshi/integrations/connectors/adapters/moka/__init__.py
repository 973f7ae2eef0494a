"""Moka (mokahr.com) as a video-interview provider: binding, pulls, results, webhooks."""

from mianshi.integrations.connectors.adapters.moka.adapter import MokaAdapter
from mianshi.integrations.connectors.adapters.moka.webhook import verify_moka_webhook
from mianshi.integrations.connectors.protocol import register_adapter

register_adapter(MokaAdapter())

__all__ = ["MokaAdapter", "verify_moka_webhook"]
