"""The SSRF guard and the retry arithmetic, on their own: which addresses are refused, what
the allow-list opens, that the request goes to the checked address, how Retry-After reads."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from mianshi.integrations.webhooks.outbound import OutboundRefused, check_url
from mianshi.integrations.webhooks.pinned import pinned_post
from mianshi.integrations.webhooks.retry import SCHEDULE, next_delay, retry_after, retry_delay
from mianshi.integrations.webhooks.tests.receiver import Receiver
from mianshi.integrations.webhooks.tests.tls import self_signed

REFUSED = [
    "http://127.0.0.1/h",
    "http://127.9.9.9/h",
    "http://localhost/h",
    "http://[::1]/h",
    "http://[::ffff:127.0.0.1]/h",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.1.1/h",
    "http://[fe80::1]/h",
    "http://[fd00:ec2::254]/h",
    "http://100.100.100.200/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://0.0.0.0/h",
    "http://[::]/h",
    "http://224.0.0.1/h",
    "http://240.0.0.1/h",
    "ftp://10.0.0.1/h",
    "http://user:pw@10.0.0.1/h",
    "http:///nohost",
    "http://10.0.0.1:99999/h",
]


@pytest.fixture(autouse=True)
def no_allow_list(settings: Any) -> None:
    settings.WEBHOOK_ALLOW = []


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url: str) -> None:
    with pytest.raises(OutboundRefused):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["http://10.1.2.3/ehr", "https://172.16.0.9/h", "http://192.168.1.20:8080/h"]
)
def test_private_networks_are_allowed_for_on_prem_systems(url: str) -> None:
    assert check_url(url).address.is_private


def test_the_allow_list_takes_hosts_and_ranges(settings: Any) -> None:
    settings.WEBHOOK_ALLOW = ["localhost", "169.254.0.0/16", "::1"]
    check_url("http://localhost:8000/h")
    check_url("http://169.254.169.254/h")
    check_url("http://[::1]/h")
    with pytest.raises(OutboundRefused):
        check_url("http://127.0.0.1/h")  # localhost by name, not the address


def test_the_request_connects_to_the_checked_address_and_keeps_the_host_name(
    settings: Any,
) -> None:
    settings.WEBHOOK_ALLOW = ["localhost"]
    receiver = Receiver().start()
    try:
        target = check_url(f"http://localhost:{receiver.port}/h")
        reply = pinned_post(target, body=b"{}", headers={}, timeout=2, keep=10)
        assert reply.status == 401  # unsigned: the receiver refuses it
        assert receiver.received[0].headers["host"] == f"localhost:{receiver.port}"
    finally:
        receiver.stop()


def test_the_schedule_is_the_specs_with_ten_percent_jitter() -> None:
    assert SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
    for attempts, base in enumerate(SCHEDULE):
        delay = retry_delay(attempts)
        assert delay is not None and base * 0.9 <= delay <= base * 1.1
    assert retry_delay(len(SCHEDULE)) is None


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120
    assert retry_after(format_datetime(now + timedelta(minutes=30), usegmt=True), now) == 1800
    assert retry_after(format_datetime(now - timedelta(minutes=5), usegmt=True), now) == 0
    assert retry_after("soon", now) is None and retry_after(None, now) is None
    assert next_delay(1, "120", now) == 120  # longer than the 5 s step
    assert next_delay(1, "10000000", now) == SCHEDULE[-1]  # capped at a day
    delay = next_delay(3, "1", now)
    assert delay is not None and delay > 1000  # a shorter ask keeps the schedule


@pytest.mark.parametrize("cert_for", ["localhost", "elsewhere.example"])
def test_https_to_the_pinned_address_still_checks_the_certificate_of_the_host_name(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cert_for: str
) -> None:
    settings.WEBHOOK_ALLOW = ["localhost"]
    cert, context = self_signed(tmp_path, cert_for)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # a private CA, as on-prem
    receiver = Receiver().start(tls=context)
    try:
        target = check_url(f"https://localhost:{receiver.port}/h")
        if cert_for == "localhost":
            assert pinned_post(target, body=b"{}", headers={}, timeout=2, keep=10).status == 401
        else:
            with pytest.raises(ssl.SSLError):
                pinned_post(target, body=b"{}", headers={}, timeout=2, keep=10)
    finally:
        receiver.stop()
