"""Job pages: list with filters, create, detail, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.jobs import selectors, services
from mianshi.jobs.forms import JOB_FIELDS, JobFilterForm, JobForm, add_service_errors
from mianshi.jobs.views.common import delete_with, page_of, querystring, require_manage


@login_required
def job_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = JobFilterForm(request.GET)
    filters.is_valid()
    qs = selectors.job_list_for(user=request.user, **filters.cleaned_data)
    return render(
        request,
        "jobs/job_list.html",
        {
            "filters": filters,
            "page": page_of(request, qs),
            "qs": querystring(request),
            "can_create": selectors.manageable_units(user=request.user).exists(),
        },
    )


@login_required
def job_create(request: AuthedHttpRequest) -> HttpResponse:
    require_manage(request.user)
    form = JobForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            job = services.job_create(actor=request.user, org_unit=data.pop("org_unit"), data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Job created."))
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "jobs/job_form.html", {"form": form})


@login_required
def job_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for(user=request.user, pk=pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "can_manage": selectors.can_manage(user=request.user, obj=job),
            "templates": selectors.template_list_for(user=request.user, job=job.pk),
        },
    )


@login_required
def job_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for(user=request.user, pk=pk)
    require_manage(request.user, job)
    initial = {name: getattr(job, name) for name in JOB_FIELDS}
    form = JobForm(request.POST or None, user=request.user, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_update(actor=request.user, job=job, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Job saved."))
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "jobs/job_form.html", {"form": form, "job": job})


@login_required
@require_POST
def job_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for(user=request.user, pk=pk)
    return delete_with(
        request,
        lambda: services.job_delete(actor=request.user, job=job),
        "jobs:job_list",
        reverse("jobs:job_detail", args=[job.pk]),
    )
