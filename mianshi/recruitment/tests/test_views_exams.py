"""The exam pages through the test client: the written exam (template, upload with every
row error and nothing saved, entry by hand), the shortlist with ties and 递补, the examiner
pool (masked ID numbers), panels and 回避 (approvers only resolve), the panel-scoring sheet
(blocked cells refused with the reason, rows all or nothing, query counts at two sizes) and
an examiner's own day. Another branch gets 404, a reader without the capability 403."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
    Lot,
    Mark,
    Panel,
    Seat,
    ShortlistEntry,
    ShortlistStatus,
    WrittenScore,
)
from mianshi.recruitment.services.exams import shortlist_make, shortlist_withdraw, written_enter
from mianshi.recruitment.services.marks import conflicts_detect, mark_enter
from mianshi.recruitment.services.panels import examiner_update, lots_draw, panel_draw
from mianshi.recruitment.tests.scores import qualify, sheet, ticket
from mianshi.recruitment.tests.test_panels import DAY, pool, seated, shortlisted
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are compared in their English source form."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    """Six qualified applicants and one who failed 资格审查."""
    world = recruitment_world(org, make_user, headcount=1)
    for name in NAMES:
        qualify(world, world.apply(name))
    qualify(world, world.apply("赵强"), passed=False)
    return world


def _zh(msgid: str) -> str:
    """A message as the pages (zh-Hans, the primary language) say it."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def url(name: str, *args: int) -> str:
    return reverse(f"recruitment:{name}", args=args)


def line(world: RecruitmentWorld, n: int, score: str) -> str:
    app = world.applications[n]
    return f"{ticket(app)},{app.candidate.name},{score},,"


def upload(client: Client, world: RecruitmentWorld, data: bytes, name: str = "s.csv") -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(url("written", world.post.pk), {"file": file})


# --- access ------------------------------------------------------------------------------

POST_PAGES = ["written", "written_template", "shortlist", "examiners", "panels"]


@pytest.mark.parametrize("page", POST_PAGES)
def test_each_post_page_opens_for_hr_404_elsewhere_403_without_the_capability(
    world: RecruitmentWorld, login: Login, make_user: Any, page: str
) -> None:
    assert login(world.hr).get(url(page, world.post.pk)).status_code == 200
    other = make_user("sz_hr", Role.HR_ADMIN, world.org.sz)
    assert login(other).get(url(page, world.post.pk)).status_code == 404
    viewer = make_user("sh_interviewer", Role.INTERVIEWER, world.org.sh)
    assert login(viewer).get(url(page, world.post.pk)).status_code == 403


# --- the written exam --------------------------------------------------------------------


def test_the_template_lists_the_qualified_applicants_only(
    world: RecruitmentWorld, login: Login
) -> None:
    response = login(world.hr).get(url("written_template", world.post.pk))
    sheet_ = load_workbook(io.BytesIO(response.content)).active
    assert sheet_ is not None
    tickets = [row[0] for row in sheet_.iter_rows(min_row=2, values_only=True)]
    assert sorted(tickets) == sorted(ticket(a) for a in world.applications[:6])
    assert "attachment" in response["Content-Disposition"]


def test_a_bad_sheet_shows_every_row_error_and_saves_nothing(
    world: RecruitmentWorld, login: Login
) -> None:
    data = sheet(line(world, 0, "88"), line(world, 1, "101"), "999999,无名,70,,",
                 line(world, 2, "abc"), line(world, 3, "75"))  # fmt: skip
    response = upload(login(world.hr), world, data)
    assert response.status_code == 400
    page = response.content.decode()
    for bad_line in (3, 4, 5):  # the header is line 1
        assert f'data-error-line="{bad_line}"' in page
    assert 'data-error-line="2"' not in page and "data-nothing-saved" in page
    assert WrittenScore.objects.count() == 0


def test_an_unqualified_applicant_in_the_sheet_refuses_it_whole(
    world: RecruitmentWorld, login: Login
) -> None:
    response = upload(login(world.hr), world, sheet(line(world, 0, "80"), line(world, 6, "90")))
    assert response.status_code == 400
    refusal = _zh("This applicant did not pass the qualification check (资格审查): no score.")
    assert refusal in response.content.decode()
    assert WrittenScore.objects.count() == 0


