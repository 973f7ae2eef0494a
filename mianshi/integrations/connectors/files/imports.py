"""File import, all or nothing: check every row first, then write them all in one transaction.

Pass one streams the file through the mapping template and the kind's checks and collects a
report (row, field, translated message; see report.py); it writes nothing, so it is also
the dry run HR sees before confirming. Pass two runs only when pass one found no error: it
streams the file again and writes the rows a batch at a time through the kind's writer,
inside one transaction — should a service still refuse a row (a rule the check does not
know, a concurrent insert), the whole import rolls back and the report names that row.
Memory stays flat: rows are read one at a time, a batch of BATCH cleaned rows is held while
it is written, and only the duplicate keys seen so far (8 bytes of blind index per row) are
kept. A background job (jobs.py) passes `progress` (called between batches of the check)
and `settle` (called inside the write transaction, so a job that lost its claim rolls the
whole write back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
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
    RACED,
    ImportContext,
    Importer,
    Kind,
    RowRefused,
    field_problems,
    written_detail,
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


def check_kind(actor: Actor, spec: ImportSpec, unit: OrgUnit | None) -> Kind:
    """The kind of `spec`, if the actor may import it (into `unit` when given)."""
    kind = kind_get(spec.kind)
    if kind is None:
        raise ValidationError({"kind": _("Files cannot import this kind of record.")})
    if unit is not None:
        require_cap(actor, kind.manage_cap, unit.pk, _("You may not import into this unit."))
    elif not has_cap(actor, kind.manage_cap):
        raise PermissionDenied(_("You may not import this kind of record."))
    return kind


Progress = Callable[[int], None]
Settle = Callable[[ImportReport], None]


def file_import_check(
    *,
    actor: Actor,
    spec: ImportSpec,
    source: IO[bytes],
    unit: OrgUnit | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """The dry run: every row checked, the report returned, nothing written (except the
    audit of an out-of-scope ID number clash, as when it is typed into the form)."""
    kind = check_kind(actor, spec, unit)
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
                if progress is not None:
                    progress(report.rows)
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
    if report.ok:
        file_import_write(actor=actor, spec=spec, source=source, unit=unit, report=report)
    return report


def file_import_write(
    *,
    actor: Actor,
    spec: ImportSpec,
    source: IO[bytes],
    report: ImportReport,
    unit: OrgUnit | None = None,
    settle: Settle | None = None,
) -> ImportReport:
    """Pass two of a file `report` found clean: every row written, or none (the report then
    names the row a service refused). `settle` runs last inside the transaction."""
    try:
        _write_all(actor, spec, source, unit, report, settle)
    except _RowFailed as exc:
        report.add(exc.row, exc.problems)
        return report
    report.committed = True
    return report


@transaction.atomic
def _write_all(
    actor: Actor,
    spec: ImportSpec,
    source: IO[bytes],
    unit: OrgUnit | None,
    report: ImportReport,
    settle: Settle | None,
) -> None:
    compiled = import_compiled(spec.kind, spec.template)
    kind = check_kind(actor, spec, unit)
    importer: Importer = kind.importer(ImportContext(actor=actor, unit=unit))
    created = rows = 0
    batch: list[tuple[int, Any]] = []
    for row in _rows_again(spec, source):
        rows += 1
        cleaned, problems = _cleaned(compiled, importer, row)
        if problems:
            raise _RowFailed(row.number, problems)
        batch.append((row.number, cleaned))
        if len(batch) >= BATCH:
            created += _write_batch(importer, batch)
    created += _write_batch(importer, batch)
    detail = {"rows": rows, "created": created, "format": spec.fmt}
    audit_record(
        actor=actor, action=f"{spec.kind}.import", object_type="files.import",
        org_unit_id=unit.pk if unit else None, detail=detail | written_detail(importer),
    )  # fmt: skip
    report.created = created
    if settle is not None:
        settle(report)


def _write_batch(importer: Importer, batch: list[tuple[int, Any]]) -> int:
    """The batch through the kind's batch writer when it has one, else row by row."""
    try:
        many = getattr(importer, "write_many", None)
        if many is not None:
            return int(many(batch))
        created = 0
        for number, cleaned in batch:
            try:
                created += importer.write(cleaned)
            except (ValidationError, DomainError, PermissionDenied) as exc:
                raise _RowFailed(number, _service_problems(exc)) from exc
        return created
    except RowRefused as exc:
        raise _RowFailed(exc.row, _service_problems(exc.cause)) from exc
    except IntegrityError as exc:  # a record the check passed was added meanwhile
        raise _RowFailed(0, [("", str(RACED))]) from exc
    finally:
        batch.clear()


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
