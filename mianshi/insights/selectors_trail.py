"""The auditor's home: the state of the audit trail, not counts of hiring.

Three questions an auditor asks each morning: is the chain intact (the last verification,
its result and anchor, and how many events came since), who read personal data in the last
day and was anything unusual about it (volume, night hours, exports), and were sign-ins
refused. All from the auditor's own scope (compliance.selectors.event_visible); the chain's
head, which covers every unit, only for auditors of the whole organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.compliance.models import AuditChainHead
from mianshi.compliance.selectors import event_visible
from mianshi.organisations.selectors import audits_root

VERIFIED = "audit.verified"  # written by insights.services.trail_verify
# Reads of personal data are recorded by compliance.services.audit_read under these endings.
READ_ENDINGS = (".view", ".list", "_view", ".preview", ".export", ".download", "_download")
EXPORT_ENDINGS = (".export", ".download", "_download")
WINDOW = timedelta(hours=24)
READS_A_DAY = 500  # one person reading more in a day is worth a look
NIGHT_FROM, NIGHT_TO = 22, 6  # local hours: reads between them are worth a look
READERS_SHOWN = 5


@dataclass(frozen=True)
class Verification:
    """The last recorded verification of the chain."""

    at: datetime
    by: str
    intact: bool
    count: int
    anchor: str  # head hash:count, to compare with the copy kept outside the database
    events_since: int


@dataclass(frozen=True)
class Reader:
    """One person's reads of personal data in the last day."""

    name: str
    reads: int
    night: int
    exports: int
    url: str

    @property
    def unusual(self) -> bool:
        return self.reads > READS_A_DAY or self.night > 0


@dataclass(frozen=True)
class TrailState:
    """What the auditor's home shows."""

    verification: Verification | None
    may_verify: bool  # an auditor of the whole organisation may run a verification
    head: str  # the chain head's hash (whole-organisation auditors only)
    readers: list[Reader]
    reads: int
    refused_sign_ins: int
    trail_url: str


def _trail_url(**params: str) -> str:
    base = reverse("compliance:event_list")
    return f"{base}?{urlencode(params)}" if params else base


def last_verification(*, user: Actor) -> Verification | None:
    """The newest verification the auditor may see, with the events appended since."""
    visible = event_visible(user=user)
    event = visible.filter(action=VERIFIED).order_by("-pk").first()
    if event is None:
        return None
    detail = event.detail or {}
    return Verification(
        at=event.at,
        by=event.actor_label,
        intact=bool(detail.get("intact")),
        count=int(detail.get("count") or 0),
        anchor=str(detail.get("anchor") or ""),
        events_since=visible.filter(pk__gt=event.pk).count(),
    )


@dataclass(frozen=True)
class Day:
    """The last day's trail in one pass: reads per person, and refused sign-ins."""

    readers: list[Reader]
    reads: int
    refused_sign_ins: int


def _nights(since: datetime, until: datetime) -> Q:
    """The night hours (NIGHT_FROM to NIGHT_TO, local) between `since` and `until` as time
    ranges: comparisons the `at` index serves, where extracting each event's local hour ran
    a Python function per row on SQLite (170 ms at 20,000 events a day, bench/pages.py)."""
    zone = timezone.get_current_timezone()
    day, ranges = timezone.localtime(since, zone).date() - timedelta(days=1), []
    while (start := _at(day, NIGHT_FROM, zone)) < until:
        ranges.append(Q(at__gte=start, at__lt=_at(day + timedelta(days=1), NIGHT_TO, zone)))
        day += timedelta(days=1)
    return reduce(or_, ranges)


def _at(day: date, hour: int, zone: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), zone)


def last_day(*, user: Actor, since: datetime, until: datetime) -> Day:
    """Counts per person and action, summed here by kind of action: one grouped pass over
    the day's events (a few hundred groups) instead of one scan per figure."""
    rows = (
        event_visible(user=user)
        .filter(at__gte=since)
        .order_by()
        .values_list("actor_label", "action")
        .annotate(n=Count("pk"), night=Count("pk", filter=_nights(since, until)))
    )
    per, refused = _tally(rows)
    heaviest = sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0]))[:READERS_SHOWN]
    day = timezone.localdate(since).isoformat()
    shown = [Reader(name, *t, _trail_url(actor=name, date_from=day)) for name, t in heaviest]
    return Day(shown, sum(t[0] for t in per.values()), refused)


Tally = tuple[int, int, int]  # reads, night reads, exports of personal data


def _tally(rows: Iterable[tuple[str, str, int, int]]) -> tuple[dict[str, Tally], int]:
    """Per person their Tally, and the refused sign-ins."""
    per: dict[str, Tally] = {}
    refused = 0
    for name, action, n, night in rows:
        if action.endswith(READ_ENDINGS):
            reads, nights, exports = per.get(name, (0, 0, 0))
            exported = n if action.endswith(EXPORT_ENDINGS) else 0
            per[name] = (reads + n, nights + night, exports + exported)
        elif action.startswith("login.") and action != "login.success":
            refused += n
    return per, refused


def trail_state(*, user: Actor) -> TrailState:
    """The audit trail's state as the auditor may see it."""
    now = timezone.now()
    day = last_day(user=user, since=now - WINDOW, until=now)
    root = audits_root(user)
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or ""
    return TrailState(
        verification=last_verification(user=user),
        may_verify=root,
        head=head if root else "",
        readers=day.readers,
        reads=day.reads,
        refused_sign_ins=day.refused_sign_ins,
        trail_url=_trail_url(),
    )
