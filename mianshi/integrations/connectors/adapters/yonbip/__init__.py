"""用友 YonBIP open API: the selfAppAuth token signature, then candidates and staff."""

from mianshi.integrations.connectors.adapters.yonbip.adapter import YonbipAdapter
from mianshi.integrations.connectors.protocol import register_adapter

register_adapter(YonbipAdapter())
