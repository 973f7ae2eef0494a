"""The job ranking as CSV or Excel (F-73), written row by row from the ranking's chunked read.

Both formats hold personal data, so each export is audited before the first byte leaves.
Text cells that a spreadsheet would run as a formula (= + - @, tab, CR first) get a leading
apostrophe: a candidate named "=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.spreadsheet import formula_safe
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import Job
from mianshi.reviews.selectors.ranking import (
    Column,
    RankingFilters,
    RankingRow,
    ranking_columns,
    ranking_iter,
    ranking_queryset,
)

FORMATS = ("csv", "xlsx")
CSV_BATCH = 500  # rows per streamed piece: few enough writes, small enough pieces

Cell = str | int | float | None


def guard(value: Any) -> Any:
    """Text a spreadsheet would evaluate, made inert; anything else unchanged."""
    return formula_safe(value) if isinstance(value, str) else value


def header(columns: list[Column]) -> list[str]:
    """The export's column titles in the reader's language."""
    dims: list[str] = []
    for c in columns:
        dims += [
            _("%(dimension)s (AI)") % {"dimension": c.name},
            _("%(dimension)s (human)") % {"dimension": c.name},
        ]
    return [
        _("Rank"), _("Candidate"), _("Stage"), _("AI score"), _("Human score"), _("Raters"),
        _("Final score"), *dims, _("AI confidence"), _("Needs human review"),
        _("Anomaly flags"), _("Decision"),
    ]  # fmt: skip


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def cells(row: RankingRow) -> list[Cell]:
    """One ranking row as export cells: numbers stay numbers, text is guarded."""
    dims: list[Cell] = []
    for ai, human in row.dimensions:
        dims += [_score(ai), _score(human)]
    values: list[Cell] = [
        row.rank, row.candidate, row.stage_label, _score(row.ai_total), _score(row.human_total),
        row.raters, _score(row.final_total), *dims, _score(row.confidence),
        _("Yes") if row.needs_review else _("No"), "; ".join(row.anomalies), row.decision_label,
    ]  # fmt: skip
    return [guard(v) for v in values]


def _audit(actor: Actor, job: Job, fmt: str, filters: RankingFilters) -> None:
    rows = ranking_queryset(user=actor, job=job, filters=filters).count()
    with transaction.atomic():
        audit_record(
            actor=actor, action="job_ranking.export", obj=job,
            detail={"format": fmt, "rows": rows, "stage": filters.stage or None},
        )  # fmt: skip


def ranking_csv(*, actor: Actor, job: Job, filters: RankingFilters) -> Iterator[str]:
    """The whole ranking as CSV text pieces (UTF-8 BOM first, so Excel reads Chinese)."""
    _audit(actor, job, "csv", filters)
    return _csv_pieces(actor, job, filters, ranking_columns(job))


class _Echo:
    """A file-like object whose write returns the text, so csv.writer formats one row."""

    def write(self, value: str) -> str:
        return value


def _csv_pieces(
    actor: Actor, job: Job, filters: RankingFilters, columns: list[Column]
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header(columns))
    batch: list[str] = []
    for row in ranking_iter(user=actor, job=job, filters=filters, columns=columns):
        batch.append(writer.writerow(["" if v is None else v for v in cells(row)]))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def ranking_xlsx(*, actor: Actor, job: Job, filters: RankingFilters) -> IO[bytes]:
    """The whole ranking as an Excel workbook in an anonymous temporary file (rewound).

    openpyxl's write-only mode writes each row out as it is appended, so memory stays flat
    however long the ranking; the caller streams the file and closing it deletes it.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    _audit(actor, job, "xlsx", filters)
    columns = ranking_columns(job)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Ranking")[:31])
    sheet.freeze_panes = "A2"  # the header stays visible while scrolling
    bold = Font(bold=True)
    titles = [WriteOnlyCell(sheet, value=_clean(guard(t))) for t in header(columns)]
    for cell in titles:
        cell.font = bold
    sheet.append(titles)
    for row in ranking_iter(user=actor, job=job, filters=filters, columns=columns):
        sheet.append([_clean(v) for v in cells(row)])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    book.save(out)
    out.seek(0)
    return out


def _clean(value: Cell) -> Cell:
    """Drop the control characters XML (and so XLSX) cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
