"""`{{ invitation.expires_at|zoned }}`: a time with its zone (see common/zoned.py)."""

from __future__ import annotations

from datetime import datetime

from django import template

from mianshi.common.zoned import zoned as zoned_text

register = template.Library()


@register.filter
def zoned(value: datetime | None) -> str:
    """The candidate-facing form of a time; empty for no time."""
    return zoned_text(value) if value else ""
