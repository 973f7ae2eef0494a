"""Infrastructure tasks."""

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings

from mianshi.common.idempotency import idempotency_purge as purge_idempotency
from mianshi.common.ratelimit import ratelimit_purge as purge_ratelimit

SQLITE_BROKER = "sqla+sqlite:///"
# kombu's SQLAlchemy transport marks a consumed message visible = 0 and stamps `timestamp`
# (naive local time, its own `datetime.now`) but never deletes it: the file grows forever.
PURGE_SQL = "DELETE FROM kombu_message WHERE visible = 0 AND timestamp < ?"


@shared_task(name="common.ping")
def ping(value: str = "pong") -> str:
    """Round trip through the broker; used by health checks and the worker test."""
    return value


@shared_task(name="common.idempotency_purge")
def idempotency_purge() -> int:
    """Delete stored Idempotency-Key responses past IDEMPOTENCY_TTL_HOURS (beat, hourly)."""
    return purge_idempotency()


@shared_task(name="common.broker_purge", ignore_result=True)
def broker_purge(older_than_hours: float = 24) -> int:
    """Delete the embedded SQLite broker's consumed messages older than a day (beat, hourly);
    any other broker deletes its own, and nothing is done. Returns the rows deleted."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(SQLITE_BROKER):
        return 0
    cutoff = datetime.now() - timedelta(hours=older_than_hours)  # naive local: kombu's own clock
    with closing(sqlite3.connect(url.removeprefix(SQLITE_BROKER), timeout=30)) as db:
        try:
            with db:  # one transaction, committed
                stamp = cutoff.strftime("%Y-%m-%d %H:%M:%S.%f")
                return db.execute(PURGE_SQL, (stamp,)).rowcount
        except sqlite3.OperationalError:
            return 0  # no kombu_message table yet: nothing was ever sent


@shared_task(name="common.ratelimit_purge")
def ratelimit_purge() -> int:
    """Delete the rate-limit counters of windows that have ended (beat, hourly)."""
    return purge_ratelimit()
