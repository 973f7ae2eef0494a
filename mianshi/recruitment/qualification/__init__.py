"""资格审查 (SPEC F-22): a post's qualification rules applied to what a candidate entered.

The public names, importable from here: the choices a rule compares against, `PostRules`,
`MajorCatalogue`, `Facts`, and `evaluate` with its `Screening` of `RuleResult`s.
"""

from mianshi.recruitment.qualification.evaluate import (
    Check,
    Degree,
    EducationLevel,
    Facts,
    HouseholdSource,
    MajorCatalogue,
    PoliticalStatus,
    PostRules,
    RuleResult,
    Screening,
    evaluate,
    normalise,
)

__all__ = [
    "Check",
    "Degree",
    "EducationLevel",
    "Facts",
    "HouseholdSource",
    "MajorCatalogue",
    "PoliticalStatus",
    "PostRules",
    "RuleResult",
    "Screening",
    "evaluate",
    "normalise",
]
