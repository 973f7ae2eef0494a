"""报名 pages: an announced plan's posts with the application form, the confirmation with the
报名号, and the applicant's status through a signed link.

Outside the application window the plan's page still answers 200 with when applications
open or closed (a published link must not break) and the form is not offered; a submission
then is refused by the service like any other. The pages that carry a token are not cached,
not indexed and keep the token out of other sites' referrers, as the candidate's pages do.

Every POST counts towards settings.APPLY_LIMIT_PER_HOUR per client address and hour
(common/ratelimit, counted in the database so that it holds across web processes): the form
creates candidate records without a login and tells whether an ID number has applied.
Beyond it the page answers 429 with what was typed and nothing is saved. A refused form
counts too, so that guessing ID numbers costs as much as applying.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mianshi.common.ratelimit import client_address, hit, retry_after
from mianshi.invitations.services import organisation_label
from mianshi.invitations.status_sections import sections_for
from mianshi.jobs.forms import add_service_errors
from mianshi.recruitment import selectors_apply as sel
from mianshi.recruitment.forms_apply import ApplyForm
from mianshi.recruitment.selectors import Phase, plan_status_on
from mianshi.recruitment.services.applying import (
    application_submit,
    apply_notice,
    apply_number,
)

APPLY_WINDOW = dt.timedelta(hours=1)
APPLY_SCOPE = "recruitment.apply"


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
          ) -> HttpResponse:  # fmt: skip
    response = TemplateResponse(request, template, context, status=status)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response.render()


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's open posts and, while applications are open, the form (报名)."""
    plan = sel.public_plan(pk=pk)
    phase = plan_status_on(plan, timezone.localdate())
    posts = sel.open_posts(plan=plan)
    notice = apply_notice(translation.get_language() or "")
    form = ApplyForm(request.POST or None, posts=posts, notice=notice)
    limited = request.method == "POST" and not _allowed(request)
    if limited:
        form.add_error(None, _("Too many applications were sent from your network in the last "
                               "hour. Please try again later; nothing was saved."))  # fmt: skip
    elif request.method == "POST" and phase == Phase.OPEN and form.is_valid():
        try:
            application = application_submit(
                plan=plan, post_id=form.cleaned_data["post"], applicant=form.applicant(),
                facts=form.facts(), consent=form.cleaned_data["consent"],
                language=translation.get_language() or "",
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            token = sel.status_token(application_id=application.pk)
            return redirect("recruitment:apply_received", token=token)
    context = {"plan": plan, "org_name": organisation_label(plan.org_unit), "posts": posts,
               "phase": phase, "form": form if phase == Phase.OPEN else None}  # fmt: skip
    return _answer(request, context, 429 if limited else 400 if form.is_bound else 200)


def _allowed(request: HttpRequest) -> bool:
    key = client_address(request)
    return hit(APPLY_SCOPE, key, limit=settings.APPLY_LIMIT_PER_HOUR, window=APPLY_WINDOW)


def _answer(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    """The plan's page: 200, 400 with a refused form, 429 beyond the rate limit."""
    response = _page(request, "recruitment/apply/apply.html", context, status)
    if status == 429:
        response["Retry-After"] = str(retry_after(APPLY_WINDOW))
    return response


def _about(request: HttpRequest, token: str) -> dict[str, Any] | HttpResponse:
    application = sel.application_by_token(token)
    if application is None:
        return _page(request, "recruitment/apply/unknown.html", {}, 404)
    post = sel.post_of(application)
    number = apply_number(post_code=post.code, application_id=application.pk)
    return {"application": application, "post": post, "plan": post.plan, "number": number,
            "org_name": organisation_label(post.plan.org_unit), "token": token}  # fmt: skip


@never_cache
@require_GET
def received(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: the 报名号 and the link to come back to."""
    about = _about(request, token)
    if isinstance(about, HttpResponse):
        return about
    return _page(request, "recruitment/apply/received.html", about)


@never_cache
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    """Where the application stands: the sections the candidate status page shows."""
    about = _about(request, token)
    if isinstance(about, HttpResponse):
        return about
    context = about | {"sections": sections_for(about["application"])}
    return _page(request, "recruitment/apply/status.html", context)
