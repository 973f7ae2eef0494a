"""Login, Argon2 hashing and lockout after repeated failures (F-04)."""

from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_is_stored_with_argon2(make_user: Any) -> None:
    user = make_user("wang")
    assert user.password.startswith("argon2$argon2id$")


def test_good_login_redirects_to_dashboard(make_user: Any) -> None:
    make_user("wang")
    response = post_login(Client(), "wang", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login.success").count() == 1


def test_lockout_after_max_failures_even_with_right_password(make_user: Any, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    make_user("li")
    client = Client()
    for _ in range(3):
        assert post_login(client, "li", "wrong-password").status_code == 200
    response = post_login(client, "li", PASSWORD)
    assert response.status_code == 200
    assert "locked" in response.content.decode() or "锁定" in response.content.decode()
    assert User.objects.get(username="li").locked_until is not None
    assert AuditEvent.objects.filter(action="login.locked").count() == 1


def test_anonymous_root_shows_login_page() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
