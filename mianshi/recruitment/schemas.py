"""Typed response bodies of the recruitment API; scores are strings with two places, the
way they are published (JSON numbers would lose the trailing zero of 82.50)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


def two_places(value: Decimal | None) -> str | None:
    """82.5 → "82.50"; None stays None."""
    return None if value is None else f"{value:.2f}"


class PostOut(Schema):
    id: int
    code: str
    title: str
    headcount: int
    status: str

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.job.title)

    @staticmethod
    def resolve_headcount(obj: Any) -> int:
        return int(obj.job.headcount)


class ResultOut(Schema):
    application_id: int
    ticket: str
    written: str | None = Field(description="written score, two decimal places")
    interview: str | None = Field(description="interview score (trimmed mean)")
    extra: str | None = Field(description="additional test (加试), when the plan weighs it")
    total: str | None = Field(description="weighted total (综合成绩)")
    rank: int | None
    tied: bool
    status: str

    @staticmethod
    def resolve_written(obj: Any) -> str | None:
        return two_places(obj.written)

    @staticmethod
    def resolve_interview(obj: Any) -> str | None:
        return two_places(obj.interview)

    @staticmethod
    def resolve_extra(obj: Any) -> str | None:
        return two_places(obj.extra)

    @staticmethod
    def resolve_total(obj: Any) -> str | None:
        return two_places(obj.total)
