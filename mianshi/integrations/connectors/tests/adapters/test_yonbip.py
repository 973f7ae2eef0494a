"""The YonBIP adapter against YonBIP's gateway on loopback: the signed selfAppAuth token,
its cache and renewal, staff and candidates saved, and YonBIP's error codes under 200."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.integrations.connectors.adapters.yonbip.adapter import YonbipAdapter
from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.connectors.tests.adapters import fake_yonbip as y

ADAPTER = YonbipAdapter()
STAFF = {"code": "E0001", "name": "李四", "orgCode": "SH", "entryDate": "2026-12-01"}


@pytest.fixture
def yonbip() -> Iterator[y.FakeYonbip]:
    server = y.FakeYonbip()
    server.start()
    yield server
    server.stop()


def ctx_for(server: y.FakeYonbip, secret: str = y.APP_SECRET, key: str = y.APP_KEY) -> Context:
    settings = {
        "base_url": server.url,
        "employee_path": y.STAFF_PATH,
        "candidate_path": y.CANDIDATE_PATH,
    }
    return Context(settings, {"app_key": key, "app_secret": secret}, timeout=2.0)


def failure(call: Any, *args: Any) -> AdapterError:
    with pytest.raises(AdapterError) as caught:
        call(*args)
    return caught.value


def test_staff_and_candidates_are_saved_with_one_signed_token(yonbip: y.FakeYonbip) -> None:
    ctx = ctx_for(yonbip)
    staff = ADAPTER.push(ctx, "employee", STAFF)
    again = ADAPTER.push(ctx, "employee", {**STAFF, "orgCode": "SZ"})
    ADAPTER.push(ctx, "candidate", {"code": "C-7", "name": "王五"})
    assert staff.external_id == again.external_id != ""
    assert yonbip.saved[y.STAFF_PATH]["E0001"]["orgCode"] == "SZ"
    assert yonbip.saved[y.CANDIDATE_PATH]["C-7"]["name"] == "王五"
    assert yonbip.paths().count(y.TOKEN_PATH) == 1
    assert all(r.q("access_token") for r in yonbip.received if r.path != y.TOKEN_PATH)


@pytest.mark.parametrize(
    ("key", "secret", "said"),
    [(y.APP_KEY, "wrong", "签名校验失败"), ("unknown", y.APP_SECRET, "appKey不存在")],
)
def test_wrong_credentials_are_refused_and_nothing_saved(
    yonbip: y.FakeYonbip, key: str, secret: str, said: str
) -> None:
    error = failure(ADAPTER.push, ctx_for(yonbip, secret, key), "employee", STAFF)
    assert (error.code, error.retryable) == ("credentials", False)
    assert said in error.message
    assert yonbip.saved[y.STAFF_PATH] == {}
    assert failure(ADAPTER.check, ctx_for(yonbip, secret, key)).code == "credentials"


def test_check_signs_a_fresh_token_request(yonbip: y.FakeYonbip) -> None:
    ctx = ctx_for(yonbip)
    ADAPTER.check(ctx)
    ADAPTER.check(ctx)
    assert yonbip.paths() == [y.TOKEN_PATH, y.TOKEN_PATH]


def test_a_token_near_expiry_is_renewed_before_use(yonbip: y.FakeYonbip) -> None:
    ctx = ctx_for(yonbip)
    ADAPTER.push(ctx, "employee", STAFF)
    ctx.state["yonbip"]["expires_at"] = time.time() + 60
    ADAPTER.push(ctx, "employee", STAFF)
    assert yonbip.paths() == [y.TOKEN_PATH, y.STAFF_PATH, y.TOKEN_PATH, y.STAFF_PATH]


def test_a_refused_token_is_replaced_once(yonbip: y.FakeYonbip) -> None:
    ctx = ctx_for(yonbip)
    ADAPTER.push(ctx, "employee", STAFF)
    yonbip.expire_tokens()
    assert ADAPTER.push(ctx, "employee", STAFF).external_id
    assert yonbip.paths()[-3:] == [y.STAFF_PATH, y.TOKEN_PATH, y.STAFF_PATH]


def test_an_error_code_under_http_200_is_refused_with_yonbips_message(
    yonbip: y.FakeYonbip,
) -> None:
    error = failure(ADAPTER.push, ctx_for(yonbip), "employee", {"code": "E2"})
    assert (error.code, error.retryable) == ("refused", False)
    assert "编码和名称不能为空" in error.message
    assert yonbip.saved[y.STAFF_PATH] == {}


def test_429_is_retried_after_what_yonbip_said(yonbip: y.FakeYonbip) -> None:
    yonbip.busy, yonbip.retry_after = 2, "3"
    error = failure(ADAPTER.push, ctx_for(yonbip), "employee", STAFF)
    assert (error.code, error.retryable, error.retry_after) == ("rate_limited", True, 3.0)


def test_a_malformed_answer_is_a_clear_error(yonbip: y.FakeYonbip) -> None:
    yonbip.malformed = True
    error = failure(ADAPTER.push, ctx_for(yonbip), "employee", STAFF)
    assert (error.code, error.retryable) == ("bad_response", False)


@pytest.mark.parametrize(("kind", "base"), [("application", "ok"), ("employee", "")])
def test_a_kind_without_a_path_or_no_gateway_is_bad_settings(
    yonbip: y.FakeYonbip, kind: str, base: str
) -> None:
    ctx = ctx_for(yonbip)
    if not base:
        ctx.settings["base_url"] = ""
    error = failure(ADAPTER.push, ctx, kind, STAFF)
    assert (error.code, error.retryable) == ("bad_settings", False)
    assert yonbip.received == []
