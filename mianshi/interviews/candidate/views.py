"""Placeholder: the candidate page (owned by the candidate-flow work)."""

from django.http import Http404, HttpRequest, HttpResponse


def interview_page(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
