"""Signing secrets are sealed at rest and registered for key rotation: after re-sealing under
a new key and removing the old one, both the current and the previous secret still sign."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from conftest import Org
from mianshi.accounts.models import User
from mianshi.common import crypto
from mianshi.common.sealed import sealed_rotate
from mianshi.integrations.webhooks.models import WebhookEndpoint
from mianshi.integrations.webhooks.services import (
    signing_secrets,
    webhook_create,
    webhook_rotate_secret,
)

NEW_KEY = "k9:" + base64.b64encode(b"n" * 32).decode()


@pytest.mark.django_db
def test_key_rotation_reseals_both_secrets(admin: User, org: Org, settings: Any) -> None:
    endpoint, first = webhook_create(
        actor=admin, org_unit=org.sh, url="http://10.0.0.9/h", event_types=[]
    )
    second = webhook_rotate_secret(actor=admin, endpoint=endpoint)
    assert first not in endpoint.previous_secret and second not in endpoint.secret

    settings.ENCRYPTION_KEYS = [NEW_KEY, *settings.ENCRYPTION_KEYS]
    run = sealed_rotate()
    left = {k.name: k.remaining for k in run.kinds if k.name.startswith("webhooks.")}
    assert left == {"webhooks.secret": 0, "webhooks.previous_secret": 0}

    settings.ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed
    endpoint = WebhookEndpoint.objects.get()
    assert crypto.key_id_of(endpoint.secret) == "k9"
    assert signing_secrets(endpoint) == [second, first]
