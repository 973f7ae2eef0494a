"""Last line of defence against input the database cannot store: answer 4xx, never 500.

NUL characters are refused by PostgreSQL text columns and integers beyond 64 bits by every
database. Forms and schemas validate what they know; this guard covers every other path
(free-text filters, ids in query strings) in one place for the UI and the API alike.
"""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

_NUL_JSON = (b"\\u0000", b"\\U0000")
CANDIDATE_PREFIX = "/i/"  # the candidate's pages and API: a token in the path, no session


def refusal(request: HttpRequest, message: str) -> HttpResponse:
    """422 in the error shape of the API concerned (HR or candidate), a plain 400 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": [{"loc": [], "msg": message}]}, status=422)
    if request.path.startswith("/i/api/"):
        return JsonResponse({"detail": message, "code": "invalid"}, status=422)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _has_nul(request: HttpRequest) -> bool:
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = request.body
        return b"\x00" in body or any(marker in body for marker in _NUL_JSON)
    if content_type == "multipart/form-data" and request.path.startswith(CANDIDATE_PREFIX):
        # A candidate's file answer: unauthenticated, so its size is checked by the endpoint
        # before anything parses (and spools) the body; its only text is the encrypted name.
        return False
    if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        # Text fields only: uploaded files may hold any byte.
        return any("\x00" in value for _, values in request.POST.lists() for value in values)
    return False


class InputGuardMiddleware:
    """Refuses NUL characters up front and turns out-of-range values into a clear 4xx."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return refusal(
                request, _("The request contains a NUL character, which is not allowed.")
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, OverflowError | DataError):
            return refusal(request, out_of_range_message())
        return None


def out_of_range_message() -> str:
    return _("A value in the request is out of range or malformed.")
