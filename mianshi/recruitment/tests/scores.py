"""Test helpers for the exam steps: qualify applicants, write a score sheet, seat a panel
and enter its marks (directly: the panel services are another step's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from mianshi.candidates.models import Application
from mianshi.recruitment.models import Examiner, Mark, Panel, Screening
from mianshi.recruitment.tests.world import RecruitmentWorld

HEADER = "准考证号,姓名,笔试成绩,缺考,违纪"


def qualify(world: RecruitmentWorld, app: Application, *, passed: bool = True) -> Application:
    """Record the 资格审查 verdict for `app`."""
    Screening.objects.create(
        application=app, post=world.post, passed=passed, results=[], evaluated_at=timezone.now()
    )
    return app


def sheet(*lines: str) -> bytes:
    """A UTF-8 CSV score sheet with the template's header."""
    return "\n".join((HEADER, *lines)).encode()


def ticket(app: Application) -> str:
    return str(app.facts.ticket)  # type: ignore[attr-defined]


def panel(world: RecruitmentWorld, *, size: int = 7, room: str = "A") -> Panel:
    """A panel of `size` examiners of the Shanghai branch."""
    drawn = Panel.objects.create(
        post=world.post, room=room, interview_on=dt.date(2026, 12, 20), seed="0" * 64, size=size
    )
    for n in range(size):
        Examiner.objects.create(org_unit=world.org.sh, name=f"考官{room}{n}")
    return drawn


def mark(drawn: Panel, app: Application, marks: Sequence[str]) -> None:
    """The panel's examiners' marks for `app`, one each, in examiner order."""
    examiners = Examiner.objects.filter(name__startswith=f"考官{drawn.room}").order_by("pk")
    for examiner, score in zip(examiners, marks, strict=False):
        Mark.objects.create(panel=drawn, examiner=examiner, application=app, score=Decimal(score))
