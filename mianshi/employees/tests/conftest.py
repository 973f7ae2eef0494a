"""Fixtures of the archive tests: the review world (HR, interviewer, manager of the
Shanghai branch), English messages, and Celery in-process so the outbox runs inline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from mianshi.common.tests.real_worker import real_workers  # noqa: F401  (a fixture)
from mianshi.common.tests.support import celery_eager, smtp  # noqa: F401  (a fixture)
from mianshi.reviews.tests.factories import ReviewWorld, review_world


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    return review_world(org, make_user)


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def outbox_inline(settings: Any, tmp_path: Any) -> Iterator[None]:
    """Consumers run when the test's on-commit callbacks run; files in a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    with celery_eager(propagate=True):
        yield
