"""A transaction that PostgreSQL aborted to break a deadlock is run again, one home.

Lock orders (answers → recordings → session → …) keep the product's own paths from
waiting on each other, but PostgreSQL's deadlock detector also counts the queue for a
row lock, so a third request can close a cycle that no single order forbids. PostgreSQL's
advice for deadlock_detected (40P01) and serialization_failure (40001) is to retry the
transaction: it was rolled back whole (its on-commit work discarded with it), so a service
that does nothing outside the database before it commits repeats nothing. Only the
outermost transaction can be retried; inside a caller's the error goes up to it.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RETRYABLE = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
ATTEMPTS = 3
PAUSE_S = 0.05  # the other transaction usually commits within milliseconds


def retryable(exc: OperationalError) -> bool:
    """Whether the database rolled the transaction back for a retry to succeed."""
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE


def atomic_retried(func: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic`, run again (up to ATTEMPTS in all) when the database broke a
    deadlock by aborting it; for services whose only effects are in the database."""
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS):
            try:
                return atomic(*args, **kwargs)
            except OperationalError as exc:
                if connection.in_atomic_block or not retryable(exc):
                    raise
                logger.warning("%s: %s; retry %s", func.__qualname__, exc.__cause__, attempt)
                time.sleep(PAUSE_S * attempt * (1 + random.random()))  # noqa: S311
        return atomic(*args, **kwargs)  # the last attempt: its error goes to the caller

    return run
