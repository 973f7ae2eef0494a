"""三员分立 (F-03, review H3): nobody takes over an account holding powers they lack.

Account-wide changes (password, second factor, profile, activation, grants) need the actor
to hold a superset of the target's capabilities on every unit the target has grants on.
Each refusal is checked for its effect too: nothing about the target may have changed.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.accounts.selectors import can_administer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


NEW_PASSWORD = "Blue-Lantern-42"
SECRET = "JBSWY3DPEHPK3PXP"


def with_totp(user: User) -> User:
    User.objects.filter(pk=user.pk).update(totp_enabled=True, totp_secret=SECRET)
    user.refresh_from_db()
    return user


def untouched(user: User, grants: int = 1) -> bool:
    """The target's password, second factor, grants, keys and status are as they were."""
    fresh = User.objects.get(pk=user.pk)
    return (
        fresh.check_password(PASSWORD)
        and fresh.totp_enabled
        and fresh.is_active
        and fresh.display_name == ""
        and fresh.grants.count() == grants
        and not fresh.api_keys.exists()
    )


def try_takeover_ui(client: Any, target: User, unit: Any) -> list[int]:
    """Every account-wide change a manager can post about `target` through the UI."""
    base = f"/accounts/users/{target.pk}"
    pair = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    edit = {"username": target.username, "display_name": "x"}
    return [
        client.post(f"{base}/password/", pair).status_code,
        client.post(f"{base}/totp-reset/").status_code,
        client.post(f"{base}/edit/", edit).status_code,
        client.post(f"{base}/grants/", {"role": "interviewer", "org_unit": unit.pk}).status_code,
        client.post(f"/accounts/grants/{target.grants.get().pk}/revoke/").status_code,
        client.post(f"{base}/deactivate/").status_code,
        key_refused(client.post(f"{base}/api-keys/", {"scopes": ["candidates:read"]})),
    ]


def key_refused(response: Any) -> int:
    """The key form answers with its refusal on the page (403 when it is the only thing)."""
    refused = "Only its owner can create an API key" in response.content.decode()
    return 403 if response.status_code == 200 and refused else response.status_code


def try_takeover_api(api: Any, target: User, unit: Any) -> list[int]:
    """The same through the API with a key holding every scope."""
    base = f"/accounts/users/{target.pk}"
    return [
        api.post(f"{base}/password", {"password": NEW_PASSWORD}).status_code,
        api.patch(base, {"display_name": "x"}).status_code,
        api.post(f"{base}/grants", {"role": "interviewer", "org_unit_id": unit.pk}).status_code,
        api.delete(f"/accounts/grants/{target.grants.get().pk}").status_code,
        api.post(f"{base}/api-keys", {"scopes": ["candidates:read"]}).status_code,
        api.delete(base).status_code,
    ]


def test_system_admin_cannot_take_over_an_hr_admin(
    org: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    sysadmin = make_user("sys", Role.SYSTEM_ADMIN, org.hq)
    hr_admin = with_totp(make_user("sh-hr-admin", Role.HR_ADMIN, org.sh))
    assert not can_administer(actor=sysadmin, target=hr_admin)
    assert set(try_takeover_ui(login(sysadmin), hr_admin, org.sh_sales)) == {403}
    assert set(try_takeover_api(api_for(sysadmin), hr_admin, org.sh_sales)) == {403}
    assert untouched(hr_admin)


def test_hr_admin_cannot_take_over_an_auditor(
    org: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    hr_admin = make_user("hq-hr-admin", Role.HR_ADMIN, org.hq)
    auditor = with_totp(make_user("sh-auditor", Role.AUDITOR, org.sh))
    assert not can_administer(actor=hr_admin, target=auditor)
    assert set(try_takeover_ui(login(hr_admin), auditor, org.sh_sales)) == {403}
    assert set(try_takeover_api(api_for(hr_admin), auditor, org.sh_sales)) == {403}
    assert untouched(auditor)


def test_power_held_elsewhere_counts_too(org: Any, make_user: Any) -> None:
    """A recruiter who is also an auditor somewhere is out of an HR admin's reach."""
    hr_admin = make_user("sh-hr-admin", Role.HR_ADMIN, org.sh)
    both = make_user("both", Role.HR, org.sh_sales)
    assert can_administer(actor=hr_admin, target=both)
    RoleGrant.objects.create(user=both, role=Role.AUDITOR, org_unit=org.sh_tech)
    assert not can_administer(actor=hr_admin, target=both)


def test_security_admin_manages_the_plain_accounts_it_covers(
    org: Any, make_user: Any, login: Any
) -> None:
    """What a security admin at HQ can do: accounts whose rights it holds itself."""
    secadmin = make_user("sec", Role.SECURITY_ADMIN, org.hq)
    client = login(secadmin)
    covered = [
        make_user("plain"),  # no grant yet
        make_user("sh-auditor", Role.AUDITOR, org.sh),
        make_user("sh-sys", Role.SYSTEM_ADMIN, org.sh),
    ]
    for target in covered:
        with_totp(target)
        assert can_administer(actor=secadmin, target=target)
        pair = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        assert client.post(f"/accounts/users/{target.pk}/password/", pair).status_code == 302
        assert client.post(f"/accounts/users/{target.pk}/totp-reset/").status_code == 302
        assert client.post(f"/accounts/users/{target.pk}/deactivate/").status_code == 302
        fresh = User.objects.get(pk=target.pk)
        assert fresh.check_password(NEW_PASSWORD) and not fresh.totp_enabled
        assert not fresh.is_active
    recruiter = with_totp(make_user("sh-hr", Role.HR, org.sh_sales))
    assert not can_administer(actor=secadmin, target=recruiter)
    assert set(try_takeover_ui(client, recruiter, org.sh_sales)) == {403}
    assert untouched(recruiter)


def test_hr_admin_still_manages_the_recruiters_below(org: Any, make_user: Any, login: Any) -> None:
    hr_admin = make_user("sh-hr-admin", Role.HR_ADMIN, org.sh)
    recruiter = with_totp(make_user("sh-hr", Role.HR, org.sh_sales))
    client = login(hr_admin)
    pair = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    assert client.post(f"/accounts/users/{recruiter.pk}/password/", pair).status_code == 302
    assert client.post(f"/accounts/users/{recruiter.pk}/totp-reset/").status_code == 302
    grant = {"role": "interviewer", "org_unit": org.sh_tech.pk}
    assert client.post(f"/accounts/users/{recruiter.pk}/grants/", grant).status_code == 302
    fresh = User.objects.get(pk=recruiter.pk)
    assert fresh.check_password(NEW_PASSWORD) and not fresh.totp_enabled
    assert fresh.grants.count() == 2