def test_an_unreadable_file_is_one_error_without_a_line(
    world: RecruitmentWorld, login: Login
) -> None:
    response = upload(login(world.hr), world, b"PK\x03\x04 not a workbook", name="s.xlsx")
    assert response.status_code == 400
    assert 'data-error-line=""' in response.content.decode()
    assert WrittenScore.objects.count() == 0


def test_a_clean_sheet_saves_the_scores_and_says_how_many(
    world: RecruitmentWorld, login: Login
) -> None:
    response = upload(login(world.hr), world, sheet(*(line(world, n, "80") for n in range(6))))
    assert response.status_code == 200
    assert "data-sheet-done" in response.content.decode()
    assert WrittenScore.objects.filter(score=Decimal("80")).count() == 6


@pytest.mark.parametrize(
    ("data", "saved"),
    [
        ({"score": "86.5"}, Decimal("86.50")),
        ({"score": "", "absent": "on"}, None),
        ({"score": "101"}, "refused"),
        ({"score": "80", "absent": "on"}, "refused"),
        ({"score": "-1"}, "refused"),
        ({"score": "八十"}, "refused"),
    ],
)
def test_a_score_entered_by_hand(
    world: RecruitmentWorld, login: Login, data: dict[str, str], saved: Any
) -> None:
    app = world.applications[0]
    response = login(world.hr).post(url("written_enter", world.post.pk, app.pk), data)
    assert response.status_code == 302
    row = WrittenScore.objects.filter(application=app).first()
    if saved == "refused":
        assert row is None
    else:
        assert row is not None and row.score == saved


def test_the_additional_test_appears_only_where_the_plan_weighs_it(
    world: RecruitmentWorld, login: Login
) -> None:
    app = world.applications[0]
    written_enter(actor=world.hr, application=app, score="80")
    client = login(world.hr)
    assert "written_extra" not in client.get(url("written", world.post.pk)).content.decode()
    assert (
        url("written_extra", world.post.pk, app.pk)
        not in client.get(url("written", world.post.pk)).content.decode()
    )
    world.plan.parameters |= {"weight_written": "0.5", "weight_interview": "0.3",
                              "weight_extra": "0.2"}  # fmt: skip
    world.plan.save()
    assert (
        url("written_extra", world.post.pk, app.pk)
        in client.get(url("written", world.post.pk)).content.decode()
    )
    client.post(url("written_extra", world.post.pk, app.pk), {"extra": "91.5"})
    assert WrittenScore.objects.get(application=app).extra == Decimal("91.50")


def test_another_branch_cannot_enter_a_score(
    world: RecruitmentWorld, login: Login, make_user: Any
) -> None:
    other = make_user("sz_hr", Role.HR_ADMIN, world.org.sz)
    app = world.applications[0]
    response = login(other).post(url("written_enter", world.post.pk, app.pk), {"score": "80"})
    assert response.status_code == 404 and not WrittenScore.objects.exists()


# --- the shortlist -----------------------------------------------------------------------


def scores(world: RecruitmentWorld, *values: str) -> None:
    for n, value in enumerate(values):
        written_enter(actor=world.hr, application=world.applications[n], score=value)


def test_the_shortlist_is_made_and_the_tie_at_the_cutoff_marked(
    world: RecruitmentWorld, login: Login
) -> None:
    scores(world, "90", "85", "80", "80", "70", "55")
    client = login(world.hr)
    assert client.post(url("shortlist_make", world.post.pk)).status_code == 302
    page = client.get(url("shortlist", world.post.pk)).content.decode()
    assert ShortlistEntry.objects.count() == 4  # 1 × 3, the fourth tied with the third
    assert page.count("data-tied") == 2 and "data-tie-note" in page
    assert client.post(url("shortlist_make", world.post.pk)).status_code == 302
    assert ShortlistEntry.objects.count() == 4  # made once; a second make is refused


