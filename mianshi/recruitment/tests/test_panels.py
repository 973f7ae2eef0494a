"""The examiner pool, panels drawn by lot from a seed recorded first, the interview order,
and an examiner's view of their panel only on the interview day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment import draw
from mianshi.recruitment.models import Examiner, Lot, Panel, Seat, ShortlistEntry
from mianshi.recruitment.models import ShortlistStatus as Shortlist
from mianshi.recruitment.selectors_panels import examiners_visible, panels_for_examiner
from mianshi.recruitment.services.panels import (
    as_drawn,
    draw_pool,
    examiner_create,
    examiner_deactivate,
    examiner_update,
    keys_hash,
    lots_draw,
    panel_draw,
)
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 12)
NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "冯八", "陈九"]


def pool(world: RecruitmentWorld, count: int = 9, regions: tuple[str, ...] = ("110101",)
         ) -> list[Examiner]:  # fmt: skip
    """`count` examiners of the plan's unit, no two alike (no 回避 among them or with
    the applicants), regions taken in turn."""
    return [
        examiner_create(
            actor=world.hr,
            org_unit=world.org.sh,
            name=NAMES[n],
            id_number=id_number(regions[n % len(regions)], "19700101", 500 + n),
            expertise=["计算机"],
            employer=f"第{n}研究所",
        )
        for n in range(count)
    ]


def shortlisted(world: RecruitmentWorld, names: list[str]) -> list[Any]:
    """Applicants on the post's interview shortlist, in written rank order."""
    apps = [world.apply(name, region="330106") for name in names]
    for rank, app in enumerate(apps, 1):
        ShortlistEntry.objects.create(application=app, post=world.post, written_rank=rank)
    return apps


def seated(panel: Panel) -> list[Examiner]:
    return [s.examiner for s in Seat.objects.filter(panel=panel).order_by("pk")]


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    return recruitment_world(org, make_user)


def test_an_examiner_id_is_encrypted_and_gives_the_region(world: RecruitmentWorld) -> None:
    number = id_number("330106", "19700101", 501)
    examiner = examiner_create(
        actor=world.hr,
        org_unit=world.org.sh,
        name="王老师",
        id_number=number.lower(),
        expertise=("计算机", "计算机", " "),
    )
    stored = Examiner.objects.get(pk=examiner.pk)
    assert number not in stored.id_number_enc and stored.id_number == number
    assert (stored.region, stored.expertise) == ("330106", ["计算机"])
    assert examiner_update(actor=world.hr, examiner=stored, data={"region": "310101"}).region == (
        "310101"
    )
    event = events("recruitment.examiner.create")[0]
    assert number not in str(event.detail) and "王老师" not in str(event.detail)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id_number": "330106197001015019"}, "id_number"),  # wrong check digit
        ({"id_number": "3301061970"}, "id_number"),
        ({"region": "33010"}, "region"),
        ({"region": "浙江杭州"}, "region"),
        ({"name": "  "}, "name"),
        ({"graduation_year": 1900}, "graduation_year"),
    ],
)
def test_bad_examiner_data_is_refused_and_nothing_saved(
    world: RecruitmentWorld, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        examiner_create(actor=world.hr, org_unit=world.org.sh, **({"name": "王老师"} | data))
    assert field in error.value.message_dict
    assert not Examiner.objects.exists()


def test_another_branch_manages_no_examiner_and_draws_no_panel(
    world: RecruitmentWorld, make_user: Any
) -> None:
    sz = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    examiners = pool(world)
    with pytest.raises(PermissionDenied):
        examiner_create(actor=sz, org_unit=world.org.sh, name="王老师")
    with pytest.raises(PermissionDenied):
        examiner_update(actor=sz, examiner=examiners[0], data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        examiner_deactivate(actor=sz, examiner=examiners[0])
    with pytest.raises(PermissionDenied):
        panel_draw(actor=sz, post=world.post, room="第一考场", interview_on=DAY)
    assert not examiners_visible(sz).exists() and examiners_visible(world.hr).count() == 9
    assert not Panel.objects.exists()


def test_the_recorded_seed_precedes_the_draw_and_re_runs_to_the_same_panel(
    world: RecruitmentWorld,
) -> None:
    examiners = pool(world)
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    seed, drawn = events("recruitment.panel.seed")[0], events("recruitment.panel.drawn")[0]
    assert seed.pk < drawn.pk and seed.detail["seed"] == panel.seed
    keys = [str(e.pk) for e in examiners]
    assert (seed.detail["pool"], seed.detail["pool_hash"]) == (9, keys_hash(keys))
    rerun = draw.draw_panel(seed.detail["seed"], as_drawn(examiners), size=7,
                            purpose=seed.detail["purpose"])  # fmt: skip
    assert rerun == [str(e.pk) for e in seated(panel)]
    assert drawn.detail["examiners"] == [int(k) for k in rerun] and panel.size == 7


def test_a_pool_too_small_is_a_clear_error_and_nothing_is_saved(world: RecruitmentWorld) -> None:
    pool(world, count=4)
    with pytest.raises(ValidationError) as error:
        panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY, size=5)
    assert "4" in error.value.messages[0] and "5" in error.value.messages[0]
    assert not Panel.objects.exists() and not Seat.objects.exists()
    assert not events("recruitment.panel.seed")


@pytest.mark.parametrize("size", [4, 10])
def test_a_panel_size_outside_five_to_nine_is_refused(world: RecruitmentWorld, size: int) -> None:
    pool(world, count=9)
    with pytest.raises(ValidationError):
        panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY, size=size)
    assert not Panel.objects.exists()


