"""HR pages of invitations (thin: parse, call a service or selector, render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates import selectors as candidate_sel
from mianshi.candidates.forms import BulkForm
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
from mianshi.compliance.services import audit_read
from mianshi.invitations import selectors as sel
from mianshi.invitations import services as svc
from mianshi.invitations.forms import ChannelsForm, FilterForm, InviteForm
from mianshi.invitations.models import Invitation
from mianshi.organisations.scoping import has_cap


def _candidate_url(invitation_or_app: Any) -> str:
    application = getattr(invitation_or_app, "application", invitation_or_app)
    return reverse("candidates:candidate_detail", args=[application.candidate_id])


def _refusal(exc: Exception) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)  # type: ignore[attr-defined]


@login_required
def invitation_list(request: AuthedHttpRequest) -> HttpResponse:
    """Scoped list with job/status/kind filters and per-row tracking and actions."""
    if not has_cap(request.user, Cap.CANDIDATES_VIEW):
        raise PermissionDenied
    form = FilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = sel.InvitationFilters(
        job=data.get("job"), status=data.get("status", ""), kind=data.get("kind", "")
    )
    page = Paginator(sel.invitation_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    for invitation in page:
        invitation.shown_status = sel.display_status(invitation)  # type: ignore[attr-defined]
    ids = [i.pk for i in page]
    detail = {"page": page.number}
    audit_read(actor=request.user, action="invitation.list", ids=ids, detail=detail)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "invitations/invitation_list.html",
        {
            "page": page,
            "filters": form,
            "query": query.urlencode(),
            "jobs": sel.job_choices(user=request.user),
            "manageable": set(
                sel.manageable_invitations(request.user)
                .filter(pk__in=[i.pk for i in page])
                .values_list("pk", flat=True)
            ),
        },
    )


def _result(request: HttpRequest, invitation: Invitation, token: str, title: str) -> HttpResponse:
    """The page showing the link once, to copy (it is not stored in clear anywhere)."""
    return render(
        request,
        "invitations/invite_done.html",
        {
            "title": title,
            "invitation": invitation,
            "link": svc.invitation_link(invitation, token),
            "candidate_url": _candidate_url(invitation),
        },
    )


def _attempt(request: HttpRequest, back: str, action: Callable[[], HttpResponse]) -> HttpResponse:
    """Run a service call; a refusal becomes a message on the page we came from."""
    try:
        return action()
    except (ValidationError, DomainError) as exc:
        messages.error(request, _refusal(exc))
        return redirect(back)


@login_required
@require_POST
def bulk_invite(request: AuthedHttpRequest) -> HttpResponse:
    """The candidate list's bulk bar, "invite": every selected application or none (its
    bulk view hands this action here, the app that invites)."""
    back = safe_next(request, reverse("candidates:candidate_list"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)

    def act() -> HttpResponse:
        ids = form.cleaned_data["application"]
        svc.invitation_bulk_create_send(actor=request.user, applications=ids)
        messages.success(request, _("Done: the action was applied to every selected application."))
        return redirect(back)

    return _attempt(request, back, act)


@login_required
@require_POST
def invite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The invite panel: create the invitation, send it, show the link to copy."""
    application = candidate_sel.application_for_write(user=request.user, pk=pk)
    back = _candidate_url(application)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)

    def act() -> HttpResponse:
        invitation, token = svc.invitation_create_send(
            actor=request.user,
            application=application,
            expires_hours=form.cleaned_data["expires_hours"],
            instructions=form.cleaned_data["instructions"],
            channels=form.cleaned_data["channels"],
        )
        return _result(request, invitation, token, _("Invitation sent"))

    return _attempt(request, back, act)


@login_required
@require_POST
def resend(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Send the same link again and show it."""
    invitation = sel.invitation_for_write(user=request.user, pk=pk)
    form = ChannelsForm(request.POST)
    names = form.names() if form.is_valid() else ["email"]

    def act() -> HttpResponse:
        token = svc.invitation_resend(actor=request.user, invitation=invitation, channels=names)
        return _result(request, invitation, token, _("Invitation sent again"))

    return _attempt(request, safe_next(request, reverse("invitations:invitation_list")), act)


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw the link."""
    invitation = sel.invitation_for_write(user=request.user, pk=pk)
    back = safe_next(request, reverse("invitations:invitation_list"))

    def act() -> HttpResponse:
        svc.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(
            request, _("Invitation withdrawn: the link no longer opens the interview.")
        )
        return redirect(back)

    return _attempt(request, back, act)


@login_required
@require_POST
def reinvite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One click: a re-record invitation for the failed questions, sent at once."""
    application = candidate_sel.application_for_write(user=request.user, pk=pk)
    back = safe_next(request, _candidate_url(application))
    reason = request.POST.get("reason", "")[:500]

    def act() -> HttpResponse:
        svc.invitation_reinvite(actor=request.user, application=application, reason=reason)
        messages.success(request, _("Re-record invitation sent."))
        return redirect(back)

    return _attempt(request, back, act)
