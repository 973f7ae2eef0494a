"""A rate limit that holds across web processes: counters in the database, fixed windows.

Django's cache is per process here (LocMem, no shared cache is configured), so a counter in
it would let each gunicorn worker count on its own. One row per scope, caller and window
instead: `hit` creates it (get_or_create, which falls back to reading the row another
process inserted a moment earlier) and counts with one conditional UPDATE (`count < limit`),
which the database serialises on the row — PostgreSQL re-checks the condition after the row
lock, SQLite's IMMEDIATE transactions run one writer at a time — so of N concurrent hits
exactly `limit` pass. Windows are fixed (aligned to the epoch): a burst at a boundary can
reach twice the limit, the price of one row per window instead of one per hit.

The caller is stored as an HMAC-SHA256 keyed by SECRET_KEY and salted per scope, never in
clear: an IPv4 address hashed without a secret is found by trying all 2³² of them. Rows go
once their window has ended: `ratelimit_purge`, called when a hit opens a new window and by
the task common.ratelimit_purge.

The client's address (`client_address`) is REMOTE_ADDR; behind a reverse proxy that
appends the client to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for), the proxy's
address is trusted (settings.TRUSTED_PROXIES: addresses or networks; loopback by default,
i.e. a proxy on the same machine) and the right-most address it did not add is taken, which
a client cannot forge. IPv6 callers count per /64, the block one subscriber usually holds.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mianshi.common.models import RateWindow

logger = logging.getLogger(__name__)

IPV6_PREFIX = 64


def key_digest(scope: str, key: str) -> str:
    """The caller as stored: hex HMAC-SHA256 (SECRET_KEY), salted per scope."""
    return salted_hmac(f"mianshi.ratelimit:{scope}", key, algorithm="sha256").hexdigest()


def _seconds(window: dt.timedelta) -> int:
    seconds = int(window.total_seconds())
    if seconds < 1:
        raise ValueError("A rate-limit window lasts at least one second.")
    return seconds


def window_start(window: dt.timedelta, now: dt.datetime | None = None) -> dt.datetime:
    """The start of the fixed window `now` falls in (windows aligned to the epoch)."""
    epoch = int((now or timezone.now()).timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % _seconds(window), tz=dt.UTC)


def retry_after(window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Seconds until the current window ends (for a Retry-After header)."""
    epoch = int((now or timezone.now()).timestamp())
    return _seconds(window) - epoch % _seconds(window)


def hit(scope: str, key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one hit of `key` in `scope`; True when it is within `limit` for the current
    window, False (and not counted) beyond it."""
    if limit < 1:
        raise ValueError("A rate limit allows at least one hit per window.")
    start = window_start(window)
    digest = key_digest(scope, key)
    with transaction.atomic():
        row, created = RateWindow.objects.get_or_create(
            scope=scope, key=digest, window_start=start,
            defaults={"expires_at": start + dt.timedelta(seconds=_seconds(window))},
        )  # fmt: skip
        allowed = RateWindow.objects.filter(pk=row.pk, count__lt=limit).update(count=F("count") + 1)
    if created:  # at most once per caller and window: keeps the table to the live windows
        ratelimit_purge()
    if not allowed:
        logger.info("rate limit reached in %s", scope)
    return bool(allowed)


def ratelimit_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the counters of windows that have ended; how many went."""
    deleted, _by_model = RateWindow.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as a rate-limit key (an IPv6 address as its /64 block)."""
    address = str(request.META.get("REMOTE_ADDR") or "")
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while hops and _trusted(address):
        address = hops.pop()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address (a proxy's "unknown"): still one key, hashed
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)
