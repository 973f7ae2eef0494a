"""Transition-action writes: configuring rules and notices, planning and running actions."""

from mianshi.integrations.automation.services.rules import (
    notice_create,
    notice_delete,
    notice_update,
    rule_create,
    rule_delete,
    rule_update,
)
from mianshi.integrations.automation.services.runs import (
    run_execute,
    run_retry,
    runs_plan,
    runs_sweep,
)

__all__ = [
    "notice_create",
    "notice_delete",
    "notice_update",
    "rule_create",
    "rule_delete",
    "rule_update",
    "run_execute",
    "run_retry",
    "runs_plan",
    "runs_sweep",
]
