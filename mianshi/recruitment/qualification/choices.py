"""The closed lists a rule compares against (学历, 学位, 政治面貌, where 户籍 is read from), the
words candidates and imported sheets write for them, and `normalise`, the one way text is
compared, so that rules, the catalogue and the checks agree on what "the same" means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy

from mianshi.recruitment.qualification.i18n import _, language


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
ALSO_COUNTS_AS = {"cpc_probationary": "cpc_member"}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared: full-width folded to half-width, no whitespace, case-free."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return folded.removesuffix("专业") or folded


@lru_cache(maxsize=32)
def codes(choices: type[models.TextChoices]) -> tuple[str, ...]:
    """The choices' codes in their order (Django builds the list anew at each `.values`)."""
    return tuple(choices.values)


def choice_code(choices: type[models.TextChoices], value: str) -> str | None:
    """The code `value` stands for (our code or a word for it), or None."""
    key = normalise(value)
    if key in codes(choices):
        return key
    said = _SAID.get(choices, {})
    return next((code for code, words in said.items() if key in words), None)


def choice_label(choices: type[models.TextChoices], code: str) -> str:
    """The code's label in the active language."""
    return _label(language(), choices, code)


@lru_cache(maxsize=256)
def _label(language: str | None, choices: type[models.TextChoices], code: str) -> str:
    return str(choices(code).label)  # a lazy label, read with `language` active


def either_of(names: Iterable[str]) -> str:
    """ "A, B or C" in the active language."""
    return str(get_text_list(list(names), _("or")))


def all_of(names: Iterable[str]) -> str:
    """ "A, B and C" in the active language."""
    return str(get_text_list(list(names), _("and")))
