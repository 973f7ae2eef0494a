"""Request middleware: one request id per request, and staff sessions that end when idle."""

import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mianshi.common.requestid import bind_request_id

SEEN, STARTED = "mianshi_seen", "mianshi_started"
# The last-seen stamp is written at most this often: a session write on every request
# would cost a database UPDATE per htmx poll for a minute's more precision.
TOUCH_SECONDS = 60


# What a proxy's request id may look like: no spaces, quotes or markup in the audit trail.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    """Make a request id (or take a proxy's, when trusted); echo it in the response.

    Any client can send X-Request-ID, so it is ignored (L4) unless MIANSHI_TRUST_REQUEST_ID
    says a proxy in front sets it, and even then only in a safe format.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = bind_request_id(_trusted_request_id(request))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SessionIdleMiddleware:
    """Sign a session out after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS in all.

    Only signed-in sessions are looked at: candidate pages and the API carry no session, so
    they cost nothing here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            if _expired(session, time.time()):
                logout(request)
                messages.info(request, _("You were signed out after a period without activity."))
            else:
                _touch(session, time.time())
        return self.get_response(request)


def _trusted_request_id(request: HttpRequest) -> str | None:
    if not settings.TRUST_REQUEST_ID:
        return None
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if SAFE_REQUEST_ID.fullmatch(incoming) else None


def _expired(session: SessionBase, now: float) -> bool:
    idle = now - session.get(SEEN, now) > settings.SESSION_IDLE_MINUTES * 60
    return idle or now - session.get(STARTED, now) > settings.SESSION_MAX_HOURS * 3600


def _touch(session: SessionBase, now: float) -> None:
    # setdefault marks the session modified only when the key is missing (a session signed
    # in before the stamp existed): a page that changes nothing writes nothing.
    session.setdefault(STARTED, now)
    if now - session.get(SEEN, 0) >= TOUCH_SECONDS:
        session[SEEN] = now


def session_stamp(*, request: HttpRequest | None = None, **_: Any) -> None:
    """On sign-in (user_logged_in), start both clocks in the session being saved anyway, so
    the first page does not write the session again just to stamp it."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = request.session[SEEN] = now