def test_a_withdrawal_is_confirmed_needs_a_reason_and_names_the_substitute(
    world: RecruitmentWorld, login: Login
) -> None:
    scores(world, "90", "85", "80", "75", "70")
    shortlist_make(actor=world.hr, post=world.post)
    first = ShortlistEntry.objects.get(application=world.applications[0])
    client = login(world.hr)
    path = url("shortlist_withdraw", world.post.pk, first.pk)
    assert client.get(path).status_code == 200
    assert client.post(path, {"reason": "  "}).status_code == 400
    assert ShortlistEntry.objects.get(pk=first.pk).status == ShortlistStatus.SHORTLISTED
    response = client.post(path, {"reason": "本人放弃"}, follow=True)
    substitute = ShortlistEntry.objects.get(status=ShortlistStatus.SUBSTITUTE)
    assert substitute.application_id == world.applications[3].pk
    assert world.applications[3].candidate.name in response.content.decode()


def test_a_withdrawal_with_nobody_left_says_so(world: RecruitmentWorld, login: Login) -> None:
    scores(world, "90", "85", "80")
    shortlist_make(actor=world.hr, post=world.post)
    first = ShortlistEntry.objects.get(application=world.applications[0])
    path = url("shortlist_withdraw", world.post.pk, first.pk)
    response = login(world.hr).post(path, {"reason": "体检前放弃"}, follow=True)
    assert _zh("Nobody is left to move up (递补).") in response.content.decode()
    assert not ShortlistEntry.objects.filter(status=ShortlistStatus.SUBSTITUTE).exists()


# --- the examiner pool -------------------------------------------------------------------


def test_an_examiner_is_added_and_shown_with_a_masked_id_number(
    world: RecruitmentWorld, login: Login
) -> None:
    number = id_number("330106", "19700101", 501)
    client = login(world.hr)
    data = {
        "org_unit": world.org.sh.pk,
        "name": "王老师",
        "id_number": number,
        "expertise": "计算机，管理",
        "employer": "浙江大学",
        "graduation_year": "1992",
    }
    response = client.post(url("examiners", world.post.pk), data)
    assert response.status_code == 302
    examiner = Examiner.objects.get()
    assert (examiner.region, examiner.expertise) == ("330106", ["管理", "计算机"])
    page = client.get(url("examiners", world.post.pk)).content.decode()
    assert number not in page and number[:3] + "*" * 11 + number[-4:] in page
    edit = client.get(url("examiner_edit", world.post.pk, examiner.pk)).content.decode()
    assert number not in edit


def test_a_bad_id_number_is_refused_on_the_form(world: RecruitmentWorld, login: Login) -> None:
    data = {"org_unit": world.org.sh.pk, "name": "王老师", "id_number": "330106197001015000"}
    response = login(world.hr).post(url("examiners", world.post.pk), data)
    assert response.status_code == 400 and not Examiner.objects.exists()


def test_an_examiner_is_edited_keeping_the_number_and_deactivated_after_confirming(
    world: RecruitmentWorld, login: Login, make_user: Any
) -> None:
    examiner = pool(world, count=1)[0]
    before = examiner.id_number
    client = login(world.hr)
    path = url("examiner_edit", world.post.pk, examiner.pk)
    response = client.post(path, {"name": "赵一新", "region": examiner.region, "id_number": ""})
    assert response.status_code == 302
    examiner.refresh_from_db()
    assert (examiner.name, examiner.id_number) == ("赵一新", before)
    other = make_user("sz_hr", Role.HR_ADMIN, world.org.sz)
    assert login(other).get(url("examiners", world.post.pk)).status_code == 404
    deactivate = url("examiner_deactivate", world.post.pk, examiner.pk)
    assert client.get(deactivate).status_code == 200 and Examiner.objects.get().active
    client.post(deactivate)
    assert not Examiner.objects.get().active


# --- panels and 回避 ---------------------------------------------------------------------


@dataclass
class Sitting:
    """A drawn panel with its order; seats[0] shares surname and native place with 王伟."""

    world: RecruitmentWorld
    panel: Panel
    seats: list[Examiner]
    wang: Application
    approver: User


def seat_panel(world: RecruitmentWorld, names: list[str], room: str = "第一考场",
               day: dt.date = DAY) -> tuple[Panel, list[Examiner], list[Application]]:  # fmt: skip
    """Shortlist `names`, draw a panel for `room` and its order."""
    apps = shortlisted(world, names)
    panel = panel_draw(actor=world.hr, post=world.post, room=room, interview_on=day)
    lots_draw(actor=world.hr, panel=panel)
    return panel, seated(panel), apps


