"""Helpers shared by the jobs pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.errors import DomainError
from mianshi.jobs import selectors

PAGE_SIZE = 25


def page_of(request: HttpRequest, qs: QuerySet[Any]) -> Page[Any]:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def require_manage(user: Actor, obj: Any = None) -> None:
    """403 for a page that changes `obj` (or creates anything) without JOBS_MANAGE there."""
    allowed = (
        selectors.can_manage(user=user, obj=obj)
        if obj is not None
        else (selectors.manageable_units(user=user).exists())
    )
    if not allowed:
        raise PermissionDenied(_("You may not manage jobs and question banks of this unit."))


def delete_with(request: HttpRequest, delete: Any, done: str, back: str) -> HttpResponse:
    """Run a delete service; a refusal (in use) becomes a message on the object's page."""
    try:
        delete()
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))  # type: ignore[union-attr]
        return redirect(back)
    messages.success(request, _("Deleted."))
    return redirect(done)


def querystring(request: HttpRequest) -> str:
    """The current filters without the page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
