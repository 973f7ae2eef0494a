"""回避 on a drawn panel and who may mark: detected and declared conflicts block the mark
until a named approver resolves them; an upheld one draws a substitute from the seed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment import draw
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
    Mark,
    Panel,
    Substitute,
)
from mianshi.recruitment.selectors_panels import panels_for_examiner
from mianshi.recruitment.services.marks import (
    conflict_resolve,
    conflicts_detect,
    declaration_add,
    mark_correct,
    mark_enter,
)
from mianshi.recruitment.services.panels import (
    as_drawn,
    draw_pool,
    examiner_update,
    lots_draw,
    panel_draw,
)
from mianshi.recruitment.tests.test_panels import DAY, pool, seated, shortlisted
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world

pytestmark = pytest.mark.django_db


@dataclass
class Sitting:
    """A drawn panel with its order: 王伟 shares surname and native place with seats[0]."""

    world: RecruitmentWorld
    panel: Panel
    seats: list[Examiner]
    wang: Application
    others: list[Application]
    approver: User


@pytest.fixture
def sitting(org: Any, make_user: Any) -> Sitting:
    world = recruitment_world(org, make_user)
    pool(world)
    wang, *others = shortlisted(world, ["王伟", "甲一", "乙二"])
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    seats = seated(panel)
    seats[0] = examiner_update(
        actor=world.hr,
        examiner=seats[0],
        data={"name": "王芳", "id_number": id_number("330106", "19700101", 700)},
    )
    approver = make_user("approver", Role.DEPT_MANAGER, org.sh)
    return Sitting(world, panel, seats, wang, others, approver)


def enter(s: Sitting, examiner: Examiner, app: Application, score: str = "85") -> Mark:
    return mark_enter(actor=s.world.hr, panel=s.panel, examiner=examiner, application=app,
                      score=Decimal(score))  # fmt: skip


def said(msgid: str, **values: str) -> str:
    """A refusal as the active language words it (the tests hold under zh-Hans and English)."""
    text = gettext(msgid)
    return re.escape(text % values if values else text)


def label(kind: ConflictKind) -> str:
    """The kind as the refusal names it, in the active language."""
    return re.escape(str(kind.label))


def conflict_of(s: Sitting, examiner: Examiner, app: Application) -> Conflict:
    return Conflict.objects.get(panel=s.panel, examiner=examiner, application=app)


def test_same_surname_and_native_place_blocks_the_mark_until_cleared(s: Sitting) -> None:
    with pytest.raises(ValidationError, match=label(ConflictKind.SURNAME_PLACE)):
        enter(s, s.seats[0], s.wang)  # refused before anyone ran the check
    assert conflicts_detect(actor=s.world.hr, panel=s.panel) == 1
    assert conflicts_detect(actor=s.world.hr, panel=s.panel) == 0  # idempotent
    conflict = conflict_of(s, s.seats[0], s.wang)
    assert (conflict.kind, conflict.status) == (ConflictKind.SURNAME_PLACE, ConflictStatus.OPEN)
    assert "王" in conflict.reason and "西湖区" in conflict.reason
    with pytest.raises(ValidationError, match=label(ConflictKind.SURNAME_PLACE)):
        enter(s, s.seats[0], s.wang)
    assert enter(s, s.seats[1], s.wang).score == Decimal("85.00")
    conflict_resolve(
        actor=s.approver, conflict=conflict, upheld=False, reason="同姓不同宗，核实无亲属关系"
    )
    assert enter(s, s.seats[0], s.wang).score == Decimal("85.00")
    assert not Substitute.objects.exists()


@pytest.fixture
def s(sitting: Sitting) -> Sitting:
    return sitting


def test_a_declared_relation_blocks_the_mark_at_once(s: Sitting) -> None:
    examiner, app = s.seats[1], s.others[0]
    declaration_add(actor=s.world.hr, examiner=examiner, application=app, relation="spouse")
    conflict = conflict_of(s, examiner, app)
    assert (conflict.kind, conflict.declared) == (ConflictKind.DECLARED, True)
    with pytest.raises(ValidationError, match=label(ConflictKind.DECLARED)):
        enter(s, examiner, app)
    with pytest.raises(ValidationError):
        declaration_add(actor=s.world.hr, examiner=examiner, application=app, relation="friend")


def test_an_upheld_conflict_draws_a_substitute_reproducibly(s: Sitting) -> None:
    conflicts_detect(actor=s.world.hr, panel=s.panel)
    conflict = conflict_of(s, s.seats[0], s.wang)
    conflict_resolve(actor=s.approver, conflict=conflict, upheld=True, reason="同籍同姓，回避")
    substitute = Substitute.objects.get(conflict=conflict)
    seed = AuditEvent.objects.get(action="recruitment.panel.seed",
                                  detail__purpose=f"redraw:{conflict.pk}")  # fmt: skip
    resolved = AuditEvent.objects.get(action="recruitment.conflict.resolve")
    assert seed.pk < resolved.pk and resolved.detail["substitute"] == substitute.examiner_id
    standing = [str(e.pk) for e in s.seats]
    rerun = draw.redraw(seed.detail["seed"], as_drawn(draw_pool(s.world.post)), standing,
                        remove=[str(s.seats[0].pk)], purpose=f"redraw:{conflict.pk}")  # fmt: skip
    assert rerun[0] == str(substitute.examiner_id) and rerun[1:] == standing[1:]
    with pytest.raises(
        ValidationError,
        match=said(
            "%(examiner)s stands aside for this candidate (conflict upheld).",
            examiner=s.seats[0].name,
        ),
    ):
        enter(s, s.seats[0], s.wang)
    assert enter(s, substitute.examiner, s.wang).examiner == substitute.examiner
    with pytest.raises(
        ValidationError,
        match=said(
            "%(examiner)s does not judge this candidate on this panel.",
            examiner=substitute.examiner.name,
        ),
    ):
        enter(s, substitute.examiner, s.others[0])  # a substitute judges one candidate only
    assert enter(s, s.seats[0], s.others[0]).score == Decimal("85.00")


def test_a_mark_given_before_a_late_declaration_is_voided_when_upheld(s: Sitting) -> None:
    examiner, app = s.seats[2], s.others[1]
    mark = enter(s, examiner, app, "91.5")
    declaration_add(actor=s.world.hr, examiner=examiner, application=app, relation="in_law")
    conflict_resolve(actor=s.approver, conflict=conflict_of(s, examiner, app), upheld=True,
                     reason="申报姻亲关系")  # fmt: skip
    assert not Mark.objects.filter(pk=mark.pk).exists()
    event = AuditEvent.objects.get(action="recruitment.conflict.resolve")
    assert (event.detail["voided_mark"], event.detail["voided_score"]) == (mark.pk, "91.50")


def test_who_may_resolve_a_conflict(s: Sitting, make_user: Any) -> None:
    examiner_user = make_user("wangfang", Role.HR_ADMIN, s.world.org.sh)
    examiner_update(actor=s.world.hr, examiner=s.seats[0], data={"user": examiner_user})
    conflicts_detect(actor=s.world.hr, panel=s.panel)
    conflict = conflict_of(s, s.seats[0], s.wang)
    hr_only = make_user("hr_plain", Role.HR, s.world.org.sh)  # manages, does not approve
    sz = make_user("approver_sz", Role.DEPT_MANAGER, s.world.org.sz)
    for actor in (examiner_user, hr_only, sz):
        with pytest.raises(PermissionDenied):
            conflict_resolve(actor=actor, conflict=conflict, upheld=False, reason="无关系")
    with pytest.raises(ValidationError):
        conflict_resolve(actor=s.approver, conflict=conflict, upheld=False, reason="  ")
    assert conflict_of(s, s.seats[0], s.wang).status == ConflictStatus.OPEN
    conflict_resolve(actor=s.approver, conflict=conflict, upheld=False, reason="无亲属关系")
    with pytest.raises(ValidationError):
        conflict_resolve(actor=s.approver, conflict=conflict, upheld=True, reason="改判")
    assert conflict_of(s, s.seats[0], s.wang).resolved_by == s.approver


@pytest.mark.parametrize(
    "score",
    [Decimal("-0.01"), Decimal("100.01"), Decimal("85.555"), Decimal("NaN"),
     Decimal("Infinity"), 85.5, "85", True],
)  # fmt: skip
def test_a_mark_outside_the_scale_is_refused(s: Sitting, score: Any) -> None:
    with pytest.raises(ValidationError):
        mark_enter(actor=s.world.hr, panel=s.panel, examiner=s.seats[1],
                   application=s.wang, score=score)  # fmt: skip
    assert not Mark.objects.exists()


@pytest.mark.parametrize("score", ["0", "100", "85.25", "85.50"])
def test_a_mark_on_the_scale_is_kept_to_the_cent(s: Sitting, score: str) -> None:
    assert enter(s, s.seats[1], s.wang, score).score == Decimal(score)


def test_a_mark_is_entered_once_and_corrected_with_a_reason(s: Sitting) -> None:
    mark = enter(s, s.seats[1], s.wang, "80")
    with pytest.raises(
        ValidationError, match=said("This mark is already entered; correct it with a reason.")
    ):
        enter(s, s.seats[1], s.wang, "82")
    with pytest.raises(ValidationError):
        mark_correct(actor=s.world.hr, mark=mark, score=Decimal("82"), reason="")
    mark_correct(actor=s.world.hr, mark=mark, score=Decimal("82"), reason="誊写错误")
    assert Mark.objects.get(pk=mark.pk).score == Decimal("82.00")
    event = AuditEvent.objects.get(action="recruitment.mark.correct")
    assert event.detail == {"before": "80.00", "after": "82.00", "reason": "誊写错误"}


def test_who_may_enter_a_mark(s: Sitting, make_user: Any) -> None:
    own, other = make_user("examiner1"), make_user("examiner2")
    s.seats[1] = examiner_update(actor=s.world.hr, examiner=s.seats[1], data={"user": own})
    examiner_update(actor=s.world.hr, examiner=s.seats[2], data={"user": other})
    sz = make_user("hr_sz", Role.HR_ADMIN, s.world.org.sz)
    for actor in (other, sz):
        with pytest.raises(PermissionDenied):
            mark_enter(actor=actor, panel=s.panel, examiner=s.seats[1], application=s.wang,
                       score=Decimal(80))  # fmt: skip
    with pytest.raises(
        ValidationError, match=said("Examiners enter their marks on the interview day.")
    ):
        mark_enter(actor=own, panel=s.panel, examiner=s.seats[1], application=s.wang,
                   score=Decimal(80))  # fmt: skip
    Panel.objects.filter(pk=s.panel.pk).update(interview_on=timezone.localdate())
    s.panel.refresh_from_db()
    mark = mark_enter(actor=own, panel=s.panel, examiner=s.seats[1], application=s.wang,
                      score=Decimal(80))  # fmt: skip
    assert AuditEvent.objects.get(action="recruitment.mark.enter").actor == own
    assert mark.score == Decimal("80.00")


def test_a_candidate_outside_the_panel_cannot_be_marked(s: Sitting) -> None:
    late = s.world.apply("迟到")
    with pytest.raises(
        ValidationError, match=said("This candidate is not in this panel's interview order.")
    ):
        enter(s, s.seats[1], late)
    outsider = next(e for e in draw_pool(s.world.post) if e not in s.seats)
    with pytest.raises(
        ValidationError,
        match=said(
            "%(examiner)s does not judge this candidate on this panel.", examiner=outsider.name
        ),
    ):
        enter(s, outsider, s.wang)


def test_a_substitute_sees_only_their_candidate_on_the_day(s: Sitting, make_user: Any) -> None:
    conflicts_detect(actor=s.world.hr, panel=s.panel)
    conflict = conflict_of(s, s.seats[0], s.wang)
    aside = make_user("wangfang")
    examiner_update(actor=s.world.hr, examiner=s.seats[0], data={"user": aside})
    conflict_resolve(actor=s.approver, conflict=conflict, upheld=True, reason="回避")
    sub_user = make_user("substitute")
    examiner = Substitute.objects.get().examiner
    examiner_update(actor=s.world.hr, examiner=examiner, data={"user": sub_user})
    [view] = panels_for_examiner(user=sub_user, today=DAY)
    assert [(p.application_id, p.substitute) for p in view.candidates] == [(s.wang.pk, True)]
    [own] = panels_for_examiner(user=aside, today=DAY)
    assert s.wang.pk not in {p.application_id for p in own.candidates}
    assert panels_for_examiner(user=sub_user, today=DAY + dt.timedelta(days=1)) == []


def test_another_branch_neither_checks_nor_declares(s: Sitting, make_user: Any) -> None:
    sz = make_user("hr_sz", Role.HR_ADMIN, s.world.org.sz)
    with pytest.raises(PermissionDenied):
        conflicts_detect(actor=sz, panel=s.panel)
    with pytest.raises(PermissionDenied):
        declaration_add(actor=sz, examiner=s.seats[1], application=s.wang, relation="spouse")
    assert not Conflict.objects.exists()


def test_no_substitute_left_keeps_the_conflict_open(org: Any, make_user: Any) -> None:
    world = recruitment_world(org, make_user, panel_size=5)
    pool(world, count=5)
    [app] = shortlisted(world, ["甲一"])
    panel = panel_draw(actor=world.hr, post=world.post, room="A", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    examiner = seated(panel)[0]
    declaration_add(actor=world.hr, examiner=examiner, application=app, relation="spouse")
    conflict = Conflict.objects.get()
    approver = make_user("approver", Role.DEPT_MANAGER, org.sh)
    with pytest.raises(ValidationError):
        conflict_resolve(actor=approver, conflict=conflict, upheld=True, reason="配偶")
    assert Conflict.objects.get().status == ConflictStatus.OPEN
    assert not Substitute.objects.exists()
    assert not AuditEvent.objects.filter(action="recruitment.conflict.resolve").exists()
