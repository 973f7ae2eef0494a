"""The pipeline board (issue 14): columns in pipeline order, cards, moves through the
pipeline service with its refusals, scoping, filters and bulk actions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, candidate_tag_add
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.compliance.models import AuditEvent
from mianshi.invitations.models import Invitation
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview, review_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    return review_world(org, make_user)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _apply(world: ReviewWorld, name: str, stage: str = Stage.APPLIED, **fields: Any) -> Application:
    candidate = make_candidate(world.hr, world.org.sh, name=name, **fields)
    application = make_application(world.hr, candidate, world.job)
    path = {
        Stage.APPLIED: [],
        Stage.SCREENING: [Stage.SCREENING],
        Stage.INVITED: [Stage.INVITED],
        Stage.REJECTED: [Stage.REJECTED],
    }[Stage(stage)]
    for step in path:
        application_advance(actor=world.hr, application=application, to_stage=step, reason="x")
    return application


def _board(world: ReviewWorld, user: Any = None, query: str = "") -> Any:
    url = reverse("insights:pipeline", args=[world.job.pk]) + query
    return _client(user or world.hr).get(url)


def _cards(html: str, stage: str) -> list[str]:
    """Candidate names on the cards of one column, in order."""
    section = re.search(rf'data-column="{stage}".*?</section>', html, re.S)
    assert section, stage
    return re.findall(r'class="bd-name"[^>]*>([^<]+)</a>', section.group(0))


def _move(
    client: Client, world: ReviewWorld, application: Application, to: str, **extra: Any
) -> Any:
    url = reverse("insights:pipeline_move", args=[world.job.pk])
    data = {"application": application.pk, "to_stage": to, **extra}
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_columns_follow_the_pipeline_and_closed_ones_are_folded(world: ReviewWorld) -> None:
    _apply(world, "甲")
    _apply(world, "乙", Stage.SCREENING)
    _apply(world, "丙", Stage.REJECTED)
    html = _board(world).content.decode()
    assert re.findall(r'<section class="bd-col[^"]*" data-column="(\w+)"', html) == Stage.values
    assert _cards(html, Stage.APPLIED) == ["甲"] and _cards(html, Stage.SCREENING) == ["乙"]
    # Folded: the count shows, the cards load when unfolded.
    assert 'bd-folded" data-column="rejected"' in html and _cards(html, Stage.REJECTED) == []
    assert _cards(_board(world, query="?open=rejected").content.decode(), Stage.REJECTED) == ["丙"]


def test_a_card_shows_the_ai_score_its_level_days_in_stage_tags_and_links(
    world: ReviewWorld,
) -> None:
    session = analysed_interview(world, "陈一", scores=dict.fromkeys(CODES, 8.0))
    candidate = session.invitation.application.candidate
    candidate_tag_add(actor=world.hr, candidate=candidate, name="校招")
    html = _board(world).content.decode()
    card = re.search(r'<li class="bd-card".*?</li>\s*</ul>', html, re.S)
    assert card and _cards(html, Stage.AI_SCORED) == ["陈一"]
    text = card.group(0)
    assert 'data-ai-level="high"' in text and "AI 8.0 · High" in text
    assert 'data-days="0"' in text and "0 days in stage" in text
    assert '<span class="tag">校招</span>' in text
    assert reverse("reviews:workbench", args=[session.pk]) in text
    assert reverse("candidates:candidate_detail", args=[candidate.pk]) in text
    # The drag targets are exactly the pipeline's, in pipeline order.
    assert 'data-allowed="second_round offer_approval rejected talent_pool"' in text


def test_a_move_goes_through_the_service_and_answers_the_new_card(world: ReviewWorld) -> None:
    application = _apply(world, "甲")
    response = _move(_client(world.hr), world, application, Stage.SCREENING)
    body = response.json()
    assert response.status_code == 200 and body["ok"] and body["stage"] == "screening"
    assert body["message"] == "甲 moved to “Screening”."
    assert 'data-stage="screening"' in body["card"]
    assert 'data-allowed="invited rejected talent_pool"' in body["card"]
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING
    last = ApplicationTransition.objects.filter(application=application).last()
    assert last and last.actor == world.hr and last.from_stage == Stage.APPLIED


def test_a_move_the_pipeline_refuses_is_refused_with_its_reason(world: ReviewWorld) -> None:
    application = _apply(world, "甲")
    response = _move(_client(world.hr), world, application, Stage.HIRED)
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "message": "An application cannot move from “Applied” to “Hired”.",
    }
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED


def test_a_rejection_needs_a_reason_which_the_history_keeps(world: ReviewWorld) -> None:
    application = _apply(world, "甲")
    client = _client(world.hr)
    response = _move(client, world, application, Stage.REJECTED)
    assert response.status_code == 400 and response.json()["message"] == (
        "Give a reason for the rejection."
    )
    assert _move(client, world, application, Stage.REJECTED, reason="经验不足").json()["ok"]
    last = ApplicationTransition.objects.filter(application=application).last()
    assert last and last.to_stage == Stage.REJECTED and last.reason == "经验不足"


def test_a_plain_post_redirects_back_with_the_message(world: ReviewWorld) -> None:
    application = _apply(world, "甲")
    client = _client(world.hr)
    url = reverse("insights:pipeline_move", args=[world.job.pk])
    data = {"application": application.pk, "to_stage": "hired"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("insights:pipeline", args=[world.job.pk])
    assert "An application cannot move from “Applied” to “Hired”." in response.content.decode()
    data = {"application": application.pk, "to_stage": "screening", "next": "/jobs/"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING


def test_each_column_carries_its_moves_once_and_cards_only_their_menu(
    world: ReviewWorld,
) -> None:
    for name in ("甲", "乙", "丙"):
        _apply(world, name)
    html = _board(world).content.decode()
    menu = re.search(r'<template data-menu="applied">(.*?)</template>', html, re.S)
    assert menu and re.findall(r'data-target="(\w+)"', menu.group(1)) == [
        "screening", "invited", "rejected", "talent_pool",
    ]  # fmt: skip
    assert 'data-reason-for="rejected"' in menu.group(1)
    assert html.count("data-move-menu") == 3 and html.count('data-target="talent_pool"') == 10
    # One menu per stage that has moves; the hire is final.
    assert html.count("<template data-menu=") == 11 and '<template data-menu="hired">' not in html


def test_other_branches_get_404_and_read_only_users_no_moves(
    world: ReviewWorld, org: Any, make_user: Any
) -> None:
    application = _apply(world, "甲")
    other = make_user("hr_sz", Role.HR, org.sz)
    assert _board(world, other).status_code == 404
    assert _move(_client(other), world, application, Stage.SCREENING).status_code == 404
    bulk = reverse("insights:pipeline_bulk", args=[world.job.pk])
    assert _client(other).post(bulk, {"action": "move"}).status_code == 404
    # A department manager sees the board but manages no candidates: no move controls, 403.
    page = _board(world, world.manager)
    assert page.status_code == 200 and _cards(page.content.decode(), Stage.APPLIED) == ["甲"]
    assert (
        "data-move-menu" not in page.content.decode() and "board-bulk" not in page.content.decode()
    )
    assert _move(_client(world.manager), world, application, Stage.SCREENING).status_code == 403
    # An interviewer sees only the cards of applications assigned to them.
    assert _cards(_board(world, world.interviewer).content.decode(), Stage.APPLIED) == []
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED


def test_a_card_of_another_job_cannot_be_moved_from_this_board(
    world: ReviewWorld, org: Any
) -> None:
    from mianshi.candidates.tests.factories import make_job

    other_job = make_job(org.sh_sales, "客服")
    candidate = make_candidate(world.hr, org.sh, name="丁")
    application = make_application(world.hr, candidate, other_job)
    assert _move(_client(world.hr), world, application, Stage.SCREENING).status_code == 404


def test_the_board_view_is_audited_with_the_cards_shown(world: ReviewWorld) -> None:
    application = _apply(world, "甲")
    _board(world)
    event = AuditEvent.objects.filter(action="pipeline_board.view").latest("pk")
    assert event.detail["ids"] == [application.pk] and event.object_id == str(world.job.pk)


def test_filters_by_name_tag_stage_ai_level_and_score_range(world: ReviewWorld) -> None:
    analysed_interview(world, "高分", scores=dict.fromkeys(CODES, 8.0))
    analysed_interview(world, "中分", scores=dict.fromkeys(CODES, 5.0))
    tagged = _apply(world, "王小明")
    candidate_tag_add(actor=world.hr, candidate=tagged.candidate, name="社招")
    _apply(world, "李雷", Stage.SCREENING)

    def shown(query: str) -> set[str]:
        html = _board(world, query=query).content.decode()
        return {
            name
            for stage in re.findall(r'data-column="(\w+)"', html)
            for name in _cards(html, stage)
        }

    assert shown("") == {"高分", "中分", "王小明", "李雷"}
    assert shown("?q=小明") == {"王小明"}
    assert shown("?tag=社招") == {"王小明"}
    assert shown("?stage=screening") == {"李雷"}
    assert shown("?level=high") == {"高分"}
    assert shown("?level=medium") == {"中分"}
    assert shown("?level=none") == {"王小明", "李雷"}
    assert shown("?min=4&max=6") == {"中分"}
    assert shown("?min=abc&level=bogus&stage=nowhere") == {"高分", "中分", "王小明", "李雷"}
    # The stage filter leaves one column; counts follow the filters.
    html = _board(world, query="?stage=screening").content.decode()
    assert re.findall(r'data-column="(\w+)"', html) == ["screening"]


def _bulk(world: ReviewWorld, action: str, apps: list[Application], **extra: Any) -> Any:
    url = reverse("insights:pipeline_bulk", args=[world.job.pk])
    data = {"action": action, "application": [a.pk for a in apps], **extra}
    return _client(world.hr).post(url, data, follow=True)


def _stages(apps: list[Application]) -> list[str]:
    return [Application.objects.get(pk=a.pk).stage for a in apps]


def test_bulk_move_is_all_or_nothing_through_the_bulk_service(world: ReviewWorld) -> None:
    apps = [_apply(world, f"候选人{i}") for i in range(3)]
    page = _bulk(world, "move", apps, to_stage="screening").content.decode()
    assert "Done: the action was applied to every selected application." in page
    assert _stages(apps) == ["screening"] * 3
    # One of them cannot make the move: nothing moves, each refusal is named.
    apps.append(_apply(world, "候选人3", Stage.REJECTED))
    page = _bulk(world, "move", apps, to_stage="invited").content.decode()
    assert "Nothing was changed." in page and f"#{apps[3].pk}" in page
    assert _stages(apps) == ["screening"] * 3 + ["rejected"]


def test_bulk_reject_needs_a_reason(world: ReviewWorld) -> None:
    apps = [_apply(world, f"候选人{i}") for i in range(2)]
    assert "Give a reason for the rejection." in _bulk(world, "reject", apps).content.decode()
    assert _stages(apps) == ["applied"] * 2
    _bulk(world, "reject", apps, reason="岗位已满")
    assert _stages(apps) == ["rejected"] * 2
    assert set(
        ApplicationTransition.objects.filter(application__in=apps, to_stage="rejected").values_list(
            "reason", flat=True
        )
    ) == {"岗位已满"}


def test_bulk_invite_uses_the_invitations_bulk_path(world: ReviewWorld) -> None:
    apps = [
        _apply(world, f"候选人{i}", Stage.SCREENING, email=f"c{i}@example.com") for i in range(3)
    ]
    page = _bulk(world, "invite", apps).content.decode()
    assert "Done: the action was applied to every selected application." in page
    assert Invitation.objects.filter(application__in=apps).count() == 3
    assert _stages(apps) == ["invited"] * 3


def test_a_column_shows_20_cards_and_links_to_the_rest(world: ReviewWorld) -> None:
    from mianshi.candidates.models import Candidate

    people = Candidate.objects.bulk_create(
        Candidate(org_unit=world.org.sh, name=f"批量{i:02d}") for i in range(23)
    )
    Application.objects.bulk_create(
        Application(candidate=c, job=world.job, org_unit_id=world.job.org_unit_id) for c in people
    )
    html = _board(world).content.decode()
    names = _cards(html, Stage.APPLIED)
    assert len(names) == 20 and names[0] == "批量22"  # newest first
    assert re.search(r'data-column="applied".*?data-count>23<', html, re.S)
    assert "3 more in the candidate list" in html
    assert f"/candidates/?job={world.job.pk}&amp;stage=applied" in html


def _grow(world: ReviewWorld, n: int) -> None:
    """n applications spread over the open stages, tagged, written in bulk."""
    from mianshi.candidates.models import Candidate, Tag

    people = Candidate.objects.bulk_create(
        Candidate(org_unit=world.org.sh, name=f"规模{i:03d}") for i in range(n)
    )
    tag = Tag.objects.get_or_create(name="校招")[0]
    Candidate.tags.through.objects.bulk_create(
        Candidate.tags.through(candidate=c, tag=tag) for c in people
    )
    stages = list(Stage)  # every column, the closed ones too
    Application.objects.bulk_create(
        Application(candidate=c, job=world.job, org_unit_id=world.job.org_unit_id,
                    stage=stages[i % len(stages)])
        for i, c in enumerate(people)
    )  # fmt: skip


# The session, the user, the grants and their units, the job, the counts, the cards, their
# tags, the read's audit event (3), the tag filter's choices and the navigation's examiner
# check: 13, at any size.
MAX_QUERIES = 13


def _queries(world: ReviewWorld, django_assert_max_num_queries: Any, query: str = "") -> int:
    client = _client(world.hr)
    url = reverse("insights:pipeline", args=[world.job.pk]) + query
    client.get(url)  # the session and the login are written once, not measured
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", ["", "?level=high&tag=校招&q=规模&open=rejected"])
def test_the_board_costs_the_same_queries_for_12_and_for_600_applications(
    world: ReviewWorld, django_assert_max_num_queries: Any, query: str
) -> None:
    analysed_interview(world, "陈一", scores=dict.fromkeys(CODES, 8.0))
    _grow(world, 12)
    small = _queries(world, django_assert_max_num_queries, query)
    _grow(world, 600)
    large = _queries(world, django_assert_max_num_queries, query)
    assert large == small


def test_a_card_escapes_what_people_typed(world: ReviewWorld) -> None:
    # The cards are written out in Python (board_html.py), not by the template engine.
    application = _apply(world, '<b onclick="x">甲</b>')
    candidate_tag_add(actor=world.hr, candidate=application.candidate, name="<i>tag</i>")
    html = _board(world).content.decode()
    body = _move(_client(world.hr), world, application, Stage.SCREENING).json()["card"]
    for text in (html, body):
        assert "<b onclick" not in text and "<i>tag" not in text
        assert "&lt;b onclick=&quot;x&quot;&gt;甲&lt;/b&gt;" in text
        assert '<span class="tag">&lt;i&gt;tag&lt;/i&gt;</span>' in text
