"""资格审查 (SPEC F-22): a post's qualification rules applied to what a candidate entered.

Every configured rule gives one result with a reason a person can read and contest
("专业：汉语言文学 ✗ 不在 计算机类"), in a fixed order, so the screening list, the candidate's
notice and the audit trail all say the same thing. A missing fact fails its rule ("not
entered") rather than passing silently: HR reviews and may override, the engine never guesses.
Pure: dataclasses in, dataclasses out, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import models

from mianshi.recruitment.qualification.catalogue import MajorCatalogue
from mianshi.recruitment.qualification.choices import (
    ALSO_COUNTS_AS,
    Degree,
    EducationLevel,
    PoliticalStatus,
    all_of,
    choice_code,
    choice_label,
    codes,
    either_of,
    normalise,
)
from mianshi.recruitment.qualification.i18n import _
from mianshi.recruitment.qualification.identity import check_age, check_household
from mianshi.recruitment.qualification.results import (
    Check,
    Facts,
    RuleResult,
    Screening,
    missing,
    passing,
    result_of,
)
from mianshi.recruitment.qualification.rules import PostRules


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


def _ranked(
    code: str, label: str, choices: type[models.TextChoices], entered: str, minimum: str
) -> RuleResult:
    if not entered.strip():
        return missing(code, label)
    value = choice_code(choices, entered)
    if value is None:
        return result_of(
            code, label, _("%(value)s ✗ not recognised") % {"value": entered}, passed=False
        )
    order = codes(choices)
    if order.index(value) >= order.index(minimum):
        return passing(code, label, choice_label(choices, value))
    detail = _("%(value)s ✗ below %(minimum)s") % {
        "value": choice_label(choices, value),
        "minimum": choice_label(choices, minimum),
    }
    return result_of(code, label, detail, passed=False)


def _education(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    minimum = rules.education_min or EducationLevel.HIGH_SCHOOL
    return _ranked("education", _("Education"), EducationLevel, facts.education, minimum)


def _degree(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    minimum = rules.degree_min or Degree.BACHELOR
    return _ranked("degree", _("Degree"), Degree, facts.degree, minimum)


def _major(rules: PostRules, facts: Facts, catalogue: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, entered = _("Major"), facts.major.strip()
    if not entered:
        return missing("major", label)
    if normalise(entered) in {normalise(allowed) for allowed in rules.majors}:
        return passing("major", label, entered)
    major = catalogue.major(entered)
    if major is None:
        detail = _("%(value)s ✗ not in the major catalogue") % {"value": entered}
        return result_of("major", label, detail, passed=False)
    return _major_in(rules, catalogue, entered, major)


def _major_in(rules: PostRules, catalogue: MajorCatalogue, entered: str, major: str) -> RuleResult:
    label = _("Major")
    for allowed in rules.majors:
        if catalogue.major(allowed) == major:
            return passing("major", label, entered)
        category = catalogue.category(allowed)
        if category is not None and category in catalogue.categories_of(major):
            detail = _("%(value)s ✓ (%(category)s)") % {"value": entered, "category": category}
            return result_of("major", label, detail, passed=True)
    detail = _("%(value)s ✗ not in %(allowed)s") % {
        "value": entered,
        "allowed": either_of(rules.majors),
    }
    return result_of("major", label, detail, passed=False)


def _certificates(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label = _("Certificates")
    if not facts.certificates:
        return missing("certificates", label)
    held = {_certificate_key(name) for name in facts.certificates}
    lacking = [name for name in rules.certificates if _certificate_key(name) not in held]
    if not lacking:
        return passing("certificates", label, all_of(rules.certificates))
    detail = _("✗ %(missing)s missing") % {"missing": all_of(lacking)}
    return result_of("certificates", label, detail, passed=False)


def _certificate_key(name: str) -> str:
    # "教师资格证书" and "教师资格证" are the same certificate on candidates' forms.
    key = normalise(name)
    return key.removesuffix("书") if key.endswith("证书") else key


def _years(years: Decimal) -> str:
    return _("%(years)s years") % {"years": f"{years.normalize():f}"}


def _experience(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, years, minimum = _("Work experience"), facts.experience_years, rules.experience_years_min
    if years is None:
        return missing("experience", label)
    if minimum is None or years >= minimum:
        return passing("experience", label, _years(years))
    detail = _("%(value)s ✗ less than %(minimum)s") % {
        "value": _years(years),
        "minimum": _years(minimum),
    }
    return result_of("experience", label, detail, passed=False)


def _political(rules: PostRules, facts: Facts, _c: MajorCatalogue, _d: dt.date) -> RuleResult:
    label, entered = _("Political status"), facts.political_status.strip()
    if not entered:
        return missing("political", label)
    status = choice_code(PoliticalStatus, entered)
    if status is None:
        return result_of(
            "political", label, _("%(value)s ✗ not recognised") % {"value": entered}, passed=False
        )
    if status in rules.political or ALSO_COUNTS_AS.get(status) in rules.political:
        return passing("political", label, choice_label(PoliticalStatus, status))
    detail = _("%(value)s ✗ %(allowed)s required") % {
        "value": choice_label(PoliticalStatus, status),
        "allowed": either_of(choice_label(PoliticalStatus, code) for code in rules.political),
    }
    return result_of("political", label, detail, passed=False)


# The order of the results: the order of the columns of a 岗位 table in a 招聘公告.
_ORDER: list[tuple[Callable[[PostRules], bool], Check]] = [
    (lambda rules: rules.education_min is not None, _education),
    (lambda rules: rules.degree_min is not None, _degree),
    (lambda rules: bool(rules.majors), _major),
    (lambda rules: bool(rules.certificates), _certificates),
    (lambda rules: rules.experience_years_min is not None, _experience),
    (lambda rules: rules.age_max is not None, check_age),
    (lambda rules: bool(rules.household), check_household),
    (lambda rules: bool(rules.political), _political),
]
