"""Login hardening (L3): an atomic lockout, one answer for every failure, no typed names kept."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import PASSWORD
from mianshi.accounts import totp
from mianshi.accounts.models import User
from mianshi.accounts.services import totp_begin, totp_enable, user_login
from mianshi.compliance.models import AuditEvent

CHECKED = ("login.failed", "login.failed_otp", "login.locked")


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def login_error(username: str, password: str = PASSWORD, otp: str = "") -> str:
    data = {"username": username, "password": password, "otp": otp}
    page = Client().post("/accounts/login/", data).content.decode()
    found = re.search(r'<ul class="errorlist[^"]*">(.*?)</ul>', page, re.S)
    assert found, "the login page shows an error"
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_never_get_more_than_the_limit_checked(
    make_user: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user("li")  # the real Argon2 cost: the window a racing guess has
    start = threading.Barrier(12)

    def guess(n: int) -> None:
        try:
            start.wait()
            user_login(request=None, username="li", password=f"guess-{n}")
        except Exception:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = AuditEvent.objects.filter(object_id=str(user.pk), action__in=CHECKED).count()
    assert checked == settings.LOGIN_MAX_FAILURES
    assert User.objects.get(pk=user.pk).is_locked
    assert AuditEvent.objects.filter(action="login.locked").count() == 1


@pytest.mark.django_db
def test_locked_unknown_and_wrong_answer_the_same(make_user: Any) -> None:
    make_user("li")
    make_user("wang")
    for _ in range(5):
        login_error("li", "wrong-password")
    wrong = login_error("wang", "wrong-password")
    assert login_error("li") == wrong, "a locked account answers like a wrong password"
    assert login_error("nobody") == wrong
    assert "locked" in wrong, "the one answer still says an account may be locked"


@pytest.mark.django_db
def test_a_right_password_without_the_code_answers_like_a_wrong_one(make_user: Any) -> None:
    user = make_user("zhao")
    totp_enable(user=user, code=totp.code_at(totp_begin(user=user)))
    assert login_error("zhao") == login_error("zhao", "wrong-password")
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_the_typed_unknown_username_is_not_kept_in_the_audit_chain() -> None:
    typed = "Correct-Horse-9"  # a password typed into the username box
    login_error(typed)
    login_error(typed)
    labels = list(
        AuditEvent.objects.filter(action="login.failed_unknown_user").values_list(
            "actor_label", flat=True
        )
    )
    assert len(labels) == 2 and labels[0] == labels[1], "repeats still correlate"
    assert all(typed.lower() not in label.lower() for label in labels)
    assert not AuditEvent.objects.filter(detail__icontains=typed).exists()


@pytest.mark.django_db
def test_the_lock_ends_after_its_time(make_user: Any, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    user = make_user("li")
    login_error("li", "wrong")
    login_error("li", "wrong")
    User.objects.filter(pk=user.pk).update(locked_until=user.date_joined)  # long past
    response = Client().post("/accounts/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).failed_login_count == 0
