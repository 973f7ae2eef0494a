"""Generic REST/JSON partners; `http` and `auth` are shared with the other adapters."""

from mianshi.integrations.connectors.adapters.rest.adapter import RestAdapter
from mianshi.integrations.connectors.protocol import register_adapter

register_adapter(RestAdapter())
