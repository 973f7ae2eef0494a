"""Value transforms a mapping template may name: small, pure and total over their domain.

Every EHR wants the same score in its own shape (an int percentage, a rounded float, an
OData `/Date(ms)/`), so the template names the transform instead of code doing it per
customer. A transform either returns the converted value or raises `TransformError` with
a translated reason; `None` never reaches a transform (a missing value stays missing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


class TransformError(ValueError):
    """A value the transform cannot convert; the message is translated."""


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TransformError(_("a true/false value is not a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise TransformError(
            _("“%(value)s” is not a number") % {"value": _excerpt(value)}
        ) from None
    if not number.is_finite():
        raise TransformError(_("“%(value)s” is not a number") % {"value": _excerpt(value)})
    return number


def _to_int(value: Any) -> int:
    number = _as_decimal(value)
    if number != number.to_integral_value():
        raise TransformError(_("“%(value)s” is not a whole number") % {"value": _excerpt(value)})
    return int(number)


def _to_float(value: Any) -> float:
    return float(_as_decimal(value))


def _round2(value: Any) -> float:
    return round(_to_float(value), 2)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            msg = _("“%(value)s” is not a date") % {"value": _excerpt(value)}
            raise TransformError(msg) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _to_date(value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return _as_datetime(value).astimezone(UTC).date().isoformat()


def _to_datetime(value: Any) -> str:
    return _as_datetime(value).astimezone(UTC).isoformat().replace("+00:00", "Z")


def _to_odata_date(value: Any) -> str:
    """OData v2's JSON date (SuccessFactors): `/Date(<ms since the epoch, UTC>)/`."""
    return f"/Date({int(_as_datetime(value).timestamp() * 1000)})/"


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TransformError(_("“%(value)s” is not text") % {"value": _excerpt(value)})
    return value


def _excerpt(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "upper": lambda v: _text(v).upper(),
    "lower": lambda v: _text(v).lower(),
    "strip": lambda v: _text(v).strip(),
    "str": _to_str,
    "int": _to_int,
    "float": _to_float,
    "round2": _round2,
    "percent": lambda v: round(_to_float(v) * 100, 2),
    "date": _to_date,
    "datetime": _to_datetime,
    "odata_date": _to_odata_date,
}
MAP_PREFIX = "map:"


def transform_names() -> list[str]:
    """The names a template may use (besides `map:<name>`), for errors and the editor."""
    return sorted(TRANSFORMS)


def map_value(table: dict[str, Any], value: Any, name: str) -> Any:
    """Look `value` up in value map `name` (keys are text; "*" is the fallback)."""
    key = _to_str(value)
    if key in table:
        return table[key]
    if "*" in table:
        return table["*"]
    msg = _("“%(value)s” has no entry in value map “%(map)s”")
    raise TransformError(msg % {"value": _excerpt(value), "map": name})