def test_other_regions_only_leaves_the_local_region_out(org: Any, make_user: Any) -> None:
    world = recruitment_world(org, make_user, other_regions=True, panel_size=5)
    pool(world, count=9, regions=("330106", "110101"))  # 5 local, 4 from elsewhere
    with pytest.raises(ValidationError) as missing:
        panel_draw(actor=world.hr, post=world.post, room="A", interview_on=DAY)
    assert "local_region" in missing.value.message_dict
    with pytest.raises(ValidationError):  # 4 examiners from elsewhere; 5 needed
        panel_draw(actor=world.hr, post=world.post, room="A", interview_on=DAY,
                   local_region="330106")  # fmt: skip
    examiner_create(actor=world.hr, org_unit=org.sh_tech, name="沈十",
                    id_number=id_number("120101", "19700101", 600))  # fmt: skip
    panel = panel_draw(actor=world.hr, post=world.post, room="A", interview_on=DAY,
                       local_region="330106")  # fmt: skip
    assert len(seated(panel)) == 5 and {e.region for e in seated(panel)} <= {"110101", "120101"}


def test_a_deactivated_or_other_branch_examiner_is_not_in_the_pool(
    world: RecruitmentWorld, make_user: Any
) -> None:
    examiners = pool(world, count=3)
    examiner_deactivate(actor=world.hr, examiner=examiners[0])
    sz_hr = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    examiner_create(actor=sz_hr, org_unit=world.org.sz, name="深圳考官")
    assert [e.pk for e in draw_pool(world.post)] == [e.pk for e in examiners[1:]]


def test_a_room_is_drawn_once(world: RecruitmentWorld) -> None:
    pool(world)
    panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    with pytest.raises(ValidationError):
        panel_draw(actor=world.hr, post=world.post, room=" 第一考场 ", interview_on=DAY)
    assert Panel.objects.count() == 1


def test_the_interview_order_is_drawn_from_the_recorded_seed(world: RecruitmentWorld) -> None:
    pool(world)
    apps = shortlisted(world, ["甲一", "乙二", "丙三", "丁四", "戊五"])
    ShortlistEntry.objects.filter(application=apps[2]).update(status=Shortlist.WITHDRAWN)
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots = lots_draw(actor=world.hr, panel=panel)
    seed = events("recruitment.panel.seed")[-1]
    assert seed.detail["purpose"] == f"order:{panel.pk}"
    assert seed.pk < events("recruitment.panel.lots")[0].pk
    keys = [str(a.pk) for a in apps if a != apps[2]]
    rerun = draw.draw_order(seed.detail["seed"], keys, purpose=f"order:{panel.pk}")
    assert [str(lot.application_id) for lot in lots] == rerun
    assert [lot.position for lot in Lot.objects.filter(panel=panel)] == [1, 2, 3, 4]
    with pytest.raises(ValidationError):
        lots_draw(actor=world.hr, panel=panel)


def test_an_empty_shortlist_draws_no_order(world: RecruitmentWorld) -> None:
    pool(world)
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    with pytest.raises(ValidationError):
        lots_draw(actor=world.hr, panel=panel)
    assert not events("recruitment.panel.lots")


@pytest.mark.parametrize(
    ("today", "disclosed"), [(DAY - dt.timedelta(days=1), False), (DAY, True),
                             (DAY + dt.timedelta(days=1), False)],
)  # fmt: skip
def test_an_examiner_sees_the_panel_only_on_the_interview_day(
    world: RecruitmentWorld, make_user: Any, today: dt.date, disclosed: bool
) -> None:
    examiners = pool(world)
    users = [make_user(f"examiner{n}") for n in range(len(examiners))]
    for examiner, user in zip(examiners, users, strict=True):
        examiner_update(actor=world.hr, examiner=examiner, data={"user": user})
    shortlisted(world, ["甲一", "乙二", "丙三"])
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    on_panel = User.objects.get(examiner_entries=seated(panel)[0])
    off_panel = next(u for u, e in zip(users, examiners, strict=True) if e not in seated(panel))
    seen = panels_for_examiner(user=on_panel, today=today)
    assert bool(seen) is disclosed
    if disclosed:
        assert (seen[0].room, seen[0].post_code) == ("第一考场", "2026001")
        assert [p.position for p in seen[0].candidates] == [1, 2, 3]
    assert panels_for_examiner(user=off_panel, today=DAY) == []


@pytest.mark.parametrize("count", [3, 30])
def test_an_examiners_day_is_read_in_a_fixed_number_of_queries(
    world: RecruitmentWorld, make_user: Any, count: int, django_assert_num_queries: Any
) -> None:
    examiners = pool(world)
    shortlisted(world, [f"考生{n}" for n in range(count)])
    panel = panel_draw(actor=world.hr, post=world.post, room="第一考场", interview_on=DAY)
    lots_draw(actor=world.hr, panel=panel)
    user = make_user("examiner")
    examiner_update(actor=world.hr, examiner=seated(panel)[0], data={"user": user})
    with django_assert_num_queries(7):  # + the grants, for the links to recorded interviews
        [view] = panels_for_examiner(user=user, today=DAY)
    assert len(view.candidates) == count and len(examiners) == 9
