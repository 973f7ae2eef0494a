"""The candidate list with its filters, and its bulk bar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates import selectors as sel
from mianshi.candidates import services as svc
from mianshi.candidates.forms import BulkForm
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.responses import csv_response
from mianshi.candidates.views._common import _act, _int
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap


def _audit_list(request: AuthedHttpRequest, page: sel.CandidatePage, q: str) -> None:
    """One event per list page: the ids shown and a search's kind, never the term."""
    detail: dict[str, Any] = {"page": page.number}
    if kind := sel.search_kind(q):
        detail["search"] = kind
    ids = [c.pk for c in page.rows]
    audit_read(actor=request.user, action="candidate.list", ids=ids, detail=detail)


def _filters(request: HttpRequest) -> sel.CandidateFilters:
    stage = request.GET.get("stage", "")
    return sel.CandidateFilters(
        q=request.GET.get("q", "")[:100],
        job=_int(request.GET.get("job")),
        stage=stage if stage in Stage.values else "",
        unit=_int(request.GET.get("unit")),
        tag=request.GET.get("tag", "")[:40],
    )


@login_required
def candidate_list(request: AuthedHttpRequest) -> HttpResponse:
    """Search, filter and page through visible candidates; the bulk bar acts on applications."""
    if not has_cap(request.user, Cap.CANDIDATES_VIEW):
        raise PermissionDenied
    filters = _filters(request)
    page = sel.candidate_page(
        user=request.user, filters=filters, number=_int(request.GET.get("page")) or 1
    )
    _audit_list(request, page, filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "candidates/candidate_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "jobs": sel.jobs_visible(user=request.user),
            "units": sel.units_visible(user=request.user),
            "tags": sel.tag_list(),
            "stages": Stage.choices,
            "interviewers": sel.interviewers_for(user=request.user),
            "bulk": BulkForm(),
            "can_manage": has_cap(request.user, Cap.CANDIDATES_MANAGE),
            "full_units": sel.units_for(request.user, Cap.CANDIDATES_MANAGE),
        },
    )


@login_required
@require_POST
def bulk(request: AuthedHttpRequest) -> HttpResponse:
    """The list's bulk bar: one all-or-nothing service call, or a CSV export."""
    back = safe_next(request, reverse("candidates:candidate_list"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == "invite":
        # Invitations sit above this app: their view invites (307 re-posts the same form).
        return HttpResponseRedirect(reverse("invitations:bulk_invite"), preserve_request=True)
    if data["action"] == "export":
        try:
            rows = svc.applications_export(actor=request.user, application_ids=data["application"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        return csv_response(rows)
    return _act(
        request,
        back,
        lambda: svc.applications_bulk_action(
            actor=request.user,
            action=data["action"],
            application_ids=data["application"],
            to_stage=data["to_stage"] or None,
            reason=data["reason"],
            tag=data["tag"],
            interviewer_id=data["interviewer"],
        ),
        _("Done: the action was applied to every selected application."),
    )
