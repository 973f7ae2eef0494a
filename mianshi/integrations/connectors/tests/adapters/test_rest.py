"""The generic REST/JSON adapter against a REST EHR on loopback: every auth kind, token
caching and renewal, URL templates, JSONPath ids and paging, and each way a call fails."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.adapters.rest.adapter import RestAdapter
from mianshi.integrations.connectors.protocol import AdapterError, Context, adapter_get
from mianshi.integrations.connectors.tests.adapters import fake_rest as f

ADAPTER = RestAdapter()
RECORD = {"candidate_id": "C-1", "external_id": "C-1", "overall": 82.5, "name": "张三"}
OAUTH = {"client_id": f.CLIENT_ID, "client_secret": f.CLIENT_SECRET}


@pytest.fixture
def ehr() -> Iterator[f.FakeRestEhr]:
    server = f.FakeRestEhr().start()
    yield server  # type: ignore[misc]
    server.stop()


def ctx_for(server: f.FakeServer, credentials: dict[str, str], **settings: Any) -> Context:
    base = {
        "url": server.url + "/api/candidates/{external_id}",
        "method": "PUT",
        "auth": "oauth2",
        "token_url": server.url + "/oauth2/token",
        "scope": "hr.write",
        "id_path": "$.data.id",
        "pull_url": server.url + "/api/candidates",
        "records_path": "$.data.items",
        "cursor_path": "$.data.next",
    }
    return Context(settings={**base, **settings}, credentials=credentials, timeout=2.0)


def failure(call: Any, *args: Any) -> AdapterError:
    with pytest.raises(AdapterError) as caught:
        call(*args)
    return caught.value


def test_the_adapter_is_registered() -> None:
    import mianshi.integrations.connectors.adapters  # noqa: F401

    assert adapter_get("rest").key == "rest"


def test_oauth2_push_sends_the_record_and_reads_the_id_with_one_token(
    ehr: f.FakeRestEhr,
) -> None:
    ctx = ctx_for(ehr, OAUTH)
    first = ADAPTER.push(ctx, "candidate", RECORD)
    second = ADAPTER.push(ctx, "candidate", {**RECORD, "overall": 90})
    assert first.external_id == second.external_id == "EHR-C-1"
    assert ehr.paths().count("/oauth2/token") == 1
    assert ehr.stored["/api/candidates/C-1#C-1"]["overall"] == 90
    assert ehr.stored["/api/candidates/C-1#C-1"]["name"] == "张三"


def test_a_wrong_client_secret_is_refused_and_not_retried(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, {**OAUTH, "client_secret": "wrong"})
    error = failure(ADAPTER.push, ctx, "candidate", RECORD)
    assert (error.code, error.retryable) == ("credentials", False)
    assert "Client authentication failed" in error.message
    assert ehr.stored == {} and "oauth2" not in ctx.state


def test_client_secret_post_and_a_scope_the_client_may_not_have(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH, token_auth="client_secret_post")
    assert ADAPTER.push(ctx, "candidate", RECORD).external_id == "EHR-C-1"
    error = failure(ADAPTER.check, ctx_for(ehr, OAUTH, scope="admin"))
    assert (error.code, error.retryable) == ("credentials", False)


def test_a_revoked_token_is_replaced_once(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH)
    ADAPTER.push(ctx, "candidate", RECORD)
    ehr.revoke()
    assert ADAPTER.push(ctx, "candidate", RECORD).external_id == "EHR-C-1"
    assert ehr.paths().count("/oauth2/token") == 2


def test_a_token_about_to_expire_is_renewed_before_use(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH)
    ADAPTER.push(ctx, "candidate", RECORD)
    ctx.state["oauth2"]["expires_at"] = time.time() + 30  # inside the one-minute margin
    ADAPTER.push(ctx, "candidate", RECORD)
    tokens = [r for r in ehr.received if r.path == "/oauth2/token"]
    assert len(tokens) == 2 and ehr.received[-1].path != "/oauth2/token"


def test_check_does_the_real_handshake(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH, check_url=ehr.url + "/api/candidates")
    ADAPTER.check(ctx)
    assert ehr.paths() == ["/oauth2/token", "/api/candidates"]


@pytest.mark.parametrize(
    ("mode", "credentials"),
    [
        ("basic", {"username": f.USERNAME, "password": f.PASSWORD}),
        ("bearer", {"token": f.BEARER}),
    ],
)
def test_basic_and_bearer(mode: str, credentials: dict[str, str]) -> None:
    ehr = f.FakeRestEhr(mode).start()
    try:
        assert ADAPTER.push(ctx_for(ehr, credentials, auth=mode), "candidate", RECORD).external_id
        wrong = {k: v + "x" for k, v in credentials.items()}
        error = failure(ADAPTER.push, ctx_for(ehr, wrong, auth=mode), "candidate", RECORD)
        assert (error.code, error.retryable) == ("credentials", False)
    finally:
        ehr.stop()


@pytest.mark.parametrize(("encoding", "stamped"), [("hex", False), ("base64", True)])
def test_hmac_signature_over_the_body(encoding: str, stamped: bool) -> None:
    ehr = f.FakeRestEhr("hmac", encoding=encoding, stamped=stamped).start()
    settings = {
        "auth": "hmac",
        "hmac_encoding": encoding,
        "hmac_prefix": "sha256=",
        "hmac_timestamp_header": "X-Timestamp" if stamped else "",
    }
    try:
        ctx = ctx_for(ehr, {"hmac_secret": f.HMAC_SECRET}, **settings)
        assert ADAPTER.push(ctx, "candidate", RECORD).external_id == "EHR-C-1"
        wrong = ctx_for(ehr, {"hmac_secret": "other"}, **settings)
        assert failure(ADAPTER.push, wrong, "candidate", RECORD).code == "credentials"
    finally:
        ehr.stop()


@pytest.mark.parametrize("status", [429, 503])
def test_busy_partner_is_retried_after_what_it_said(ehr: f.FakeRestEhr, status: int) -> None:
    ehr.busy, ehr.busy_status, ehr.retry_after = 1, status, "12"
    error = failure(ADAPTER.push, ctx_for(ehr, OAUTH), "candidate", RECORD)
    assert error.retryable and error.retry_after == 12.0
    assert error.code == ("rate_limited" if status == 429 else "unavailable")


def test_a_refused_record_keeps_the_partners_message(ehr: f.FakeRestEhr) -> None:
    error = failure(ADAPTER.push, ctx_for(ehr, OAUTH), "candidate", {"external_id": "C-9"})
    assert (error.code, error.retryable) == ("refused", False)
    assert "candidate_id is required" in error.message


def test_a_malformed_answer_is_a_clear_error(ehr: f.FakeRestEhr) -> None:
    ehr.malformed = True
    error = failure(ADAPTER.push, ctx_for(ehr, OAUTH), "candidate", RECORD)
    assert (error.code, error.retryable) == ("bad_response", False)
    assert "maintenance" in error.message


def test_an_id_missing_from_the_answer_is_malformed(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH, id_path="$.data.number")
    assert failure(ADAPTER.push, ctx, "candidate", RECORD).code == "bad_response"


def test_url_values_are_encoded_and_cannot_change_the_path(ehr: f.FakeRestEhr) -> None:
    ADAPTER.push(ctx_for(ehr, OAUTH), "candidate", {**RECORD, "external_id": "../x?y=1"})
    assert ehr.received[-1].path == "/api/candidates/..%2Fx%3Fy%3D1"
    assert ehr.received[-1].query == {}


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "http://127.0.0.1:1/api/{missing}"},
        {"url": "file:///etc/passwd"},
        {"method": "DELETE"},
        {"auth": "kerberos"},
        {"id_path": "$.data["},
    ],
)
def test_bad_settings_are_clear_and_not_retried(ehr: f.FakeRestEhr, bad: Any) -> None:
    error = failure(ADAPTER.push, ctx_for(ehr, OAUTH, **bad), "candidate", RECORD)
    assert (error.code, error.retryable) == ("bad_settings", False)


def test_pull_walks_every_page_by_cursor(ehr: f.FakeRestEhr) -> None:
    ctx, cursor, seen = ctx_for(ehr, OAUTH), "", []
    for _ in range(5):
        page = ADAPTER.pull(ctx, "candidate", cursor)
        seen += [r["id"] for r in page.records]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == ["P1", "P2", "P3", "P4", "P5"]
    assert [r.q("cursor") for r in ehr.received if r.method == "GET"] == ["", "2", "4"]


def test_a_next_link_to_another_host_is_refused(ehr: f.FakeRestEhr) -> None:
    error = failure(ADAPTER.pull, ctx_for(ehr, OAUTH), "candidate", "http://203.0.113.9/p2")
    assert error.code == "bad_response"
    assert ehr.received == []


def test_a_redirect_is_not_followed(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH, url=ehr.url + "/api/moved")
    assert failure(ADAPTER.push, ctx, "candidate", RECORD).code == "redirect"
    assert ehr.paths() == ["/oauth2/token", "/api/moved"]


def test_a_slow_partner_times_out_and_is_retried(ehr: f.FakeRestEhr) -> None:
    ctx = ctx_for(ehr, OAUTH)
    ctx.timeout, ehr.delay = 0.3, 1.0
    error = failure(ADAPTER.push, ctx, "candidate", RECORD)
    assert (error.code, error.retryable) == ("timeout", True)


def test_an_unreachable_partner_is_retried() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ctx = Context(settings={"url": f"http://127.0.0.1:{port}/x"}, credentials={})
    error = failure(ADAPTER.push, ctx, "candidate", RECORD)
    assert (error.code, error.retryable) == ("unreachable", True)


@pytest.mark.parametrize(
    ("url", "allow"),
    [("http://127.0.0.1:9/x", []), ("http://169.254.169.254/latest/meta-data/", ["127.0.0.1"])],
)
def test_loopback_and_cloud_metadata_are_refused_unless_allowed(
    settings: Any, url: str, allow: list[str]
) -> None:
    settings.WEBHOOK_ALLOW = allow
    ctx = Context(settings={"url": url}, credentials={})
    error = failure(ADAPTER.push, ctx, "candidate", RECORD)
    assert (error.code, error.retryable) == ("address_refused", False)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("12", 12.0),
        (" 0 ", 0.0),
        ("soon", None),
        ("", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(value: str, seconds: float | None) -> None:
    assert http.retry_after(value) == seconds


def test_retry_after_as_a_future_date() -> None:
    from email.utils import formatdate

    wait = http.retry_after(formatdate(time.time() + 90, usegmt=True))
    assert wait is not None and 85 <= wait <= 91


def test_an_oversized_answer_is_refused(ehr: f.FakeRestEhr, monkeypatch: Any) -> None:
    ctx = ctx_for(ehr, OAUTH)
    ADAPTER.check(ctx)  # the token answer is small
    monkeypatch.setattr(http, "MAX_ANSWER", 100)  # a page of candidates is not
    error = failure(ADAPTER.pull, ctx, "candidate", "")
    assert (error.code, error.retryable) == ("bad_response", False)
    assert ehr.paths() == ["/oauth2/token", "/api/candidates"]


def test_a_cursor_handed_back_unchanged_ends_the_pull(ehr: f.FakeRestEhr) -> None:
    ehr.stuck = True
    ctx = ctx_for(ehr, OAUTH)
    assert ADAPTER.pull(ctx, "candidate", "").next_cursor == "2"
    page = ADAPTER.pull(ctx, "candidate", "2")
    assert [r["id"] for r in page.records] == ["P3", "P4"] and page.next_cursor == ""
