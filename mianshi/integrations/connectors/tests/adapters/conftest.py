"""The partner fakes listen on loopback, which the outbound guard refuses by default."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _allow_loopback(settings: Any) -> None:
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]
