"""Refused Moka webhooks on the integrations health page: per binding the count, the last
reason and its time — a bad `sign`, a disabled binding, a body that is not JSON, carries
no records or is encrypted, a record the template cannot map — and for no known binding
a row only an organisation-wide integrations manager sees. The refused body is never
kept, the answer is the same 401 whatever the signature's reason, and an accepted webhook
clears the alarm (the count stays)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.integrations.connectors.models import Connector, WebhookRefusal
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.adapters.fake_moka import moka_sign
from mianshi.reviews.tests.factories import ReviewWorld

pytestmark = pytest.mark.django_db
KEY = "moka-hook-key"
SECRET_NAME = "候选人秘密"  # a value of the refused bodies: it must be stored nowhere


@pytest.fixture
def binding(admin: User, org: Any, world: ReviewWorld) -> Connector:
    data = {
        "name": "Moka 上海",
        "settings": {"redirect_uri": "https://mianshi.example.cn/integrations/moka/callback"},
        "credentials": {"client_id": "c", "client_secret": "s", "webhook_secret": KEY},
    }
    connector = connector_create(actor=admin, org_unit_id=org.sh.pk, adapter="moka", data=data)
    template = {
        "version": 1,
        "kind": "application",
        "fields": {
            "external_id": {"path": "$.applicationId", "transform": "str", "required": True},
            "name": {"path": "$.candidate.name"},
            "email": {"path": "$.candidate.email"},
            "job_id": {"path": "$.jobId", "default": world.job.pk},
        },
    }
    template_create(actor=admin, connector=connector, kind="application", body=template)
    return connector


def record(i: int, **over: Any) -> dict[str, Any]:
    person = {"name": f"{SECRET_NAME}{i}", "email": f"c{i}@example.com"}
    return {"applicationId": 3000 + i, "candidate": person, **over}


def post(connector_id: int, body: bytes, sign: str | None) -> Any:
    url = f"/api/integrations/connectors/{connector_id}/moka-webhook"
    url += f"?sign={sign}" if sign is not None else ""
    return Client().post(url, data=body, content_type="application/json")


def signed(connector_id: int, document: Any) -> Any:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return post(connector_id, body, moka_sign(KEY, body))


def refusal(connector: Connector | None) -> WebhookRefusal:
    key = f"connector:{connector.pk}" if connector else WebhookRefusal.UNBOUND
    return WebhookRefusal.objects.get(key=key)


def stored_anywhere(text: str) -> bool:
    """Whether `text` is in any column of the refusals table (the body must not be)."""
    rows = WebhookRefusal.objects.values_list(
        "key", "last_code", "last_detail", "connector_id", "count"
    )
    return any(text in str(value) for row in rows for value in row)


def health(client: Client) -> str:
    answer = client.get(reverse("integrations:health"))
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_bad_sign_is_counted_with_its_reason_and_time_on_the_health_page(
    binding: Connector, admin: User, login: Any
) -> None:
    body = json.dumps({"data": record(1)}).encode()
    for sign in ("00" * 32, None, moka_sign("other-key", body)):
        assert post(binding.pk, body, sign).status_code == 401
    found = refusal(binding)
    assert (found.count, found.last_code, found.accepted_at) == (3, "bad_signature", None)
    assert not stored_anywhere(SECRET_NAME) and not stored_anywhere("3001")
    page = health(login(admin))
    assert f'data-connector="{binding.pk}" data-attention' in page
    assert 'data-webhook-refusals="3" data-reason="bad_signature" data-attention' in page
    with translation.override("en"):
        assert found.reason == "Signature not valid"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json {", "not_json"),
        (json.dumps({"data": "x"}).encode(), "no_records"),
        (json.dumps({"data": [record(i) for i in range(101)]}).encode(), "too_many"),
        (json.dumps({"data": "9f86d081884c7d659a2feaa0c55ad015" * 2}).encode(), "encrypted"),
        (json.dumps({"data": "a1b2c3"}).encode(), "no_records"),  # not whole AES blocks
        (json.dumps({"data": {"candidate": {"name": SECRET_NAME}}}).encode(), "mapping"),
    ],
)  # fmt: skip
def test_a_signed_but_malformed_body_is_a_clear_4xx_counted_without_the_body(
    binding: Connector, body: bytes, reason: str
) -> None:
    before = Application.objects.count()
    answer = signed(binding.pk, body)
    assert answer.status_code in (400, 422) and answer.json()["detail"]
    assert Application.objects.count() == before
    found = refusal(binding)
    assert (found.count, found.last_code) == (1, reason)
    assert not stored_anywhere(SECRET_NAME)
    if reason == "mapping":
        assert found.last_detail == "external_id"  # the field, not the value


def test_encrypted_data_is_refused_with_its_own_reason_not_guessed_at(
    binding: Connector,
) -> None:
    # Moka's data encryption (AES-256-CBC, hex) does not publish its IV: no guessing.
    answer = signed(binding.pk, {"event": "x", "data": "a1b2c3d4e5f60718293a4b5c6d7e8f90"})
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["data"] and "加密" in problem["msg"]  # zh-Hans, the default
    with translation.override("en"):
        assert refusal(binding).reason == "The data is encrypted (not supported)"


def test_a_disabled_binding_and_an_unknown_one_answer_the_same_401(
    binding: Connector, org: Any, make_user: Any, login: Any, admin: User
) -> None:
    body = json.dumps({"data": record(2)}).encode()
    good = moka_sign(KEY, body)
    Connector.objects.filter(pk=binding.pk).update(enabled=False)
    disabled, unknown = post(binding.pk, body, good), post(binding.pk + 999, body, good)
    assert disabled.status_code == unknown.status_code == 401
    assert disabled.json() == unknown.json()  # no oracle for which connectors exist
    assert refusal(binding).last_code == "binding_disabled"
    unbound = refusal(None)
    assert (unbound.count, unbound.last_code, unbound.connector_id) == (1, "unknown_binding", None)
    assert unbound.last_detail == f"#{binding.pk + 999}"
    root = make_user("hq_integrator", Role.HR_ADMIN, org.hq)
    assert "data-unbound-refusals data-attention" in health(login(root))
    assert "data-unbound-refusals" not in health(login(admin))  # 上海's admin: not theirs


def test_a_branch_sees_only_its_own_bindings_refusals(
    binding: Connector, org: Any, make_user: Any, login: Any
) -> None:
    post(binding.pk, b"{}", "00")
    stranger = make_user("sz_integrator", Role.HR_ADMIN, org.sz)
    page = health(login(stranger))
    assert "data-webhook-refusals" not in page and binding.name not in page


def test_an_accepted_webhook_clears_the_alarm_and_keeps_the_count(
    binding: Connector, admin: User, login: Any
) -> None:
    body = json.dumps({"data": record(3)}).encode()
    post(binding.pk, body, "00" * 32)
    assert refusal(binding).unresolved
    answer = signed(binding.pk, {"data": record(3)})
    assert answer.status_code == 200 and answer.json()["imported"] == 1
    found = refusal(binding)
    assert found.count == 1 and not found.unresolved and found.accepted_at is not None
    page = health(login(admin))
    assert 'data-webhook-refusals="1" data-reason="bad_signature">' in page
    assert f'data-connector="{binding.pk}" data-attention' not in page


def test_an_accepted_webhook_of_a_binding_never_refused_writes_no_refusal(
    binding: Connector,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert signed(binding.pk, {"data": record(4)}).status_code == 200
    assert not WebhookRefusal.objects.exists()
    assert sum("connectors_webhookrefusal" in q["sql"] for q in queries.captured_queries) == 1


def test_refusals_count_up_on_one_row(binding: Connector) -> None:
    from mianshi.integrations.connectors.moka_services import moka_refusal_record

    for _ in range(5):
        moka_refusal_record(connector=binding, reason="bad_signature")
    moka_refusal_record(connector=binding, reason="not_json")
    assert WebhookRefusal.objects.count() == 1
    assert (refusal(binding).count, refusal(binding).last_code) == (6, "not_json")


def test_a_form_body_is_refused_like_any_unsigned_one(client: Any, binding: Connector) -> None:
    """A form's bytes are parsed (and gone) before the view: refused, never a 500."""
    answer = client.post(
        f"/api/integrations/connectors/{binding.pk}/moka-webhook?sign=00",
        data={"event": "x"},
        headers={"Idempotency-Key": "k1", "Authorization": "Bearer ms_nothing"},
    )
    assert answer.status_code == 401
