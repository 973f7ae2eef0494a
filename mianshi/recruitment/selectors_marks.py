"""The panel-scoring sheet as HR fills it in: candidates in lot order × the examiners who
judge them, each cell markable, marked, or blocked with the reason (an open 回避 conflict,
an examiner standing aside). A fixed number of queries whatever the panel's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
    Lot,
    Mark,
    Panel,
    Seat,
    Substitute,
)

# The batch form of services/results.interview_score: the same rule, one query for a panel.
from mianshi.recruitment.services.results import _interview_scores


@dataclass(frozen=True)
class Cell:
    """One examiner's mark for one candidate, or why there can be none yet."""

    examiner: Examiner
    substitute: bool  # drawn for this candidate only, in place of the seat's examiner
    mark: Mark | None
    blocked: str  # "" when a mark may be entered


@dataclass(frozen=True)
class GridRow:
    """A candidate's line: the lot, the cells in seat order, the interview score if final."""

    lot: Lot
    ticket: str
    name: str
    cells: list[Cell]
    interview: Decimal | None

    @property
    def open_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.mark is None and not c.blocked]


@dataclass(frozen=True)
class MarksGrid:
    """The sheet: the seated examiners (columns) and a row per candidate in lot order."""

    seats: list[Examiner]
    rows: list[GridRow]


def _blocked(statuses: list[tuple[str, str]]) -> str:
    """Why a cell takes no mark: its examiner stands aside with nobody drawn in their place
    (a substitute takes the cell when there is one), or a conflict is still open."""
    if any(status == ConflictStatus.AVOIDED for _kind, status in statuses):
        return _("Stands aside (conflict upheld); no substitute was left to draw.")
    open_kinds = [ConflictKind(kind).label for kind, status in statuses
                  if status == ConflictStatus.OPEN]  # fmt: skip
    if open_kinds:
        return _("Conflict open (%(kind)s): an approver must resolve it first.") % {
            "kind": ", ".join(str(k) for k in open_kinds)}  # fmt: skip
    return ""


def _cell(seat: Examiner, app_id: int, subs: dict[tuple[int, int], Examiner],
          conflicts: dict[tuple[int, int], list[tuple[str, str]]],
          marks: dict[tuple[int, int], Mark]) -> Cell:  # fmt: skip
    examiner = seat
    for _hop in range(len(subs)):  # a substitute who stood aside in turn was replaced too
        if (examiner.pk, app_id) not in subs:
            break
        examiner = subs[(examiner.pk, app_id)]
    return Cell(examiner, examiner is not seat, marks.get((examiner.pk, app_id)),
                _blocked(conflicts.get((examiner.pk, app_id), [])))  # fmt: skip


def marks_grid(*, panel: Panel) -> MarksGrid:
    """The panel's sheet (seven queries whatever the number of candidates and examiners)."""
    seats = [s.examiner for s in Seat.objects.filter(panel=panel, replaced=False)
             .select_related("examiner").order_by("pk")]  # fmt: skip
    lots = list(Lot.objects.filter(panel=panel).order_by("position")
                .select_related("application__candidate", "application__facts"))  # fmt: skip
    subs = {
        (s.replaces_id, s.application_id): s.examiner
        for s in Substitute.objects.filter(panel=panel).select_related("examiner")
    }
    conflicts: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for examiner, app, kind, status in Conflict.objects.filter(panel=panel).values_list(
        "examiner_id", "application_id", "kind", "status"
    ):
        conflicts[(examiner, app)].append((kind, status))
    marks = {(m.examiner_id, m.application_id): m for m in Mark.objects.filter(panel=panel)}
    scores = _interview_scores(panel.post, [lot.application_id for lot in lots],
                               panel.post.parameters)  # fmt: skip
    rows = [_row(lot, seats, subs, conflicts, marks, scores) for lot in lots]
    return MarksGrid(seats=seats, rows=rows)


def _row(lot: Lot, seats: list[Examiner], subs: dict[tuple[int, int], Examiner],
         conflicts: dict[tuple[int, int], list[tuple[str, str]]],
         marks: dict[tuple[int, int], Mark], scores: dict[int, Decimal]) -> GridRow:  # fmt: skip
    app = lot.application
    facts = getattr(app, "facts", None)
    cells = [_cell(seat, app.pk, subs, conflicts, marks) for seat in seats]
    return GridRow(lot=lot, ticket=facts.ticket if facts else "", name=app.candidate.name,
                   cells=cells, interview=scores.get(app.pk))  # fmt: skip
