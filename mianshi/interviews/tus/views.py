"""Placeholder: the tus 1.0 endpoint (owned by the upload work)."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse


def collection(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def resource(request: HttpRequest, token: str, upload_id: UUID) -> HttpResponse:
    raise Http404
