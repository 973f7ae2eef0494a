"""A replayed Idempotency-Key answer is on the audit trail (issue 12): the stored answer can
hold personal data, so serving it again is recorded — the user, their unit, the key as a
keyed hash (never the key), method, path and the first answer's status. The first request
is no replay, nor is a request refused on the way (422 other body, 409 in flight, 403
missing scope, 401 revoked key); a refusal of rights is not stored, so a retry is checked
again instead of replayed."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create, apikey_revoke
from mianshi.candidates.models import Candidate
from mianshi.common.idempotency import key_digest
from mianshi.common.models import IdempotencyRecord
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_chain_check

pytestmark = pytest.mark.django_db
KEY_1 = "k1:" + base64.b64encode(b"1" * 32).decode()
WRITE = ["candidates:read", "candidates:write"]
ACTION = "api.idempotent_replay"


@pytest.fixture(autouse=True)
def _keys(settings: Any) -> None:
    settings.ENCRYPTION_KEYS = [KEY_1]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"


class Api:
    """A client with its own API key; `post(body, key)` sends an Idempotency-Key."""

    def __init__(self, user: User, scopes: list[str] = WRITE) -> None:
        self.key, raw = apikey_create(actor=None, user=user, scopes=scopes)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post(self, body: dict[str, Any], key: str, path: str = "/") -> Any:
        return self.client.post(f"/api/candidates{path}", body, content_type="application/json",
                                headers={"Idempotency-Key": key})  # fmt: skip


def replays() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=ACTION).order_by("id"))


@pytest.fixture
def hr_sh(org: Any, make_user: Any) -> User:
    return make_user("hr_sh", Role.HR, org.sh)


def person(org: Any, phone: str = "13900000001") -> dict[str, Any]:
    return {"org_unit_id": org.sh.pk, "name": "王五", "phone": phone}


def test_a_replay_is_recorded_with_the_user_unit_key_hash_path_and_status(
    org: Any, hr_sh: User
) -> None:
    api = Api(hr_sh)
    assert api.post(person(org), key="order-1").status_code == 201
    assert replays() == []  # the first request did the work: no replay
    again = api.post(person(org), key="order-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"

    (replay,) = replays()
    row = IdempotencyRecord.objects.get(key="order-1")
    assert replay.actor == hr_sh and replay.org_unit_id == org.sh.pk
    assert (replay.object_type, replay.object_id) == ("common.idempotencyrecord", str(row.pk))
    assert replay.detail == {
        "key": key_digest("order-1"), "method": "POST", "path": "/api/candidates/",
        "status": 201,
    }  # fmt: skip
    assert "order-1" not in json.dumps(replay.detail) and len(replay.detail["key"]) == 64
    assert api.post(person(org), key="order-1")["Idempotent-Replayed"] == "true"
    assert len(replays()) == 2 and Candidate.objects.count() == 1
    assert audit_chain_check().intact


def test_a_replayed_refusal_names_its_first_status(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    assert api.post({"body": "note"}, key="n-1", path="/999999/notes").status_code == 404
    assert api.post({"body": "note"}, key="n-1", path="/999999/notes").status_code == 404
    (replay,) = replays()
    assert (
        replay.detail["status"] == 404 and replay.detail["path"] == "/api/candidates/999999/notes"
    )


def test_another_body_or_a_key_in_flight_is_refused_and_not_recorded(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    api.post(person(org), key="order-1")
    assert api.post(person(org, phone="13900000002"), key="order-1").status_code == 422
    # The first request still running (its claim fresh): a retry is told 409.
    IdempotencyRecord.objects.update(state=IdempotencyRecord.State.IN_FLIGHT,
                                     claimed_at=timezone.now())  # fmt: skip
    assert api.post(person(org), key="order-1").status_code == 409
    assert replays() == []


def test_a_key_without_the_scope_is_refused_each_time_never_replayed(org: Any, hr_sh: User) -> None:
    reader = Api(hr_sh, scopes=["candidates:read"])
    for _retry in range(2):
        refused = reader.post(person(org), key="order-1")
        assert refused.status_code == 403 and "Idempotent-Replayed" not in refused
    assert not IdempotencyRecord.objects.exists()  # nothing done, nothing stored
    writer = Api(hr_sh)
    assert writer.post(person(org), key="order-1").status_code == 201  # its own keyspace
    assert reader.post(person(org), key="order-1").status_code == 403
    assert replays() == []


def test_a_revoked_key_is_refused_and_not_recorded(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    api.post(person(org), key="order-1")
    apikey_revoke(actor=None, key=ApiKey.objects.get(pk=api.key.pk))
    assert api.post(person(org), key="order-1").status_code == 401
    assert replays() == []


def test_a_replay_that_cannot_be_audited_is_not_served(
    org: Any, hr_sh: User, monkeypatch: Any
) -> None:
    api = Api(hr_sh)
    api.post(person(org), key="order-1")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("config.api.audit_record", broken)
    api.client.raise_request_exception = False
    again = api.post(person(org), key="order-1")
    assert again.status_code == 500 and "Idempotent-Replayed" not in again
    assert replays() == []


def test_a_path_too_long_for_the_trail_is_named_by_its_route(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    path = f"/{'9' * 70}/notes"
    first = api.post({"body": "note"}, key="n-1", path=path)
    again = api.post({"body": "note"}, key="n-1", path=path)
    assert again.status_code == first.status_code and again["Idempotent-Replayed"] == "true"
    (replay,) = replays()
    assert replay.detail["path"] == "api/candidates/<int:candidate_id>/notes"
