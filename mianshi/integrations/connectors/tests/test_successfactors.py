"""The SuccessFactors adapter against the fake SuccessFactors on loopback (real HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.integrations.connectors.adapters.successfactors.adapter import ADAPTER
from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key, start

KEY = new_private_key()


@pytest.fixture
def sf() -> Iterator[FakeSF]:
    fake, server = start()
    fake.register_client("api-key-1", KEY)
    fake.add_candidate(501, "li.lei@example.com", 9001)
    yield fake
    server.shutdown()


def _ctx(sf: FakeSF, **credentials: str) -> Context:
    return Context(
        settings={"base_url": sf.url, "company_id": "ACME", "user_id": "sfapi"},
        credentials={"client_id": "api-key-1", "private_key": KEY, **credentials},
        timeout=5,
    )


def _payload(email: str = "li.lei@example.com") -> dict[str, Any]:
    return {
        "candidate": {"field": "primaryEmail", "value": email},
        "order": {"id": 42, "vendorCode": "MIANSHI"},
        "report": {"id": 42, "status": "COMPLETED", "reportUrl": "https://ms/r/1"},
        "overall": {"scoreComponent": "overall", "scoreValue": "7.5"},
        "details": [{"scoreComponent": "沟通", "scoreValue": "8.0"}],
    }


def test_the_handshake_then_the_upsert_lands_the_report(sf: FakeSF) -> None:
    ctx = _ctx(sf)
    result = ADAPTER.push(ctx, "assessment", _payload())
    assert result.external_id == "9001"
    report = sf.report(42)
    assert report is not None and report["status"] == "COMPLETED" and report["orderId"] == 42
    scores = {d["scoreComponent"]: d["scoreValue"] for d in report["assessmentReportDetail"]}
    assert scores == {"overall": "7.5", "沟通": "8.0"}
    assert sf.entities[("JobApplicationAssessmentOrder", "42")]["applicationId"] == 9001
    paths = [p for _m, p, _s in sf.calls]
    assert paths[:2] == ["/oauth/idp", "/oauth/token"] and paths[-1] == "/odata/v2/upsert"
    assert ctx.state["access_token"]


def test_the_token_is_reused_then_fetched_again_when_revoked(sf: FakeSF) -> None:
    ctx = _ctx(sf)
    ADAPTER.push(ctx, "assessment", _payload())
    ADAPTER.push(ctx, "assessment", _payload())
    assert [p for _m, p, _s in sf.calls].count("/oauth/token") == 1
    sf.revoke_tokens()
    ADAPTER.push(ctx, "assessment", _payload())
    assert [p for _m, p, _s in sf.calls].count("/oauth/token") == 2
    assert sf.upserts[("JobApplicationAssessmentReport", "42")] == 3  # an upsert, not three rows


@pytest.mark.parametrize(
    "credentials", [{"private_key": new_private_key()}, {"client_id": "someone-else"}]
)
def test_wrong_credentials_are_refused_for_a_person_to_fix(sf: FakeSF, credentials: dict) -> None:
    with pytest.raises(AdapterError) as caught:
        ADAPTER.push(_ctx(sf, **credentials), "assessment", _payload())
    assert caught.value.retryable is False and caught.value.code == "credentials"
    assert "401" in caught.value.message
    assert sf.upserts == {}


def test_a_wrong_company_is_refused_at_the_token(sf: FakeSF) -> None:
    ctx = _ctx(sf)
    ctx.settings["company_id"] = "OTHER"
    with pytest.raises(AdapterError) as caught:
        ADAPTER.check(ctx)
    assert caught.value.code == "credentials"


def test_429_is_retryable_with_the_retry_after(sf: FakeSF) -> None:
    sf.throttle(every=1, retry_after="7")
    with pytest.raises(AdapterError) as caught:
        ADAPTER.push(_ctx(sf), "assessment", _payload())
    assert caught.value.retryable is True and caught.value.retry_after == 7.0
    assert caught.value.code == "rate_limited" and sf.upserts == {}


def test_an_unknown_candidate_needs_a_person(sf: FakeSF) -> None:
    with pytest.raises(AdapterError) as caught:
        ADAPTER.push(_ctx(sf), "assessment", _payload("nobody@example.com"))
    assert caught.value.retryable is False and caught.value.code == "candidate_not_found"


def test_a_quote_in_the_lookup_value_cannot_break_the_filter(sf: FakeSF) -> None:
    sf.add_candidate(777, "o'neil@example.com", 9777)
    assert (
        ADAPTER.push(_ctx(sf), "assessment", _payload("o'neil@example.com")).external_id == "9777"
    )


def test_pull_follows_the_next_links_page_by_page(sf: FakeSF) -> None:
    sf.page_size = 2
    for i in range(4):
        sf.add_candidate(600 + i, f"c{i}@example.com", 9600 + i)
    ctx, cursor, seen = _ctx(sf), "", []
    for _ in range(5):
        page = ADAPTER.pull(ctx, "candidate", cursor)
        seen += [r["candidateId"] for r in page.records]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [501, 600, 601, 602, 603]


def test_a_cursor_to_another_server_is_refused(sf: FakeSF) -> None:
    with pytest.raises(AdapterError) as caught:
        ADAPTER.pull(_ctx(sf), "candidate", "http://127.0.0.2:9/odata/v2/Candidate?$skiptoken=2")
    assert caught.value.code == "cursor"


def test_the_lookup_follows_next_links(sf: FakeSF) -> None:
    sf.page_size = 1
    sf.add_candidate(502, "dup@example.com", 9002)
    sf.add_candidate(503, "dup@example.com", 9003)
    result = ADAPTER.push(_ctx(sf), "assessment", _payload("dup@example.com"))
    assert result.external_id == "9002"
    assert sum(1 for _m, p, _s in sf.calls if p == "/odata/v2/Candidate") == 2


def test_a_token_about_to_expire_is_fetched_again_before_the_call(sf: FakeSF) -> None:
    import time

    ctx = _ctx(sf)
    ADAPTER.push(ctx, "assessment", _payload())
    ctx.state["expires_at"] = time.time() + 30  # inside the safety margin
    ADAPTER.push(ctx, "assessment", _payload())
    assert [p for _m, p, _s in sf.calls].count("/oauth/token") == 2
    assert not any(s == 401 for _m, p, s in sf.calls if p.startswith("/odata"))
