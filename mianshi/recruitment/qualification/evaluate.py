"""资格审查 (SPEC F-22): a post's qualification rules applied to what a candidate entered.

Every configured rule gives one result with a reason a person can read and contest
("专业：汉语言文学 ✗ 不在 计算机类"), in a fixed order, so the screening list, the candidate's
notice and the audit trail all say the same thing. A missing fact fails its rule ("not
entered") rather than passing silently: HR reviews and may override, the engine never guesses.
Pure: dataclasses in, dataclasses out, no database.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.recruitment.idcard import age_on, id_facts, region_name


class EducationLevel(models.TextChoices):
    """学历, lowest first: the declaration order is the order of the levels."""

    HIGH_SCHOOL = "high_school", gettext_lazy("High school or secondary vocational school")
    COLLEGE = "college", gettext_lazy("Junior college")
    BACHELOR = "bachelor", gettext_lazy("Undergraduate")
    MASTER = "master", gettext_lazy("Master's graduate")
    DOCTOR = "doctor", gettext_lazy("Doctoral graduate")


class Degree(models.TextChoices):
    """学位, lowest first."""

    BACHELOR = "bachelor", gettext_lazy("Bachelor's degree")
    MASTER = "master", gettext_lazy("Master's degree")
    DOCTOR = "doctor", gettext_lazy("Doctoral degree")


class PoliticalStatus(models.TextChoices):
    """政治面貌 as the recruitment forms list it (GB/T 4762, grouped)."""

    CPC_MEMBER = "cpc_member", gettext_lazy("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", gettext_lazy("CPC probationary member")
    CYL_MEMBER = "cyl_member", gettext_lazy("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", gettext_lazy("Member of a democratic party")
    NON_PARTISAN = "non_partisan", gettext_lazy("Non-partisan personage")
    MASSES = "masses", gettext_lazy("Ordinary citizen (no affiliation)")


class HouseholdSource(models.TextChoices):
    """Where the household registration (户籍) is read from."""

    ID = "id", gettext_lazy("from the ID number")
    DECLARED = "declared", gettext_lazy("as declared")
    EITHER = "either", gettext_lazy("from the ID number or as declared")


# What candidates and imported sheets write instead of our codes.
_SAID: dict[type[models.TextChoices], dict[str, tuple[str, ...]]] = {
    EducationLevel: {
        "high_school": ("高中", "中专", "高中/中专"),
        "college": ("大专", "专科"),
        "bachelor": ("本科", "大学本科"),
        "master": ("硕士", "硕士研究生", "研究生"),
        "doctor": ("博士", "博士研究生"),
    },
    Degree: {"bachelor": ("学士",), "master": ("硕士",), "doctor": ("博士",)},
    PoliticalStatus: {
        "cpc_member": ("中共党员", "党员"),
        "cpc_probationary": ("中共预备党员", "预备党员"),
        "cyl_member": ("共青团员", "团员"),
        "democratic_party": ("民主党派",),
        "non_partisan": ("无党派人士",),
        "masses": ("群众",),
    },
}
# A probationary member (预备党员) counts as a member wherever members are asked for.
_ALSO_COUNTS_AS = {"cpc_probationary": "cpc_member"}
_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared: full-width folded to half-width, no whitespace, case-free."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return folded.removesuffix("专业") or folded


def _choice(choices: type[models.TextChoices], value: str) -> str | None:
    key = normalise(value)
    if key in choices.values:
        return key
    said = _SAID.get(choices, {})
    return next((code for code, words in said.items() if key in words), None)


def _label(choices: type[models.TextChoices], code: str) -> str:
    return str(choices(code).label)


def _either_of(names: Iterable[str]) -> str:
    return str(get_text_list(list(names), _("or")))


def _all_of(names: Iterable[str]) -> str:
    return str(get_text_list(list(names), _("and")))


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
class MajorCatalogue:
    """Categories of majors (专业类) → majors, and every name a major goes by → the major.

    Keys are normalised text; values the catalogue's own spelling. Build it with
    `default()` or `from_dict()`.
    """

    categories: Mapping[str, str] = field(default_factory=dict)
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    majors: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def default(cls) -> MajorCatalogue:
        """A subset of the 普通高等学校本科专业目录 (data/majors.json)."""
        return _default_catalogue()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MajorCatalogue:
        """A catalogue from {"categories": [{"name", "majors": [{"name", "aliases"}]}]}.

        ValueError (translated) for another shape or for one name given to two majors.
        """
        try:
            return cls._read(data)
        except (KeyError, TypeError, AttributeError) as error:
            message = _("A major catalogue lists categories, each with a name and its majors.")
            raise ValueError(message) from error

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> MajorCatalogue:
        categories: dict[str, str] = {}
        members: dict[str, frozenset[str]] = {}
        majors: dict[str, str] = {}
        for category in data["categories"]:
            name = str(category["name"])
            categories[normalise(name)] = name
            listed = [_entry(item) for item in category["majors"]]
            members[name] = frozenset(major for major, _aliases in listed)
            for major, aliases in listed:
                _add_names(majors, major, aliases)
        return cls(
            categories=MappingProxyType(categories),
            members=MappingProxyType(members),
            majors=MappingProxyType(majors),
        )

    def major(self, text: str) -> str | None:
        """The catalogue's major that `text` names (by name or alias), or None."""
        return self.majors.get(normalise(text))

    def category(self, text: str) -> str | None:
        """The category that `text` names, or None."""
        return self.categories.get(normalise(text))

    def categories_of(self, major: str) -> list[str]:
        """The categories a major of the catalogue belongs to."""
        return [name for name, majors in self.members.items() if major in majors]


