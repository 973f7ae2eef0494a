"""Typed request and response bodies of the employees API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from mianshi.common.external_refs import RefsPatch, external_refs_of
from mianshi.common.pagination import DbId


class EmployeeOut(Schema):
    id: int
    employee_number: str
    position: str
    hire_date: dt.date
    status: str
    org_unit_id: int
    candidate_id: int | None
    application_id: int | None
    external_refs: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_external_refs(obj: Any) -> dict[str, str]:
        return external_refs_of(obj)


class EmployeePatch(Schema):
    position: str | None = Field(default=None, max_length=120)
    status: str | None = None
    external_refs: RefsPatch | None = Field(None, description="source → id; null clears one")


class EmployeeQuery(Schema):
    q: str = Field(default="", max_length=100)
    status: str = Field(default="", max_length=20)
    external_ref: str = Field(default="", max_length=200, description="source:id, e.g. sap_sf:1")


class EvidenceOut(Schema):
    quote: str
    position: int | None = None
    start: float | None = None
    end: float | None = None


class BaselineDimensionOut(Schema):
    code: str
    name: str
    weight: float | None = None
    ai: float | None = None
    human: float | None = None
    final: float | None = None
    evidence: list[EvidenceOut] = []


class GrowthOut(Schema):
    code: str
    name: str
    score: float | None = None


class BaselineOut(Schema):
    session_id: int | None
    policy: str
    ai_total: float | None
    human_total: float | None
    final_total: float | None
    dimensions: list[BaselineDimensionOut]
    growth_areas: list[GrowthOut]
    notes: list[str]
    has_report: bool
    frozen_at: dt.datetime

    @staticmethod
    def resolve_has_report(obj: Any) -> bool:
        return bool(obj.report_path)


class TimelineOut(Schema):
    when: dt.date
    kind: str
    title: str
    detail: str
    source: str = ""
    record_id: int | None = None


class PostHireIn(Schema):
    kind: str = Field(max_length=20)
    period: str = Field(default="", max_length=20)
    date: dt.date | None = None
    value: str = Field(default="", max_length=40)
    probation_result: str = Field(default="", max_length=20)
    training_name: str = Field(default="", max_length=200)
    training_hours: Decimal | None = Field(default=None, ge=0, le=9999)
    new_position: str = Field(default="", max_length=120)
    leave_type: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=2000)
    record_id: str = Field(default="", max_length=100)


class PostHireOut(Schema):
    id: int
    employee_id: int
    kind: str
    period: str
    date: dt.date | None
    raw_value: str
    score: float | None
    probation_result: str
    training_name: str
    training_hours: Decimal | None
    new_position: str
    leave_type: str
    note: str
    source: str
    source_record_id: str
    created_at: dt.datetime


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    duplicates: int
    errors: list[RowErrorOut]


class InvalidOut(Schema):
    """A request refused before any row was read (not a workbook, a field missing)."""

    detail: Any


class ScaleIn(Schema):
    org_unit_id: DbId
    name: str = Field(max_length=80)
    grades: dict[str, float] = {}
    ranges: list[dict[str, Any]] = []


class ScaleOut(Schema):
    id: int
    org_unit_id: int
    name: str
    grades: dict[str, float]
    ranges: list[dict[str, Any]]


class SourceIn(Schema):
    name: str = Field(max_length=60)
    org_unit_id: DbId


class SourceOut(Schema):
    id: int
    name: str
    org_unit_id: int
    is_active: bool
    created_at: dt.datetime


class SourceCreatedOut(SourceOut):
    secret: str


class ReceivedOut(Schema):
    record_id: int | None
    created: bool
    replayed: bool
