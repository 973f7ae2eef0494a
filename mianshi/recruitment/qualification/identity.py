"""The rules read from the ID number (or, for 户籍, as declared): age on the post's cutoff day
and household registration by region-code prefix. A bad ID number fails the rule with the
ID check's own reason rather than passing silently.
"""

from __future__ import annotations

import datetime as dt

from mianshi.recruitment.idcard import age_on, id_facts, region_name
from mianshi.recruitment.qualification.catalogue import MajorCatalogue
from mianshi.recruitment.qualification.choices import HouseholdSource, all_of, either_of
from mianshi.recruitment.qualification.i18n import _
from mianshi.recruitment.qualification.results import (
    Facts,
    RuleResult,
    missing,
    passing,
    result_of,
)
from mianshi.recruitment.qualification.rules import PostRules


def _birth_and_place(number: str, today: dt.date) -> tuple[dt.date, str]:
    """The ID number's birth date and place code; ValueError (translated) for a bad one."""
    facts = id_facts(number)
    if facts.birth > today:
        raise ValueError(_("The date of birth in this ID number is after today."))
    return facts.birth, facts.region


def check_age(rules: PostRules, facts: Facts, _c: MajorCatalogue, today: dt.date) -> RuleResult:
    """Age on the cutoff day against the maximum."""
    label, cutoff, maximum = _("Age"), rules.age_cutoff, rules.age_max
    if not facts.id_number.strip():
        return missing("age", label)
    try:
        birth, _place = _birth_and_place(facts.id_number, today)
    except ValueError as error:
        return result_of("age", label, _("✗ %(error)s") % {"error": error}, passed=False)
    assert cutoff is not None and maximum is not None  # PostRules enforces the pair
    age = age_on(birth, cutoff)
    value = _("%(age)s (on %(cutoff)s)") % {"age": age, "cutoff": cutoff.isoformat()}
    if age <= maximum:
        return passing("age", label, value)
    over = _("%(value)s ✗ over %(maximum)s") % {
        "value": value,
        "maximum": _("%(age)s years of age") % {"age": maximum},
    }
    return result_of("age", label, over, passed=False)


def check_household(
    rules: PostRules, facts: Facts, _c: MajorCatalogue, today: dt.date
) -> RuleResult:
    """The region of the ID number and/or the declaration against the allowed prefixes."""
    label = _("Household registration")
    places: list[tuple[str, str]] = []  # (region code, how the reason shows it)
    for source in _sources(rules.household_source):
        try:
            code = _household_code(facts, source, today)
        except ValueError as error:
            return result_of("household", label, _("✗ %(error)s") % {"error": error}, passed=False)
        if code:
            shown = _("%(place)s (%(source)s)") % {
                "place": region_name(code),
                "source": HouseholdSource(source).label,
            }
            places.append((code, shown))
    return _household_outcome(rules, places)


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


def _household_outcome(rules: PostRules, places: list[tuple[str, str]]) -> RuleResult:
    label = _("Household registration")
    if not places:
        return missing("household", label)
    for code, shown in places:
        if any(code.startswith(prefix) for prefix in rules.household):
            return passing("household", label, shown)
    detail = _("%(value)s ✗ not in %(allowed)s") % {
        "value": all_of(shown for _code, shown in places),
        "allowed": either_of(region_name(prefix) for prefix in rules.household),
    }
    return result_of("household", label, detail, passed=False)
