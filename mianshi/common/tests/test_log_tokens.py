"""Invitation tokens stay out of the application log (review L7): Django's request logger
writes `Not Found: <path>` for every 4xx, and the path of the candidate's pages holds the
token that opens the interview. The logged path shows `<token>` instead."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TOKEN = "Zq8-secretToken_4711"


def _logged(caplog: Any, path: str) -> tuple[int, list[str]]:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        status = Client().get(path).status_code
    return status, [r.getMessage() for r in caplog.records if r.name == "django.request"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/i/{TOKEN}/", "/i/<token>/"),
        (f"/i/{TOKEN}/status/", "/i/<token>/status/"),
        (f"/i/api/{TOKEN}/state", "/i/api/<token>/state"),
    ],
)
def test_a_refused_candidate_link_is_logged_without_its_token(
    caplog: Any, path: str, shown: str
) -> None:
    status, lines = _logged(caplog, path)
    assert status in (404, 410) and lines
    assert not [line for line in lines if TOKEN in line]
    assert any(line.endswith(shown) for line in lines)


def test_other_paths_are_logged_as_they_are(caplog: Any) -> None:
    status, lines = _logged(caplog, "/candidates/no-such-page/")
    assert status == 404 and any("/candidates/no-such-page/" in line for line in lines)


def test_the_console_handler_drops_the_token_from_any_logger() -> None:
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    record = logging.LogRecord(
        "mianshi.anything", logging.INFO, __file__, 1, "GET %s", (f"/i/{TOKEN}/tus/",), None
    )
    assert handler.filter(record)
    assert handler.format(record).endswith("GET /i/<token>/tus/")
