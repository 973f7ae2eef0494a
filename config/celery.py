"""The Celery application; tasks live in each app's tasks.py."""

import os
import sqlite3
from typing import Any

import sqlalchemy
from celery import Celery
from celery.signals import worker_ready
from kombu.transport import sqlalchemy as kombu_sqlalchemy

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mianshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _time_limits() -> dict[str, dict[str, int]]:
    """The work one candidate's recording causes stops at a time limit (M11): a soft limit
    raises inside the task (its claim is given back), the hard one 60 s later kills it."""
    from django.conf import settings

    limits = {
        "interviews.verify_recording": settings.VERIFY_TIME_LIMIT,
        "interviews.check_answer": settings.QUALITY_CHECK_TIME_LIMIT,
        "analysis.analyse_answer": settings.ANALYSIS_TIME_LIMIT,
        # A receiver that trickles its answer a byte at a time is cut off here.
        "webhooks.deliver": 120,
        "webhooks.drain": 120,
    }
    return {name: {"soft_time_limit": s, "time_limit": s + 60} for name, s in limits.items()}


app.conf.task_annotations = _time_limits()


@sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
def _broker_wal(connection: Any, _record: Any) -> None:
    """The embedded broker is a SQLite file through SQLAlchemy (the only SQLAlchemy engine
    here). In its default rollback journal with full sync, each publish or fetch cost
    33 ms on our disks against 0.19 ms in WAL with synchronous=NORMAL (bench/events.py),
    and every event passes through it four times; the database already runs this way."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")


# The embedded broker is polled while its queues are empty (Redis and RabbitMQ push): every
# 0.1 s, one indexed SELECT, so an idle worker starts an event's work within 0.1 s; kombu's
# 1 s would be half the outbox's latency budget. Its transport options all go to SQLAlchemy's
# create_engine, which refuses this one, hence the class attribute.
kombu_sqlalchemy.Transport.polling_interval = 0.1


@worker_ready.connect
def _catch_up(**_: Any) -> None:
    """Work committed while no worker ran, or whose wake-up went to a queue nobody reads,
    starts when a worker does, not at the next beat sweep (the outbox, webhook senders)."""
    app.send_task("events.sweep")
    app.send_task("webhooks.sweep")


# Housekeeping that must happen even when no request triggers it (the worker runs with -B
# in the demo; a deployment runs one `celery beat`): lost deliveries and feedback e-mails,
# upload leftovers, stuck analysis runs.
app.conf.beat_schedule = {
    "maintain-deliveries": {"task": "invitations.maintain_deliveries", "schedule": 300.0},
    "maintain-uploads": {"task": "interviews.maintain_uploads", "schedule": 600.0},
    "maintain-analysis": {"task": "analysis.maintain_runs", "schedule": 600.0},
    "maintain-feedback": {"task": "reviews.maintain_feedback", "schedule": 300.0},
    "sweep-events": {"task": "events.sweep", "schedule": 30.0},
    "purge-idempotency": {"task": "common.idempotency_purge", "schedule": 3600.0},
    "sweep-transition-actions": {"task": "automation.sweep", "schedule": 60.0},
    "sweep-webhooks": {"task": "webhooks.sweep", "schedule": 30.0},
    "sweep-connectors": {"task": "connectors.sweep", "schedule": 60.0},
    "pull-connectors": {"task": "connectors.pull_due", "schedule": 60.0},
    "sweep-file-imports": {"task": "connectors.sweep_imports", "schedule": 300.0},
    "purge-broker": {"task": "common.broker_purge", "schedule": 3600.0},
    "purge-ratelimit": {"task": "common.ratelimit_purge", "schedule": 3600.0},
}
