"""The Moka adapter against Moka's open platform on loopback: the OAuth binding through
the login page, token refresh before expiry and after a 401, applications by cursor,
results pushed back, Moka's error codes under HTTP 200, and webhook signatures."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from mianshi.integrations.connectors.adapters.moka import MokaAdapter, client, verify_moka_webhook
from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.connectors.tests.adapters import fake_moka as m

ADAPTER = MokaAdapter()
RESULT = {"applicationId": 1003, "status": "COMPLETED", "score": 82.5, "reportUrl": "https://x/r/1"}
TOKEN = "/api-platform/v1/auth/oauth2/getToken"
RESULT_PATH = "/api-platform/v1/open-platform/interview/result"


@pytest.fixture
def moka() -> Iterator[m.FakeMoka]:
    server = m.FakeMoka()
    server.start()
    yield server
    server.stop()


def ctx_for(moka: m.FakeMoka, **credentials: str) -> Context:
    settings = {
        "base_url": moka.url,
        "login_url": moka.url + "/oauth/login",
        "redirect_uri": m.REDIRECT_URI,
    }
    base = {"client_id": m.CLIENT_ID, "client_secret": m.CLIENT_SECRET}
    return Context(settings=settings, credentials={**base, **credentials}, timeout=2.0)


def bound(moka: m.FakeMoka) -> Context:
    """HR follows our binding link, signs in to Moka and agrees; Moka redirects back."""
    ctx = ctx_for(moka)
    answer = requests.get(client.authorize_url(ctx, "st-1"), allow_redirects=False, timeout=2)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["st-1"]
    ctx.credentials["code"] = query["code"][0]
    ADAPTER.check(ctx)
    return ctx


def failure(call: Any, *args: Any) -> AdapterError:
    with pytest.raises(AdapterError) as caught:
        call(*args)
    return caught.value


def test_binding_then_applications_by_cursor_and_a_result_back(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    assert ctx.state["moka"]["app_id"] == moka.app_id
    cursor, seen, pages = "", [], 0
    while True:
        page = ADAPTER.pull(ctx, "application", cursor)
        seen += [r["applicationId"] for r in page.records]
        pages, cursor = pages + 1, page.next_cursor
        if not cursor:
            break
    assert (pages, seen) == (3, [a["applicationId"] for a in m.APPLICATIONS])
    result = ADAPTER.push(ctx, "assessment", RESULT)
    assert result.external_id == "R1003"
    assert moka.results[1003] == {**RESULT, "appId": moka.app_id}
    assert moka.paths().count(TOKEN) == 1


def test_the_redirect_binds_only_with_the_state_we_sent(moka: m.FakeMoka) -> None:
    ctx = ctx_for(moka)
    answer = requests.get(client.authorize_url(ctx, "st-9"), allow_redirects=False, timeout=2)
    params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    error = failure(client.bind_from_callback, ctx, params, "st-other")
    assert error.code == "credentials" and ctx.state == {}
    assert moka.paths() == ["/oauth/login"]
    client.bind_from_callback(ctx, params, "st-9")
    assert ctx.state["moka"]["app_id"] == moka.app_id


def test_a_binding_code_works_once(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    again = ctx_for(moka, code=ctx.credentials["code"])
    error = failure(ADAPTER.check, again)
    assert (error.code, error.retryable) == ("credentials", False)
    assert "moka" not in again.state


def test_a_wrong_client_secret_is_refused_though_moka_says_http_200(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    wrong = ctx_for(moka, code="whatever", client_secret="wrong")
    error = failure(ADAPTER.check, wrong)
    assert (error.code, error.retryable) == ("credentials", False)
    assert "110020" in error.message
    ctx.credentials["client_secret"] = "wrong"
    assert failure(ADAPTER.check, ctx).code == "credentials"


def test_without_a_binding_the_settings_say_so(moka: m.FakeMoka) -> None:
    error = failure(ADAPTER.push, ctx_for(moka), "assessment", RESULT)
    assert (error.code, error.retryable) == ("bad_settings", False)
    assert moka.received == []


def test_the_token_is_refreshed_before_it_expires(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    ctx.state["moka"]["expires_at"] = time.time() + 60
    ADAPTER.push(ctx, "assessment", RESULT)
    assert moka.paths()[-2:] == [TOKEN, RESULT_PATH]
    assert ctx.state["moka"]["expires_at"] > time.time() + 7000


def test_a_401_refreshes_once_then_succeeds(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    moka.expire_tokens()
    assert ADAPTER.push(ctx, "assessment", RESULT).external_id == "R1003"
    assert moka.paths()[-3:] == [RESULT_PATH, TOKEN, RESULT_PATH]


def test_an_unbound_account_needs_a_person(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    moka.unbind()
    error = failure(ADAPTER.push, ctx, "assessment", RESULT)
    assert (error.code, error.retryable) == ("credentials", False)
    assert moka.results == {}


def test_429_is_retried_after_what_moka_said(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    moka.busy, moka.retry_after = 1, "30"
    error = failure(ADAPTER.push, ctx, "assessment", RESULT)
    assert (error.code, error.retryable, error.retry_after) == ("rate_limited", True, 30.0)


def test_a_refused_result_under_http_200_keeps_mokas_message(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    error = failure(ADAPTER.push, ctx, "assessment", {"score": 80})
    assert (error.code, error.retryable) == ("refused", False)
    assert "applicationId不能为空" in error.message
    assert moka.results == {}


def test_a_malformed_answer_is_a_clear_error(moka: m.FakeMoka) -> None:
    ctx = bound(moka)
    moka.malformed = True
    error = failure(ADAPTER.pull, ctx, "application", "")
    assert (error.code, error.retryable) == ("bad_response", False)


def test_webhook_signature_matches_mokas_published_example() -> None:
    body = b'{"name":"test","email":"test@mokahr.com"}'
    sign = "7d6981ccf0d789e29e4f5940fe9a7e9385d8a211ad44ecaaba335fb14dd2a32d"
    assert verify_moka_webhook("qwer", body, sign)
    assert verify_moka_webhook("qwer", body, sign.upper())


@pytest.mark.parametrize(
    ("secret", "body", "sign"),
    [
        ("other", None, None),  # wrong key
        ("k", b'{"event":"x","data":{"score":99}}', None),  # tampered body
        ("k", None, ""),  # no signature
        ("k", None, "签名"),  # garbage, not even hex
        ("", None, None),  # no key configured
    ],
)
def test_webhook_signature_refusals(secret: str, body: bytes | None, sign: str | None) -> None:
    sent = json.dumps({"event": "x", "data": {"score": 60, "name": "张三"}}).encode()
    good = m.moka_sign("k", sent)
    assert not verify_moka_webhook(secret, body or sent, good if sign is None else sign)
    assert verify_moka_webhook("k", sent, good)
