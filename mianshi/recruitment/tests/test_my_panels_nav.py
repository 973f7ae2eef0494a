"""An examiner's own day in the navigation and its links: "My panels" is offered to the
active examiners of a pool (an Examiner row names the user) and to nobody else, for one
query whatever the number of rows; on the day, a candidate whose recorded interview the
examiner may review links to its workbench, the others do not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.organisations import navigation
from mianshi.recruitment.models import Examiner, Lot, Panel, Seat
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world
from mianshi.reviews.tests.factories import analysed_interview, review_world

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
MY_PANELS = reverse("recruitment:my_panels")


def examiner(org: Any, user: User | None, *, active: bool = True, name: str = "考官") -> Examiner:
    return Examiner.objects.create(org_unit=org.sh, name=name, user=user, active=active)


def nav_names(user: User) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [item["name"] for item in navigation.navigation(request)["nav_items"]]


def nav_queries(user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        nav_names(User.objects.get(pk=user.pk))  # a fresh user: no cached grants
    return len(queries)


def test_an_examiner_finds_my_panels_in_the_navigation(
    org: Any, make_user: Any, login: Login
) -> None:
    judge = make_user("judge")
    examiner(org, judge)
    page = login(judge).get(reverse("insights:dashboard")).content.decode()
    assert f'href="{MY_PANELS}"' in page and "recruitment:my_panels" in nav_names(judge)


def test_hr_without_an_examiner_row_is_not_offered_it(
    org: Any, make_user: Any, login: Login
) -> None:
    hr = make_user("hr", Role.HR_ADMIN, org.sh)
    examiner(org, None)  # a pool member who is no user of the product
    assert "recruitment:my_panels" not in nav_names(hr)
    assert f'href="{MY_PANELS}"' not in login(hr).get("/").content.decode()


def test_an_inactive_examiner_is_not_offered_it(org: Any, make_user: Any) -> None:
    judge = make_user("judge")
    examiner(org, judge, active=False)
    assert "recruitment:my_panels" not in nav_names(judge)


def test_the_entry_costs_one_query_whatever_the_pool(org: Any, make_user: Any) -> None:
    hr, judge = make_user("hr", Role.HR, org.sh), make_user("judge", Role.HR, org.sh)
    examiner(org, judge)
    one_row = nav_queries(judge)
    for n in range(3):
        examiner(org, judge, name=f"考官{n}")
    assert nav_queries(judge) == one_row == nav_queries(hr)
    entry = next(e for e in navigation.registered() if e.name == "recruitment:my_panels")
    navigation.unregister(entry.name)
    try:
        assert nav_queries(judge) == one_row - 1
    finally:
        navigation.register(entry)


# --- links to the workbench ---------------------------------------------------------------


def seat(world: RecruitmentWorld, judge: User, applications: list[Application]) -> Panel:
    """A panel sitting today with `judge` in a seat and `applications` in that order."""
    today = timezone.localdate()
    panel = Panel.objects.create(post=world.post, room="第一考场", interview_on=today,
                                 seed="0" * 64, size=1)  # fmt: skip
    Seat.objects.create(panel=panel, examiner=examiner(world.org, judge))
    for position, application in enumerate(applications, 1):
        Lot.objects.create(panel=panel, application=application, position=position)
    return panel


@pytest.fixture
def recorded(org: Any, make_user: Any) -> tuple[RecruitmentWorld, Application, Application]:
    """The recruitment world, an application with a recorded interview, one without."""
    world = recruitment_world(org, make_user)
    session = analysed_interview(review_world(org, make_user), name="李雷")
    return world, session.application, world.apply("韩梅")


def test_a_recorded_interview_links_to_its_workbench(
    recorded: tuple[RecruitmentWorld, Application, Application], make_user: Any, login: Login
) -> None:
    world, with_interview, without = recorded
    judge = make_user("judge", Role.HR, world.org.sh)
    seat(world, judge, [without, with_interview])
    page = login(judge).get(MY_PANELS).content.decode()
    session = with_interview.interview_sessions.get()
    workbench = reverse("reviews:workbench", args=[session.pk])
    assert page.count("data-workbench") == 1 and f'href="{workbench}"' in page
    assert login(judge).get(workbench).status_code == 200
    assert "李雷" not in page  # the order, never the names


def test_no_link_to_an_interview_the_examiner_may_not_review(
    recorded: tuple[RecruitmentWorld, Application, Application], make_user: Any, login: Login
) -> None:
    world, with_interview, without = recorded
    judge = make_user("judge")  # an outside examiner: no role in the organisation
    seat(world, judge, [without, with_interview])
    page = login(judge).get(MY_PANELS).content.decode()
    assert page.count('<th scope="row">') == 2 and "data-workbench" not in page


def test_a_day_with_panels_costs_the_same_queries_with_and_without_interviews(
    recorded: tuple[RecruitmentWorld, Application, Application], make_user: Any, login: Login
) -> None:
    world, with_interview, without = recorded
    judge = make_user("judge", Role.HR, world.org.sh)
    panel = seat(world, judge, [without])
    client = login(judge)
    with CaptureQueriesContext(connection) as before:
        client.get(MY_PANELS)
    Lot.objects.create(panel=panel, application=with_interview, position=2)
    with CaptureQueriesContext(connection) as after:
        assert "data-workbench" in client.get(MY_PANELS).content.decode()
    assert len(after) == len(before)
