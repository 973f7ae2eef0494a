"""资格审查 (SPEC F-22): a post's qualification rules applied to what a candidate entered.

The public names, importable from here: the choices a rule compares against, `PostRules`,
`MajorCatalogue`, `Facts`, and `evaluate` with its `Screening` of `RuleResult`s. Inside:
choices (the closed lists and `normalise`) ← rules, catalogue ← results ← identity (the rules
read from the ID number) ← evaluate (the fixed order and the other per-rule checks).
"""

from mianshi.recruitment.qualification.catalogue import MajorCatalogue
from mianshi.recruitment.qualification.choices import (
    Degree,
    EducationLevel,
    HouseholdSource,
    PoliticalStatus,
    normalise,
)
from mianshi.recruitment.qualification.evaluate import evaluate
from mianshi.recruitment.qualification.results import Check, Facts, RuleResult, Screening
from mianshi.recruitment.qualification.rules import PostRules

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
