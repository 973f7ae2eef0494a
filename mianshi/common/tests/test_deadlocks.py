"""The retry rule of `atomic_retried`: which errors, how often, and never inside a caller's
transaction. The real deadlock on two PostgreSQL connections is in interviews'
test_lock_order.py; here the database error is raised as psycopg raises it (an
OperationalError caused by an error carrying the SQLSTATE)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, transaction

from mianshi.common import deadlocks
from mianshi.common.deadlocks import atomic_retried

pytestmark = pytest.mark.django_db(transaction=True)


class ServerError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str = "40P01") -> Any:
    """A service that the database aborts `times` times, then one that commits."""
    calls: list[bool] = []

    @atomic_retried
    def service() -> int:
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) <= times:
            raise OperationalError("aborted") from ServerError(sqlstate)
        return len(calls)

    return service, calls


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlocks, "PAUSE_S", 0.0)


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_run_again_in_a_new_transaction(
    sqlstate: str,
) -> None:
    service, calls = failing(2, sqlstate)
    assert service() == 3
    assert calls == [True, True, True]


def test_it_gives_up_after_three_attempts() -> None:
    service, calls = failing(3)
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == deadlocks.ATTEMPTS == 3


def test_other_database_errors_are_not_retried() -> None:
    service, calls = failing(1, "53300")  # too_many_connections
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 1


def test_inside_a_callers_transaction_the_error_goes_up_to_it() -> None:
    service, calls = failing(1)
    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert len(calls) == 1
