"""What webhooks seal with ENCRYPTION_KEYS, registered for key rotation (common.sealed):
each endpoint's signing secret and, during a rotation's overlap, the previous one."""

from mianshi.common.sealed import register, sealed_text_field
from mianshi.integrations.webhooks.models import SECRET_CONTEXT, WebhookEndpoint

for _field in ("secret", "previous_secret"):
    register(
        sealed_text_field(
            name=f"webhooks.{_field}", model=WebhookEndpoint, field=_field, context=SECRET_CONTEXT
        )
    )
