"""The profile's small POST buttons: notes, tags, applications, interviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates import selectors as sel
from mianshi.candidates import services as svc
from mianshi.candidates.forms import ApplicationForm, AssignForm, TransitionForm
from mianshi.candidates.views._common import _act, _back


@login_required
@require_POST
def note_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    body = request.POST.get("body", "")
    return _act(
        request,
        _back(pk, "notes"),
        lambda: svc.candidate_note_add(actor=request.user, candidate=candidate, body=body),
        _("Note added."),
    )


@login_required
@require_POST
def tag_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    name = request.POST.get("name", "")
    return _act(
        request,
        _back(pk),
        lambda: svc.candidate_tag_add(actor=request.user, candidate=candidate, name=name),
        _("Tag added."),
    )


@login_required
@require_POST
def tag_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    name = request.POST.get("name", "")
    return _act(
        request,
        _back(pk),
        lambda: svc.candidate_tag_remove(actor=request.user, candidate=candidate, name=name),
        _("Tag removed."),
    )


@login_required
@require_POST
def application_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_get(user=request.user, pk=pk)
    form = ApplicationForm(request.POST, jobs=sel.jobs_for_applications(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a job."))
        return redirect(_back(pk))
    job, reason = form.cleaned_data["job"], form.cleaned_data["reason"]
    return _act(
        request,
        _back(pk),
        lambda: svc.application_create(
            actor=request.user, candidate=candidate, job=job, reason=reason
        ),
        _("Application added."),
    )


@login_required
@require_POST
def application_transition(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    application = sel.application_for_write(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid stage."))
        return redirect(_back(application.candidate_id))
    return _act(
        request,
        _back(application.candidate_id),
        lambda: svc.application_advance(
            actor=request.user, application=application, **form.cleaned_data
        ),
        _("Application moved."),
    )


@login_required
@require_POST
def application_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    application = sel.application_for_write(user=request.user, pk=pk)
    form = AssignForm(request.POST)
    interviewer = sel.active_user(pk=form.cleaned_data["interviewer"]) if form.is_valid() else None
    return _act(
        request,
        _back(application.candidate_id),
        lambda: svc.application_assign(
            actor=request.user, application=application, interviewer=interviewer
        ),
        _("Interviewer assigned."),
    )
