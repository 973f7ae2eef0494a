"""Fixtures of the outbox tests: a consumer registry of the test's own, Celery in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mianshi.common.tests.real_worker import real_workers  # noqa: F401  (a fixture)
from mianshi.common.tests.support import eager  # noqa: F401  (a fixture)
from mianshi.events import consumers


@pytest.fixture
def registry(monkeypatch: Any) -> Iterator[dict[str, consumers.Consumer]]:
    """Only the consumers the test registers handle its events (the apps' own are set
    aside, so an event of the test creates no handling for them)."""
    own: dict[str, consumers.Consumer] = {}
    monkeypatch.setattr(consumers, "_CONSUMERS", own)
    yield own
