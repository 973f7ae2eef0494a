"""Post pages: adding a post to a draft plan, its rules, and the post's page (header,
rules in words, the procedure's steps, the opening ratio and the named decision below it,
the screening table)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read
from mianshi.jobs.forms import add_service_errors
from mianshi.recruitment import selectors as sel
from mianshi.recruitment import selectors_plan_pages as pages
from mianshi.recruitment.forms_plans import DecisionForm, PostForm, RulesForm
from mianshi.recruitment.idcard import region_name
from mianshi.recruitment.models import Post, PostStatus
from mianshi.recruitment.qualification import (
    Degree,
    EducationLevel,
    PoliticalStatus,
    PostRules,
)
from mianshi.recruitment.qualification.choices import choice_label
from mianshi.recruitment.services.plans import post_create, post_update_rules
from mianshi.recruitment.services.screening import post_opening_check, post_ratio_decide

PAGE_SIZE = 50
# The procedure's steps (人事部令第6号's order) and the page of each; a step whose page
# does not exist yet is listed without a link.
STEPS = [
    (gettext_lazy("Qualification review (资格审查)"), "recruitment:post_detail"),
    (gettext_lazy("Written examination (笔试)"), "recruitment:written"),
    (gettext_lazy("Interview shortlist"), "recruitment:shortlist"),
    (gettext_lazy("Examiners"), "recruitment:examiners"),
    (gettext_lazy("Examiner panels and 回避"), "recruitment:panels"),
    (gettext_lazy("Interview marks"), "recruitment:marks"),
    (gettext_lazy("Total scores and ranking"), "recruitment:results"),
    (gettext_lazy("Medical examination and 考察"), "recruitment:progress"),
    (gettext_lazy("Publication (公示)"), "recruitment:publication"),
    (gettext_lazy("Hiring (聘用)"), "recruitment:progress"),
]


def _label(choices: type[TextChoices], code: str) -> str:
    return choice_label(choices, code) if code in choices.values else code


def _row(application: Application) -> dict[str, Any]:
    """One applicant of the screening table: facts as labels, the verdict and its reasons."""
    facts = getattr(application, "facts", None)
    screening = getattr(application, "screening", None)
    row: dict[str, Any] = {"application": application, "facts": facts, "screening": screening}
    if facts is not None:
        row |= {
            "education": _label(EducationLevel, facts.education),
            "degree": _label(Degree, facts.degree),
            "political": _label(PoliticalStatus, facts.political_status),
            "household": region_name(facts.declared_household),
        }
    return row


def _steps(post: Post) -> list[dict[str, Any]]:
    steps = []
    for label, name in STEPS:
        try:
            url = reverse(name, args=[post.pk])
        except NoReverseMatch:
            url = ""
        steps.append({"label": label, "url": url})
    return steps


@login_required
@require_http_methods(["GET", "POST"])
def post_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An open job of the plan's units becomes a post with a code and rules."""
    plan = sel.plan_get(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.JOBS_MANAGE, plan.org_unit_id):
        raise PermissionDenied
    form = PostForm(request.POST or None, jobs=pages.jobs_for_posts(user=request.user, plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            post = post_create(
                actor=request.user,
                plan=plan,
                job=form.cleaned_data["job"],
                code=form.cleaned_data["code"],
                rules=form.rules(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The post was added to the plan."))
            return redirect("recruitment:post_detail", pk=post.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "plan": plan}
    return render(request, "recruitment/plans/post_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_rules(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A post's qualification rules, until applications open."""
    post = sel.post_get(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.JOBS_MANAGE, post.job.org_unit_id):
        raise PermissionDenied
    form = RulesForm(request.POST or None, initial=RulesForm.initial_from(post.rules))
    if request.method == "POST" and form.is_valid():
        try:
            post_update_rules(actor=request.user, post=post, rules=form.rules())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The post's rules were saved."))
            return redirect("recruitment:post_detail", pk=post.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "plan": post.plan, "post": post}
    return render(request, "recruitment/plans/post_form.html", context, status=status)


def _post_page(
    request: AuthedHttpRequest, post: Post, decision: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    unit = post.job.org_unit_id
    page = Paginator(pages.applicants_of(user=request.user, post=post), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_read(
        actor=request.user,
        action="recruitment.screening.view",
        obj=post,
        ids=[a.pk for a in page.object_list],
        detail={"page": page.number},
    )
    approver = pages.can(request.user, Cap.OFFERS_APPROVE, unit)
    others = pages.merge_targets(user=request.user, post=post)
    context = {
        "post": post,
        "plan": post.plan,
        "page": page,
        "steps": _steps(post),
        "rows": [_row(application) for application in page.object_list],
        "rules": sel.rules_in_words(PostRules.from_dict(post.rules)),
        "ratio": pages.ratio_figures(post),
        "below": post.status == PostStatus.BELOW_RATIO,
        "can_screen": pages.can(request.user, Cap.CANDIDATES_MANAGE, unit),
        "can_manage": pages.can(request.user, Cap.JOBS_MANAGE, unit),
        "approver": approver,
        "decision": decision or DecisionForm(others=others),
    }
    return render(request, "recruitment/plans/post_detail.html", context, status=status)


@login_required
@require_GET
def post_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The post's page: header, rules, steps, opening ratio and screening table."""
    return _post_page(request, sel.post_get(user=request.user, pk=pk))


@login_required
@require_POST
def opening_check(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Count the qualified: the post goes to the examinations or waits below the ratio."""
    post = sel.post_get(user=request.user, pk=pk)
    try:
        check = post_opening_check(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        figures = {"qualified": check.qualified, "required": f"{check.required.normalize():f}"}
        text = (
            _("%(qualified)s qualified for %(required)s needed: the post opens.")
            if check.opens
            else _(
                "%(qualified)s qualified for %(required)s needed: below the opening ratio, "
                "a named approver decides."
            )
        )
        messages.success(request, text % figures)
    return redirect("recruitment:post_detail", pk=post.pk)


@login_required
@require_POST
def ratio_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A named approver keeps, reduces, cancels or merges a post below the ratio."""
    post = sel.post_get(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.OFFERS_APPROVE, post.job.org_unit_id):
        raise PermissionDenied
    form = DecisionForm(request.POST, others=pages.merge_targets(user=request.user, post=post))
    if form.is_valid():
        data = form.cleaned_data
        try:
            post_ratio_decide(
                actor=request.user,
                post=post,
                decision=data["decision"],
                reason=data["reason"],
                new_headcount=data["new_headcount"],
                merge_into=data["merge_into"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("recruitment:post_detail", pk=post.pk)
    return _post_page(request, post, decision=form, status=400)
