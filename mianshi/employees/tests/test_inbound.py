"""Signed inbound webhooks with post-hire data (F-93): the sender signs with the
independent `standardwebhooks` library; a bad signature or an old timestamp is 401 with
nothing changed, a replayed webhook-id is 200 with no second effect."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from standardwebhooks.webhooks import Webhook

from mianshi.accounts.roles import Role
from mianshi.common.crypto import key_id_of
from mianshi.employees.models import Employee, InboundMessage, InboundSource, PostHireRecord
from mianshi.employees.tests.world import hire
from mianshi.events.models import Event
from mianshi.reviews.tests.factories import ReviewWorld

SCOPES = ["employees:read", "employees:write"]


def _source(world: ReviewWorld, api_for: Any) -> tuple[str, str]:
    answer = api_for(world.hr, SCOPES).post(
        "/employees/inbound-sources", {"name": "beisen", "org_unit_id": world.org.sh.pk}
    )
    assert answer.status_code == 201
    return answer.json()["name"], answer.json()["secret"]


def _send(
    secret: str, body: dict[str, Any], msg_id: str = "msg_1", age: timedelta = timedelta(0)
) -> Any:
    raw = json.dumps(body).encode()
    stamp = datetime.now(tz=UTC) - age
    signature = Webhook(secret).sign(msg_id, stamp, raw.decode())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": signature,
    }
    return Client().post(
        "/api/employees/inbound/beisen", raw, content_type="application/json", headers=headers
    )


def _training(employee: Employee) -> dict[str, Any]:
    data = {
        "employee_number": employee.employee_number,
        "kind": "training",
        "training_name": "新员工入职培训",
        "training_hours": 16,
        "date": "2027-02-01",
    }
    return {"type": "post_hire.recorded", "timestamp": "2027-02-01T10:00:00Z", "data": data}


@pytest.fixture
def sender(world: ReviewWorld, api_for: Any) -> tuple[Employee, str]:
    employee = hire(world)
    _name, secret = _source(world, api_for)
    return employee, secret


def test_a_signed_webhook_records_once_and_a_replay_changes_nothing(
    sender: tuple[Employee, str],
) -> None:
    employee, secret = sender
    first = _send(secret, _training(employee))
    assert first.status_code == 200 and first.json()["created"] is True
    replay = _send(secret, _training(employee))
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert replay.json()["record_id"] == first.json()["record_id"]
    record = PostHireRecord.objects.get()
    assert (record.source, record.channel, record.training_name) == (
        "webhook",
        "beisen",
        "新员工入职培训",
    )
    assert Event.objects.filter(type="post_hire.recorded").count() == 1


@pytest.mark.parametrize("fault", ["signature", "old", "future", "unsigned", "other_secret"])
def test_bad_signatures_and_old_timestamps_are_401_and_change_nothing(
    sender: tuple[Employee, str], fault: str
) -> None:
    employee, secret = sender
    body = _training(employee)
    if fault == "signature":
        raw = json.dumps(body).encode()
        stamp = datetime.now(tz=UTC)
        signature = Webhook(secret).sign("msg_x", stamp, raw.decode() + " ")
        answer = Client().post(
            "/api/employees/inbound/beisen", raw, content_type="application/json",
            HTTP_WEBHOOK_ID="msg_x", HTTP_WEBHOOK_TIMESTAMP=str(int(stamp.timestamp())),
            HTTP_WEBHOOK_SIGNATURE=signature,
        )  # fmt: skip
    elif fault == "old":
        answer = _send(secret, body, age=timedelta(minutes=6))
    elif fault == "future":
        answer = _send(secret, body, age=-timedelta(minutes=6))
    elif fault == "unsigned":
        answer = Client().post(
            "/api/employees/inbound/beisen", body, content_type="application/json"
        )
    else:
        answer = _send("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY", body)
    assert answer.status_code == 401, answer.content
    assert answer.json()["code"] == "bad_signature"
    assert not PostHireRecord.objects.exists() and not InboundMessage.objects.exists()


def test_bad_data_is_422_and_an_unknown_source_404(
    sender: tuple[Employee, str], world: ReviewWorld, make_user: Any
) -> None:
    employee, secret = sender
    body = _training(employee)
    body["data"]["training_name"] = ""
    assert _send(secret, body, msg_id="m2").status_code == 422
    body = _training(employee)
    body["data"]["employee_number"] = "NOPE"
    assert _send(secret, body, msg_id="m3").status_code == 422
    assert not PostHireRecord.objects.exists() and not InboundMessage.objects.exists()
    answer = Client().post("/api/employees/inbound/nobody", b"{}", content_type="application/json")
    assert answer.status_code == 404


def test_a_source_writes_only_its_own_units_employees(
    world: ReviewWorld, api_for: Any, make_user: Any
) -> None:
    employee = hire(world)
    sz_admin = make_user("sz_admin", Role.HR_ADMIN, world.org.sz)
    created = api_for(sz_admin, SCOPES).post(
        "/employees/inbound-sources", {"name": "beisen", "org_unit_id": world.org.sz.pk}
    )
    answer = _send(created.json()["secret"], _training(employee))
    assert answer.status_code == 422 and not PostHireRecord.objects.exists()


def test_the_secret_is_sealed_and_shown_once(
    sender: tuple[Employee, str], world: ReviewWorld, api_for: Any
) -> None:
    _employee, secret = sender
    source = InboundSource.objects.get()
    assert secret not in source.secret_enc and key_id_of(source.secret_enc)
    listed = api_for(world.hr, SCOPES).get("/employees/inbound-sources").json()
    assert "secret" not in listed[0]
