"""Fixtures of the upload tests (tus, verification, quality): one place, used by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mianshi.interviews.tests import upload_world as uw


@pytest.fixture
def upload_settings(settings: Any, tmp_path: Path) -> None:
    """Upload limits and storage in this test's own folder."""
    uw.configure(settings, tmp_path)


@pytest.fixture
def upload_env(upload_settings: None) -> Iterator[None]:
    """As upload_settings, with Celery tasks run in-process on commit."""
    with uw.eager_tasks():
        yield


@pytest.fixture
def world(org: Any, make_user: Any) -> uw.World:
    return uw.make_world(org, make_user)


@pytest.fixture
def take(world: uw.World) -> uw.Take:
    """An invited candidate recording question 1."""
    take = uw.invite(world)
    uw.start_recording(take, 1)
    return take
