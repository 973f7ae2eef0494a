"""Template helpers of the review workbench: positions in a recording as the player shows them."""

from __future__ import annotations

from typing import Any

from django import template

from mianshi.reviews.selectors.page import clock as _clock
from mianshi.reviews.selectors.workbench_answers import Quote, by_element

register = template.Library()


@register.filter
def clock(seconds: Any) -> str:
    """Seconds as m:ss (1:05); '' when unknown."""
    ok = isinstance(seconds, int | float) and not isinstance(seconds, bool)
    return _clock(float(seconds)) if ok else ""


@register.filter
def seconds(value: Any) -> str:
    """A position for a data attribute: seconds with at most three decimals, '.' always."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return f"{float(value):.3f}".rstrip("0").rstrip(".") if ok else ""


@register.filter
def name_in(code: Any, names: Any) -> str:
    """A dimension's name from a code → name mapping (the code itself when unknown)."""
    return str(names.get(code, code)) if isinstance(names, dict) else str(code)


@register.filter
def grouped(quotes: list[Quote]) -> list[tuple[str, list[Quote]]]:
    """Quotes as (element label, quotes) groups in the order given."""
    return by_element(list(quotes))
