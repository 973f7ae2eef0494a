"""A post's qualification rules (`PostRules`): read from their JSON form with an error per
field, written back to it, and checked on creation so that `evaluate` only meets rules that
make sense (a known level, an age limit with the day it is counted on, region prefixes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from mianshi.recruitment.qualification.choices import (
    Degree,
    EducationLevel,
    HouseholdSource,
    PoliticalStatus,
)

_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")


@dataclass(frozen=True)
class PostRules:
    """The qualification rules of one post; an empty or None rule is not applied."""

    education_min: str | None = None
    degree_min: str | None = None
    majors: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    experience_years_min: Decimal | None = None
    age_max: int | None = None
    age_cutoff: dt.date | None = None
    household: tuple[str, ...] = ()
    household_source: str = HouseholdSource.ID
    political: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = {name: check(self) for name, check in _CHECKS.items()}
        errors = {name: message for name, message in problems.items() if message}
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PostRules:
        """Rules from their JSON form; ValidationError keyed by field for bad values."""
        values, errors = _parsed(data)
        try:
            rules = cls(**values)
        except ValidationError as invalid:
            errors = {
                name: " ".join(texts) for name, texts in invalid.message_dict.items()
            } | errors
        if errors:
            raise ValidationError(errors)
        return rules

    def to_dict(self) -> dict[str, Any]:
        """The JSON form from_dict reads back."""
        minimum = self.experience_years_min
        return {
            "education_min": self.education_min,
            "degree_min": self.degree_min,
            "majors": list(self.majors),
            "certificates": list(self.certificates),
            "experience_years_min": None if minimum is None else str(minimum),
            "age_max": self.age_max,
            "age_cutoff": None if self.age_cutoff is None else self.age_cutoff.isoformat(),
            "household": list(self.household),
            "household_source": self.household_source,
            "political": list(self.political),
        }


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(value)
    return value.strip()


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise TypeError(value)
    return tuple(item.strip() for item in value if item.strip())


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise TypeError(value)
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError(value)
    return number


def _integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    return int(value)


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "education_min": _text,
    "degree_min": _text,
    "majors": _texts,
    "certificates": _texts,
    "experience_years_min": _decimal,
    "age_max": _integer,
    "age_cutoff": _day,
    "household": _texts,
    "household_source": lambda value: _text(value) or HouseholdSource.ID,
    "political": _texts,
}


def _parsed(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each known field parsed (its empty value where it cannot be) and the fields' errors."""
    errors = {key: _("Unknown rule: %(field)s.") % {"field": key} for key in data}
    values: dict[str, Any] = {}
    for name, parse in _PARSERS.items():
        errors.pop(name, None)
        try:
            values[name] = parse(data.get(name))
        except (TypeError, ValueError, InvalidOperation):
            values[name] = parse(None)
            errors[name] = _("%(field)s: %(value)r is not a valid value.") % {
                "field": name,
                "value": data.get(name),
            }
    return values, errors


def _unknown(choices: type[models.TextChoices], values: Iterable[str | None]) -> str:
    return ", ".join(v for v in values if v is not None and v not in choices.values)


def _check_education(rules: PostRules) -> str:
    wrong = _unknown(EducationLevel, [rules.education_min])
    return _("Minimum education: unknown level %(value)s.") % {"value": wrong} if wrong else ""


def _check_degree(rules: PostRules) -> str:
    wrong = _unknown(Degree, [rules.degree_min])
    return _("Minimum degree: unknown degree %(value)s.") % {"value": wrong} if wrong else ""


def _check_experience(rules: PostRules) -> str:
    minimum = rules.experience_years_min
    if minimum is not None and minimum < 0:
        return _("Minimum years of experience: must not be negative.")
    return ""


def _check_age(rules: PostRules) -> str:
    if rules.age_max is not None and rules.age_max < 0:
        return _("Maximum age: must not be negative.")
    if rules.age_max is not None and rules.age_cutoff is None:
        return _("Maximum age: give the date the age is counted on (age cutoff).")
    return ""


def _check_household(rules: PostRules) -> str:
    wrong = ", ".join(p for p in rules.household if not _PREFIX.match(p))
    if not wrong:
        return ""
    message = _("Household registration: %(value)s is not a region code prefix (2, 4 or 6 digits).")
    return message % {"value": wrong}


def _check_household_source(rules: PostRules) -> str:
    if rules.household_source in HouseholdSource.values:
        return ""
    message = _("Household registration: unknown source %(value)s.")
    return message % {"value": rules.household_source}


def _check_political(rules: PostRules) -> str:
    wrong = _unknown(PoliticalStatus, rules.political)
    return _("Political status: unknown status %(value)s.") % {"value": wrong} if wrong else ""


_CHECKS: dict[str, Callable[[PostRules], str]] = {
    "education_min": _check_education,
    "degree_min": _check_degree,
    "experience_years_min": _check_experience,
    "age_max": _check_age,
    "household": _check_household,
    "household_source": _check_household_source,
    "political": _check_political,
}
