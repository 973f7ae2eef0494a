"""File export: the records a user may see, through a mapping template, as CSV, XLSX or XML.

The kind's exporter reads scoped rows with identifiers masked by the candidates' rule (see
kinds/exports.py); the template turns each into the file's columns (its targets, in order).
The export is audited — who, which kind, how many rows, which format — and committed before
the first byte leaves, so a download that is interrupted is still on record. A value a
template's transform cannot convert is written as #VALUE! (the spreadsheet convention) in
its cell only: a stream already under way cannot answer with an error any more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.compliance.services import audit_record
from mianshi.integrations.connectors.adapters.files import writers
from mianshi.integrations.connectors.adapters.files.readers import FORMATS
from mianshi.integrations.connectors.files.kinds import kind_get
from mianshi.integrations.connectors.files.templates import export_compiled
from mianshi.integrations.connectors.mapping import MappingError, mapping_apply
from mianshi.integrations.connectors.mapping_compile import Compiled
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, subtree_ids

FAILED = "#VALUE!"


@dataclass
class ExportFile:
    """A download: text chunks to stream (CSV, XML) or a rewound temporary file (XLSX)."""

    filename: str
    content_type: str
    rows: int
    chunks: Iterator[str] | None = None
    file: IO[bytes] | None = None


@transaction.atomic
def file_export(
    *,
    actor: Actor,
    kind: str,
    fmt: str,
    template: object | None = None,
    unit: OrgUnit | None = None,
) -> ExportFile:
    """Every record of `kind` the actor may see (under `unit` when given), audited."""
    found = kind_get(kind)
    if found is None or fmt not in FORMATS:
        raise ValidationError({"kind": _("Files cannot export this kind of record.")})
    if not has_cap(actor, found.view_cap):
        raise PermissionDenied(_("You may not export this kind of record."))
    compiled = export_compiled(kind, template)
    source = found.exporter(actor, subtree_ids(unit.pk) if unit else None)
    audit_record(
        actor=actor, action=f"{kind}.export", object_type="files.export",
        org_unit_id=unit.pk if unit else None,
        detail={"count": source.count, "format": fmt, "template": _label(template)},
    )  # fmt: skip
    columns = [t.name for t in compiled.targets]
    rows = (_row(compiled, record) for record in source.rows)
    name = f"{kind}s-{timezone.now():%Y%m%d-%H%M}.{fmt}"
    out = ExportFile(name, writers.CONTENT_TYPES[fmt], source.count)
    if fmt == "csv":
        out.chunks = writers.csv_stream(columns, rows)
    elif fmt == "xml":
        out.chunks = writers.xml_stream(columns, rows, root=f"{kind}s", record=kind)
    else:
        out.file = writers.xlsx_file(columns, rows, title=kind)
    return out


def _label(template: object | None) -> str:
    return "default" if template is None else "custom"


def _row(compiled: Compiled, record: dict[str, Any]) -> dict[str, Any]:
    """The file row of `record`: one cell per target; a cell that fails shows FAILED."""
    try:
        mapped = mapping_apply(compiled, record)
        return {t.name: _cell(_at(mapped, t.parts)) for t in compiled.targets}
    except MappingError as exc:
        failed = {p.field.split("[")[0] for p in exc.problems}
    row = {}
    for target in compiled.targets:
        single = Compiled(compiled.version, compiled.kind, [target], compiled.maps)
        if target.name in failed:
            row[target.name] = FAILED
            continue
        row[target.name] = _cell(_at(mapping_apply(single, record), target.parts))
    return row


def _at(mapped: Any, parts: tuple[str | int, ...]) -> Any:
    for part in parts:
        mapped = mapped[part]
    return mapped


def _cell(value: Any) -> Any:
    """Scalars as they are; a list of scalars joined; anything nested as JSON."""
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
