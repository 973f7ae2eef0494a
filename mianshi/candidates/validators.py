"""Format checks for Chinese resident ID numbers and phone numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mianshi.common.crypto import normalise_id_number, normalise_phone

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{6,14}$")


def id_checksum_ok(value: str) -> bool:
    """GB 11643-1999: the last character is a weighted mod-11 checksum of the first 17."""
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _birth_ok(value: str) -> bool:
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def validate_id_number(value: str) -> str:
    """The normalised 18-character ID number, or ValidationError."""
    normalised = normalise_id_number(value)
    if not _ID_SHAPE.match(normalised):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."), code="shape"
        )
    if not _birth_ok(normalised) or not id_checksum_ok(normalised):
        raise ValidationError(
            _("This ID number is not valid (check the date of birth and the last character)."),
            code="checksum",
        )
    return normalised


def validate_phone(value: str) -> str:
    """A mainland mobile number (11 digits, +86 optional) or an international +number."""
    normalised = normalise_phone(value)
    if _MOBILE.match(normalised) or _INTERNATIONAL.match(normalised):
        return normalised
    raise ValidationError(
        _("Enter a mobile number such as 13812345678 (or an international number with +)."),
        code="phone",
    )


def looks_like_id_number(value: str) -> bool:
    return bool(_ID_SHAPE.match(normalise_id_number(value)))


def looks_like_phone(value: str) -> bool:
    normalised = normalise_phone(value)
    return bool(_MOBILE.match(normalised) or _INTERNATIONAL.match(normalised))
