"""An import job's page: progress polled through htmx, then the result or the report.

While the job is queued, checking or writing, the status block asks again every second
(hx-trigger "every 1s", outerHTML); once it has ended it stops asking and shows the created
count, or the per-row report (also as a CSV download). Only those who may follow the job
see it (selectors.import_job_get: 404 for everyone else).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.integrations.connectors.adapters.files import writers
from mianshi.integrations.connectors.files import selectors as sel
from mianshi.integrations.connectors.files.kinds import KINDS

REPORT_COLUMNS = ["row", "field", "message", "level"]


@login_required
def files_import_job(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The job's status; htmx asks for the status block alone."""
    job = sel.import_job_get(request.user, pk)
    context = {
        "job": job, "kind": KINDS.get(job.kind),
        "report": sel.job_report(job) if job.finished else None,
    }  # fmt: skip
    partial = bool(getattr(request, "htmx", False))
    page = "connectors_files/_job.html" if partial else "connectors_files/job.html"
    return render(request, page, context)


@login_required
def files_import_job_report(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """The job's problems as CSV: row, field, message, level (no cell values)."""
    report = sel.job_report(sel.import_job_get(request.user, pk))
    rows = (
        {"row": p.row, "field": p.field, "message": p.message, "level": p.level}
        for p in report.problems
    )
    response = StreamingHttpResponse(
        writers.csv_stream(REPORT_COLUMNS, rows), content_type=writers.CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = content_disposition_header(True, f"import-{pk}-report.csv")
    response["Cache-Control"] = "private, no-store"
    return response