def _entry(item: Any) -> tuple[str, list[str]]:
    if isinstance(item, str):
        return item, []
    aliases = item.get("aliases", [])
    if isinstance(aliases, str):
        raise TypeError(aliases)
    return str(item["name"]), [str(alias) for alias in aliases]


def _add_names(majors: dict[str, str], major: str, aliases: list[str]) -> None:
    for name in [major, *aliases]:
        taken = majors.setdefault(normalise(name), major)
        if taken != major:
            raise ValueError(
                _("%(name)s names two majors: %(first)s and %(second)s.")
                % {"name": name, "first": taken, "second": major}
            )


@functools.cache
def _default_catalogue() -> MajorCatalogue:
    path = Path(__file__).resolve().parent.parent / "data" / "majors.json"
    return MajorCatalogue.from_dict(json.loads(path.read_text(encoding="utf-8")))


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


def evaluate(
    rules: PostRules,
    facts: Facts,
    *,
    catalogue: MajorCatalogue,
    today: dt.date | None = None,
) -> Screening:
    """Apply every configured rule of the post, in a fixed order, each with its reason."""
    day = today or dt.date.today()
    results = [check(rules, facts, catalogue, day) for applies, check in _ORDER if applies(rules)]
    return Screening(passed=all(r.passed for r in results), results=results)


Check = Callable[[PostRules, Facts, MajorCatalogue, dt.date], RuleResult]


def _result(code: str, label: str, detail: str, *, passed: bool) -> RuleResult:
    reason = _("%(rule)s: %(detail)s") % {"rule": label, "detail": detail}
    return RuleResult(code=code, passed=passed, reason=reason)


def _passed(code: str, label: str, value: str) -> RuleResult:
    return _result(code, label, _("%(value)s ✓") % {"value": value}, passed=True)


def _missing(code: str, label: str) -> RuleResult:
    return _result(code, label, _("✗ not entered"), passed=False)


def _ranked(
    code: str, label: str, choices: type[models.TextChoices], entered: str, minimum: str
) -> RuleResult:
    if not entered.strip():
        return _missing(code, label)
    value = _choice(choices, entered)
    if value is None:
        return _result(
            code, label, _("%(value)s ✗ not recognised") % {"value": entered}, passed=False
        )
    order = list(choices.values)
    if order.index(value) >= order.index(minimum):
        return _passed(code, label, _label(choices, value))
    detail = _("%(value)s ✗ below %(minimum)s") % {
        "value": _label(choices, value),
        "minimum": _label(choices, minimum),
    }
    return _result(code, label, detail, passed=False)


