"""Times shown to candidates, always with their zone: "2026-12-10 08:34 北京时间 (UTC+8)".

A candidate reads the deadline in the e-mail, on the welcome page and on the status page;
all three must show the same string, so one function writes it. Formatting in the
browser's zone without a label showed 00:34 on a page while the e-mail said 08:34.
There is no per-tenant zone yet: every invitation states its times in China Standard Time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

CANDIDATE_ZONE = ZoneInfo("Asia/Shanghai")


def _zone_name(zone: tzinfo, local: datetime) -> str:
    if getattr(zone, "key", "") in {"Asia/Shanghai", "Asia/Chongqing", "PRC"}:
        return _("Beijing time")
    return getattr(zone, "key", "") or local.tzname() or ""


def utc_offset_label(offset: timedelta | None) -> str:
    """UTC+8, UTC+5:30, UTC-3, UTC±0."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC±0"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zoned(when: datetime, zone: tzinfo = CANDIDATE_ZONE) -> str:
    """`when` in `zone`, minutes, the zone's name (translated) and its UTC offset."""
    local = timezone.localtime(when, zone)
    return (
        f"{local:%Y-%m-%d %H:%M} {_zone_name(zone, local)} ({utc_offset_label(local.utcoffset())})"
    )
