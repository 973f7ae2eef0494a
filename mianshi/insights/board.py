"""The pipeline board of a job (招聘看板): columns per stage, moves, filters, bulk actions.

Thin views: every move goes through candidates.services.application_advance (the pipeline
table and its refusals), every bulk action through the bulk services and the invitations'
bulk invite, so the board can never allow what the candidate page or the API refuses.
A move answers JSON to the board's script (drag and drop, the "Move to…" menu) and a
redirect with a message to any other post.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates import selectors as candidate_sel
from mianshi.candidates import services as candidate_svc
from mianshi.candidates.pipeline import Stage, label
from mianshi.common.errors import DomainError
from mianshi.common.redirects import safe_next
from mianshi.compliance.services import audit_read
from mianshi.insights import board_selectors as sel
from mianshi.insights.board_html import cards_html
from mianshi.invitations.services import invitation_bulk_create_send


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> sel.BoardFilters:
    get = request.GET
    stage = get.get("stage", "")
    level = get.get("level", "")
    return sel.BoardFilters(
        stage=stage if stage in Stage.values else "",
        level=level if level in sel.LEVELS or level == sel.NO_SCORE else "",
        score_min=_number(get.get("min")),
        score_max=_number(get.get("max")),
        tag=get.get("tag", "")[:40],
        q=get.get("q", "")[:100],
        unfolded=frozenset(s for s in get.getlist("open") if s in Stage.values),
    )


@login_required
@require_GET
def pipeline(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The board: 404 for a job outside the user's candidate scope."""
    job = sel.board_job(user=request.user, job_id=job_id)
    board = sel.job_board(user=request.user, job=job, filters=_filters(request))
    ids = [card.application_id for card in board.cards]
    audit_read(actor=request.user, action="pipeline_board.view", obj=job, ids=ids)
    return render(
        request,
        "insights/board.html",
        {
            "board": board,
            "job": job,
            "stages": Stage.choices,
            "levels": [(code, str(v[0])) for code, v in sel.LEVELS.items()],
            "tags": candidate_sel.tag_list(),
            "needs_reason": sorted(sel.NEEDS_REASON),
            "here": request.get_full_path(),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request: HttpRequest, back: str, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=status)
    messages.error(request, message)
    return redirect(back)


def _move_request(request: HttpRequest) -> tuple[int, str, str]:
    """(application id, target stage, reason) of a move."""
    pk = request.POST.get("application", "")
    to_stage, reason = request.POST.get("to_stage", ""), request.POST.get("reason", "")
    return (int(pk) if pk.isdigit() else 0), to_stage, reason.strip()


@login_required
@require_POST
def pipeline_move(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """Move one card; the service refuses what the pipeline does not allow, with its reason."""
    back = safe_next(request, reverse("insights:pipeline", args=[job_id]))
    pk, to_stage, reason = _move_request(request)
    application = candidate_sel.application_for_write(user=request.user, pk=pk)
    if application.job_id != job_id:
        raise Http404
    if to_stage in sel.NEEDS_REASON and not reason:
        return _refused(request, back, _("Give a reason for the rejection."), 400)
    try:
        candidate_svc.application_advance(
            actor=request.user, application=application, to_stage=to_stage, reason=reason
        )
    except ValidationError as exc:
        return _refused(request, back, " ".join(exc.messages), 400)
    except DomainError as exc:
        return _refused(request, back, exc.message, 409)
    done = _("%(name)s moved to “%(stage)s”.") % {
        "name": application.candidate.name,
        "stage": label(to_stage),
    }
    if not _wants_json(request):
        messages.success(request, done)
        return redirect(back)
    card = _card_html(request, application.pk)
    return JsonResponse({"ok": True, "message": done, "stage": to_stage, "card": card})


def _card_html(request: AuthedHttpRequest, application_id: int) -> str:
    card = sel.board_card(user=request.user, application_id=application_id)
    return cards_html([card], can_manage=True) if card is not None else ""


def _bulk_action(request: AuthedHttpRequest, ids: list[int]) -> Callable[[], Any]:
    """The service call of the bulk bar's button (invitations own the bulk invite)."""
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()
    if action == "invite":
        return lambda: invitation_bulk_create_send(actor=request.user, applications=ids)
    if action == "reject":
        if not reason:
            raise ValidationError(_("Give a reason for the rejection."))
        action, to_stage = "move", Stage.REJECTED.value
    else:
        to_stage = request.POST.get("to_stage", "")
    return lambda: candidate_svc.applications_bulk_action(
        actor=request.user, action=action, application_ids=ids, to_stage=to_stage, reason=reason
    )


@login_required
@require_POST
def pipeline_bulk(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The bulk bar: move, reject or invite every selected card, or none of them."""
    back = safe_next(request, reverse("insights:pipeline", args=[job_id]))
    sel.board_job(user=request.user, job_id=job_id)
    ids = [int(i) for i in request.POST.getlist("application") if i.isdigit()]
    try:
        _bulk_action(request, ids)()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: the action was applied to every selected application."))
    return redirect(back)


# Mounted under jobs/<job_id>/pipeline/ by insights/urls.py (one line there).
urlpatterns = [
    path("", pipeline, name="pipeline"),
    path("move/", pipeline_move, name="pipeline_move"),
    path("bulk/", pipeline_bulk, name="pipeline_bulk"),
]
