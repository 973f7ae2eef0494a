"""Placeholder: the candidate status page (owned by the invitations work)."""

from django.http import Http404, HttpRequest, HttpResponse


def status_page(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
