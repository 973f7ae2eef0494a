"""The protocol adapters, one folder each; importing this registers them all."""

from mianshi.integrations.connectors.adapters import rest  # noqa: F401
