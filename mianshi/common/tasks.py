"""Infrastructure tasks."""

from celery import shared_task


@shared_task(name="common.ping")
def ping(value: str = "pong") -> str:
    """Round trip through the broker; used by health checks and the worker test."""
    return value
