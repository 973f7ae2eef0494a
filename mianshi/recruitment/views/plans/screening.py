"""资格审查 pages: running the check of a post, HR's override of one verdict with its
reason, and an applicant's facts as the rules read them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_read
from mianshi.jobs.forms import add_service_errors
from mianshi.recruitment import selectors as sel
from mianshi.recruitment import selectors_plan_pages as pages
from mianshi.recruitment.forms_plans import FactsForm, OverrideForm
from mianshi.recruitment.models import Post
from mianshi.recruitment.services.screening import facts_save, screening_override, screening_run


@login_required
@require_POST
def screening_run_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Check every applicant of the post against its rules (overrides stay)."""
    post = sel.post_get(user=request.user, pk=pk)
    try:
        summary = screening_run(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Screened %(total)s applicants: %(passed)s meet the rules, %(qualified)s "
                "qualified after review."
            )
            % {"total": summary.total, "passed": summary.passed, "qualified": summary.qualified},
        )
    return redirect("recruitment:post_detail", pk=post.pk)


@login_required
@require_http_methods(["GET", "POST"])
def screening_override_view(request: AuthedHttpRequest, pk: int, application: int) -> HttpResponse:
    """HR's verdict over the rules' for one applicant, with the reason they will read."""
    post = sel.post_get(user=request.user, pk=pk)
    row = pages.screening_get(user=request.user, post=post, application_id=application)
    if not pages.can(request.user, Cap.CANDIDATES_MANAGE, post.job.org_unit_id):
        raise PermissionDenied
    initial = {
        "qualified": "no" if row.qualified is False else "yes",
        "reason": row.override_reason,
    }
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            screening_override(
                actor=request.user,
                screening=row,
                qualified=form.cleaned_data["qualified"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review was recorded with its reason."))
            return redirect("recruitment:post_detail", pk=post.pk)
    audit_read(
        actor=request.user,
        action="recruitment.screening.view",
        obj=row,
        detail={"application": row.application_id},
    )
    status = 400 if form.is_bound else 200
    context = {"form": form, "post": post, "row": row}
    return render(request, "recruitment/plans/override.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def facts_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What an applicant declared, entered or corrected by HR."""
    application = pages.application_for_facts(user=request.user, pk=pk)
    if not pages.can(request.user, Cap.CANDIDATES_MANAGE, application.org_unit_id):
        raise PermissionDenied
    facts = getattr(application, "facts", None)
    initial = {name: getattr(facts, name) for name in FactsForm.base_fields} if facts else {}
    if facts:
        initial["certificates"] = "\n".join(facts.certificates or ())
    form = FactsForm(request.POST or None, initial=initial)
    post = Post.objects.select_related("job").get(job_id=application.job_id)
    if request.method == "POST" and form.is_valid():
        try:
            facts_save(actor=request.user, application=application, **form.facts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The applicant's facts were saved."))
            return redirect("recruitment:post_detail", pk=post.pk)
    audit_read(actor=request.user, action="recruitment.facts.view", obj=application)
    status = 400 if form.is_bound else 200
    context = {"form": form, "post": post, "application": application}
    return render(request, "recruitment/plans/facts_form.html", context, status=status)
