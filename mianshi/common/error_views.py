"""The 400/403/404/500 pages: translated and in the product's frame (issue 14).

Django's defaults are bare English ("Not Found"). Ours extend the staff base template, or
the candidate's under /i/, where a candidate must not meet the staff menu. The 500 page is
rendered without the request's context processors: the error may be the database itself,
so it must not read the session, the user or the navigation (all three query).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.template.response import TemplateResponse

CANDIDATE_PREFIX = "/i/"
# An API client gets JSON in the API's own shape ({"detail": …}), not a page.
API_PREFIXES = ("/api/", "/i/api/")
API_DETAIL = {400: "Bad request", 403: "Forbidden", 404: "Not Found", 500: "Server error"}


def _base(request: HttpRequest) -> str:
    return "candidate_base.html" if request.path.startswith(CANDIDATE_PREFIX) else "base.html"


def _api(request: HttpRequest, status: int) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIXES):
        return None
    return JsonResponse({"detail": API_DETAIL[status]}, status=status)


def _page(request: HttpRequest, status: int) -> HttpResponse:
    api = _api(request, status)
    if api is not None:
        return api
    context = {"base_template": _base(request), "candidate": _base(request) != "base.html"}
    return TemplateResponse(request, f"{status}.html", context, status=status).render()


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No RequestContext: no user, session or navigation; the CSRF token is a cookie, not a
    query, so the language switch still works."""
    api = _api(request, 500)
    if api is not None:
        return api
    context = {
        "base_template": _base(request),
        "candidate": _base(request) != "base.html",
        "request": request,
        "csrf_token": get_token(request),
    }
    body = loader.get_template("500.html").render(context)
    return HttpResponse(body, status=500)
