"""HR UI for candidates and applications (thin: parse, call a service or selector, render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates import profile
from mianshi.candidates import selectors as sel
from mianshi.candidates import services as svc
from mianshi.candidates.forms import (
    ApplicationForm,
    AssignForm,
    BulkForm,
    CandidateForm,
    ResumeForm,
    RevealForm,
    TransitionForm,
    form_errors,
)
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.responses import attachment, csv_response
from mianshi.candidates.services import erasure
from mianshi.candidates.services.identifiers import candidate_identifier_reveal
from mianshi.candidates.services.resumes import candidate_resume_delete
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap

# Who the candidate is and which unit owns them: the owner's to change (review M4).
IDENTITY_FIELDS = (
    "org_unit", "name", "id_number", "phone", "email", "gender", "birth_date", "source",
)  # fmt: skip


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _audit_view(request: AuthedHttpRequest, candidate: Any, *, full: bool, page: str) -> None:
    """A page showing a candidate's identity is a read of personal data (F-100)."""
    shown = "full" if full else "masked"
    detail = {"identifiers": shown, "page": page}
    audit_read(actor=request.user, action="candidate.view", obj=candidate, detail=detail)


def _audit_list(request: AuthedHttpRequest, page: sel.CandidatePage, q: str) -> None:
    """One event per list page: the ids shown and a search's kind, never the term."""
    detail: dict[str, Any] = {"page": page.number}
    if kind := sel.search_kind(q):
        detail["search"] = kind
    ids = [c.pk for c in page.rows]
    audit_read(actor=request.user, action="candidate.list", ids=ids, detail=detail)


def _filters(request: HttpRequest) -> sel.CandidateFilters:
    stage = request.GET.get("stage", "")
    return sel.CandidateFilters(
        q=request.GET.get("q", "")[:100],
        job=_int(request.GET.get("job")),
        stage=stage if stage in Stage.values else "",
        unit=_int(request.GET.get("unit")),
        tag=request.GET.get("tag", "")[:40],
    )


@login_required
def candidate_list(request: AuthedHttpRequest) -> HttpResponse:
    """Search, filter and page through visible candidates; the bulk bar acts on applications."""
    if not has_cap(request.user, Cap.CANDIDATES_VIEW):
        raise PermissionDenied
    filters = _filters(request)
    page = sel.candidate_page(
        user=request.user, filters=filters, number=_int(request.GET.get("page")) or 1
    )
    _audit_list(request, page, filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "candidates/candidate_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "jobs": sel.jobs_visible(user=request.user),
            "units": sel.units_visible(user=request.user),
            "tags": sel.tag_list(),
            "stages": Stage.choices,
            "interviewers": sel.interviewers_for(user=request.user),
            "bulk": BulkForm(),
            "can_manage": has_cap(request.user, Cap.CANDIDATES_MANAGE),
            "full_units": sel.units_for(request.user, Cap.CANDIDATES_MANAGE),
        },
    )


def _refusal(exc: DomainError) -> str:
    """The refusal to show; a duplicate the user may see links to that candidate (an
    out-of-scope one has no id: services.DuplicateCandidate)."""
    existing = getattr(exc, "existing_id", None)
    if existing is None:
        return exc.message
    url = reverse("candidates:candidate_detail", kwargs={"pk": existing})
    return format_html('{} <a href="{}">{}</a>', exc.message, url, _("Open that candidate"))


