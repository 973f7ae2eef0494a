"""`common.broker_purge` deletes the embedded broker's consumed messages, and only those.

A real kombu SQLAlchemy transport on a SQLite file of the test's own: two messages are
sent, one is consumed and acknowledged (kombu keeps it with visible = 0), then purged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kombu import Connection

from mianshi.common.tasks import broker_purge


def rows(path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, visible FROM kombu_message ORDER BY id").fetchall()


def sent_and_one_consumed(path: Path) -> None:
    with Connection(f"sqla+sqlite:///{path}") as conn:
        queue = conn.SimpleQueue("purge-test")
        queue.put({"n": 1})
        queue.put({"n": 2})
        queue.get(timeout=5).ack()
        queue.close()


def test_consumed_messages_past_the_age_are_deleted(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "broker.sqlite3"
    settings.CELERY_BROKER_URL = f"sqla+sqlite:///{path}"
    sent_and_one_consumed(path)
    assert [v for _, v in rows(path)] == [0, 1]
    assert broker_purge() == 0  # consumed a moment ago: kept for a day
    assert broker_purge(older_than_hours=-1) == 1
    assert [v for _, v in rows(path)] == [1]  # the waiting message is never touched


def test_other_brokers_and_an_empty_file_are_left_alone(settings: Any, tmp_path: Path) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert broker_purge(older_than_hours=-1) == 0
    settings.CELERY_BROKER_URL = f"sqla+sqlite:///{tmp_path / 'new.sqlite3'}"
    assert broker_purge(older_than_hours=-1) == 0
