"""Post-hire data from an Excel workbook (F-93): all or nothing, with a per-row report.

The first sheet's first row names the columns (the API's field names; `employee_number`
identifies the employee). Every row is checked before anything is written: one bad row
and nothing is imported, and the report lists each bad row with its field and reason.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.compliance.services import audit_record
from mianshi.employees.models import Employee, RecordSource
from mianshi.employees.services.posthire import FIELDS, posthire_clean, posthire_write
from mianshi.organisations.scoping import units_for

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet's row number, the column, the reason."""

    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did: rows read, records written (0 when any row failed), problems."""

    rows: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)


def _rows(upload: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The workbook is larger than 10 MB.")})
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, IndexError) as exc:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")}) from exc
    lines = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(lines, ())]
    if "employee_number" not in header or "kind" not in header:
        raise ValidationError(
            {"file": _("The first row must name the columns, with employee_number and kind.")}
        )
    for number, values in enumerate(lines, start=2):
        if any(v not in (None, "") for v in values):
            yield number, {h: v for h, v in zip(header, values, strict=False) if h}


def _errors(row: int, exc: ValidationError) -> list[RowError]:
    return [
        RowError(row, name, str(msg)) for name, msgs in exc.message_dict.items() for msg in msgs
    ]


def _number(values: dict[str, Any]) -> str:
    return str(values.get("employee_number") or "").strip()


def _read(upload: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for row in _rows(upload):
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ValidationError({"file": _("At most 10,000 rows per workbook.")})
    return rows


def _employees(actor: Actor, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, Employee]:
    """The rows' employees the actor manages, by number: one query for the workbook."""
    numbers = {_number(values) for _row, values in rows}
    units = units_for(actor, Cap.EMPLOYEES_MANAGE)
    found = Employee.objects.filter(org_unit_id__in=units, employee_number__in=numbers)
    return {e.employee_number: e for e in found.select_related("org_unit")}


def _check_all(
    actor: Actor, upload: IO[bytes]
) -> tuple[list[tuple[Employee, dict[str, Any]]], ImportReport]:
    rows = _read(upload)
    report, employees = ImportReport(rows=len(rows)), _employees(actor, rows)
    checked = []
    for row, values in rows:
        employee = employees.get(_number(values))
        if employee is None:
            report.errors.append(RowError(row, "employee_number", _("No such employee.")))
            continue
        try:
            checked.append((employee, posthire_clean(employee, {k: values.get(k) for k in FIELDS})))
        except ValidationError as exc:
            report.errors.extend(_errors(row, exc))
    return checked, report


@transaction.atomic
def posthire_import(*, actor: Actor, upload: IO[bytes]) -> ImportReport:
    """Import every row of the workbook, or none of them when any row is bad."""
    checked, report = _check_all(actor, upload)
    if report.errors or not checked:
        if not report.errors:
            report.errors.append(RowError(1, "file", _("The workbook has no rows.")))
        return report
    for employee, fields in checked:
        _record, created = posthire_write(
            actor=actor, employee=employee, fields=fields, source=RecordSource.EXCEL
        )
        report.created += created
        report.duplicates += not created
    audit_record(
        actor=actor,
        action="post_hire.import",
        detail={"rows": report.rows, "created": report.created},
    )
    return report
