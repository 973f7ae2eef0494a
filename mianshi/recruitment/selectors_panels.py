"""Reads of the examiner pool and the panels: HR's scoped lists, and an examiner's own
panel, disclosed only on the interview day (before it, who sits where must stay unknown)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet

from mianshi.accounts.actor import Actor, Viewer
from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import scope
from mianshi.recruitment.models import ConflictStatus, Examiner, Lot, Panel
from mianshi.reviews.selectors.queue import QueueFilters, review_queue


@dataclass(frozen=True)
class Place:
    """A candidate as an examiner sees them: the order drawn by lot, no name."""

    position: int
    application_id: int
    substitute: bool  # the examiner judges only this candidate on the panel
    session_id: int | None = None  # a recorded interview whose workbench they may open


@dataclass(frozen=True)
class ExaminerPanel:
    """The panel an examiner sits on today, with the candidates they judge in order."""

    panel_id: int
    post_code: str
    post_title: str
    room: str
    interview_on: dt.date
    candidates: list[Place]


def examiners_visible(user: Viewer) -> QuerySet[Examiner]:
    """The examiner pools of the units where `user` configures jobs and posts."""
    return scope(Examiner.objects.all(), user, Cap.JOBS_MANAGE)


def panels_visible(user: Viewer) -> QuerySet[Panel]:
    """The panels of the posts whose candidates `user` manages."""
    return scope(Panel.objects.select_related("post__job"), user, Cap.CANDIDATES_MANAGE,
                 field="post__job__org_unit")  # fmt: skip


def examines(user: Actor) -> bool:
    """Whether `user` is an active examiner of a pool: the navigation offers their panels."""
    return Examiner.objects.filter(user=user, active=True).exists()


def _places(panel: Panel, examiner_ids: set[int]) -> list[Place]:
    seated = any(s.examiner_id in examiner_ids and not s.replaced for s in panel.seats.all())
    subs = {s.application_id for s in panel.substitutes.all() if s.examiner_id in examiner_ids}
    aside = {c.application_id for c in panel.conflicts.all()
             if c.examiner_id in examiner_ids and c.status == ConflictStatus.AVOIDED}  # fmt: skip
    lots: list[Lot] = list(panel.lots.all())
    return [
        Place(lot.position, lot.application_id, substitute=lot.application_id in subs)
        for lot in lots
        if lot.application_id in subs or (seated and lot.application_id not in aside)
    ]


def panels_for_examiner(*, user: Actor, today: dt.date) -> list[ExaminerPanel]:
    """The panels `user` judges on `today`, only on the interview day itself."""
    mine = set(Examiner.objects.filter(user=user, active=True).values_list("pk", flat=True))
    if not mine:
        return []
    panels = (
        Panel.objects.filter(interview_on=today)
        .filter(Q(seats__examiner__in=mine, seats__replaced=False)
                | Q(substitutes__examiner__in=mine))
        .distinct().select_related("post__job").order_by("room", "pk")
        .prefetch_related("seats", "substitutes", "conflicts", "lots")
    )  # fmt: skip
    found = [(p, _places(p, mine)) for p in panels]
    sessions = _recorded(user, [c.application_id for _p, places in found for c in places])
    return [
        ExaminerPanel(p.pk, p.post.code, p.post.job.title, p.room, p.interview_on,
                      [replace(c, session_id=sessions.get(c.application_id)) for c in places])
        for p, places in found
    ]  # fmt: skip


def _recorded(user: Actor, application_ids: list[int]) -> dict[int, int]:
    """Application id → its newest recorded interview that `user` may review (the review
    queue's own rule: visible, with a verified recording); one query, none without ids."""
    if not application_ids:
        return {}
    queue = review_queue(user=user, filters=QueueFilters())
    newest: dict[int, int] = {}
    for app_id, pk in queue.filter(application_id__in=application_ids).values_list(
        "application_id", "pk"
    ):
        newest.setdefault(app_id, pk)  # the queue lists the newest first
    return newest
