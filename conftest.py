"""Fixtures shared by the whole suite: an org tree, users per role, clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mianshi.accounts.models import RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.common.tests import inflight
from mianshi.common.tests.s3 import bucket  # noqa: F401  (the S3 protocol server fixture)
from mianshi.organisations.models import OrgUnit, UnitKind
from mianshi.organisations.services import orgunit_create

PASSWORD = "Correct-Horse-9"

# Tests that run Celery workers or record in a candidate's browser carry the `processes`
# mark: scripts/test.sh runs them one at a time, after the others ran in parallel
# (pytest-xdist). Two of them at once on the CI machine's two cores starve a recording
# browser or a worker past its timeouts. Browser tests that only click through pages run
# with the others: measured, they pass two at a time under a load average of 10. xdist's
# own groups cannot do this: pytest-xdist 3.8 under pytest 9 ignores xdist_group (it sets
# item._nodeid, which pytest 9 no longer reads). A test may also carry the mark itself.
PROCESS_FIXTURES = frozenset({"real_workers"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if set(getattr(item, "fixturenames", ())) & PROCESS_FIXTURES:
            item.add_marker(pytest.mark.processes)


@pytest.fixture(autouse=True)
def _live_server_quiet(request: pytest.FixtureRequest) -> Iterator[None]:
    """With a live server, the database flush waits for its requests still in flight
    (common/tests/inflight.py): set up after the database fixture, so torn down before."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    inflight.reset()
    yield
    inflight.wait_idle()


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["mianshi.common.testing.FastArgon2PasswordHasher"]


@dataclass
class Org:
    hq: OrgUnit
    sh: OrgUnit  # 上海分公司
    sz: OrgUnit  # 深圳分公司
    sh_sales: OrgUnit
    sh_tech: OrgUnit
    sz_sales: OrgUnit


@pytest.fixture
def org(db: Any) -> Org:
    hq = orgunit_create(actor=None, name="总部", code="hq", kind=UnitKind.HEADQUARTERS)
    sh = orgunit_create(actor=None, name="上海分公司", code="sh", kind=UnitKind.BRANCH, parent=hq)
    sz = orgunit_create(actor=None, name="深圳分公司", code="sz", kind=UnitKind.BRANCH, parent=hq)
    return Org(
        hq=hq,
        sh=sh,
        sz=sz,
        sh_sales=orgunit_create(
            actor=None, name="销售部", code="sh-sales", kind=UnitKind.DEPARTMENT, parent=sh
        ),
        sh_tech=orgunit_create(
            actor=None, name="技术部", code="sh-tech", kind=UnitKind.DEPARTMENT, parent=sh
        ),
        sz_sales=orgunit_create(
            actor=None, name="销售部", code="sz-sales", kind=UnitKind.DEPARTMENT, parent=sz
        ),
    )


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: Any) -> MakeUser:
    """make_user("alice", Role.HR, org.sh) → a user holding that grant (password PASSWORD)."""

    def make(
        username: str, role: Role | None = None, unit: OrgUnit | None = None, **extra: Any
    ) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if role is not None and unit is not None:
            RoleGrant.objects.create(user=user, role=role, org_unit=unit)
        return user

    return make


@pytest.fixture
def login() -> Callable[[User], Client]:
    """A Django test client logged in as `user`."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


class ApiClient:
    """Real HTTP semantics through Django's client with a Bearer key."""

    def __init__(self, raw_key: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, data: Any) -> Any:
        return self.client.post(f"/api{path}", data, content_type="application/json")

    def put(self, path: str, data: Any) -> Any:
        return self.client.put(f"/api{path}", data, content_type="application/json")

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(f"/api{path}", data, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api{path}")


ALL_SCOPES = [
    "org:read",
    "org:write",
    "jobs:read",
    "jobs:write",
    "candidates:read",
    "candidates:write",
    "audit:read",
    "integrations:read",
    "integrations:write",
    "employees:read",
    "employees:write",
]


@pytest.fixture
def api_for() -> Callable[..., ApiClient]:
    """api_for(user, scopes=[...]) → an ApiClient with a fresh key for `user`."""

    def make(user: User, scopes: list[str] | None = None) -> ApiClient:
        _, raw = apikey_create(actor=None, user=user, scopes=scopes or ALL_SCOPES)
        return ApiClient(raw)

    return make
