"""Typed bodies of the workbench API: one interview as the review workbench shows it."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class WbPartOut(Schema):
    recording_id: str
    number: int = Field(description="1-based; an answer interrupted by a reload has several")
    media_url: str = Field(description="The decrypted recording (API key, Range supported)")
    duration_s: float | None


class WbSegmentOut(Schema):
    start: float = Field(description="Seconds into the transcript's recording part")
    end: float
    text: str


class WbQuoteOut(Schema):
    answer_id: int
    position: int
    quote: str
    element: str = Field(
        description="The rubric element the quote shows (engine code or HR's clause)"
    )
    label: str
    start: float | None
    end: float | None
    part: int


class WbMomentOut(Schema):
    kind: str
    label: str
    offset_s: float | None = Field(description="Seconds into `part` (None: not during recording)")
    end_s: float | None
    part: int
    source: str = Field(description="browser (reported by the candidate's page) or analysis")
    at: datetime | None


class WbRunOut(Schema):
    id: int
    status: str
    is_current: bool
    reason: str
    error: str
    pipeline_version: str
    model_name: str
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    total: float | None = Field(description="The answer's score (0–10) of a done run")


class WbAnswerAIOut(Schema):
    level: int | None
    levels: int
    total: float | None
    confidence: float | None
    found: list[str]
    missing: list[str]
    suggestions: list[str]
    evidence: list[WbQuoteOut]
    needs_review: bool
    reasons: list[str]
    superseded: bool = Field(description="From an older run: a newer one is pending or failed")


class WbQualityOut(Schema):
    status: str
    fps: float | None
    width: int | None
    height: int | None
    audio_db: float | None
    issues: list[str]
    notes: list[str]


class WbAnswerOut(Schema):
    id: int
    position: int
    question: str
    answer_type: str
    status: str
    parts: list[WbPartOut]
    transcript_part: int
    segments: list[WbSegmentOut]
    run: WbRunOut | None
    runs: list[WbRunOut] = Field(description="Earlier runs, newest first (kept for audit)")
    ai: WbAnswerAIOut | None
    quality: WbQualityOut | None
    integrity: list[WbMomentOut]
    marks: list[WbMomentOut]


class WbDimensionOut(Schema):
    code: str
    name: str
    score: float | None = Field(description="The AI's score, 0–10: a suggestion for a person")
    weight: float | None
    confidence: float | None
    needs_review: bool
    evidence: list[WbQuoteOut]


class WbAnomalyOut(Schema):
    code: str
    text: str
    dimension: str | None = None


class WbScoresOut(Schema):
    policy: str
    ai_total: float | None
    human_total: float | None = Field(description="Null for a rater who has not submitted yet")
    final_total: float | None = Field(description="Null for a rater who has not submitted yet")
    raters: int
    needs_review: bool


class WorkbenchOut(Schema):
    session_id: int
    application_id: int
    candidate_id: int
    candidate_name: str
    job_id: int
    job_title: str
    stage: str
    finished_at: datetime | None
    scores: WbScoresOut | None
    dimensions: list[WbDimensionOut]
    anomalies: list[WbAnomalyOut]
    answers: list[WbAnswerOut]
    pending: bool = Field(description="Some analysis is queued or running")
