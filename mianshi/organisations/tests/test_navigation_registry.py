"""Entries a higher app adds to the navigation (navigation.register): shown after the
capability entries to the users the predicate names only, replaced on re-registration, left
out (and logged) when the predicate fails, gone once unregistered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.organisations.navigation import (
    NavEntry,
    navigation,
    register,
    registered,
    unregister,
)

pytestmark = pytest.mark.django_db
NAME = "accounts:security"  # any page the capability entries do not list


@pytest.fixture
def only() -> Iterator[None]:
    """No registered entries during the test; the apps' own come back afterwards."""
    before = registered()
    for entry in before:
        unregister(entry.name)
    yield
    for entry in registered():
        unregister(entry.name)
    for entry in before:
        register(entry)


def names(user: Any) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [item["name"] for item in navigation(request)["nav_items"]]


def alice_only(user: User) -> bool:
    return user.username == "alice"


def broken(user: User) -> bool:
    raise RuntimeError("this predicate has a bug")


def test_an_entry_is_shown_to_the_users_its_predicate_names_only(
    only: None, org: Any, make_user: Any
) -> None:
    register(NavEntry(NAME, "Security", alice_only))
    alice, bob = make_user("alice", Role.HR, org.sh), make_user("bob", Role.HR, org.sh)
    assert names(alice)[-1] == NAME and names(alice)[:-1] == names(bob)
    assert NAME not in names(bob)


def test_an_entry_needs_no_capability(only: None, make_user: Any) -> None:
    register(NavEntry(NAME, "Security", alice_only))
    assert names(make_user("alice")) == ["insights:dashboard", NAME]


def test_registering_again_replaces_and_unregistering_removes(only: None, make_user: Any) -> None:
    alice = make_user("alice")
    register(NavEntry(NAME, "Security", broken))
    register(NavEntry(NAME, "Security", alice_only))
    assert len(registered()) == 1 and names(alice).count(NAME) == 1
    unregister(NAME)
    unregister(NAME)  # harmless when gone
    assert NAME not in names(alice)


def test_a_failing_predicate_costs_its_entry_only(
    only: None, make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    register(NavEntry(NAME, "Security", broken))
    assert names(make_user("alice")) == ["insights:dashboard"]
    assert "Navigation entry accounts:security failed" in caplog.text


def test_an_anonymous_request_has_no_navigation(only: None) -> None:
    register(NavEntry(NAME, "Security", alice_only))
    assert names(AnonymousUser()) == []
