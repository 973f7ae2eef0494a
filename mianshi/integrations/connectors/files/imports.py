"""File import, all or nothing: check every row first, then write them all in one transaction.

Pass one streams the file through the mapping template and the kind's checks and collects a
report (row, field, translated message; see report.py); it writes nothing, so it is also
the dry run HR sees before confirming. Pass two runs only when pass one found no error: it
streams the file again and writes each row through the services (so audit events and
domain events are written as for a form), inside one transaction — should a service still
refuse a row (a rule the check does not know, a concurrent insert), the whole import rolls
back and the report names that row. Memory stays flat: rows are read one at a time, and
only the duplicate keys seen so far (8 bytes of blind index per row) are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors.adapters.files.readers import (
    FileRefused,
    ReadOptions,
    SourceRow,
    read_records,
)
from mianshi.integrations.connectors.files.kinds import kind_get
from mianshi.integrations.connectors.files.kinds.base import (
    BATCH,
    ImportContext,
    Importer,
    Kind,
    field_problems,
)
from mianshi.integrations.connectors.files.report import ImportReport
from mianshi.integrations.connectors.files.templates import import_compiled
from mianshi.integrations.connectors.mapping import MappingError, mapping_apply
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, require_cap


@dataclass(frozen=True)
class ImportSpec:
    """What to import: the kind, the file format, the template (JSON text or a dict; None:
    the built-in layout) and how to read the file."""

    kind: str
    fmt: str
    template: object | None = None
    options: ReadOptions = field(default_factory=ReadOptions)


def _options(spec: ImportSpec) -> ReadOptions:
    """The XML record element defaults to the kind's name (<candidate>…</candidate>)."""
    return spec.options if spec.options.record else replace(spec.options, record=spec.kind)


class _RowFailed(Exception):
    def __init__(self, row: int, problems: list[tuple[str, str]]) -> None:
        super().__init__(row)
        self.row, self.problems = row, problems


def _kind(actor: Actor, spec: ImportSpec, unit: OrgUnit | None) -> Kind:
    kind = kind_get(spec.kind)
    if kind is None:
        raise ValidationError({"kind": _("Files cannot import this kind of record.")})
    if unit is not None:
        require_cap(actor, kind.manage_cap, unit.pk, _("You may not import into this unit."))
    elif not has_cap(actor, kind.manage_cap):
        raise PermissionDenied(_("You may not import this kind of record."))
    return kind


def file_import_check(
    *, actor: Actor, spec: ImportSpec, source: IO[bytes], unit: OrgUnit | None = None
) -> ImportReport:
    """The dry run: every row checked, the report returned, nothing written (except the
    audit of an out-of-scope ID number clash, as when it is typed into the form)."""
    kind = _kind(actor, spec, unit)
    compiled = import_compiled(spec.kind, spec.template)
    importer: Importer = kind.importer(ImportContext(actor=actor, unit=unit))
    report = ImportReport(kind=spec.kind)
    batch: list[tuple[int, Any]] = []
    try:
        for row in read_records(spec.fmt, source, _options(spec)):
            report.rows += 1
            cleaned = _clean(compiled, importer, row, report)
            if cleaned is not None:
                batch.append((row.number, cleaned))
            if len(batch) >= BATCH:
                _flush(importer, batch, report)
        _flush(importer, batch, report)
    except FileRefused as exc:
        report.add(0, [("", exc.message)])
    if report.rows == 0 and report.ok:
        report.add(0, [("", _("The file has no rows to import."))])
    report.problems.sort(key=lambda p: p.row)
    return report


def _clean(compiled: Any, importer: Importer, row: SourceRow, report: ImportReport) -> Any:
    """The row's typed arguments, or None with its problems added to the report."""
    try:
        cleaned, problems = _cleaned(compiled, importer, row)
    except _RowFailed as exc:
        report.add(row.number, exc.problems)
        return None
    problems = problems or importer.duplicates(row.number, cleaned)
    if problems:
        report.add(row.number, problems)
        return None
    return cleaned


def _cleaned(compiled: Any, importer: Importer, row: SourceRow) -> tuple[Any, list[Any]]:
    if row.overflow:
        raise _RowFailed(row.number, [("", _("This row has cells beyond the named columns."))])
    # An empty cell is a missing value: the template's default and "required" then apply.
    record = {k: v for k, v in row.data.items() if v not in ("", [])}
    try:
        args = mapping_apply(compiled, record)
    except MappingError as exc:
        raise _RowFailed(row.number, [(p.field, p.message) for p in exc.problems]) from exc
    return importer.clean(args)


def _flush(importer: Importer, batch: list[tuple[int, Any]], report: ImportReport) -> None:
    if batch:
        for found in importer.check_batch(batch):
            report.add(found.row, found.problems, level=found.level)
        batch.clear()


def file_import_run(
    *, actor: Actor, spec: ImportSpec, source: IO[bytes], unit: OrgUnit | None = None
) -> ImportReport:
    """Check, then import every row or none; the report says which (`committed`)."""
    report = file_import_check(actor=actor, spec=spec, source=source, unit=unit)
    if not report.ok:
        return report
    try:
        report.created = _write_all(actor, spec, source, unit)
    except _RowFailed as exc:
        report.add(exc.row, exc.problems)
        return report
    report.committed = True
    return report


@transaction.atomic
def _write_all(actor: Actor, spec: ImportSpec, source: IO[bytes], unit: OrgUnit | None) -> int:
    compiled = import_compiled(spec.kind, spec.template)
    importer: Importer = _kind(actor, spec, unit).importer(ImportContext(actor=actor, unit=unit))
    created = rows = 0
    for row in _rows_again(spec, source):
        rows += 1
        cleaned, problems = _cleaned(compiled, importer, row)
        if problems:
            raise _RowFailed(row.number, problems)
        try:
            created += importer.write(cleaned)
        except (ValidationError, DomainError, PermissionDenied) as exc:
            raise _RowFailed(row.number, _service_problems(exc)) from exc
    audit_record(
        actor=actor, action=f"{spec.kind}.import", object_type="files.import",
        org_unit_id=unit.pk if unit else None,
        detail={"rows": rows, "created": created, "format": spec.fmt},
    )  # fmt: skip
    return created


def _rows_again(spec: ImportSpec, source: IO[bytes]) -> Iterator[SourceRow]:
    try:
        yield from read_records(spec.fmt, source, _options(spec))
    except FileRefused as exc:  # the file changed between the passes: refuse it all
        raise _RowFailed(0, [("", exc.message)]) from exc


def _service_problems(exc: Exception) -> list[tuple[str, str]]:
    if isinstance(exc, ValidationError):
        return field_problems(exc)
    if isinstance(exc, DomainError):
        return [("", exc.message)]
    return [("", str(exc) or _("You may not make this change."))]
