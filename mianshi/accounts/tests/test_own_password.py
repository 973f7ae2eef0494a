"""A signed-in user changes their own password at /accounts/password/: the current password
is asked again, the password policy applies, every other session of theirs ends while this
one goes on, the change is audited, and a locked account cannot change it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from mianshi.accounts.models import User
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/accounts/password/"
NEW = "Lantern-Orchid-73"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _form(old: str = PASSWORD, new: str = NEW, again: str | None = None) -> dict[str, str]:
    return {"old_password": old, "password": new, "password_again": again or new}


def test_the_security_page_links_to_the_password_change(make_user: Any) -> None:
    page = _client(make_user("ana")).get("/accounts/security/").content.decode()
    assert f'href="{URL}"' in page


def test_a_wrong_current_password_is_refused_and_nothing_changes(make_user: Any) -> None:
    user = make_user("ana")
    before = User.objects.get(pk=user.pk).password
    response = _client(user).post(URL, _form(old="Not-My-Password-1"))
    assert response.status_code == 200
    assert "current password is not correct" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == before
    assert not AuditEvent.objects.filter(action="user.change_own_password").exists()


def test_the_password_policy_applies_and_nothing_changes(make_user: Any) -> None:
    user = make_user("ana")
    before = User.objects.get(pk=user.pk).password
    response = _client(user).post(URL, _form(new="12345"))
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == before


def test_a_change_keeps_this_session_ends_the_others_and_is_audited(make_user: Any) -> None:
    user = make_user("ana")
    here, elsewhere = _client(user), _client(user)
    assert elsewhere.get("/accounts/security/").status_code == 200
    response = here.post(URL, _form())
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert here.get("/accounts/security/").status_code == 200
    ended = elsewhere.get("/accounts/security/")
    assert ended.status_code == 302 and "/accounts/login/" in ended["Location"]
    event = AuditEvent.objects.get(action="user.change_own_password")
    assert event.actor_id == user.pk and event.object_id == str(user.pk)
    assert event.changed_fields == ["password"] and PASSWORD not in str(event.detail)
    assert Client().login(username="ana", password=NEW)


def test_a_locked_account_cannot_change_its_password(make_user: Any) -> None:
    user = make_user("ana")
    client = _client(user)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=15))
    before = User.objects.get(pk=user.pk).password
    response = client.post(URL, _form())
    assert response.status_code == 200 and "locked" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == before
    assert not AuditEvent.objects.filter(action="user.change_own_password").exists()


def test_wrong_current_passwords_count_towards_the_lockout(make_user: Any) -> None:
    user = make_user("ana")
    client = _client(user)
    for _attempt in range(settings.LOGIN_MAX_FAILURES):
        client.post(URL, _form(old="Not-My-Password-1"))
    assert User.objects.get(pk=user.pk).is_locked
    response = client.post(URL, _form())  # the right one now: still locked
    assert "locked" in response.content.decode()
    assert not User.objects.get(pk=user.pk).check_password(NEW)
