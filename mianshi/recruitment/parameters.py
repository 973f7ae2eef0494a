"""The parameters of a plan's procedure, each with the usual default (configured, never
coded: localities differ). Stored as JSON on the plan; read through `Parameters`.

Defaults follow common practice under 人事部令第6号 and the provincial rules derived from
it: the announcement runs 7 working days before applications open; a post opens for the
exam at 3 qualified applicants per place (开考比例 1:3); the written pass line is 60; the
interview shortlist is 1:3 of the headcount by written score; the interview score drops the
highest and lowest mark; written and interview weigh 50/50; ties go to the higher written
score, then the skills test, then a recorded decision; 公示 lasts 7 working days; names and
ID numbers are masked on the publication list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.recruitment.arithmetic import Weights
from mianshi.recruitment.draw import PANEL_MAX, PANEL_MIN

MASKS = ("show", "name", "id", "hide")  # how a column of the publication list is shown
COLUMNS = ("name", "gender", "id_number", "education", "post_code", "written", "interview",
           "total", "rank")  # fmt: skip
TIE_BREAKS = ("written", "extra", "decision")


def _default_masking() -> dict[str, str]:
    return {c: "show" for c in COLUMNS} | {"name": "name", "id_number": "id"}


@dataclass(frozen=True)
class Parameters:
    """Every configurable rule of one plan's procedure."""

    announcement_days: int = 7
    opening_ratio: Decimal = Decimal(3)
    pass_line: Decimal = Decimal(60)
    max_score: Decimal = Decimal(100)
    shortlist_ratio: int = 3
    panel_size: int = 7
    other_regions: bool = False  # examiners from other regions only
    drop_highest: int = 1
    drop_lowest: int = 1
    weight_written: Decimal = Decimal("0.5")
    weight_interview: Decimal = Decimal("0.5")
    weight_extra: Decimal = Decimal(0)
    tie_break: tuple[str, ...] = TIE_BREAKS
    publication_days: int = 7
    masking: dict[str, str] = field(default_factory=_default_masking)

    @property
    def weights(self) -> Weights:
        return Weights(self.weight_written, self.weight_interview, self.weight_extra)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()} | {
            "tie_break": list(self.tie_break)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        """Parameters from stored or submitted JSON; missing keys take the default. Every
        bad value is reported at once, keyed by its parameter (ValidationError)."""
        if not isinstance(data, Mapping):
            raise ValidationError(_("The parameters are a JSON object of names and values."))
        errors: dict[str, str] = {}
        values = {
            f.name: _coerce(f.name, data[f.name], errors) for f in fields(cls) if f.name in data
        }
        for name in sorted(set(data) - {f.name for f in fields(cls)}):
            errors[name] = _("Unknown parameter.")
        # A value that could not be read stands at its default, so the ranges of the others
        # are still checked and reported with it; its own error is the one kept.
        params = cls(**values)
        errors = _checked(params) | errors
        if errors:
            raise ValidationError(errors)
        return params


def _coerce(name: str, value: Any, errors: dict[str, str]) -> Any:
    default = getattr(Parameters(), name)
    try:
        if isinstance(default, bool):
            return _boolean(value)
        if isinstance(default, Decimal):
            return _decimal(value)
        if isinstance(default, int):
            return int(value) if isinstance(value, int | str) and str(value).isdigit() else _bad()
        if isinstance(default, tuple):
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else _bad()
        # Columns left out keep their default mask: a partial map must never unmask ID numbers.
        return _default_masking() | dict(value) if isinstance(value, dict) else _bad()
    except (InvalidOperation, ValueError, TypeError):
        errors[name] = _("Not a valid value: %(value)s.") % {"value": value}
        return default


def _decimal(value: Any) -> Decimal:
    """A finite Decimal from a Decimal, an int or a string ("0.6"); floats and bools refused."""
    if isinstance(value, float | bool):
        raise TypeError(value)
    number = Decimal(str(value))
    if not number.is_finite():  # NaN would raise on every later comparison
        raise ValueError(value)
    return number


def _bad() -> Any:
    raise ValueError


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError


def _checked(p: Parameters) -> dict[str, str]:
    """The ranges a working procedure needs, an error per parameter (the weights check
    themselves)."""
    errors: dict[str, str] = {}
    _check_numbers(p, errors)
    if not PANEL_MIN <= p.panel_size <= PANEL_MAX:
        errors["panel_size"] = _("A panel has %(min)s to %(max)s examiners.") % {
            "min": PANEL_MIN, "max": PANEL_MAX,
        }  # fmt: skip
    if p.drop_highest + p.drop_lowest >= p.panel_size:
        errors["drop_highest"] = _("Dropping that many marks leaves none to average.")
    _check_lists(p, errors)
    try:
        p.weights  # noqa: B018  (Weights validates the sum and the ranges)
    except ValueError as error:
        errors["weight_written"] = str(error)
    return errors


def _check_numbers(p: Parameters, errors: dict[str, str]) -> None:
    for name in ("announcement_days", "publication_days"):
        if not 1 <= getattr(p, name) <= 60:
            errors[name] = _("Between 1 and 60 working days.")
    for name in ("opening_ratio", "shortlist_ratio"):
        if getattr(p, name) <= 0:
            errors[name] = _("A ratio must be positive.")
    if p.max_score <= 0:
        errors["max_score"] = _("The highest score must be positive.")
    if not 0 <= p.pass_line <= p.max_score:
        errors["pass_line"] = _("The pass line must lie between 0 and the highest score.")


def _check_lists(p: Parameters, errors: dict[str, str]) -> None:
    if not set(p.tie_break) <= set(TIE_BREAKS) or len(set(p.tie_break)) != len(p.tie_break):
        errors["tie_break"] = _("Tie-breaks are written, extra and decision, each once.")
    bad = {k: v for k, v in p.masking.items() if k not in COLUMNS or v not in MASKS}
    if bad:
        errors["masking"] = _("Unknown columns or masks: %(bad)s.") % {"bad": bad}
