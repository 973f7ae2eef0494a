"""The review queue and the workbench (F-70): one screen per interview.

Thin: parse, call a selector or a service, render. Refusals from services come back as the
page re-rendered with the translated message (status 400), never a 500; the rating and
decision forms keep what the reviewer typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap
from mianshi.reviews.selectors import queue as q
from mianshi.reviews.selectors.page import (
    feedback_fields,
    workbench_analysis,
    workbench_page,
)
from mianshi.reviews.selectors.workbench import (
    answer_for_review,
    review_session,
    workbench_session,
)
from mianshi.reviews.services import decisions as decision_svc
from mianshi.reviews.services import ratings as rating_svc
from mianshi.reviews.services.read_audit import feedback_draft_audit
from mianshi.reviews.services.rerun import analysis_rerun as rerun_svc


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    """Field → messages; errors of the whole form under "form" (templates cannot read
    Django's "__all__")."""
    if not hasattr(exc, "error_dict"):
        return {"form": [str(m) for m in exc.messages]}
    return {
        "form" if k == NON_FIELD_ERRORS else k: [str(m) for m in v]
        for k, v in exc.message_dict.items()
    }


@login_required
@require_GET
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    """Interviews to review: filters by job, "waiting for my rating" and needs-review."""
    if not has_cap(request.user, Cap.CANDIDATES_VIEW):
        raise PermissionDenied
    filters = q.QueueFilters(
        job=_int(request.GET.get("job")),
        mine=request.GET.get("mine") == "1",
        review=request.GET.get("review") == "1",
    )
    page = q.review_queue_page(
        user=request.user, filters=filters, number=_int(request.GET.get("page")) or 1
    )
    ids = [row.session.pk for row in page.rows]
    audit_read(
        actor=request.user, action="interview_session.list", ids=ids,
        detail={"page": page.number},
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    context["jobs"] = q.queue_jobs(user=request.user)
    return render(request, "reviews/queue.html", context)


@login_required
@require_GET
def workbench(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The one-screen review of an interview."""
    session = workbench_session(user=request.user, session_id=session_id)
    detail = {"page": "workbench"}
    audit_read(actor=request.user, action="interview_session.view", obj=session, detail=detail)
    return render(
        request, "reviews/workbench.html", workbench_page(user=request.user, session=session)
    )


@login_required
@require_GET
def analysis_panel(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The analysis status panel alone: what htmx polls while runs are queued or running."""
    session = workbench_session(user=request.user, session_id=session_id)
    context = workbench_analysis(user=request.user, session=session)
    audit_read(
        actor=request.user, action="interview_session.view", obj=session,
        detail={"page": "analysis"}, polled=True,
    )  # fmt: skip
    context["was_pending"] = request.GET.get("was_pending") == "1"
    return render(request, "reviews/_analysis.html", context)


def _again(
    request: AuthedHttpRequest, session: Any, status: int = 400, **extra: Any
) -> HttpResponse:
    """The workbench again with a form's errors and the values the reviewer sent."""
    context = workbench_page(user=request.user, session=session, **extra)
    return render(request, "reviews/workbench.html", context, status=status)


def _rating_input(post: Any) -> tuple[dict[str, str], dict[str, str]]:
    scores = {k[6:]: v for k, v in post.items() if k.startswith("score_") and len(k) > 6}
    reasons = {k[7:]: v for k, v in post.items() if k.startswith("reason_") and len(k) > 7}
    return scores, reasons


@login_required
@require_POST
def rating_save(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """Save the reviewer's rating as a draft, submit it, or decline to rate
    (action=save|submit|decline)."""
    session = workbench_session(user=request.user, session_id=session_id)
    if request.POST.get("action") == "decline":
        return _decline(request, session)
    scores, reasons = _rating_input(request.POST)
    submit = request.POST.get("action") == "submit"
    try:
        rating_svc.rating_save(
            actor=request.user, session=session, scores=scores, reasons=reasons,
            comment=request.POST.get("comment", ""), submit=submit,
        )  # fmt: skip
    except ValidationError as exc:
        return _again(request, session, rating_errors=_errors(exc), rating_post=request.POST)
    done = _("Your rating was submitted.") if submit else _("Your rating was saved as a draft.")
    messages.success(request, done)
    return redirect(reverse("reviews:workbench", args=[session.pk]) + "#rating")


def _decline(request: AuthedHttpRequest, session: Any) -> HttpResponse:
    try:
        rating_svc.rating_decline(
            actor=request.user, session=session, reason=request.POST.get("decline_reason", "")
        )
    except ValidationError as exc:
        return _again(request, session, rating_errors=_errors(exc), rating_post=request.POST)
    messages.success(request, _("You do not rate this interview; the other ratings are shown."))
    return redirect(reverse("reviews:workbench", args=[session.pk]) + "#rating")


def _optional(post: Any, name: str) -> str | None:
    """An edited feedback field, or None (the service then uses its own draft)."""
    value = str(post.get(name, ""))
    return value if value.strip() else None


@login_required
@require_POST
def decision_make(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """A person's decision on the application after this interview."""
    session = workbench_session(user=request.user, session_id=session_id)
    post = request.POST
    try:
        decision_svc.decision_make(
            actor=request.user, application=session.application, session=session,
            kind=post.get("kind", ""), reason=post.get("reason", ""),
            send_feedback="send_feedback" in post,
            feedback_subject=_optional(post, "feedback_subject"),
            feedback_body=_optional(post, "feedback_body"),
        )  # fmt: skip
    except ValidationError as exc:
        return _again(request, session, decision_errors=_errors(exc), decision_post=post)
    except DomainError as exc:
        errors = {"form": [exc.message]}
        return _again(request, session, exc.status, decision_errors=errors, decision_post=post)
    messages.success(request, _("The decision was recorded."))
    return redirect(reverse("reviews:workbench", args=[session.pk]) + "#decision")


@login_required
@require_GET
def feedback_draft(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The feedback fields drafted for the chosen kind of decision (htmx swaps them in)."""
    session = review_session(user=request.user, session_id=session_id)
    context = feedback_fields(user=request.user, session=session, kind=request.GET.get("kind", ""))
    fields = context["fields"]
    feedback_draft_audit(
        actor=request.user, application=session.application, session=session,
        drafted=bool(fields.get("subject") or fields.get("body")),
    )  # fmt: skip
    return render(request, "reviews/_feedback_fields.html", context)


@login_required
@require_POST
def analysis_rerun(request: AuthedHttpRequest, answer_id: int) -> HttpResponse:
    """HR queues a fresh analysis of one answer; earlier runs and results stay."""
    answer = answer_for_review(user=request.user, answer_id=answer_id)
    try:
        rerun_svc(actor=request.user, answer=answer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Question %(n)s is queued for a new analysis.") % {"n": answer.position},
        )
    return redirect(reverse("reviews:workbench", args=[answer.session_id]) + "#analysis")
