"""The panel-scoring sheet: HR types each candidate's row of marks (a row is saved whole or
not at all), corrects a mark with a reason; and an examiner's own interview day."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.compliance.services import audit_read
from mianshi.recruitment.forms_exams import CorrectForm
from mianshi.recruitment.models import Lot, Mark, Panel
from mianshi.recruitment.selectors_marks import Cell, GridRow, MarksGrid, marks_grid
from mianshi.recruitment.selectors_panels import panels_for_examiner
from mianshi.recruitment.services.marks import mark_correct
from mianshi.recruitment.services.marks_row import marks_row_enter
from mianshi.recruitment.views.exams.access import hr_panel, hr_post, refusal

Errors = dict[str, list[str]]


def _grid_page(request: AuthedHttpRequest, panel: Panel, *, errors: Errors | None = None,
               row: int | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    grid = marks_grid(panel=panel)
    audit_read(actor=request.user, action="recruitment.marks.view", obj=panel,
               ids=[r.lot.application_id for r in grid.rows])  # fmt: skip
    context = {"post": panel.post, "panel": panel, "grid": grid,
               "rows": _rows(grid, request.POST if errors else {}, errors or {}, row),
               "row_errors": (errors or {}).get("", [])}  # fmt: skip
    return render(request, "recruitment/exams/marks.html", context, status=status)


def _rows(grid: MarksGrid, typed: Mapping[str, str], errors: Errors, row_id: int | None
          ) -> list[tuple[GridRow, list[tuple[Cell, str, list[str]]]]]:  # fmt: skip
    """Each row with its cells, the refused row keeping what was typed and each cell's error."""
    rows = []
    for row in grid.rows:
        mine = row.lot.application_id == row_id
        cells = [
            (
                c,
                typed.get(f"m{c.examiner.pk}", "") if mine else "",
                errors.get(str(c.examiner.pk), []) if mine else [],
            )
            for c in row.cells
        ]
        rows.append((row, cells))
    return rows


def _typed(request: AuthedHttpRequest) -> tuple[dict[int, Decimal], Errors]:
    """The row's non-empty cells (inputs named m<examiner pk>) as decimals."""
    scores: dict[int, Decimal] = {}
    errors: Errors = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if not name.startswith("m") or not name[1:].isdigit() or not value.strip():
            continue
        try:
            scores[int(name[1:])] = Decimal(value.strip())
        except InvalidOperation:
            errors[name[1:]] = [_("Not a number: %(value)s.") % {"value": value[:20]}]
    return scores, errors


@login_required
@require_http_methods(["GET", "POST"])
def panel_marks(request: AuthedHttpRequest, post_id: int, panel_id: int) -> HttpResponse:
    """The sheet (GET); a POST enters one candidate's row of marks, all or none."""
    panel = hr_panel(request.user, post_id, panel_id)
    if request.method != "POST":
        return _grid_page(request, panel)
    lot = get_object_or_404(Lot.objects.select_related("application"), panel=panel,
                            application_id=request.POST.get("application") or 0)  # fmt: skip
    scores, errors = _typed(request)
    if not scores and not errors:
        errors = {"": [_("Type at least one mark in the row.")]}
    if not errors:
        try:
            marks_row_enter(actor=request.user, panel=panel, application=lot.application,
                            scores=scores)  # fmt: skip
        except ValidationError as exc:
            errors = exc.message_dict
    if errors:
        return _grid_page(request, panel, errors=errors, row=lot.application_id, status=400)
    messages.success(request, _("%(n)s marks saved for candidate %(position)s.")
                     % {"n": len(scores), "position": lot.position})  # fmt: skip
    url = reverse("recruitment:panel_marks", args=[panel.post_id, panel.pk])
    return redirect(f"{url}#order-{lot.position}")


@login_required
@require_http_methods(["GET", "POST"])
def mark_correct_view(request: AuthedHttpRequest, post_id: int, panel_id: int, mark_id: int
                      ) -> HttpResponse:  # fmt: skip
    """Correct an entered mark; the reason is required and kept in the trail."""
    panel = hr_panel(request.user, post_id, panel_id)
    mark = get_object_or_404(
        Mark.objects.filter(panel=panel).select_related(
            "examiner", "application__candidate", "panel__post__plan", "panel__post__job"
        ),
        pk=mark_id,
    )
    form = CorrectForm(request.POST or None, initial={"score": mark.score})
    if request.method == "POST" and form.is_valid():
        try:
            mark_correct(actor=request.user, mark=mark, score=form.cleaned_data["score"],
                         reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The mark was corrected."))
            return redirect("recruitment:panel_marks", panel.post_id, panel.pk)
    context = {"post": panel.post, "panel": panel, "mark": mark, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/exams/mark_correct.html", context, status=status)


@login_required
@require_GET
def post_marks(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """The marks of a post: its one panel's sheet, or the panels to choose from."""
    post = hr_post(request.user, post_id)
    rooms = list(Panel.objects.filter(post=post).values_list("pk", flat=True)[:2])
    if len(rooms) == 1:
        return redirect("recruitment:panel_marks", post.pk, rooms[0])
    return redirect("recruitment:panels", post.pk)


@login_required
@require_GET
def my_panels(request: AuthedHttpRequest) -> HttpResponse:
    """An examiner's panels today, with the order; nothing before the day."""
    today = timezone.localdate()
    panels = panels_for_examiner(user=request.user, today=today)
    context = {"panels": panels, "today": today}
    return render(request, "recruitment/exams/my_panels.html", context)
