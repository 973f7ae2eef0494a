"""Facts read from a Chinese resident ID number (GB 11643): place code, birth date, sex.

Public recruitment screens age and household registration (户籍) from the ID number, so the
reading lives here once. The format and checksum are `candidates.validators`' job; this
module only interprets a number that passed them. Place names come from the GB/T 2260 table
in data/regions.tsv, withdrawn codes included, because an ID number keeps the code of the
place where it was first issued.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.candidates.validators import validate_id_number

_REGIONS = Path(__file__).resolve().parent / "data" / "regions.tsv"
_LEVELS = {"province": 2, "prefecture": 4, "county": 6}
# Names the standard gives to grouping rows ("the districts of the city", "the counties"),
# not to places: spelling them inside an address would read wrongly.
_PLACEHOLDERS = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"}
)


@dataclass(frozen=True)
class IdFacts:
    """What an ID number says: the 6-digit place code, the birth date, the sex."""

    region: str
    birth: dt.date
    female: bool


def id_facts(number: str) -> IdFacts:
    """The facts of a valid ID number; ValueError (translated message) for a bad one."""
    try:
        normalised = validate_id_number(number)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from error
    birth = dt.date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14]))
    # The 17th digit is the sequence number's last: odd for men, even for women.
    return IdFacts(region=normalised[:6], birth=birth, female=int(normalised[16]) % 2 == 0)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on `day`.

    Someone born on 29 February comes of age on 1 March in a common year: the tuple
    comparison (2, 28) < (2, 29) says the birthday has not yet come on 28 February.
    """
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


@functools.cache
def _regions() -> dict[str, str]:
    with _REGIONS.open(encoding="utf-8") as table:
        return dict(line.rstrip("\n").split("\t", 1) for line in table if line.strip())


def region_name(code: str) -> str:
    """The place a code names, e.g. "浙江省杭州市西湖区".

    A code missing from the table (newer than it, or mistyped) is spelled as far as its
    province and prefecture are known; a code nothing is known of is returned as given.
    A 2- or 4-digit prefix names its province or prefecture.
    """
    if not code.isdigit() or len(code) not in _LEVELS.values():
        return code
    full = code.ljust(6, "0")
    levels = dict.fromkeys((full[:2] + "0000", full[:4] + "00", full))
    names = [_regions().get(level, "") for level in levels]
    spelled = "".join(name for name in names if name not in _PLACEHOLDERS)
    return spelled or code


def same_place(a: str, b: str, level: str = "county") -> bool:
    """Whether two place codes share the province, prefecture or county (`level`)."""
    if level not in _LEVELS:
        raise ValueError(_("Unknown level of place: %(level)s.") % {"level": level})
    width = _LEVELS[level]
    for code in (a, b):
        if len(code) < width or not code[:width].isdigit():
            raise ValueError(_("Not a place code: %(code)s.") % {"code": code})
    return a[:width] == b[:width]
