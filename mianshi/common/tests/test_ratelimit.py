"""The database rate limit: a key passes `limit` times per fixed window, scopes and keys
count apart, concurrent hits never pass more than the limit, ended windows are purged, the
caller is stored only as a keyed hash, and the client's address is one a client cannot forge."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from mianshi.common.models import RateWindow
from mianshi.common.ratelimit import (
    client_address,
    hit,
    key_digest,
    ratelimit_purge,
    retry_after,
    window_start,
)
from mianshi.common.tasks import ratelimit_purge as purge_task

HOUR = dt.timedelta(hours=1)
NOON = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The limiter's time: set `clock[0]`."""
    now = [NOON + dt.timedelta(minutes=10)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


def _hits(n: int, scope: str = "s", key: str = "203.0.113.7", limit: int = 3) -> list[bool]:
    return [hit(scope, key, limit=limit, window=HOUR) for _ in range(n)]


def test_windows_are_fixed_and_aligned() -> None:
    assert window_start(HOUR, NOON + dt.timedelta(minutes=59, seconds=59)) == NOON
    assert window_start(HOUR, NOON + HOUR) == NOON + HOUR
    assert retry_after(HOUR, NOON + dt.timedelta(minutes=45)) == 15 * 60
    assert window_start(dt.timedelta(minutes=5), NOON + dt.timedelta(minutes=7)) == NOON.replace(
        minute=5
    )


def test_a_window_shorter_than_a_second_or_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        window_start(dt.timedelta(milliseconds=10))
    with pytest.raises(ValueError):
        hit("s", "k", limit=0, window=HOUR)


@pytest.mark.django_db
def test_a_key_passes_the_limit_then_is_refused_and_not_counted(clock: list[dt.datetime]) -> None:
    assert _hits(5) == [True, True, True, False, False]
    assert RateWindow.objects.get().count == 3


@pytest.mark.django_db
def test_the_next_window_starts_afresh(clock: list[dt.datetime]) -> None:
    assert _hits(4) == [True, True, True, False]
    clock[0] = NOON + HOUR  # the first second of the next window
    assert _hits(1) == [True]


@pytest.mark.django_db
def test_scopes_and_keys_count_apart(clock: list[dt.datetime]) -> None:
    assert _hits(3) == [True] * 3
    assert _hits(1, key="198.51.100.1") == [True]
    assert _hits(1, scope="other") == [True]
    assert _hits(1) == [False]


@pytest.mark.django_db
def test_the_raw_key_is_never_stored(clock: list[dt.datetime]) -> None:
    _hits(1, key="203.0.113.7")
    _hits(1, scope="other", key="203.0.113.7")
    rows = list(RateWindow.objects.values())
    assert "203.0.113.7" not in repr(rows)
    keys = {row["key"] for row in rows}
    assert keys == {key_digest("s", "203.0.113.7"), key_digest("other", "203.0.113.7")}
    assert len(keys) == 2 and all(len(k) == 64 for k in keys)  # SHA-256, salted per scope


@pytest.mark.django_db
def test_ended_windows_are_purged_and_live_ones_kept(clock: list[dt.datetime]) -> None:
    _hits(1, key="a")
    clock[0] = NOON + HOUR + dt.timedelta(minutes=1)
    _hits(1, key="b", scope="other")  # opens a new window: the ended one goes
    assert set(RateWindow.objects.values_list("window_start", flat=True)) == {NOON + HOUR}
    _hits(1, key="c")
    assert ratelimit_purge() == 0  # both windows are live
    assert ratelimit_purge(now=NOON + 2 * HOUR) == 2
    assert not RateWindow.objects.exists()


@pytest.mark.django_db
def test_the_purge_task_deletes_ended_windows(clock: list[dt.datetime]) -> None:
    _hits(2)
    assert purge_task() == 0
    clock[0] = NOON + 2 * HOUR
    assert purge_task() == 1 and not RateWindow.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("workers", "limit"), [(2, 1), (6, 4)])
def test_concurrent_hits_never_pass_more_than_the_limit(workers: int, limit: int) -> None:
    """Threads on their own connections race for a window nobody has opened: PostgreSQL
    serialises the insert on the unique index and the increment on the row; SQLite's
    IMMEDIATE transactions run them one after the other."""
    start, results = threading.Barrier(workers), []

    def one() -> None:
        try:
            start.wait()
            results.append(hit("race", "203.0.113.7", limit=limit, window=HOUR))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (workers - limit) + [True] * limit
    assert RateWindow.objects.get().count == limit


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().post("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_a_direct_client_is_its_remote_address_whatever_it_claims() -> None:
    assert client_address(_request("203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_local_proxy_the_address_it_appended_is_taken() -> None:
    # A client's own X-Forwarded-For comes first; the proxy appends the real address.
    forwarded = "10.9.9.9, 198.51.100.1"
    assert client_address(_request("127.0.0.1", forwarded)) == "198.51.100.1"
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"


def test_a_chain_of_trusted_proxies_is_walked_back(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    forwarded = "1.2.3.4, 198.51.100.1, 10.0.0.5"
    assert client_address(_request("10.0.0.2", forwarded)) == "198.51.100.1"
    assert client_address(_request("127.0.0.1", forwarded)) == "127.0.0.1"  # not listed now


def test_ipv6_counts_per_64_block() -> None:
    one = client_address(_request("2001:db8:1:2:aaaa::1"))
    assert one == client_address(_request("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_address(_request("::ffff:203.0.113.7")) == "203.0.113.7"
