"""Public recruitment (事业单位公开招聘): plan → announcement → 资格审查 → 笔试 → 面试 →
体检 → 考察 → 公示 → 聘用, every step's state in one of these models."""

from mianshi.recruitment.avoidance import ConflictKind, Relation
from mianshi.recruitment.models.exams import ShortlistEntry, ShortlistStatus, WrittenScore
from mianshi.recruitment.models.panels import (
    Conflict,
    ConflictStatus,
    Declaration,
    Examiner,
    Lot,
    Mark,
    Panel,
    Seat,
    Substitute,
)
from mianshi.recruitment.models.plans import (
    CalendarDay,
    DayKind,
    Plan,
    PlanStatus,
    Post,
    PostStatus,
    QuotaChange,
)
from mianshi.recruitment.models.results import Objection, Publication, Result, ResultStatus
from mianshi.recruitment.models.screening import QUALIFIED, ApplicantFacts, Screening

__all__ = [
    "QUALIFIED",
    "ApplicantFacts",
    "CalendarDay",
    "Conflict",
    "ConflictKind",
    "ConflictStatus",
    "DayKind",
    "Declaration",
    "Examiner",
    "Lot",
    "Mark",
    "Objection",
    "Panel",
    "Plan",
    "PlanStatus",
    "Post",
    "PostStatus",
    "Publication",
    "QuotaChange",
    "Relation",
    "Result",
    "ResultStatus",
    "Screening",
    "Seat",
    "ShortlistEntry",
    "ShortlistStatus",
    "Substitute",
    "WrittenScore",
]
