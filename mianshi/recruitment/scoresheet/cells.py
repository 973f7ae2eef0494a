"""One cell at a time: the six fields a score sheet can hold and the pure readers of their
cells (ticket, ID number, name, score or 缺考, absent mark, misconduct note). Each raises `Bad`
naming its field, so a row can report all its problems at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from mianshi.common.crypto import normalise_id_number
from mianshi.recruitment.scoresheet.results import Bad

T = TypeVar("T")

MAX_DISCIPLINE = 200
CENT = Decimal("0.01")
SHOWN = 40  # characters of a bad cell quoted back in a message

TICKET, ID_NUMBER, NAME, SCORE, ABSENT, DISCIPLINE = (
    "ticket", "id_number", "name", "score", "absent", "discipline",
)  # fmt: skip
YES = frozenset({"是", "y", "yes", "1", "✓", "✔", "√", "true", "缺考"})
NO = frozenset({"否", "n", "no", "0", "false"})
NO_DISCIPLINE = frozenset({"否", "无", "n", "no", "-", "/", "—"})
ABSENT_WORD = "缺考"
_SPACE = re.compile(r"\s")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙", "·"))


def fold(value: Any) -> str:
    """A cell as text the way any IME typed it: full-width folded (NFKC), outer spaces gone,
    Excel's 2026010101.0 read as 2026010101."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def shown(value: Any) -> str:
    """A bad cell as quoted back in a message: folded and cut to SHOWN characters."""
    text = fold(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def read_ticket(value: Any) -> str:
    """Exports keep leading zeros as ="0123" or '0123: both read as 0123."""
    text = _SPACE.sub("", fold(value)).removeprefix("'")
    return text[2:-1] if text.startswith('="') and text.endswith('"') else text


def read_id_number(value: Any) -> str:
    """The ID number normalised as stored ('' when blank); a number cell is refused."""
    if isinstance(value, float):  # Excel keeps 15 digits of an 18-digit number
        message = _(
            "The ID number was stored as a number and lost digits: format the column as text."
        )
        raise Bad(ID_NUMBER, message)
    return normalise_id_number(fold(value).removeprefix("'"))


def read_name(value: Any) -> str:
    """Names compared without spaces and with any middle dot (阿依古丽·买买提) as one."""
    return _SPACE.sub("", fold(value)).translate(_NAME_DOTS)


def read_score(value: Any, max_score: Decimal) -> tuple[Decimal | None, bool]:
    """The score in a cell (None when blank), and whether the cell reads 缺考 instead."""
    if isinstance(value, bool):
        raise Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float):
        return _checked(_from_excel(value), max_score), False
    text = _SPACE.sub("", fold(value))
    if not text or text == ABSENT_WORD:
        return None, text == ABSENT_WORD
    return _checked(_from_text(text), max_score), False


def _from_excel(value: float) -> Decimal:
    """Excel's binary float as the decimal typed: 78.5 → 78.5, 85.30000000000001 → 85.3."""
    if not math.isfinite(value):
        raise Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int) or value.is_integer():
        return Decimal(int(value))
    return Decimal(repr(round(value, 9)))


def _from_text(text: str) -> Decimal:
    number = text.removesuffix("分")
    if "," in number:
        message = _("Write the score “%(value)s” with a decimal point, not a comma.")
        raise Bad(SCORE, message % {"value": text[:SHOWN]})
    if not _NUMBER.fullmatch(number):
        raise Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": shown(text)})
    return Decimal(number)


def _checked(score: Decimal, max_score: Decimal) -> Decimal:
    if not 0 <= score <= max_score:
        message = _("The score %(score)s is outside the range 0 to %(max)s.")
        raise Bad(SCORE, message % {"score": score, "max": max_score})
    if score != score.quantize(CENT):
        message = _("The score %(score)s has more than two decimal places.")
        raise Bad(SCORE, message % {"score": score})
    # abs: "-0" is a zero, stored as 0; 78.500 is stored as 78.50.
    return abs(score) if int(score.as_tuple().exponent) >= -2 else abs(score.quantize(CENT))


def read_absent(value: Any) -> bool | None:
    """是/否, Y/N, 1/0, ✓ or √, TRUE/FALSE; None when blank."""
    text = fold(value).lower()
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    message = _("Write 是 or 否 in the absent column, not “%(value)s”.")
    raise Bad(ABSENT, message % {"value": shown(value)})


def read_discipline(value: Any) -> str:
    """The 违纪 note as written ("0" and "取消成绩" are penalties, kept); "" when none."""
    text = fold(value)
    if len(text) > MAX_DISCIPLINE:
        message = _("The misconduct note is longer than %(n)s characters.")
        raise Bad(DISCIPLINE, message % {"n": MAX_DISCIPLINE})
    return "" if text.lower() in NO_DISCIPLINE else text


def check_presence(score: Decimal | None, absent: bool) -> None:
    """A row has a score or is marked absent, never both nor neither."""
    if absent and score is not None:
        message = _("Marked absent, yet the score is %(score)s: keep one.")
        raise Bad(SCORE, message % {"score": score})
    if not absent and score is None:
        raise Bad(SCORE, _("No score, and not marked absent."))


def attempt(problems: list[Bad], read: Callable[..., T], *args: Any) -> T | None:
    """`read(*args)`, or None with its problem noted, so a row reports all its problems."""
    try:
        return read(*args)
    except Bad as bad:
        problems.append(bad)
        return None
