"""Interview panels of a post: the draw (seed shown: the draw is reproducible from it), a
panel's seats and order by lot, the 回避 check, the approvers' resolutions and declarations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.compliance.services import audit_read
from mianshi.organisations.scoping import has_cap
from mianshi.recruitment.forms_exams import DeclarationForm, PanelForm, ResolveForm
from mianshi.recruitment.models import Conflict, Examiner, Lot, Panel, Seat, Substitute
from mianshi.recruitment.services.marks import conflict_resolve, conflicts_detect, declaration_add
from mianshi.recruitment.services.panels import lots_draw, panel_draw
from mianshi.recruitment.views.exams.access import act, form_errors, hr_panel, hr_post, refusal


@login_required
@require_http_methods(["GET", "POST"])
def panels(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The post's panels and the form to draw one more."""
    post = hr_post(request.user, post_id)
    params = post.parameters
    form = PanelForm(request.POST or None, initial={"size": params.panel_size})
    if request.method == "POST" and form.is_valid():
        try:
            panel = panel_draw(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The panel was drawn from seed %(seed)s.")
                             % {"seed": panel.seed})  # fmt: skip
            return redirect("recruitment:panel_detail", post.pk, panel.pk)
    context = {
        "post": post,
        "form": form,
        "other_regions": params.other_regions,
        "panels": Panel.objects.filter(post=post).order_by("interview_on", "room"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/exams/panels.html", context, status=status)


def _choices(panel: Panel, seats: list[Seat], lots: list[Lot]) -> dict[str, Any]:
    """Who a declaration may name: the panel's examiners (substitutes too), its candidates."""
    subs = Substitute.objects.filter(panel=panel).select_related("examiner")
    examiners = {s.examiner_id: s.examiner.name for s in seats}
    examiners |= {s.examiner_id: s.examiner.name for s in subs}
    candidates = [(lot.application_id, f"{lot.position}. {lot.application.candidate.name}")
                  for lot in lots]  # fmt: skip
    return {"examiners": list(examiners.items()), "candidates": candidates}


def _detail_context(request: AuthedHttpRequest, panel: Panel) -> dict[str, Any]:
    seats = list(Seat.objects.filter(panel=panel).select_related("examiner").order_by("pk"))
    lots = list(Lot.objects.filter(panel=panel).order_by("position")
                .select_related("application__candidate", "application__facts"))  # fmt: skip
    conflicts = list(Conflict.objects.filter(panel=panel)
                     .select_related("examiner", "application__candidate", "substitute__examiner")
                     .order_by("status", "pk"))  # fmt: skip
    unit = panel.post.job.org_unit_id
    declare = DeclarationForm(**_choices(panel, seats, lots))
    return {"post": panel.post, "panel": panel, "seats": seats, "lots": lots,
            "conflicts": conflicts, "resolve_form": ResolveForm(), "declare_form": declare,
            "is_hr": has_cap(request.user, Cap.CANDIDATES_MANAGE, unit_id=unit),
            "is_approver": has_cap(request.user, Cap.OFFERS_APPROVE, unit_id=unit)}  # fmt: skip


@login_required
@require_GET
def panel_detail(request: AuthedHttpRequest, post_id: int, panel_id: int) -> HttpResponse:
    """A panel: seats, order by lot, conflicts; HR and approvers read it."""
    panel = hr_panel(request.user, post_id, panel_id, approver=True)
    context = _detail_context(request, panel)
    audit_read(actor=request.user, action="recruitment.panel.view", obj=panel,
               ids=[lot.application_id for lot in context["lots"]])  # fmt: skip
    return render(request, "recruitment/exams/panel_detail.html", context)


def _back(panel: Panel, anchor: str = "") -> str:
    url = reverse("recruitment:panel_detail", args=[panel.post_id, panel.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def panel_lots(request: AuthedHttpRequest, post_id: int, panel_id: int) -> HttpResponse:
    """Draw the candidates' interview order for the panel."""
    panel = hr_panel(request.user, post_id, panel_id)
    return act(request, _back(panel, "order"), _("The interview order was drawn."),
               lambda: lots_draw(actor=request.user, panel=panel))  # fmt: skip


@login_required
@require_POST
def panel_detect(request: AuthedHttpRequest, post_id: int, panel_id: int) -> HttpResponse:
    """Run the 回避 check over the panel."""
    panel = hr_panel(request.user, post_id, panel_id)
    try:
        found = conflicts_detect(actor=request.user, panel=panel)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("The check found %(n)s new conflicts.") % {"n": found})
    return redirect(_back(panel, "conflicts"))


@login_required
@require_POST
def conflict_resolve_view(request: AuthedHttpRequest, post_id: int, panel_id: int,
                          conflict_id: int) -> HttpResponse:  # fmt: skip
    """An approver clears or upholds a conflict; upheld draws a substitute."""
    panel = hr_panel(request.user, post_id, panel_id, approver=True)
    conflict = get_object_or_404(Conflict.objects.filter(panel=panel), pk=conflict_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(panel, "conflicts"))
    return act(request, _back(panel, "conflicts"), _("The conflict was resolved."),
               lambda: conflict_resolve(actor=request.user, conflict=conflict,
                                        upheld=form.cleaned_data["decision"],
                                        reason=form.cleaned_data["reason"]))  # fmt: skip


@login_required
@require_POST
def declaration_add_view(request: AuthedHttpRequest, post_id: int, panel_id: int
                         ) -> HttpResponse:  # fmt: skip
    """A declared relation between a seated examiner and a candidate of the panel."""
    panel = hr_panel(request.user, post_id, panel_id)
    seats = list(Seat.objects.filter(panel=panel).select_related("examiner"))
    lots = list(Lot.objects.filter(panel=panel).select_related("application__candidate"))
    form = DeclarationForm(request.POST, **_choices(panel, seats, lots))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_back(panel, "declare"))
    examiner = get_object_or_404(Examiner, pk=form.cleaned_data["examiner"])
    application = get_object_or_404(Application, pk=form.cleaned_data["application"])
    return act(request, _back(panel, "conflicts"), _("The declaration was recorded."),
               lambda: declaration_add(actor=request.user, examiner=examiner,
                                       application=application,
                                       relation=form.cleaned_data["relation"]))  # fmt: skip
