"""Who mints API keys, with which scopes, for how long (review H3, M10, L7; F-03, F-04).

A key acts as its owner, so minting one for someone else is taking their account over:
only the owner mints their keys. A request made with a key mints keys only within that
key's own scopes, or an `org:write` integration key would widen itself to everything its
user can see. Keys expire.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from conftest import ApiClient
from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create

pytestmark = pytest.mark.django_db
OWN_ONLY = "Only its owner can create an API key"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def hq_admin(org: Any, make_user: Any) -> User:
    return make_user("hq-admin", Role.HR_ADMIN, org.hq)


def raw_key_in(html: str) -> str:
    found = re.search(r'id="raw-key" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_nobody_mints_a_key_for_another_user(
    org: Any, hq_admin: User, make_user: Any, login: Any, api_for: Any
) -> None:
    """Even an HR admin who may administer the recruiter gets a clear refusal, UI and API."""
    recruiter = make_user("sh-hr", Role.HR, org.sh_sales)
    page = login(hq_admin).post(
        f"/accounts/users/{recruiter.pk}/api-keys/", {"scopes": ["org:read"]}
    )
    assert page.status_code == 200 and OWN_ONLY in page.content.decode()
    answer = api_for(hq_admin).post(
        f"/accounts/users/{recruiter.pk}/api-keys", {"scopes": ["org:read"]}
    )
    assert answer.status_code == 403 and OWN_ONLY in answer.json()["detail"]
    assert not recruiter.api_keys.exists()


def test_every_user_mints_and_revokes_their_own_keys_in_the_ui(
    org: Any, make_user: Any, login: Any
) -> None:
    interviewer = make_user("iv", Role.INTERVIEWER, org.sh_sales)
    client = login(interviewer)
    assert client.get("/accounts/api-keys/").status_code == 200
    created = client.post("/accounts/api-keys/", {"name": "ATS", "scopes": ["jobs:read"]})
    raw = raw_key_in(created.content.decode())
    me = ApiClient(raw).get("/accounts/me").json()
    assert me["user"]["username"] == "iv" and me["scopes"] == ["jobs:read"]
    listed = client.get("/accounts/api-keys/").content.decode()
    assert raw not in listed and raw[3:11] in listed
    key = ApiKey.objects.get(user=interviewer)
    assert client.post(f"/accounts/api-keys/{key.pk}/revoke/").status_code == 302
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_a_key_mints_keys_only_within_its_own_scopes(
    org: Any, hq_admin: User, api_for: Any
) -> None:
    sync = api_for(hq_admin, scopes=["org:write"])
    wider = sync.post(
        f"/accounts/users/{hq_admin.pk}/api-keys", {"scopes": ["candidates:read", "audit:read"]}
    )
    assert wider.status_code == 403
    assert "candidates:read" in wider.json()["detail"] and "audit:read" in wider.json()["detail"]
    assert hq_admin.api_keys.count() == 1  # only the calling key
    same = sync.post(f"/accounts/users/{hq_admin.pk}/api-keys", {"scopes": ["org:write"]})
    assert same.status_code == 201 and same.json()["scopes"] == ["org:write"]


def test_a_key_without_org_write_mints_nothing(org: Any, hq_admin: User, api_for: Any) -> None:
    reader = api_for(hq_admin, scopes=["candidates:read"])
    answer = reader.post(f"/accounts/users/{hq_admin.pk}/api-keys", {"scopes": ["candidates:read"]})
    assert answer.status_code == 403
    assert hq_admin.api_keys.count() == 1


def test_keys_expire_after_the_configured_days(org: Any, hq_admin: User, settings: Any) -> None:
    settings.API_KEY_DAYS = 30
    key, raw = apikey_create(actor=hq_admin, user=hq_admin, scopes=["org:read"])
    assert key.expires_at is not None
    left = key.expires_at - timezone.now()
    assert dt.timedelta(days=29, hours=23) < left <= dt.timedelta(days=30)
    assert ApiClient(raw).get("/accounts/me").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(raw).get("/accounts/me").status_code == 401


def test_a_key_may_be_asked_to_expire_sooner(org: Any, hq_admin: User, api_for: Any) -> None:
    api = api_for(hq_admin)
    made = api.post(
        f"/accounts/users/{hq_admin.pk}/api-keys", {"scopes": ["org:read"], "expires_in_days": 7}
    )
    assert made.status_code == 201
    expires = dt.datetime.fromisoformat(made.json()["expires_at"])
    assert dt.timedelta(days=6, hours=23) < expires - timezone.now() <= dt.timedelta(days=7)
    too_long = api.post(
        f"/accounts/users/{hq_admin.pk}/api-keys",
        {"scopes": ["org:read"], "expires_in_days": 5000},
    )
    assert too_long.status_code == 422
    assert hq_admin.api_keys.count() == 2
