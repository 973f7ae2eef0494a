"""The interview shortlist page: make it (and remake it while no mark exists), the list by
written rank with the ties at the cutoff marked, and a withdrawal with its 递补."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.compliance.services import audit_read
from mianshi.recruitment.forms_exams import ReasonForm
from mianshi.recruitment.models import Mark, ShortlistEntry, ShortlistStatus
from mianshi.recruitment.selectors_written import shortlist_lines, shortlist_quota
from mianshi.recruitment.services.exams import Withdrawal, shortlist_make, shortlist_withdraw
from mianshi.recruitment.views.exams.access import act, hr_post, refusal


@login_required
@require_GET
def shortlist(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The post's interview shortlist by written rank."""
    post = hr_post(request.user, post_id)
    lines = shortlist_lines(post=post)
    audit_read(actor=request.user, action="recruitment.shortlist.view", obj=post,
               ids=[line.entry.application_id for line in lines])  # fmt: skip
    context = {"post": post, "lines": lines, "quota": shortlist_quota(post),
               "remakable": not Mark.objects.filter(panel__post=post).exists(),
               "tied": any(line.tied_at_cutoff for line in lines)}  # fmt: skip
    return render(request, "recruitment/exams/shortlist.html", context)


@login_required
@require_POST
def shortlist_make_view(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """Make the shortlist; `remake` redoes it (until the first interview mark)."""
    post = hr_post(request.user, post_id)
    remake = request.POST.get("remake") == "1"
    back = reverse("recruitment:shortlist", args=[post.pk])
    done = _("The interview shortlist was made.")
    return act(request, back, done,
               lambda: shortlist_make(actor=request.user, post=post, remake=remake))  # fmt: skip


def _said(result: Withdrawal) -> str:
    substitute = result.substitute
    if substitute is None:
        return result.note or _("The applicant left the shortlist.")
    facts = getattr(substitute.application, "facts", None)
    return _("The applicant left the shortlist; %(name)s (ticket %(ticket)s, written rank "
             "%(rank)s) moves up (递补).") % {
        "name": substitute.application.candidate.name, "rank": substitute.written_rank,
        "ticket": facts.ticket if facts else "—"}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_withdraw_view(request: AuthedHttpRequest, post_id: int, entry_id: int
                            ) -> HttpResponse:  # fmt: skip
    """Confirm (GET) and record (POST) a withdrawal; the message names who moves up."""
    post = hr_post(request.user, post_id)
    entry = get_object_or_404(
        ShortlistEntry.objects.filter(post=post).exclude(status=ShortlistStatus.WITHDRAWN)
        .select_related("application__candidate", "application__facts"), pk=entry_id,
    )  # fmt: skip
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = shortlist_withdraw(actor=request.user, entry=entry,
                                        reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _said(result))
            return redirect("recruitment:shortlist", post.pk)
    status = 400 if request.method == "POST" else 200
    context = {"post": post, "entry": entry, "form": form}
    return render(request, "recruitment/exams/withdraw.html", context, status=status)
