"""The candidate profile (issue 14): one page with a header, the identity masked by default,
tabs, and the audited reveal of one identifier."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates import profile
from mianshi.candidates import selectors as sel
from mianshi.candidates.forms import RevealForm
from mianshi.candidates.services import erasure
from mianshi.candidates.services.identifiers import candidate_identifier_reveal
from mianshi.candidates.views._common import _audit_view, _back


@login_required
def candidate_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The profile: a header (stages, best score, tags), the identity with identifiers
    masked, tabs for applications, interviews, résumé, notes and history, a danger zone."""
    detail = sel.candidate_detail(user=request.user, pk=pk)
    # Masked whoever reads: showing one in full is its own audited request (reveal).
    _audit_view(request, detail["candidate"], full=False, page="detail")
    return _profile(request, detail, revealed={})


@login_required
@require_POST
def candidate_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Show one identifier in full, for a stated reason (audited; 403 without the right)."""
    candidate = sel.candidate_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you need to see it."))
        return redirect(_back(pk))
    field = form.cleaned_data["field"]
    value = candidate_identifier_reveal(
        actor=request.user, candidate=candidate, field=field, reason=form.cleaned_data["reason"]
    )
    detail = sel.candidate_detail(user=request.user, pk=pk)
    return _profile(request, detail, revealed={field: value})


def _profile(
    request: AuthedHttpRequest, detail: dict[str, Any], revealed: dict[str, str]
) -> HttpResponse:
    candidate, apps = detail["candidate"], detail["applications"]
    return render(
        request,
        "candidates/candidate_detail.html",
        {
            **detail,
            "ids": {**sel.identifiers(candidate=candidate, full=False), **revealed},
            "revealed": revealed,
            "can_reveal": detail["full_identifiers"],
            "reveal_form": RevealForm(),
            "stages": profile.stage_badges(apps),
            "best": profile.best_score(apps),
            "history": profile.history(apps),
            "jobs": sel.jobs_for_applications(user=request.user).filter(status="open"),
            "interviewers": sel.interviewers_for(user=request.user),
            "can_erase": erasure.offers_erasure(request.user, candidate),
            # Only asked of those who see the danger zone: the delete it would refuse is
            # not offered.
            "deletable": detail["can_manage"]
            and not sel.has_interview_records(candidate=candidate),
        },
    )
