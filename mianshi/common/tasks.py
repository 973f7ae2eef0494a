"""Infrastructure tasks."""

from celery import shared_task

from mianshi.common.idempotency import idempotency_purge as purge_idempotency


@shared_task(name="common.ping")
def ping(value: str = "pong") -> str:
    """Round trip through the broker; used by health checks and the worker test."""
    return value


@shared_task(name="common.idempotency_purge")
def idempotency_purge() -> int:
    """Delete stored Idempotency-Key responses past IDEMPOTENCY_TTL_HOURS (beat, hourly)."""
    return purge_idempotency()