def sit(world: RecruitmentWorld, make_user: Any, names: list[str], day: dt.date = DAY
        ) -> Sitting:  # fmt: skip
    pool(world)
    panel, seats, apps = seat_panel(world, names, day=day)
    seats[0] = examiner_update(actor=world.hr, examiner=seats[0], data={
        "name": "王芳", "id_number": id_number("330106", "19700101", 700)})  # fmt: skip
    approver = make_user("approver", Role.DEPT_MANAGER, world.org.sh)
    return Sitting(world, panel, seats, apps[0], approver)


@pytest.fixture
def s(org: Any, make_user: Any) -> Sitting:
    return sit(recruitment_world(org, make_user), make_user, ["王伟", "甲一", "乙二"])


def test_a_panel_is_drawn_from_the_form_and_shows_its_seed(
    world: RecruitmentWorld, login: Login
) -> None:
    pool(world)
    client = login(world.hr)
    data = {"room": "A101", "interview_on": "2026-12-12", "size": "5", "expertise": "计算机"}
    response = client.post(url("panels", world.post.pk), data)
    panel = Panel.objects.get()
    assert response.status_code == 302 and Seat.objects.filter(panel=panel).count() == 5
    page = client.get(url("panel_detail", world.post.pk, panel.pk)).content.decode()
    assert f"data-seed>{panel.seed}<" in page
    again = client.post(url("panels", world.post.pk), {
        "room": "A101", "interview_on": "2026-12-12", "size": "5"})  # fmt: skip
    assert again.status_code == 400 and Panel.objects.count() == 1


def test_the_order_is_drawn_and_conflicts_detected_from_the_buttons(
    world: RecruitmentWorld, login: Login
) -> None:
    pool(world)
    shortlisted(world, ["王伟", "甲一"])
    panel = panel_draw(actor=world.hr, post=world.post, room="A", interview_on=DAY)
    client = login(world.hr)
    client.post(url("panel_lots", world.post.pk, panel.pk))
    assert Lot.objects.filter(panel=panel).count() == 2
    client.post(url("panel_lots", world.post.pk, panel.pk))  # refused: drawn once
    assert Lot.objects.filter(panel=panel).count() == 2
    response = client.post(url("panel_detect", world.post.pk, panel.pk), follow=True)
    assert response.status_code == 200 and not Conflict.objects.exists()


def test_only_an_approver_resolves_and_an_upheld_conflict_shows_the_substitute(
    s: Sitting, login: Login, make_user: Any
) -> None:
    conflicts_detect(actor=s.world.hr, panel=s.panel)
    conflict = Conflict.objects.get()
    path = url("conflict_resolve", s.world.post.pk, s.panel.pk, conflict.pk)
    recruiter = make_user("recruiter", Role.HR, s.world.org.sh)
    detail = url("panel_detail", s.world.post.pk, s.panel.pk)
    assert "data-resolve" not in login(recruiter).get(detail).content.decode()
    refused = login(recruiter).post(path, {"decision": "upheld", "reason": "同乡"})
    assert refused.status_code == 403
    other = make_user("sz_boss", Role.DEPT_MANAGER, s.world.org.sz)
    assert login(other).post(path, {"decision": "upheld", "reason": "同乡"}).status_code == 404
    assert Conflict.objects.get().status == ConflictStatus.OPEN
    approver = login(s.approver)
    assert "data-resolve" in approver.get(detail).content.decode()
    approver.post(path, {"decision": "upheld", "reason": "同姓同乡，回避"})
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.AVOIDED
    assert "data-substitute" in approver.get(detail).content.decode()


def test_a_declaration_from_the_panel_page_opens_a_conflict(s: Sitting, login: Login) -> None:
    other = Lot.objects.filter(panel=s.panel).exclude(application=s.wang).first()
    assert other is not None
    response = login(s.world.hr).post(url("declaration_add", s.world.post.pk, s.panel.pk), {
        "examiner": s.seats[1].pk, "application": other.application_id,
        "relation": "spouse"})  # fmt: skip
    assert response.status_code == 302
    conflict = Conflict.objects.get(examiner=s.seats[1])
    assert (conflict.application_id, conflict.status) == (other.application_id, "open")


