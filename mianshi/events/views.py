"""The event catalogue page: what receivers (webhooks, connectors, the event feed) get."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mianshi.events.publishing import public_types


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every public type with its meaning, an example and its schema (no tenant data)."""
    return render(request, "events/catalogue.html", {"types": public_types()})
