"""The candidate's public pages of an invitation: link problems and the status page (F-33).

No login: the token in the URL is the key. The pages name the employer and the job, never
other personal data, and answer with honest HTTP codes (404 unknown, 410 no longer valid).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from mianshi.common.zoned import CANDIDATE_ZONE
from mianshi.invitations.models import Invitation, InvitationKind, InvitationStatus
from mianshi.invitations.selectors import invitation_by_token, progress
from mianshi.invitations.services import invitation_token, organisation_label
from mianshi.invitations.status_sections import sections_for


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    response = TemplateResponse(request, template, context, status=status)
    # The token is in the URL: no referrer to other sites. Not "no-referrer": that makes
    # the browser send "Origin: null" with our own forms and CSRF refuses the language switch.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    # Deadlines are stated in Beijing time, as in the e-mail.
    with timezone.override(CANDIDATE_ZONE):
        return response.render()


def _about(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "job_title": invitation.application.job.title,
        "org_name": organisation_label(invitation.org_unit),
    }


def _problem(invitation: Invitation | None) -> tuple[str, str, int] | None:
    """(title, explanation, HTTP status) of a link that may not open the interview."""
    if invitation is None:
        return (
            _("This link is not valid"),
            _("Please check that you copied the whole link from the invitation e-mail."),
            404,
        )
    if invitation.status == InvitationStatus.SUPERSEDED:
        return (
            _("This invitation was replaced"),
            _("A newer invitation was sent to you. Please use the link in the most recent e-mail."),
            410,
        )
    if invitation.status == InvitationStatus.REVOKED:
        return (_("This invitation was withdrawn"), _("The link can no longer be used."), 410)
    if invitation.status != InvitationStatus.COMPLETED and invitation.is_expired:
        return (
            _("This invitation has expired"),
            _("The time to take the interview is over."),
            410,
        )
    return None


def link_problem(request: HttpRequest, invitation: Invitation | None) -> HttpResponse | None:
    """A clear page when the link may not open the recording flow (None when it may).

    Unknown → 404; replaced, withdrawn or expired → 410 with whom to contact; already
    completed → 200 with a link to the status page.
    """
    problem = _problem(invitation)
    if problem is not None:
        title, text, status = problem
        context = {"title": title, "text": text, **(_about(invitation) if invitation else {})}
        return _page(request, "invitations/public/problem.html", context, status)
    assert invitation is not None
    if invitation.status == InvitationStatus.COMPLETED:
        token = invitation_token(invitation)
        context = {**_about(invitation), "status_url": reverse("candidate:status", args=[token])}
        return _page(request, "invitations/public/completed.html", context, 200)
    return None


def _next_step(invitation: Invitation, done: int, uploading: bool) -> str:
    """Which "what next" text the status page shows."""
    if invitation.status == InvitationStatus.COMPLETED:
        return "uploading" if uploading else "review"
    return "continue" if done or invitation.status == InvitationStatus.STARTED else "start"


@never_cache
def status_page(request: HttpRequest, token: str) -> HttpResponse:
    """Where am I, what is next, until when (F-33); works for closed links too."""
    invitation = invitation_by_token(token)
    if invitation is None or _problem(invitation) is not None:
        return link_problem(request, invitation) or HttpResponse(status=404)
    info = progress(invitation)
    context = {
        **_about(invitation),
        "progress": info,
        "percent": round(100 * info.done / info.total) if info.total else 0,
        "step": _next_step(invitation, info.done, info.uploading),
        "interview_url": reverse("candidate:interview", args=[token]),
        "re_record": invitation.kind == InvitationKind.RE_RECORD,
        "sections": sections_for(invitation.application),
    }
    return _page(request, "invitations/public/status.html", context, 200)
