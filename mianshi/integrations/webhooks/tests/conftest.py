"""Fixtures of the webhooks tests: a real receiver on loopback (allow-listed, as an admin
would for a receiver on this machine), Celery tasks in-process, people of two branches."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from conftest import MakeUser, Org
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.common.tests.real_worker import real_workers  # noqa: F401  (a fixture)
from mianshi.common.tests.support import celery_eager, smtp  # noqa: F401  (smtp: a fixture)
from mianshi.events.models import Event
from mianshi.events.services import event_emit
from mianshi.integrations.webhooks.models import WebhookEndpoint
from mianshi.integrations.webhooks.services import webhook_create
from mianshi.integrations.webhooks.tests.receiver import Receiver

KEY = "k1:" + base64.b64encode(b"w" * 32).decode()


@pytest.fixture(autouse=True)
def webhook_settings(settings: Any) -> None:
    settings.ENCRYPTION_KEYS = [KEY]
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT = 1.0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def eager() -> Iterator[None]:
    with celery_eager(propagate=True):
        yield


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.hold.set()
    started.stop()


@pytest.fixture
def admin(org: Org, make_user: MakeUser) -> User:
    """HR admin of the Shanghai branch (holds integrations.manage there)."""
    return make_user("sh-admin", Role.HR_ADMIN, org.sh, email="sh-admin@example.cn")


@pytest.fixture
def sz_admin(org: Org, make_user: MakeUser) -> User:
    """HR admin of the Shenzhen branch: must see nothing of Shanghai's endpoints."""
    return make_user("sz-admin", Role.HR_ADMIN, org.sz, email="sz-admin@example.cn")


Hook = Callable[..., WebhookEndpoint]


@pytest.fixture
def hook(admin: User, org: Org, receiver: Receiver) -> Hook:
    """hook(unit=org.sh, types=[...]) → an endpoint to the receiver, whose secret it knows."""

    def make(unit: Any = None, types: list[str] | None = None, url: str = "") -> WebhookEndpoint:
        endpoint, secret = webhook_create(
            actor=admin, org_unit=unit or org.sh, url=url or receiver.url, event_types=types or []
        )
        receiver.secret = secret
        return endpoint

    return make


def emit(unit: Any, kind: str = "candidate.created", **data: Any) -> Event:
    """An event committed as a service would write it (dispatched after commit)."""
    with transaction.atomic():
        payload = data or {"candidate_id": 1}
        return event_emit(type=kind, data=payload, org_unit_id=unit.pk if unit else None)
