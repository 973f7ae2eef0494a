"""The interview PDF report and the job's ranking with its CSV / Excel exports (F-73)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.responses import attachment
from mianshi.jobs.models import Job
from mianshi.jobs.selectors import job_get_for
from mianshi.reviews.reports.exports import FORMATS, ranking_csv, ranking_xlsx
from mianshi.reviews.reports.pdf import interview_report_pdf
from mianshi.reviews.selectors.ranking import RankingFilters, job_ranking
from mianshi.reviews.services.read_audit import job_ranking_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ranking_filters(query: QueryDict) -> RankingFilters:
    """The ranking's filters from a query string; anything unknown means "all"."""
    stage = query.get("stage", "")
    review = {"1": True, "0": False}.get(query.get("needs_review", ""))
    return RankingFilters(stage=stage if stage in Stage.values else "", needs_review=review)


def _page_number(query: QueryDict) -> int:
    value = query.get("page", "")
    return int(value) if value.isdigit() and len(value) < 10 else 1


@login_required
@require_GET
def interview_report(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """The interview's PDF report, downloaded (404 unless the application is visible)."""
    pdf, name = interview_report_pdf(actor=request.user, session_id=session_id)
    return attachment(pdf, name, "application/pdf")


@login_required
@require_GET
def ranking(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The job's interviews ranked by final score, filtered and paged."""
    job = job_get_for(user=request.user, pk=job_id)
    filters = ranking_filters(request.GET)
    page = job_ranking(user=request.user, job=job, page=_page_number(request.GET), filters=filters)
    job_ranking_audit(actor=request.user, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/ranking.html",
        {"page": page, "filters": filters, "stages": Stage.choices, "query": query.urlencode()},
    )


def _download_name(job: Job, ext: str) -> str:
    return f"{_('Ranking')}-{job.title}-{job.pk}.{ext}".replace("/", "_")


@login_required
@require_GET
def ranking_export(request: AuthedHttpRequest, job_id: int, fmt: str) -> HttpResponseBase:
    """The whole (filtered) ranking as CSV or Excel; any other format is 404."""
    if fmt not in FORMATS:
        raise Http404
    job = job_get_for(user=request.user, pk=job_id)
    filters = ranking_filters(request.GET)
    response: HttpResponseBase
    if fmt == "csv":
        pieces = ranking_csv(actor=request.user, job=job, filters=filters)
        response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, _download_name(job, "csv")
        )
    else:
        book = ranking_xlsx(actor=request.user, job=job, filters=filters)
        response = FileResponse(
            book, as_attachment=True, filename=_download_name(job, "xlsx"), content_type=XLSX
        )
    response["Cache-Control"] = "private, no-store"
    return response
