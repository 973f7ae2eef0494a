"""API schemas of offers (typed; unknown fields are refused with 422)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from mianshi.common.pagination import DbId


class OfferIn(Schema):
    """The terms the proposer fills in; the service checks them (translated 422s)."""

    model_config = ConfigDict(extra="forbid")

    position: str = Field(max_length=200)
    start_date: dt.date
    approver_id: DbId = Field(description="a user with offers.approve on the unit, not you")
    hire_unit_id: DbId | None = Field(None, description="default: the job's unit")
    salary: str = Field("", max_length=400)
    note: str = Field("", max_length=4000)
    medical_at: dt.datetime | None = Field(None, description="the medical check (体检)")
    medical_place: str = Field("", max_length=400)
    medical_materials: str = Field("", max_length=4000)


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=4000)


class HireIn(Schema):
    model_config = ConfigDict(extra="forbid")

    hire_date: dt.date
    employee_number: str = Field(max_length=100)


class OfferOut(Schema):
    id: int
    application_id: int
    decision_id: int
    hire_unit_id: int
    position: str
    salary: str
    start_date: dt.date
    note: str
    medical_at: dt.datetime | None
    medical_place: str
    medical_materials: str
    status: str
    proposed_by_id: int
    approver_id: int
    decided_at: dt.datetime | None
    return_reason: str
    hire_date: dt.date | None
    employee_number: str
    created_at: dt.datetime