@login_required
def candidate_create(request: AuthedHttpRequest) -> HttpResponse:
    """New candidate form; a known ID number is refused with a pointer to the existing one."""
    form = CandidateForm(
        request.POST or None,
        request.FILES or None,
        units=sel.units_for_candidates(user=request.user),
    )
    if not form.fields["org_unit"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            candidate = svc.candidate_create(
                actor=request.user, resume=form.cleaned_data["resume"], **data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("Candidate created."))
            return redirect("candidates:candidate_detail", pk=candidate.pk)
    return render(request, "candidates/candidate_form.html", {"form": form, "candidate": None})


@login_required
def candidate_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Edit identity, tags and résumé of a candidate the user manages; identity only for HR
    of the owning unit (the others see it masked, as on the detail page)."""
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    full = sel.can_see_identifiers(user=request.user, candidate=candidate)
    initial = {
        "org_unit": candidate.org_unit_id,
        "name": candidate.name,
        "gender": candidate.gender,
        "birth_date": candidate.birth_date,
        "source": candidate.source,
        "tags": ", ".join(t.name for t in candidate.tags.all()),
        **sel.identifiers(candidate=candidate, full=full),
    }
    form = CandidateForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        units=sel.units_for_candidates(user=request.user),
    )
    if not full:
        _lock_identity(form)
    if request.method == "POST" and form.is_valid():
        data = {**form.service_data(), "resume": form.cleaned_data["resume"]}
        try:
            svc.candidate_update(actor=request.user, candidate=candidate, data=data)
        except ValidationError as exc:
            form_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("Candidate saved."))
            return redirect("candidates:candidate_detail", pk=candidate.pk)
    _audit_view(request, candidate, full=full, page="edit")
    context = {"form": form, "candidate": candidate, "locked": None if full else initial}
    return render(request, "candidates/candidate_form.html", context)


def _lock_identity(form: CandidateForm) -> None:
    """Drop the identity fields: HR where the candidate only applied edits tags and résumé
    (review M4); the page shows the identity masked instead."""
    for name in IDENTITY_FIELDS:
        del form.fields[name]


@login_required
def candidate_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The profile: a header (stages, best score, tags), the identity with identifiers
    masked, tabs for applications, interviews, résumé, notes and history, a danger zone."""
    detail = sel.candidate_detail(user=request.user, pk=pk)
    # Masked whoever reads: showing one in full is its own audited request (reveal).
    _audit_view(request, detail["candidate"], full=False, page="detail")
    return _profile(request, detail, revealed={})


@login_required
@require_POST
def candidate_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Show one identifier in full, for a stated reason (audited; 403 without the right)."""
    candidate = sel.candidate_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you need to see it."))
        return redirect(_back(pk))
    field = form.cleaned_data["field"]
    value = candidate_identifier_reveal(
        actor=request.user, candidate=candidate, field=field, reason=form.cleaned_data["reason"]
    )
    detail = sel.candidate_detail(user=request.user, pk=pk)
    return _profile(request, detail, revealed={field: value})


def _profile(
    request: AuthedHttpRequest, detail: dict[str, Any], revealed: dict[str, str]
) -> HttpResponse:
    candidate, apps = detail["candidate"], detail["applications"]
    return render(
        request,
        "candidates/candidate_detail.html",
        {
            **detail,
            "ids": {**sel.identifiers(candidate=candidate, full=False), **revealed},
            "revealed": revealed,
            "can_reveal": detail["full_identifiers"],
            "reveal_form": RevealForm(),
            "stages": profile.stage_badges(apps),
            "best": profile.best_score(apps),
            "history": profile.history(apps),
            "jobs": sel.jobs_for_applications(user=request.user).filter(status="open"),
            "interviewers": sel.interviewers_for(user=request.user),
            "can_erase": erasure.offers_erasure(request.user, candidate),
            # Only asked of those who see the danger zone: the delete it would refuse is
            # not offered.
            "deletable": detail["can_manage"]
            and not sel.has_interview_records(candidate=candidate),
        },
    )


def _act(request: HttpRequest, back: str, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run one service call from a POST button; show the refusal instead of a 500."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


def _back(pk: int, tab: str = "") -> str:
    """The candidate page, opened on `tab` (an anchor: the tabs work without JS)."""
    url = reverse("candidates:candidate_detail", kwargs={"pk": pk})
    return f"{url}#tab-{tab}" if tab else url


def _confirm(request: HttpRequest, candidate: Any, kind: str) -> HttpResponse:
    """The confirmation step of a danger-zone action (GET); the POST does it."""
    return render(
        request, "candidates/candidate_confirm.html", {"candidate": candidate, "kind": kind}
    )


@login_required
def candidate_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Delete a candidate entered by mistake: a confirmation page, then the POST."""
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    if request.method != "POST":
        return _confirm(request, candidate, "delete")
    return _act(
        request,
        reverse("candidates:candidate_list"),
        lambda: svc.candidate_delete(actor=request.user, candidate=candidate),
        _("Candidate deleted."),
    )


@login_required
def resume_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Remove the résumé: a confirmation page, then the POST."""
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    if request.method != "POST":
        return _confirm(request, candidate, "resume")
    return _act(
        request,
        _back(pk, "resume"),
        lambda: candidate_resume_delete(actor=request.user, candidate=candidate),
        _("Résumé deleted."),
    )


@login_required
def candidate_erase(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Erase a candidate with every interview and stored file (HR admins, confirmed)."""
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    if not erasure.offers_erasure(request.user, candidate):
        raise PermissionDenied
    errors: list[str] = []
    reason = request.POST.get("reason", "")
    if request.method == "POST" and "confirm" not in request.POST:
        errors.append(_("Tick the box to confirm the erasure."))
    elif request.method == "POST":
        try:
            erasure.candidate_erase(actor=request.user, candidate=candidate, reason=reason)
        except ValidationError as exc:
            errors += exc.messages
        else:
            messages.success(request, _("Candidate erased with all interviews and files."))
            return redirect("candidates:candidate_list")
    context = {"candidate": candidate, "errors": errors, "reason": reason}
    return render(request, "candidates/candidate_erase.html", context)


@login_required
def resume_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_get(user=request.user, pk=pk)
    data, name, content_type = svc.candidate_resume_download(
        actor=request.user, candidate=candidate
    )
    return attachment(data, name, content_type)


@login_required
@require_POST
def resume_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    candidate = sel.candidate_for_write(user=request.user, pk=pk)
    form = ResumeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(_back(pk, "resume"))
    upload = form.cleaned_data["resume"]
    return _act(
        request,
        _back(pk, "resume"),
        lambda: svc.candidate_resume_upload(
            actor=request.user,
            candidate=candidate,
            upload=upload,
            filename=upload.name or "",
            size=upload.size,
        ),
        _("Résumé uploaded."),
    )


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


@login_required
@require_POST
def bulk(request: AuthedHttpRequest) -> HttpResponse:
    """The list's bulk bar: one all-or-nothing service call, or a CSV export."""
    back = safe_next(request, reverse("candidates:candidate_list"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == "invite":
        # Invitations sit above this app: their view invites (307 re-posts the same form).
        return HttpResponseRedirect(reverse("invitations:bulk_invite"), preserve_request=True)
    if data["action"] == "export":
        try:
            rows = svc.applications_export(actor=request.user, application_ids=data["application"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        return csv_response(rows)
    return _act(
        request,
        back,
        lambda: svc.applications_bulk_action(
            actor=request.user,
            action=data["action"],
            application_ids=data["application"],
            to_stage=data["to_stage"] or None,
            reason=data["reason"],
            tag=data["tag"],
            interviewer_id=data["interviewer"],
        ),
        _("Done: the action was applied to every selected application."),
    )
