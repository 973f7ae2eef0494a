"""The site's URLs plus pages that fail on purpose, for test_error_pages."""

from __future__ import annotations

from importlib import import_module

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("forged")


# The site's own handlers (looked up, not imported: the layers contract reads imports).
_site = import_module("config.urls")
handler400, handler403 = _site.handler400, _site.handler403
handler404, handler500 = _site.handler404, _site.handler500

urlpatterns = [
    path("boom/", boom),
    path("denied/", denied),
    path("bad/", suspicious),
    path("i/boom/", boom),
    path("i/denied/", denied),
    path("", include("config.urls")),
]
