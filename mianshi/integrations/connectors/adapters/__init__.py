"""The protocol adapters, one folder each; importing this registers them all."""

from mianshi.integrations.connectors.adapters import (
    hrjson,  # noqa: F401
    moka,  # noqa: F401
    rest,  # noqa: F401
    soap,  # noqa: F401
    successfactors,  # noqa: F401
    yonbip,  # noqa: F401
)
