"""Requests the live server is still answering, counted through Django's request signals.

A test's browser may close while the live server still answers one of its requests (a
video streaming on the workbench). If the test's database flush runs then, PostgreSQL
deadlocks the flush's TRUNCATE against that request's transaction and the next test starts
on the last one's rows (seen in CI). The root conftest waits for the count to drop to zero
before the flush."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.signals import request_finished, request_started

_lock = threading.Lock()
_count = 0


def _started(**_: Any) -> None:
    global _count
    with _lock:
        _count += 1


def _finished(**_: Any) -> None:
    global _count
    with _lock:
        _count = max(0, _count - 1)


request_started.connect(_started, dispatch_uid="tests.inflight.started", weak=False)
request_finished.connect(_finished, dispatch_uid="tests.inflight.finished", weak=False)


def reset() -> None:
    """Start counting afresh: a test client's streaming response that nobody read never
    signals its end, and must not hold up a later test."""
    global _count
    with _lock:
        _count = 0


def wait_idle(timeout: float = 15.0) -> int:
    """Wait until no request is in flight (or `timeout` s); how many still were."""
    deadline = time.monotonic() + timeout
    while _count > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    return _count
