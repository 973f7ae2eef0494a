"""A secret made just now (an API key, a webhook signing secret) is shown once: on the page
that answers the POST which made it, and never again. The database keeps only its hash or
its sealed form, so not even its owner can read it later; a lost one is rotated or revoked.

Why the answer to the POST and not a redirect to a page that pops it from the session: the
session table holds its data in clear, so the raw secret would rest there, readable, until
the redirect is followed (ARCHITECTURE rule 7), and a session cookie stolen meanwhile would
reveal it. Kept in no store, the secret cannot be shown a second time, to this session or
another. The page is marked never-cache, so neither the browser's history (the back button)
nor a proxy keeps a copy; a reload re-sends the form, which makes a new secret at most.

The page includes `_secret_once.html` (the caller's warning, the secret selected on a click,
a copy button), which reads the context names this module sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def secret_once_render(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    secret: str,
    status: int = 200,
) -> HttpResponse:
    """Render `template` with `secret` for its one showing; the answer must not be cached.

    An empty `secret` renders the page without it (a page that shows one only after a
    successful form), still uncached: what the page showed a moment ago must not come back.
    """
    response = render(request, template, {**context, "secret": secret}, status=status)
    add_never_cache_headers(response)
    return response
