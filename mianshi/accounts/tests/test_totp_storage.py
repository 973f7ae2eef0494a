"""The TOTP secret is sealed at rest (L7); the security page explains instead of failing (L8)."""

from __future__ import annotations

import re
import time
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from conftest import PASSWORD
from mianshi.accounts import totp
from mianshi.accounts.models import User
from mianshi.accounts.services import totp_begin
from mianshi.accounts.services.login import totp_secret_of
from mianshi.common import crypto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def stored(user: User) -> str:
    return User.objects.filter(pk=user.pk).values_list("totp_secret", flat=True).get()


def shown_secret(client: Client) -> str:
    page = client.get("/accounts/security/").content.decode()
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]


def test_the_totp_secret_is_stored_encrypted(make_user: Any, login: Any) -> None:
    user = make_user("wang")
    client = login(user)
    client.post("/accounts/security/", {"action": "begin"})
    secret = shown_secret(client)
    assert secret not in stored(user) and crypto.key_id_of(stored(user))
    enable = {"action": "enable", "code": totp.code_at(secret)}
    assert client.post("/accounts/security/", enable).status_code == 302
    code = totp.code_at(secret, time.time() + 30)
    data = {"username": "wang", "password": PASSWORD, "otp": code}
    assert Client().post("/accounts/login/", data).status_code == 302


def test_the_migration_seals_plaintext_secrets(make_user: Any) -> None:
    user = make_user("wang")
    secret = totp.new_secret()
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_enabled=True)
    migration = import_module("mianshi.accounts.migrations.0004_user_totp_secret_sealed")
    migration.seal_secrets(apps, None)
    migration.seal_secrets(apps, None)  # running twice does not seal twice
    user.refresh_from_db()
    assert stored(user) != secret and totp_secret_of(user) == secret


def test_begin_when_the_second_factor_is_already_on_explains(make_user: Any, login: Any) -> None:
    user = make_user("wang")
    client = login(user)
    client.post("/accounts/security/", {"action": "begin"})
    client.post(
        "/accounts/security/", {"action": "enable", "code": totp.code_at(shown_secret(client))}
    )
    before = stored(user)
    response = client.post("/accounts/security/", {"action": "begin"}, follow=True)
    assert response.status_code == 200
    assert "already on" in response.content.decode()
    assert stored(user) == before


def test_key_rotation_reseals_totp_secrets(make_user: Any, settings: Any) -> None:
    from mianshi.common.sealed import sealed_rotate

    user = make_user("wang")
    secret = totp_begin(user=user)
    old = settings.ENCRYPTION_KEYS[0]
    settings.ENCRYPTION_KEYS = ["k9:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=", old]
    run = sealed_rotate()
    assert [k.remaining for k in run.kinds if k.name == "accounts.totp_secret"] == [0]
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key removed
    user.refresh_from_db()
    assert crypto.key_id_of(stored(user)) == "k9" and totp_secret_of(user) == secret
