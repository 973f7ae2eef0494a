"""When a failed delivery is tried again: the Standard Webhooks schedule, jitter, Retry-After.

The schedule is the spec's (and Svix's): 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
24 h — ten attempts over about three and a half days, so a receiver down for a weekend
still gets everything. ±10 % jitter keeps a receiver that comes back from being hit by every
sender at the same second. A `Retry-After` (seconds or an HTTP date) is honoured when it
asks for more time than the schedule gives, capped at the schedule's longest step.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(SCHEDULE)
JITTER = 0.1


def retry_delay(attempts: int) -> float | None:
    """Seconds to wait after `attempts` failed tries (jittered); None when it was the last."""
    if attempts >= MAX_ATTEMPTS:
        return None
    base = SCHEDULE[attempts]
    return base * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 (jitter, not a secret)


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or HTTP-date), None if absent
    or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def next_delay(attempts: int, header: str | None, now: datetime) -> float | None:
    """The wait before the next try: the schedule's, or Retry-After's when longer."""
    delay = retry_delay(attempts)
    if delay is None:
        return None
    asked = retry_after(header, now)
    if asked is not None and asked > delay:
        return min(asked, float(SCHEDULE[-1]))
    return delay


def due_after(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)
