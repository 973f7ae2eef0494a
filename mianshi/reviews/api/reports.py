"""Review API: the job ranking (JSON) and the interview report (PDF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates.responses import attachment
from mianshi.common.pagination import DbId
from mianshi.jobs.selectors import job_get_for
from mianshi.reviews.api.schemas_reports import RankingOut, RankingQuery
from mianshi.reviews.reports.pdf import interview_report_pdf
from mianshi.reviews.selectors.ranking import RankingFilters, RankingPage, job_ranking
from mianshi.reviews.services.read_audit import job_ranking_audit

router = Router(tags=["reviews"])
# Reports hold candidates' personal data: the same scope as reading candidates.
READ = "candidates:read"


@router.get("/jobs/{job_id}/ranking", response=RankingOut)
def job_ranking_get(request: ApiRequest, job_id: DbId, params: Query[RankingQuery]) -> Any:
    """The job's interviews ranked by final score (nulls last, ties by AI score)."""
    require_scope(request, READ)
    job = job_get_for(user=request.user, pk=job_id)
    filters = RankingFilters(stage=params.stage or "", needs_review=params.needs_review)
    page = job_ranking(
        user=request.user, job=job, page=params.page, per_page=params.page_size, filters=filters
    )
    job_ranking_audit(actor=request.user, page=page)
    return _ranking_out(page)


def _ranking_out(page: RankingPage) -> dict[str, Any]:
    codes = [c.code for c in page.columns]
    items = []
    for row in page.rows:
        item = dict(vars(row))
        item["dimensions"] = [
            {"code": code, "ai": ai, "human": human}
            for code, (ai, human) in zip(codes, row.dimensions, strict=True)
        ]
        items.append(item)
    return {
        "job_id": page.job.pk, "count": page.total, "page": page.number, "pages": page.pages,
        "page_size": page.per_page, "columns": [vars(c) for c in page.columns], "items": items,
    }  # fmt: skip


_PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


@router.get(
    "/interviews/{session_id}/report.pdf",
    openapi_extra={"responses": {200: {"description": "The PDF report", "content": _PDF}}},
)
def interview_report_get(request: ApiRequest, session_id: DbId) -> HttpResponse:
    """The interview's PDF report (audited: it exports personal data)."""
    require_scope(request, READ)
    pdf, name = interview_report_pdf(actor=request.user, session_id=session_id)
    return attachment(pdf, name, "application/pdf")