# --- the panel-scoring sheet -------------------------------------------------------------


def marks_url(s: Sitting) -> str:
    return url("panel_marks", s.world.post.pk, s.panel.pk)


def test_a_conflict_blocks_the_cell_and_a_forged_post_is_refused_with_the_reason(
    s: Sitting, login: Login
) -> None:
    conflicts_detect(actor=s.world.hr, panel=s.panel)
    client = login(s.world.hr)
    page = client.get(marks_url(s)).content.decode()
    assert f'name="m{s.seats[0].pk}" form="row-{s.wang.pk}"' not in page
    assert f'name="m{s.seats[1].pk}" form="row-{s.wang.pk}"' in page
    with translation.override("zh-hans"):  # the page's language
        kind = str(ConflictKind.SURNAME_PLACE.label)
    assert f"data-why>{_zh('Conflict open (%(kind)s): an approver must resolve it first.')}" % {
        "kind": kind} in page  # fmt: skip
    data = {"application": s.wang.pk, f"m{s.seats[0].pk}": "85", f"m{s.seats[1].pk}": "86"}
    response = client.post(marks_url(s), data)
    assert response.status_code == 400
    refusal = _zh("%(examiner)s may not mark this candidate until the conflict (%(kind)s) is "
                  "resolved.") % {"examiner": "王芳", "kind": kind}  # fmt: skip
    assert refusal in response.content.decode()
    assert not Mark.objects.exists()  # the good cell of the row is not saved either


def test_a_row_is_saved_whole_and_the_interview_score_appears_when_complete(
    s: Sitting, login: Login
) -> None:
    other = Lot.objects.filter(panel=s.panel).exclude(application=s.wang).first()
    assert other is not None
    values = ["85", "88", "90", "79", "86", "92", "84"]
    data = {"application": str(other.application_id)}
    data |= {f"m{e.pk}": v for e, v in zip(s.seats, values, strict=True)}
    client = login(s.world.hr)
    assert client.post(marks_url(s), data).status_code == 302
    assert Mark.objects.filter(application_id=other.application_id).count() == 7
    page = client.get(marks_url(s)).content.decode()
    assert "86.60" in page  # (85+88+90+86+84)/5, the highest and lowest dropped
    again = client.post(marks_url(s), data)
    assert again.status_code == 400 and Mark.objects.count() == 7


@pytest.mark.parametrize("bad", ["abc", "101", "85.555"])
def test_a_bad_mark_refuses_the_row_and_keeps_what_was_typed(
    s: Sitting, login: Login, bad: str
) -> None:
    other = Lot.objects.filter(panel=s.panel).exclude(application=s.wang).first()
    assert other is not None
    data = {"application": other.application_id, f"m{s.seats[1].pk}": "80",
            f"m{s.seats[2].pk}": bad}  # fmt: skip
    response = login(s.world.hr).post(marks_url(s), data)
    assert response.status_code == 400 and not Mark.objects.exists()
    assert f'value="{bad}"' in response.content.decode()
    assert "data-cell-error" in response.content.decode()


def test_a_correction_needs_a_reason(s: Sitting, login: Login) -> None:
    other = Lot.objects.filter(panel=s.panel).exclude(application=s.wang).first()
    assert other is not None
    mark = mark_enter(actor=s.world.hr, panel=s.panel, examiner=s.seats[1],
                      application=other.application, score=Decimal("80"))  # fmt: skip
    path = url("mark_correct", s.world.post.pk, s.panel.pk, mark.pk)
    client = login(s.world.hr)
    assert client.post(path, {"score": "82", "reason": ""}).status_code == 400
    assert client.post(path, {"score": "82", "reason": "录入错误"}).status_code == 302
    assert Mark.objects.get().score == Decimal("82.00")


def test_the_sheet_is_hr_only_and_404_elsewhere(s: Sitting, login: Login, make_user: Any
                                                 ) -> None:  # fmt: skip
    assert login(s.approver).get(marks_url(s)).status_code == 403
    other = make_user("sz_hr", Role.HR_ADMIN, s.world.org.sz)
    assert login(other).get(marks_url(s)).status_code == 404


