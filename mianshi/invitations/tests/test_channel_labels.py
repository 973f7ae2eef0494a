"""HR pages name the delivery channel, not its code ("email" showed in English in zh-Hans)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from mianshi.integrations.connectors.templatetags.connector_labels import (
    record_kind_label,
    stage_label,
)
from mianshi.invitations.channels import channel_label
from mianshi.invitations.services import delivery_attempt, invitation_create, invitation_send


def test_codes_read_as_names_and_unknown_codes_as_themselves() -> None:
    with translation.override("en"):
        assert channel_label("email") == "E-mail"
        assert channel_label("pigeon") == "pigeon"
        assert record_kind_label("post_hire") == "Post-hire data"
        assert record_kind_label("other") == "other"
        assert stage_label("offer_approval") != "offer_approval"


@pytest.mark.django_db
def test_the_invitation_list_names_the_channel(world: Any, settings: Any, login: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invitation, _token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert delivery_attempt(delivery_id=delivery.pk) == "sent"
    client = login(world.hr_sh)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/invitations/").content.decode()
    assert 'data-delivery="sent">E-mail · ' in body
    assert ">email · " not in body
