"""The protocol adapters, one folder each; importing this registers them all."""

from mianshi.integrations.connectors.adapters import rest  # noqa: F401
from mianshi.integrations.connectors.adapters import successfactors  # noqa: F401
