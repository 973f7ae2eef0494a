"""The one safe-redirect rule (common/redirects.py::safe_next): a form's `next` is followed
only when it stays on this site; anything else sends the user to the page's default."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mianshi.common.redirects import safe_next

DEFAULT = "/candidates/"

OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
]


@pytest.mark.parametrize("target", OFFSITE)
def test_an_offsite_next_is_refused(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, DEFAULT) == DEFAULT


@pytest.mark.parametrize("target", ["/candidates/?page=2&q=张", "http://testserver/jobs/"])
def test_a_next_on_this_site_is_followed(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, DEFAULT) == target


def test_no_next_gives_the_default() -> None:
    assert safe_next(RequestFactory().post("/x/", {}), DEFAULT) == DEFAULT


def test_an_http_next_is_refused_on_an_https_request() -> None:
    request = RequestFactory().post("/x/", {"next": "http://testserver/jobs/"}, secure=True)
    assert safe_next(request, DEFAULT) == DEFAULT
