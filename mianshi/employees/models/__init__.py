"""The employee archive (F-92) and the post-hire data that flows back into it (F-93)."""

from mianshi.employees.models.employees import (
    Baseline,
    Employee,
    EmployeeStatus,
    StatusChange,
)
from mianshi.employees.models.posthire import (
    InboundMessage,
    InboundSource,
    LeaveType,
    PerformanceScale,
    PostHireKind,
    PostHireRecord,
    ProbationResult,
    RecordSource,
)

__all__ = [
    "Baseline",
    "Employee",
    "EmployeeStatus",
    "InboundMessage",
    "InboundSource",
    "LeaveType",
    "PerformanceScale",
    "PostHireKind",
    "PostHireRecord",
    "ProbationResult",
    "RecordSource",
    "StatusChange",
]
