"""Request ids (L4): a client's X-Request-ID reaches the audit trail only via a trusted proxy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
OURS = re.compile(r"^[0-9a-f]{32}$")


def login_with(request_id: str) -> tuple[str, str]:
    data = {"username": "wang", "password": PASSWORD}
    response = Client().post("/accounts/login/", data, HTTP_X_REQUEST_ID=request_id)
    event = AuditEvent.objects.filter(action="login.success").latest("pk")
    return response["X-Request-ID"], event.request_id


def test_a_client_request_id_is_not_written_into_audit_events(make_user: Any) -> None:
    make_user("wang")
    echoed, audited = login_with("forged-0000-correlation")
    assert OURS.match(audited) and echoed == audited


def test_behind_a_trusted_proxy_a_well_formed_id_is_kept(make_user: Any, settings: Any) -> None:
    settings.TRUST_REQUEST_ID = True
    make_user("wang")
    assert login_with("lb-7f3a9c_21.e0") == ("lb-7f3a9c_21.e0", "lb-7f3a9c_21.e0")


@pytest.mark.parametrize("bad", ["two words", "x" * 65, "短", "a;b", "<script>"])
def test_a_malformed_id_is_replaced_even_behind_a_proxy(
    make_user: Any, settings: Any, bad: str
) -> None:
    settings.TRUST_REQUEST_ID = True
    make_user("wang")
    echoed, audited = login_with(bad)
    assert OURS.match(audited) and echoed == audited
