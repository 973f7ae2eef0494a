"""Chinese first: the UI ignores the browser's Accept-Language unless configured to honour it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    """Runs before LocaleMiddleware. zh-Hans is the product's primary language, so a staff
    member on an English-language browser still gets Chinese until they switch (the choice
    is kept in the language cookie). The API keeps Accept-Language for integrators."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.HONOUR_BROWSER_LANGUAGE and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
