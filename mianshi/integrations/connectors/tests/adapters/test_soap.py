"""The generic SOAP adapter against an s-HR-style Web Service on loopback: SOAP 1.1 and
1.2, WS-Security UsernameToken and Basic, escaping, Faults, XPath ids and XXE refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mianshi.integrations.connectors.adapters.soap.adapter import SoapAdapter
from mianshi.integrations.connectors.protocol import AdapterError, Context
from mianshi.integrations.connectors.tests.adapters import fake_soap as s

ADAPTER = SoapAdapter()
TEMPLATE = (
    '<emp:SaveEmployee xmlns:emp="urn:example:shr:employee">'
    "<emp:Number>{number}</emp:Number><emp:Name>{name}</emp:Name>"
    "<emp:Score>{scores.overall}</emp:Score><emp:Kind>{kind}</emp:Kind></emp:SaveEmployee>"
)
RECORD = {"number": "E1", "name": "张三", "scores": {"overall": 82.5}}
CREDENTIALS = {"username": s.USERNAME, "password": s.PASSWORD}


@pytest.fixture
def shr() -> Iterator[s.FakeSoapEhr]:
    server = s.FakeSoapEhr()
    server.start()
    yield server
    server.stop()


def ctx_for(server: s.FakeSoapEhr, version: str = "1.1", **settings: Any) -> Context:
    base = {
        "url": server.url + "/ormrpc/services/EmployeeService",
        "soap_version": version,
        "soap_action": s.ACTION,
        "auth": "wsse",
        "body_template": TEMPLATE,
        "id_xpath": "//e:Result/e:Id/text()",
        "namespaces": '{"e": "urn:example:shr:employee"}',
    }
    return Context({**base, **settings}, dict(CREDENTIALS), timeout=2.0)


def failure(call: Any, *args: Any) -> AdapterError:
    with pytest.raises(AdapterError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_record_is_saved_and_its_id_read_by_xpath(shr: s.FakeSoapEhr, version: str) -> None:
    result = ADAPTER.push(ctx_for(shr, version), "employee", RECORD)
    assert result.external_id == "SHR-E1"
    assert shr.saved["E1"] == {"Number": "E1", "Name": "张三", "Score": "82.5", "Kind": "employee"}
    headers = shr.received[-1].headers
    if version == "1.1":
        assert headers["soapaction"] == f'"{s.ACTION}"'
        assert headers["content-type"].startswith("text/xml")
    else:
        assert headers["content-type"].startswith("application/soap+xml")
        assert f'action="{s.ACTION}"' in headers["content-type"]


def test_values_are_escaped_and_cannot_add_elements(shr: s.FakeSoapEhr) -> None:
    name = '李四 </emp:Name><emp:Number>X</emp:Number> & "O\'Neil" {kind}'
    ADAPTER.push(ctx_for(shr), "employee", {**RECORD, "name": name})
    assert list(shr.saved) == ["E1"]
    assert shr.saved["E1"]["Name"] == name


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_wrong_password_is_refused_by_ws_security(shr: s.FakeSoapEhr, version: str) -> None:
    ctx = ctx_for(shr, version)
    ctx.credentials["password"] = "wrong"
    error = failure(ADAPTER.push, ctx, "employee", RECORD)
    assert (error.code, error.retryable) == ("credentials", False)
    assert "could not be authenticated" in error.message
    assert shr.saved == {}


def test_basic_auth_and_its_refusal() -> None:
    shr = s.FakeSoapEhr(auth="basic")
    shr.start()
    try:
        ctx = ctx_for(shr, auth="basic")
        ADAPTER.check(ctx)
        assert ADAPTER.push(ctx, "employee", RECORD).external_id == "SHR-E1"
        ctx.credentials["password"] = "wrong"
        for call, args in ((ADAPTER.check, (ctx,)), (ADAPTER.push, (ctx, "employee", RECORD))):
            assert failure(call, *args).code == "credentials"
    finally:
        shr.stop()


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_client_fault_is_refused_with_its_faultstring(shr: s.FakeSoapEhr, version: str) -> None:
    error = failure(ADAPTER.push, ctx_for(shr, version), "employee", {**RECORD, "number": ""})
    assert (error.code, error.retryable) == ("refused", False)
    assert "Number is required" in error.message


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_server_fault_is_retried(shr: s.FakeSoapEhr, version: str) -> None:
    shr.server_fault = True
    error = failure(ADAPTER.push, ctx_for(shr, version), "employee", RECORD)
    assert (error.code, error.retryable) == ("unavailable", True)
    assert "数据库繁忙" in error.message


def test_429_is_retried_after_what_the_service_said(shr: s.FakeSoapEhr) -> None:
    shr.busy, shr.retry_after = 1, "9"
    error = failure(ADAPTER.push, ctx_for(shr), "employee", RECORD)
    assert (error.code, error.retryable, error.retry_after) == ("rate_limited", True, 9.0)


def test_an_answer_with_an_external_entity_is_refused_unread(shr: s.FakeSoapEhr) -> None:
    shr.xxe = True
    error = failure(ADAPTER.push, ctx_for(shr), "employee", RECORD)
    assert (error.code, error.retryable) == ("bad_response", False)
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in error.message


@pytest.mark.parametrize(
    "bad",
    [
        {"body_template": "<emp:SaveEmployee>{number}"},  # not XML
        {"body_template": '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'},
        {"body_template": "<a>{missing.value}</a>"},
        {"id_xpath": "//e:Result/["},
        {"namespaces": "e=urn:x"},
        {"soap_version": "1.3"},
        {"auth": "ntlm"},
    ],
)
def test_bad_settings_are_clear_and_nothing_is_sent(shr: s.FakeSoapEhr, bad: Any) -> None:
    error = failure(ADAPTER.push, ctx_for(shr, **bad), "employee", RECORD)
    assert (error.code, error.retryable) == ("bad_settings", False)
    assert shr.received == []


def test_an_id_missing_from_the_answer_is_malformed(shr: s.FakeSoapEhr) -> None:
    ctx = ctx_for(shr, id_xpath="//e:Result/e:Number/text()")
    assert failure(ADAPTER.push, ctx, "employee", RECORD).code == "bad_response"


def test_check_fetches_the_wsdl_and_catches_a_broken_template(shr: s.FakeSoapEhr) -> None:
    ADAPTER.check(ctx_for(shr))
    assert shr.received[-1].method == "GET" and "wsdl" in shr.received[-1].query
    error = failure(ADAPTER.check, ctx_for(shr, body_template="<a>{x}</b>"))
    assert error.code == "bad_settings"