def _education(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    minimum = rules.education_min or EducationLevel.HIGH_SCHOOL
    return _ranked("education", _("Education"), EducationLevel, facts.education, minimum)


def _degree(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    minimum = rules.degree_min or Degree.BACHELOR
    return _ranked("degree", _("Degree"), Degree, facts.degree, minimum)


def _major(rules: PostRules, facts: Facts, catalogue: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, entered = _("Major"), facts.major.strip()
    if not entered:
        return _missing("major", label)
    if normalise(entered) in {normalise(allowed) for allowed in rules.majors}:
        return _passed("major", label, entered)
    major = catalogue.major(entered)
    if major is None:
        detail = _("%(value)s ✗ not in the major catalogue") % {"value": entered}
        return _result("major", label, detail, passed=False)
    return _major_in(rules, catalogue, entered, major)


def _major_in(rules: PostRules, catalogue: MajorCatalogue, entered: str, major: str) -> RuleResult:
    label = _("Major")
    for allowed in rules.majors:
        if catalogue.major(allowed) == major:
            return _passed("major", label, entered)
        category = catalogue.category(allowed)
        if category is not None and category in catalogue.categories_of(major):
            detail = _("%(value)s ✓ (%(category)s)") % {"value": entered, "category": category}
            return _result("major", label, detail, passed=True)
    detail = _("%(value)s ✗ not in %(allowed)s") % {
        "value": entered,
        "allowed": _either_of(rules.majors),
    }
    return _result("major", label, detail, passed=False)


def _certificates(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label = _("Certificates")
    if not facts.certificates:
        return _missing("certificates", label)
    held = {_certificate_key(name) for name in facts.certificates}
    lacking = [name for name in rules.certificates if _certificate_key(name) not in held]
    if not lacking:
        return _passed("certificates", label, _all_of(rules.certificates))
    detail = _("✗ %(missing)s missing") % {"missing": _all_of(lacking)}
    return _result("certificates", label, detail, passed=False)


def _certificate_key(name: str) -> str:
    # "教师资格证书" and "教师资格证" are the same certificate on candidates' forms.
    key = normalise(name)
    return key.removesuffix("书") if key.endswith("证书") else key


def _years(years: Decimal) -> str:
    return _("%(years)s years") % {"years": f"{years.normalize():f}"}


def _experience(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, years, minimum = _("Work experience"), facts.experience_years, rules.experience_years_min
    if years is None:
        return _missing("experience", label)
    if minimum is None or years >= minimum:
        return _passed("experience", label, _years(years))
    detail = _("%(value)s ✗ less than %(minimum)s") % {
        "value": _years(years),
        "minimum": _years(minimum),
    }
    return _result("experience", label, detail, passed=False)


def _birth_and_place(number: str, today: dt.date) -> tuple[dt.date, str]:
    """The ID number's birth date and place code; ValueError (translated) for a bad one."""
    facts = id_facts(number)
    if facts.birth > today:
        raise ValueError(_("The date of birth in this ID number is after today."))
    return facts.birth, facts.region


def _age(rules: PostRules, facts: Facts, _c: MajorCatalogue, today: dt.date) -> RuleResult:
    label, cutoff, maximum = _("Age"), rules.age_cutoff, rules.age_max
    if not facts.id_number.strip():
        return _missing("age", label)
    try:
        birth, _place = _birth_and_place(facts.id_number, today)
    except ValueError as error:
        return _result("age", label, _("✗ %(error)s") % {"error": error}, passed=False)
    assert cutoff is not None and maximum is not None  # PostRules enforces the pair
    age = age_on(birth, cutoff)
    value = _("%(age)s (on %(cutoff)s)") % {"age": age, "cutoff": cutoff.isoformat()}
    if age <= maximum:
        return _passed("age", label, value)
    over = _("%(value)s ✗ over %(maximum)s") % {
        "value": value,
        "maximum": _("%(age)s years of age") % {"age": maximum},
    }
    return _result("age", label, over, passed=False)


def _household(rules: PostRules, facts: Facts, _c: MajorCatalogue, today: dt.date) -> RuleResult:
    label = _("Household registration")
    places: list[tuple[str, str]] = []  # (region code, how the reason shows it)
    for source in _sources(rules.household_source):
        try:
            code = _household_code(facts, source, today)
        except ValueError as error:
            return _result("household", label, _("✗ %(error)s") % {"error": error}, passed=False)
        if code:
            shown = _("%(place)s (%(source)s)") % {
                "place": region_name(code),
                "source": HouseholdSource(source).label,
            }
            places.append((code, shown))
    return _household_result(rules, places)


def _sources(source: str) -> list[str]:
    if source == HouseholdSource.EITHER:
        return [HouseholdSource.ID, HouseholdSource.DECLARED]
    return [source]


def _household_code(facts: Facts, source: str, today: dt.date) -> str:
    if source == HouseholdSource.DECLARED:
        return facts.declared_household.strip()
    if not facts.id_number.strip():
        return ""
    return _birth_and_place(facts.id_number, today)[1]


def _household_result(rules: PostRules, places: list[tuple[str, str]]) -> RuleResult:
    label = _("Household registration")
    if not places:
        return _missing("household", label)
    for code, shown in places:
        if any(code.startswith(prefix) for prefix in rules.household):
            return _passed("household", label, shown)
    detail = _("%(value)s ✗ not in %(allowed)s") % {
        "value": _all_of(shown for _code, shown in places),
        "allowed": _either_of(region_name(prefix) for prefix in rules.household),
    }
    return _result("household", label, detail, passed=False)


def _political(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, entered = _("Political status"), facts.political_status.strip()
    if not entered:
        return _missing("political", label)
    status = _choice(PoliticalStatus, entered)
    if status is None:
        return _result(
            "political", label, _("%(value)s ✗ not recognised") % {"value": entered}, passed=False
        )
    if status in rules.political or _ALSO_COUNTS_AS.get(status) in rules.political:
        return _passed("political", label, _label(PoliticalStatus, status))
    detail = _("%(value)s ✗ %(allowed)s required") % {
        "value": _label(PoliticalStatus, status),
        "allowed": _either_of(_label(PoliticalStatus, code) for code in rules.political),
    }
    return _result("political", label, detail, passed=False)


# The order of the results: the order of the columns of a 岗位 table in a 招聘公告.
_ORDER: list[tuple[Callable[[PostRules], bool], Check]] = [
    (lambda rules: rules.education_min is not None, _education),
    (lambda rules: rules.degree_min is not None, _degree),
    (lambda rules: bool(rules.majors), _major),
    (lambda rules: bool(rules.certificates), _certificates),
    (lambda rules: rules.experience_years_min is not None, _experience),
    (lambda rules: rules.age_max is not None, _age),
    (lambda rules: bool(rules.household), _household),
    (lambda rules: bool(rules.political), _political),
]
