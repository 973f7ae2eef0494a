"""What the engine reads and writes: the candidate's `Facts`, one `RuleResult` per rule with
the reason shown to HR and the candidate ("专业：汉语言文学 ✗ 不在 计算机类"), the `Screening`,
and the builders every rule uses so that all reasons read "<rule>: <detail>".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from mianshi.recruitment.qualification.catalogue import MajorCatalogue
from mianshi.recruitment.qualification.i18n import _
from mianshi.recruitment.qualification.rules import PostRules


@dataclass(frozen=True)
class Facts:
    """What the candidate or HR entered; "" or None where nothing was."""

    education: str = ""
    degree: str = ""
    major: str = ""
    certificates: tuple[str, ...] = ()
    experience_years: Decimal | None = None
    id_number: str = ""
    declared_household: str = ""
    political_status: str = ""


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome and the reason shown to HR and the candidate."""

    code: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class Screening:
    """The outcome of qualification screening: passed only if every rule passed."""

    passed: bool
    results: list[RuleResult]


Check = Callable[[PostRules, Facts, MajorCatalogue, dt.date], RuleResult]


def result_of(code: str, label: str, detail: str, *, passed: bool) -> RuleResult:
    """The rule's result, its reason "<label>: <detail>"."""
    reason = _("%(rule)s: %(detail)s") % {"rule": label, "detail": detail}
    return RuleResult(code=code, passed=passed, reason=reason)


def passing(code: str, label: str, value: str) -> RuleResult:
    """A pass showing the value that passed ("<value> ✓")."""
    return result_of(code, label, _("%(value)s ✓") % {"value": value}, passed=True)


def missing(code: str, label: str) -> RuleResult:
    """A fail because nothing was entered: the engine never guesses."""
    return result_of(code, label, _("✗ not entered"), passed=False)
