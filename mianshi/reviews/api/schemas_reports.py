"""API schemas of the reports: the job ranking as paginated JSON."""

from __future__ import annotations

from ninja import Field, Schema

from mianshi.candidates.pipeline import Stage
from mianshi.common.pagination import MAX_PAGE, MAX_PAGE_SIZE


class RankingQuery(Schema):
    """Filters and paging of the ranking (the same as the HR page's)."""

    stage: Stage | None = None
    needs_review: bool | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ColumnOut(Schema):
    code: str
    name: str


class DimensionScoreOut(Schema):
    code: str
    ai: float | None
    human: float | None


class RankingRowOut(Schema):
    rank: int
    session_id: int
    application_id: int
    candidate: str
    stage: str
    stage_label: str
    ai_total: float | None
    human_total: float | None
    raters: int
    final_total: float | None
    dimensions: list[DimensionScoreOut]
    confidence: float | None
    needs_review: bool
    anomalies: list[str]
    decision: str
    decision_label: str
    human_hidden: bool = Field(
        False, description="human and final scores withheld until the caller rates (F-71)"
    )


class RankingOut(Schema):
    job_id: int
    count: int
    page: int
    pages: int
    page_size: int
    columns: list[ColumnOut]
    items: list[RankingRowOut]
