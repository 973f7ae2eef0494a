"""Who the candidate is: create, edit, the résumé, and the destructive actions (delete,
erase), each behind a confirmation step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates import selectors as sel
from mianshi.candidates import services as svc
from mianshi.candidates.forms import CandidateForm, ResumeForm, form_errors
from mianshi.candidates.responses import attachment
from mianshi.candidates.services import erasure
from mianshi.candidates.services.resumes import candidate_resume_delete
from mianshi.candidates.views._common import _act, _audit_view, _back, _confirm
from mianshi.common.errors import DomainError

# Who the candidate is and which unit owns them: the owner's to change (review M4).
IDENTITY_FIELDS = (
    "org_unit", "name", "id_number", "phone", "email", "gender", "birth_date", "source",
)  # fmt: skip


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
