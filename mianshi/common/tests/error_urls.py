"""The site's URLs plus pages that fail on purpose, for test_error_pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("forged")


urlpatterns = [
    path("boom/", boom),
    path("denied/", denied),
    path("bad/", suspicious),
    path("i/boom/", boom),
    path("i/denied/", denied),
    path("", include("config.urls")),
]
