"""The transition-action pages: unit defaults, a job's rules, notices, runs (thin views).

Who may: people who manage the unit's jobs (Cap.JOBS_MANAGE); anything of another branch
answers 404. Every change goes through the services, which check and audit it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.common.errors import DomainError
from mianshi.integrations.automation import selectors as sel
from mianshi.integrations.automation import services as svc
from mianshi.integrations.automation.forms import NoticeForm, RuleForm, add_service_errors
from mianshi.integrations.automation.models import RunStatus, TransitionRule
from mianshi.organisations.selectors import orgunits_usable

RUNS_SHOWN = 50


def _units(request: AuthedHttpRequest) -> Any:
    units = orgunits_usable(user=request.user, cap=sel.CAP)
    if not units.exists():
        raise PermissionDenied(_("You may not configure the jobs of any unit."))
    return units


def _back(rule: TransitionRule) -> HttpResponse:
    if rule.job_id is not None:
        return redirect("integrations:automation_job", job_id=rule.job_id)
    return redirect("integrations:automation_index")


@login_required
def automation_index(request: AuthedHttpRequest) -> HttpResponse:
    units = _units(request)
    form = RuleForm(request.POST or None, unit=None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            rule = svc.rule_create(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                data=form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return _back(rule)
    context = {
        "form": form,
        "rules": sel.rule_list(user=request.user).filter(job__isnull=True),
        "notices": sel.notice_list(user=request.user),
        "runs": sel.run_list(user=request.user).exclude(status=RunStatus.DONE)[:RUNS_SHOWN],
    }
    return render(request, "automation/index.html", context)


@login_required
def automation_job(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    job = sel.job_for_page(user=request.user, pk=job_id)
    form = RuleForm(request.POST or None, unit=job.org_unit)
    if request.method == "POST" and form.is_valid():
        try:
            svc.rule_create(actor=request.user, job=job, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("integrations:automation_job", job_id=job.pk)
    context = {
        "job": job,
        "form": form,
        "overview": sel.job_overview(job),
        "runs": sel.run_list(user=request.user, job_id=job.pk)[:RUNS_SHOWN],
    }
    return render(request, "automation/job.html", context)


@login_required
def automation_application(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    """The actions run for one application: its history beside the pipeline's."""
    application = sel.application_for_page(user=request.user, pk=application_id)
    runs = sel.run_list(user=request.user, application_id=application.pk)[:RUNS_SHOWN]
    context = {"application": application, "runs": runs}
    return render(request, "automation/application.html", context)


def _rule_initial(rule: TransitionRule) -> dict[str, Any]:
    names = ("to_stage", "from_stage", "action", "invitation_kind", "channels", "enabled")
    initial = {name: getattr(rule, name) for name in names}
    initial.update(
        interview_template=rule.interview_template_id,
        notice=rule.notice_id,
        connector_id=rule.connector_id,
        record_kind=rule.record_kind,
        order=rule.order,
    )
    return initial


@login_required
def automation_rule_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = sel.rule_get(user=request.user, pk=pk)
    form = RuleForm(request.POST or None, unit=rule.org_unit, initial=_rule_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            svc.rule_update(actor=request.user, rule=rule, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return _back(rule)
    return render(request, "automation/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def automation_rule_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = sel.rule_get(user=request.user, pk=pk)
    svc.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule deleted."))
    return _back(rule)


@login_required
def automation_notice_create(request: AuthedHttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            svc.notice_create(actor=request.user, org_unit=data.pop("org_unit"), data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Notice saved."))
            return redirect("integrations:automation_index")
    return render(request, "automation/notice_form.html", {"form": form})


@login_required
def automation_notice_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = sel.notice_get(user=request.user, pk=pk)
    initial = {"name": notice.name, "subject": notice.subject, "body": notice.body}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.notice_update(actor=request.user, notice=notice, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Notice saved."))
            return redirect("integrations:automation_index")
    return render(request, "automation/notice_form.html", {"form": form, "notice": notice})


@login_required
@require_POST
def automation_notice_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = sel.notice_get(user=request.user, pk=pk)
    try:
        svc.notice_delete(actor=request.user, notice=notice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Notice deleted."))
    return redirect("integrations:automation_index")


@login_required
@require_POST
def automation_run_retry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = sel.run_get(user=request.user, pk=pk)
    try:
        svc.run_retry(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The action will be tried again."))
    if request.POST.get("next") == "index":
        return redirect("integrations:automation_index")
    return redirect("integrations:automation_job", job_id=run.application.job_id)
