"""The results page (综合成绩): the synthesis computed on request, the ranking, the rule
in words, and a named approver's order for candidates the tie-breaks left tied."""

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
from mianshi.recruitment.forms_results import TieDecisionForm
from mianshi.recruitment.models import Post
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.services.results import result_decide_tie, results_compute
from mianshi.recruitment.views.results._common import abilities, act, page_url, post_of, refused


def _prefix(result_id: int) -> str:
    return f"tie-{result_id}"


def _page(request: AuthedHttpRequest, post: Post, bound: TieDecisionForm | None = None,
          status: int = 200) -> HttpResponse:  # fmt: skip
    results = sel.ranking(post=post)
    audit_read(actor=request.user, action="recruitment.results.view", ids=[r.pk for r in results],
               org_unit_id=post.job.org_unit_id, detail={"post": post.pk})  # fmt: skip
    rows = [(r, bound if bound and bound.prefix == _prefix(r.pk) else
             TieDecisionForm(prefix=_prefix(r.pk))) for r in results]  # fmt: skip
    params = Parameters.from_dict(post.plan.parameters)
    context = {
        "post": post, "rows": rows, "page": "results", **abilities(request.user, post),
        "formula": sel.formula_in_words(params), "tie_breaks": sel.tie_breaks_in_words(params),
        "with_extra": params.weight_extra > 0, "decided": [r for r in results if r.decided_at],
    }  # fmt: skip
    return render(request, "recruitment/results/ranking.html", context, status=status)


@login_required
@require_GET
def results(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The ranking of a post's shortlisted candidates, with the synthesis rule in words."""
    return _page(request, post_of(request.user, post_id))


@login_required
@require_POST
def compute(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """Compute (again) the totals and the ranking; the refusal says who or what is missing."""
    post = post_of(request.user, post_id)
    return act(request, page_url("results", post.pk),
               lambda: results_compute(actor=request.user, post=post),
               _("The results were computed."))  # fmt: skip


@login_required
@require_POST
def decide_tie(request: AuthedHttpRequest, result_id: int) -> HttpResponse:
    """A named approver records the order of a tied candidate, with the reason."""
    result = sel.result_get(user=request.user, pk=result_id)
    require_cap(request.user, Cap.OFFERS_APPROVE, result.post.job.org_unit_id)
    form = TieDecisionForm(request.POST, prefix=_prefix(result.pk))
    if form.is_valid():
        try:
            result_decide_tie(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(request, _("The tie decision was recorded."))
            return redirect(page_url("results", result.post_id, "ranking"))
    return _page(request, result.post, form, 400)
