"""Request id middleware: every request and its audit events share one id."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mianshi.common.requestid import bind_request_id


class RequestIdMiddleware:
    """Take X-Request-ID from a trusted proxy or make one; echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = bind_request_id(incoming if incoming.isascii() and incoming else None)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
