"""Deploy hardening (M9): demo keys fail `check --deploy`, one HTTPS switch, idle sessions end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
REAL_KEYS = {
    "SECRET_KEY": "m9-" + "Zx8#qL2!vR7@pK4$wT1%yB6^nC3&hJ9*dF5(gS0)" * 2,
    "ENCRYPTION_KEYS": "k2:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=",
    "BLIND_INDEX_KEY": "a-real-blind-index-key-of-this-deployment",
}
HTTPS: dict[str, object] = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def deployed(settings: Any) -> None:
    """Settings as a deployment with its own keys and MIANSHI_HTTPS=1 has them."""
    for name, value in REAL_KEYS.items():
        setattr(settings, name, value.split(",") if name == "ENCRYPTION_KEYS" else value)
    for name, flag in HTTPS.items():
        setattr(settings, name, flag)


def test_check_deploy_refuses_the_public_demo_keys() -> None:
    with pytest.raises(SystemCheckError) as caught:
        call_command("check", deploy=True)
    for check_id in ("mianshi.E001", "mianshi.E002", "mianshi.E003"):
        assert check_id in str(caught.value)


@pytest.mark.parametrize("demo", ["SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_any_one_demo_key_left_in_place_is_an_error(settings: Any, demo: str) -> None:
    deployed(settings)
    demo_values = {
        "SECRET_KEY": django_settings.DEMO_SECRET_KEY,
        "ENCRYPTION_KEYS": [REAL_KEYS["ENCRYPTION_KEYS"], django_settings.DEMO_ENCRYPTION_KEY],
        "BLIND_INDEX_KEY": django_settings.DEMO_BLIND_INDEX_KEY,
    }
    setattr(settings, demo, demo_values[demo])
    with pytest.raises(SystemCheckError, match=demo):
        call_command("check", deploy=True)


def test_check_deploy_passes_with_real_keys_and_https(settings: Any) -> None:
    deployed(settings)
    call_command("check", deploy=True)  # raises SystemCheckError on any ERROR


def manage_check(**env: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("MIANSHI_")}
    full = {**keep, "MIANSHI_DATA_DIR": os.environ.get("MIANSHI_DATA_DIR", "/tmp"), **env}
    command = [sys.executable, "manage.py", "check", "--deploy"]
    return subprocess.run(command, cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)


def test_one_switch_turns_on_https_hardening_from_the_environment() -> None:
    demo = manage_check()
    assert demo.returncode != 0 and "mianshi.E001" in demo.stderr
    real = {f"MIANSHI_{name}": value for name, value in REAL_KEYS.items()}
    done = manage_check(**real, MIANSHI_HTTPS="1", MIANSHI_ALLOWED_HOSTS="mianshi.example.com")
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    for warning in ("W004", "W005", "W008", "W012", "W016", "mianshi.E"):
        assert warning not in output, output


def test_secure_cookies_keeps_its_old_meaning() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith("MIANSHI_")}
    env = {**keep, "MIANSHI_SECURE_COOKIES": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["MIANSHI_DATA_DIR"] = os.environ.get("MIANSHI_DATA_DIR", "/tmp")
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["True", "True", "False"], shown.stderr


@pytest.mark.django_db
class TestIdleSessions:
    """Staff sessions end after MIANSHI_SESSION_IDLE_MINUTES without a request (default 30)."""

    PAGE = "/accounts/security/"

    def signed_in(self, make_user: Any) -> Client:
        client = Client()
        client.force_login(make_user("wang"))
        assert client.get(self.PAGE).status_code == 200
        return client

    def age(self, client: Client, key: str, seconds: float) -> None:
        session = client.session
        session[key] = time.time() - seconds
        session.save()

    def test_a_session_idle_beyond_the_limit_is_signed_out(self, make_user: Any) -> None:
        client = self.signed_in(make_user)
        self.age(client, "mianshi_seen", 31 * 60)
        response = client.get(self.PAGE)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        assert client.get(self.PAGE).status_code == 302

    def test_an_active_session_stays_signed_in(self, make_user: Any) -> None:
        client = self.signed_in(make_user)
        self.age(client, "mianshi_seen", 29 * 60)
        assert client.get(self.PAGE).status_code == 200
        self.age(client, "mianshi_seen", 29 * 60)
        assert client.get(self.PAGE).status_code == 200, "each request restarts the idle clock"

    def test_a_session_ends_at_the_absolute_maximum_however_active(
        self, make_user: Any, settings: Any
    ) -> None:
        client = self.signed_in(make_user)
        self.age(client, "mianshi_started", settings.SESSION_MAX_HOURS * 3600 + 60)
        assert client.get(self.PAGE).status_code == 302

    def test_the_idle_limit_is_configurable(self, make_user: Any, settings: Any) -> None:
        settings.SESSION_IDLE_MINUTES = 5
        client = self.signed_in(make_user)
        self.age(client, "mianshi_seen", 6 * 60)
        assert client.get(self.PAGE).status_code == 302
