"""The auditor's home: the state of the audit trail, not counts of hiring.

Three questions an auditor asks each morning: is the chain intact (the last verification,
its result and anchor, and how many events came since), who read personal data in the last
day and was anything unusual about it (volume, night hours, exports), and were sign-ins
refused. All from the auditor's own scope (compliance.selectors.event_visible); the chain's
head, which covers every unit, only for auditors of the whole organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
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


def _endings(endings: tuple[str, ...]) -> Q:
    q = Q()
    for ending in endings:
        q |= Q(action__endswith=ending)
    return q


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


def readers(*, user: Actor, since: datetime) -> list[Reader]:
    """The heaviest readers of personal data since `since`, with night reads and exports."""
    local = timezone.get_current_timezone()
    night = Q(hour__gte=NIGHT_FROM) | Q(hour__lt=NIGHT_TO)
    rows = (
        event_visible(user=user)
        .filter(_endings(READ_ENDINGS), at__gte=since)
        .alias(hour=ExtractHour("at", tzinfo=local))
        .order_by()
        .values("actor_label")
        .annotate(
            reads=Count("pk"),
            night=Count("pk", filter=night),
            exports=Count("pk", filter=_endings(EXPORT_ENDINGS)),
        )
        .order_by("-reads", "actor_label")[:READERS_SHOWN]
    )
    day = timezone.localdate(since).isoformat()
    return [_reader(row, day) for row in rows]


def _reader(row: Mapping[str, Any], day: str) -> Reader:
    name = row["actor_label"]
    url = _trail_url(actor=name, date_from=day)
    return Reader(name, row["reads"], row["night"], row["exports"], url)


def trail_state(*, user: Actor) -> TrailState:
    """The audit trail's state as the auditor may see it."""
    since = timezone.now() - WINDOW
    visible = event_visible(user=user).filter(at__gte=since)
    reads = visible.filter(_endings(READ_ENDINGS)).count()
    refused = visible.filter(action__startswith="login.").exclude(action="login.success").count()
    root = audits_root(user)
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or ""
    return TrailState(
        verification=last_verification(user=user),
        may_verify=root,
        head=head if root else "",
        readers=readers(user=user, since=since),
        reads=reads,
        refused_sign_ins=refused,
        trail_url=_trail_url(),
    )
