"""What connectors seal with ENCRYPTION_KEYS, registered for key rotation (common.sealed):
credentials, the adapters' state (tokens) and the mapped payloads of syncs."""

from mianshi.common.sealed import register, sealed_text_field
from mianshi.integrations.connectors.files.sealed_kind import IMPORT_UPLOADS
from mianshi.integrations.connectors.models import (
    CREDENTIALS_CONTEXT,
    PAYLOAD_CONTEXT,
    STATE_CONTEXT,
    Connector,
    Sync,
)

register(
    sealed_text_field(
        name="connectors.credentials",
        model=Connector,
        field="credentials_enc",
        context=CREDENTIALS_CONTEXT,
    )
)
register(
    sealed_text_field(
        name="connectors.state", model=Connector, field="state_enc", context=STATE_CONTEXT
    )
)
register(
    sealed_text_field(
        name="connectors.payload", model=Sync, field="payload_enc", context=PAYLOAD_CONTEXT
    )
)
register(IMPORT_UPLOADS)  # file imports waiting in storage
