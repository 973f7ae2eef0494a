"""体检 and 考察 (the progress page): candidates advance in rank order up to the headcount,
pass each step, fail with a reason or withdraw, and the 递补 that follows is said on the
page; the hire and the quota (编制) are here too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import selectors_hiring as sel
from mianshi.recruitment.forms_results import FailForm, PassForm, QuotaForm, WithdrawForm
from mianshi.recruitment.models import Post, ResultStatus
from mianshi.recruitment.services import hiring
from mianshi.recruitment.views.results._common import (
    abilities,
    act,
    back_to,
    page_url,
    post_of,
    refused,
)

FailOrWithdraw = FailForm | WithdrawForm


def _forms(result_id: int, bound: FailOrWithdraw | None) -> tuple[FailForm, WithdrawForm]:
    fail, withdraw = FailForm(prefix=f"fail-{result_id}"), WithdrawForm(prefix=f"wd-{result_id}")
    if isinstance(bound, FailForm) and bound.prefix == fail.prefix:
        fail = bound
    if isinstance(bound, WithdrawForm) and bound.prefix == withdraw.prefix:
        withdraw = bound
    return fail, withdraw


def _page(request: AuthedHttpRequest, post: Post, *, bound: FailOrWithdraw | None = None,
          quota: QuotaForm | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    results = sel.ranking(post=post)
    audit_read(actor=request.user, action="recruitment.progress.view", ids=[r.pk for r in results],
               org_unit_id=post.job.org_unit_id, detail={"post": post.pk})  # fmt: skip
    context = {
        "post": post, "page": "progress", **abilities(request.user, post), "S": ResultStatus,
        "rows": [(r, *_forms(r.pk, bound)) for r in results], "places": sel.places(post=post),
        "history": sel.quota_history(post=post), "quota_form": quota or QuotaForm(),
    }  # fmt: skip
    return render(request, "recruitment/results/progress.html", context, status=status)


@login_required
@require_GET
def progress(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The candidates from the ranking through 体检, 考察 and the hire, with the places."""
    return _page(request, post_of(request.user, post_id))


@login_required
@require_POST
def advance(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The best-ranked candidates enter the medical check, up to the free places."""
    post = post_of(request.user, post_id)
    picked = hiring.results_advance(actor=request.user, post=post)
    count = len(picked.entered)
    messages.success(request, _("Candidates who entered the medical check: %(n)s.") % {"n": count})
    if picked.tie_at is not None:
        messages.warning(
            request,
            _(
                "Candidates tied at rank %(rank)s need a recorded tie "
                "decision before they can advance."
            )
            % {"rank": picked.tie_at},
        )
    return redirect(page_url("progress", post.pk))


@login_required
@require_POST
def result_pass(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """体检 or 考察 passed."""
    result = sel.result_get(user=request.user, pk=result_id)
    form = PassForm(request.POST)
    step = form.cleaned_data["step"] if form.is_valid() else str(request.POST.get("step", ""))
    return act(request, page_url("progress", result.post_id),
               lambda: hiring.result_pass(actor=request.user, result=result, step=step),
               _("The step was recorded as passed."))  # fmt: skip


def _leave(request: AuthedHttpRequest, result_id: int, form_class: type[FailOrWithdraw]
           ) -> HttpResponse:  # fmt: skip
    result = sel.result_get(user=request.user, pk=result_id)
    require_cap(request.user, Cap.CANDIDATES_MANAGE, result.post.job.org_unit_id)
    prefix = "fail" if form_class is FailForm else "wd"
    form = form_class(request.POST, prefix=f"{prefix}-{result.pk}")
    if form.is_valid():
        service = hiring.result_fail if form_class is FailForm else hiring.result_withdraw
        try:
            outcome = service(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(request, outcome.message)
            return redirect(page_url("progress", result.post_id))
    return _page(request, result.post, bound=form, status=400)


@login_required
@require_POST
def result_fail(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """The candidate did not pass 体检 or 考察: out with the reason, 递补 follows."""
    return _leave(request, result_id, FailForm)


@login_required
@require_POST
def result_withdraw(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """The candidate gives up (放弃): out, 递补 follows."""
    return _leave(request, result_id, WithdrawForm)


@login_required
@require_POST
def hire(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """聘用 after the 公示 window; over the quota the candidate goes to the reserve."""
    result = sel.result_get(user=request.user, pk=result_id)
    back = back_to(request, result.post_id, "progress")
    try:
        hired = hiring.recruitment_hire(actor=request.user, result=result)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if hired.status == ResultStatus.RESERVE:
            messages.warning(request, hired.status_reason)
        else:
            messages.success(request, _("The candidate was hired."))
    return redirect(back)


@login_required
@require_POST
def quota(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """A named approver changes the post's headcount (编制), with the reason."""
    post = post_of(request.user, post_id)
    require_cap(request.user, Cap.OFFERS_APPROVE, post.job.org_unit_id)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            hiring.quota_change(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(request, _("The headcount was changed."))
            return redirect(page_url("progress", post.pk, "quota"))
    return _page(request, post, quota=form, status=400)
