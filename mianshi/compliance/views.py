"""Auditor UI: the filterable, paginated audit trail (F-100)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.compliance.actions import action_choices
from mianshi.compliance.forms import EventFilterForm
from mianshi.compliance.selectors import event_list as select_events
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    if not has_cap(request.user, Cap.AUDIT_VIEW):
        raise PermissionDenied
    filters = EventFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    events = select_events(user=request.user, **{k: v for k, v in data.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # The auditor's own reads are part of the trail (F-100).
    ids = [e.pk for e in page]
    audit_read(actor=request.user, action="audit.list", ids=ids, detail={"page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "compliance/event_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "action_choices": action_choices(),
        },
    )
