"""The suite runs on the backends it claims: the scaled run can never fall back in silence."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.celery import app

pytestmark = pytest.mark.django_db

SCALED = os.environ.get("MIANSHI_EXPECT_SCALED") == "1"


def test_database_backend_is_the_expected_one(tmp_path: Path) -> None:
    if SCALED:
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            assert "PostgreSQL" in cursor.fetchone()[0]
    else:
        assert connection.vendor == "sqlite"
        # The test database lives in memory, so open a file database with the very
        # settings a deployment gets and check that they switch it to WAL.
        file_db = DatabaseWrapper(
            {**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
        )
        try:
            with file_db.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0].lower() == "wal"
        finally:
            file_db.close()


def test_celery_broker_is_the_expected_one() -> None:
    broker = app.conf.broker_url
    assert broker == settings.CELERY_BROKER_URL
    if SCALED:
        assert broker.startswith("redis://")
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
            assert conn.transport.driver_type == "redis"
    else:
        assert broker.startswith("sqla+sqlite:///")
        assert broker.endswith("broker.sqlite3")
        assert str(settings.DATA_DIR) in broker


def test_celery_is_not_eager() -> None:
    """An eager Celery would run tasks inline and hide a missing worker."""
    assert app.conf.task_always_eager is False
