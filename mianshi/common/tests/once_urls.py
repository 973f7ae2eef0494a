"""A page that makes a secret on POST and shows it through common/once.py, for its test."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from mianshi.common.once import secret_once_render


def make_secret(request: HttpRequest) -> HttpResponse:
    """POST makes a fresh secret (as a service would) and shows it; GET shows the page."""
    secret = secrets.token_urlsafe(24) if request.method == "POST" else ""
    context = {"field_id": "new-secret", "warning": "Copy it now: it is shown only once."}
    return secret_once_render(request, "_secret_once.html", context, secret=secret)


# The site's own URLs too: the pages' navigation reverses them.
urlpatterns = [path("secret/", make_secret), path("", include("config.urls"))]
