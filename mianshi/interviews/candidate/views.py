"""The candidate's interview page (F-40): one page, the recorder app runs in it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from mianshi.interviews import selectors as sel
from mianshi.interviews import services as svc
from mianshi.invitations.public_views import link_problem
from mianshi.invitations.selectors import invitation_by_token


@never_cache
def interview_page(request: HttpRequest, token: str) -> HttpResponse:
    """The recorder page with its state inlined, or the invitations app's page for a link
    that may not open it (unknown, expired, withdrawn, replaced, completed)."""
    invitation = invitation_by_token(token)
    problem = link_problem(request, invitation)
    if problem is not None or invitation is None:
        return problem or HttpResponse(status=404)
    session = svc.session_open(invitation=invitation)
    language = translation.get_language()
    svc.session_visit(
        session=session, language=language, user_agent=request.headers.get("User-Agent", "")
    )
    bootstrap = sel.candidate_state(
        session=session, invitation=invitation, token=token, language=language
    )
    context = {
        "token": token,
        "api_base": f"{reverse('candidate:candidate_api:api-root')}{token}/",
        "tus_endpoint": bootstrap["tus"]["endpoint"],
        "status_url": reverse("candidate:status", args=[token]),
        "job_title": bootstrap["invitation"]["job_title"],
        "org_name": bootstrap["invitation"]["org_name"],
        "deadline": invitation.expires_at,
        "bootstrap": bootstrap,
    }
    response = render(request, "interviews/candidate/interview.html", context)
    # The token is in the URL: no referrer to other sites. Not "no-referrer": that makes
    # the browser send "Origin: null" with our own forms and CSRF refuses the language switch.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