def sheet_queries(client: Client, world: RecruitmentWorld, panel: Panel) -> int:
    """Queries of the sheet's page, after an open conflict and three marks per candidate."""
    conflicts_detect(actor=world.hr, panel=panel)
    blocked = set(Conflict.objects.values_list("examiner_id", "application_id"))
    for lot in Lot.objects.filter(panel=panel).select_related("application"):
        for examiner in seated(panel)[:3]:
            if (examiner.pk, lot.application_id) not in blocked:
                mark_enter(actor=world.hr, panel=panel, examiner=examiner,
                           application=lot.application, score=Decimal("80"))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("panel_marks", world.post.pk, panel.pk))
    assert response.status_code == 200
    assert response.content.decode().count("data-application=") == Lot.objects.filter(
        panel=panel).count()  # fmt: skip
    return len(queries)


def test_the_sheet_costs_the_same_queries_at_3_and_12_candidates(s: Sitting, login: Login) -> None:
    large, _seats, _apps = seat_panel(s.world, [f"考生{n:02d}" for n in range(12)], room="B")
    client = login(s.world.hr)
    small_count = sheet_queries(client, s.world, s.panel)
    assert small_count == sheet_queries(client, s.world, large)
    assert small_count <= 18  # session, user, grants, post, panel, the sheet's seven, audit,
    # the navigation's examiner check
    assert Conflict.objects.exists()  # the small sheet had a blocked cell to explain


# --- the examiner's own day --------------------------------------------------------------


def test_an_examiner_sees_the_order_only_on_the_day(org: Any, make_user: Any, login: Login) -> None:
    world = recruitment_world(org, make_user)
    today = timezone.localdate()
    s = sit(world, make_user, ["甲一", "乙二"], day=today + dt.timedelta(days=1))
    judge = make_user("judge")
    examiner_update(actor=world.hr, examiner=s.seats[1], data={"user": judge})
    client = login(judge)
    before = client.get(url("my_panels")).content.decode()
    assert "data-not-today" in before and "第一考场" not in before
    Panel.objects.filter(pk=s.panel.pk).update(interview_on=today)
    on_the_day = client.get(url("my_panels")).content.decode()
    assert "第一考场" in on_the_day and on_the_day.count('<th scope="row">') == 2
    assert "甲一" not in on_the_day  # the order, never the names


def test_the_shortlist_is_remade_after_confirming_until_the_first_mark(
    world: RecruitmentWorld, login: Login
) -> None:
    scores(world, "90", "85", "80", "75", "70")
    client = login(world.hr)
    client.post(url("shortlist_make", world.post.pk))
    first = ShortlistEntry.objects.get(application=world.applications[0])
    shortlist_withdraw(actor=world.hr, entry=first, reason="放弃")
    assert ShortlistEntry.objects.count() == 4  # with the substitute
    assert "data-remake" in client.get(url("shortlist", world.post.pk)).content.decode()
    client.post(url("shortlist_make", world.post.pk), {"remake": "1"})
    statuses = set(ShortlistEntry.objects.values_list("status", flat=True))
    assert ShortlistEntry.objects.count() == 3 and statuses == {ShortlistStatus.SHORTLISTED}
    panel = Panel.objects.create(post=world.post, room="A", interview_on=DAY, seed="0" * 64,
                                 size=1)  # fmt: skip
    examiner = Examiner.objects.create(org_unit=world.org.sh, name="考官")
    Mark.objects.create(panel=panel, examiner=examiner, application=world.applications[0],
                        score=Decimal("80"))  # fmt: skip
    assert "data-remake" not in client.get(url("shortlist", world.post.pk)).content.decode()


def test_the_post_pages_step_names_lead_to_the_written_exam_and_the_marks(
    s: Sitting, login: Login
) -> None:
    client = login(s.world.hr)
    post = s.world.post.pk
    assert client.get(url("written_scores", post)).status_code == 200
    response = client.get(url("marks", post))
    assert response.status_code == 302 and response["Location"] == marks_url(s)
