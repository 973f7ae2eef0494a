"""File import and export through the API (thin: parse, call one service, answer).

Mounted at /api/integrations/files. An import is a multipart upload: `dry_run=true`
answers the per-row report and writes nothing; otherwise the file is queued as a job (202,
with its id, status and links) that a worker checks and imports, every row or none, and
`GET /imports/{id}` answers its status, progress and, once ended, the same per-row report
(status done, or refused with nothing written). A template or unit that cannot serve is
refused before the job is made (422 / 404). The scopes are those of the records concerned
(candidates:write to import candidates and follow the import, candidates:read to export).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions
from mianshi.integrations.connectors.files import selectors as sel
from mianshi.integrations.connectors.files.defaults import export_template, import_template
from mianshi.integrations.connectors.files.exports import file_export
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_check
from mianshi.integrations.connectors.files.jobs import import_job_create
from mianshi.integrations.connectors.files.kinds import kind_get
from mianshi.integrations.connectors.files.responses import download
from mianshi.integrations.connectors.files.templates import TemplateRefused
from mianshi.integrations.connectors.files.uploads import check_size, format_for

router = Router(tags=["integrations: files"])


class ImportIn(Schema):
    kind: str
    format: str = ""
    unit_id: int | None = None
    template: str = ""
    template_id: int | None = None
    record: str = ""
    encoding: str = "auto"
    sheet: str = ""
    dry_run: bool = False


class ProblemOut(Schema):
    row: int
    field: str
    message: str
    level: str


class ReportOut(Schema):
    kind: str
    rows: int
    error_count: int
    warning_count: int
    created: int
    committed: bool
    truncated: bool
    problems: list[ProblemOut]


class JobOut(Schema):
    """An import job: `report` is set once it has ended (done, refused or failed)."""

    id: int
    kind: str
    format: str
    status: str
    unit_id: int | None
    rows: int
    progress: int
    created: int
    error_count: int
    warning_count: int
    created_at: datetime
    finished_at: datetime | None
    report: ReportOut | None
    links: dict[str, str]


class TemplateProblemsOut(Schema):
    detail: str
    code: str
    problems: list[dict[str, str]]


class InvalidOut(Schema):
    """A request refused before any row was read (a field missing or of the wrong type)."""

    detail: Any


class ExportQuery(Schema):
    kind: str
    format: str = "csv"
    unit_id: int | None = None
    template_id: int | None = None


def _kind_scope(request: ApiRequest, kind: str, write: bool) -> None:
    found = kind_get(kind)
    if found is None:
        raise HttpError(404, "")
    require_scope(request, found.write_scope if write else found.read_scope)


def _refused(exc: TemplateRefused) -> Any:
    problems = [{"field": p.field, "message": p.message} for p in exc.problems]
    return Status(422, {"detail": exc.message, "code": exc.code, "problems": problems})


@router.post(
    "/import",
    response={200: ReportOut, 202: JobOut, 422: ReportOut | TemplateProblemsOut | InvalidOut},
)
def import_file(request: ApiRequest, payload: Form[ImportIn], file: File[UploadedFile]) -> Any:
    _kind_scope(request, payload.kind, write=True)
    check_size(file.size)
    spec = ImportSpec(
        kind=payload.kind,
        fmt=format_for(file.name or "", payload.format),
        template=sel.template_choice(
            request.user, payload.kind, payload.template, payload.template_id
        ),
        options=ReadOptions(encoding=payload.encoding, sheet=payload.sheet, record=payload.record),
    )
    unit = sel.import_unit(request.user, payload.kind, payload.unit_id)
    try:
        if payload.dry_run:
            report = file_import_check(actor=request.user, spec=spec, source=file, unit=unit)
            return Status(200 if report.ok else 422, sel.report_dict(report))
        job = import_job_create(actor=request.user, spec=spec, upload=file, unit=unit)
    except TemplateRefused as exc:
        return _refused(exc)
    return Status(202, sel.job_dict(job, _links(job.pk)))


@router.get("/imports/{job_id}", response=JobOut)
def import_status(request: ApiRequest, job_id: int) -> Any:
    """An import job's status and progress, and its per-row report once it has ended."""
    job = sel.import_job_get(request.user, job_id)
    _kind_scope(request, job.kind, write=True)
    return sel.job_dict(job, _links(job.pk))


def _links(job_id: int) -> dict[str, str]:
    return {
        "self": f"/api/integrations/files/imports/{job_id}",
        "page": reverse("integrations:files_import_job", args=[job_id]),
    }


@router.get("/export", response={200: None, 422: TemplateProblemsOut | InvalidOut})
def export_file(request: ApiRequest, query: Query[ExportQuery]) -> Any:
    _kind_scope(request, query.kind, write=False)
    template = sel.template_choice(request.user, query.kind, "", query.template_id, view=True)
    unit = sel.export_unit(request.user, query.kind, query.unit_id)
    try:
        export = file_export(
            actor=request.user, kind=query.kind, fmt=query.format, template=template, unit=unit
        )
    except TemplateRefused as exc:
        return _refused(exc)
    return download(export)


@router.get("/templates/{kind}", response=dict[str, Any])
def default_templates(request: ApiRequest, kind: str) -> Any:
    """The built-in layouts of `kind`: a starting point for a template of one's own."""
    _kind_scope(request, kind, write=False)
    return {"import": import_template(kind), "export": export_template(kind)}
