"""Idempotency-Key on every POST of the Ninja API, present routers and future ones.

Installed once on the NinjaAPI (`idempotency_install(api)` in config/api.py) as two
API-wide decorators, not as a middleware: a replay must come after the API key is checked
(a revoked key gets 401, never a stored answer), and only Ninja knows when that is. The
inner one runs after authentication and validation, claims the key or answers the replay;
the outer one sees the rendered response and stores it. The OpenAPI document lists the
header on every POST (`add_idempotency_header`).

A replay is shown to `on_replay` before it is served, so the API that installs the guard
audits it (common sits below compliance and cannot); if the hook fails, the stored answer
is not served. A request refused on the way (422 for another body, 409 in flight) is no
replay and never reaches the hook.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, RawPostDataException
from django.http.response import HttpResponseBase
from ninja import NinjaAPI

from mianshi.common.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    Claim,
    Replay,
    fingerprint,
    idempotency_begin,
    idempotency_finish,
    idempotency_release,
    key_parse,
    scope_of,
)

logger = logging.getLogger(__name__)
ReplayHook = Callable[[HttpRequest, Replay], None]
ATTR = "_mianshi_idempotency"
CHUNK = 64 * 1024
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": (
        "A unique key per intended write (e.g. a UUID). A retry with the same key and body "
        "gets the first response (header Idempotent-Replayed: true) and has no second effect; "
        "the same key with another body answers 422, one still in progress 409. Kept 24 h "
        "per API key."
    ),
}


def _body_parts(request: HttpRequest) -> list[bytes]:
    """The body as hashed: raw bytes, or a multipart form's fields and files (Ninja has
    streamed those already, so the raw body is gone; files are read and rewound)."""
    try:
        return [request.body]
    except RawPostDataException:
        pass
    parts = [f"{k}={v}".encode() for k in sorted(request.POST) for v in request.POST.getlist(k)]
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            parts += [f"{name}:{upload.name}".encode(), *upload.chunks(CHUNK)]
            upload.seek(0)
    return parts


def _claim_or_replay(request: HttpRequest, authorization: str, raw: str) -> Replay | None:
    path = request.get_full_path()
    digest = fingerprint(request.method or "POST", path, _body_parts(request))
    outcome = idempotency_begin(
        scope=scope_of(authorization), key=key_parse(raw), fingerprint=digest
    )
    if isinstance(outcome, Claim):
        setattr(request, ATTR, outcome)
        return None
    return outcome


def guard(on_replay: ReplayHook) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Operation decorator (after auth): claim the key, or answer the stored response once
    `on_replay` has recorded it."""

    def decorate(view_func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view_func)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            raw = request.headers.get(HEADER)
            authorization = request.headers.get("Authorization", "")
            if request.method == "POST" and raw is not None and authorization:
                replayed = _claim_or_replay(request, authorization, raw)
                if replayed is not None:
                    on_replay(request, replayed)
                    return replayed.response
            return view_func(request, *args, **kwargs)

        return run

    return decorate


def keep(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """View decorator (around everything): store the response of a claimed key, or give the
    key back when the request crashed."""

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            held = request.__dict__.pop(ATTR, None)
            if held is not None:
                idempotency_release(held=held)
            raise
        held = request.__dict__.pop(ATTR, None)
        if held is not None:
            _finish(held, response)
        return response

    return wrapped


def _finish(held: Claim, response: HttpResponseBase) -> None:
    """Store the answer; if that fails the work is done all the same, so the client gets
    its answer, and a retry meets the claim in flight (409) until LEASE, not a 500."""
    try:
        idempotency_finish(held=held, response=response)
    except DatabaseError:
        logger.exception("idempotency: could not store the answer of claim %s", held.pk)


def add_idempotency_header(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the Idempotency-Key header on every POST operation."""
    for path_item in schema.get("paths", {}).values():
        operation = path_item.get("post")
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(dict(PARAMETER))
    return schema


def idempotency_install(api: NinjaAPI, *, on_replay: ReplayHook) -> None:
    """Guard every POST of `api` and document the header (call before its urls are built);
    `on_replay(request, replay)` audits each stored answer served again."""
    api.add_decorator(keep, mode="view")
    api.add_decorator(guard(on_replay), mode="operation")
    original = api.get_openapi_schema

    @functools.wraps(original)
    def schema(**kwargs: Any) -> Any:
        return add_idempotency_header(original(**kwargs))

    api.get_openapi_schema = schema  # type: ignore[method-assign]
