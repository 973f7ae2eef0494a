"""Fixtures shared by the review tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from mianshi.reviews.tests.factories import ReviewWorld, review_world


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    """HR, an interviewer and a manager of the Shanghai branch, and a job to review."""
    return review_world(org, make_user)


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Messages and pages in English, for tests that compare texts; a test of the Chinese
    pages asks for zh-Hans itself (the language cookie or translation.override)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
