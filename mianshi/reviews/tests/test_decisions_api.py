"""/api/reviews/applications/{id}/decisions and /feedback-draft: happy paths, the scoping
answers (404 outside the branch, 403 when only visible), 422 on bad input, 409 on a refused
move — and no refusal writes anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_assign, candidate_update
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.common.tests.support import Mailbox
from mianshi.reviews.models import Decision
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

EMAIL = "li.lei@example.com"


@pytest.fixture
def app(world: ReviewWorld) -> Application:
    session = analysed_interview(world)
    candidate = session.application.candidate
    candidate_update(actor=world.hr, candidate=candidate, data={"email": EMAIL})
    return session.application


def path(app: Application, tail: str = "decisions") -> str:
    return f"/reviews/applications/{app.pk}/{tail}"


def post(api: Any, app: Application, data: dict[str, Any]) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post(path(app), data)


def test_hr_rejects_through_the_api_and_the_candidate_hears(
    world: ReviewWorld, app: Application, api_for: Any, smtp: Mailbox, eager: None
) -> None:
    answer = post(api_for(world.hr), app, {"kind": "reject", "reason": "经验不足"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["kind"] == "reject" and body["to_stage"] == Stage.REJECTED
    assert body["from_stage"] == Stage.AI_SCORED and body["decided_by_id"] == world.hr.pk
    assert body["feedback_status"] == "queued"  # as committed; the task sent it afterwards
    assert smtp.recipients == [[EMAIL]]
    listed = api_for(world.hr).get(path(app)).json()
    assert [d["id"] for d in listed] == [body["id"]] and listed[0]["feedback_status"] == "sent"


def test_talent_pool_with_an_edited_message(
    world: ReviewWorld, app: Application, api_for: Any, smtp: Mailbox, eager: None
) -> None:
    data = {
        "kind": "talent_pool",
        "send_feedback": True,
        "feedback_subject": "保持联系",
        "feedback_body": "李雷您好，我们希望将您的简历保留在人才库中。",
    }
    body = post(api_for(world.hr), app, data).json()
    assert body["tag"] == "人才库" and body["feedback_subject"] == "保持联系"
    assert "保留在人才库" in smtp.bodies()[0]


def test_the_draft_is_offered_for_editing(
    world: ReviewWorld, app: Application, api_for: Any
) -> None:
    api = api_for(world.hr)
    draft = api.get(path(app, "feedback-draft"), kind="reject").json()
    assert draft["kind"] == "reject" and "销售代表" in draft["subject"]
    assert "Dear 李雷" in draft["body"]
    assert api.get(path(app, "feedback-draft"), kind="offer").json()["body"] == ""
    assert api.get(path(app, "feedback-draft"), kind="bogus").status_code == 422


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "hire_now"}, "kind"),
        ({"kind": "reject"}, "reason"),
        ({"kind": "reject", "reason": "r", "feedback_body": ""}, "feedback_body"),
        ({"kind": "reject", "reason": "r", "session_id": 999999}, "session_id"),
        ({"kind": "reject", "reason": "r", "session_id": 0}, "session_id"),
        ({"kind": "reject", "reason": "r", "decided_by": 1}, "decided_by"),
        ({"reason": "r"}, "kind"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(
    world: ReviewWorld, app: Application, api_for: Any, data: dict[str, Any], field: str
) -> None:
    answer = post(api_for(world.hr), app, data)
    assert answer.status_code == 422, answer.content
    assert any(field in d["loc"] for d in answer.json()["detail"]), answer.json()
    assert Decision.objects.count() == 0
    app.refresh_from_db()
    assert app.stage == Stage.AI_SCORED


def test_refused_moves_are_409(world: ReviewWorld, app: Application, api_for: Any) -> None:
    api = api_for(world.hr)
    no_rating = post(api, app, {"kind": "offer"})
    assert no_rating.status_code == 409 and no_rating.json()["code"] == "rating_required"
    assert "human rating" in no_rating.json()["detail"]
    assert (
        post(api, app, {"kind": "reject", "reason": "r", "send_feedback": False}).status_code == 201
    )
    again = post(api, app, {"kind": "second_round"})
    assert again.status_code == 409 and again.json()["code"] == "transition_refused"
    assert Decision.objects.count() == 1


def test_an_offer_after_a_submitted_rating(
    world: ReviewWorld, app: Application, api_for: Any
) -> None:
    (session,) = world.sessions
    rating_save(
        actor=world.hr, session=session, scores=dict.fromkeys(CODES, 7), reasons={}, submit=True
    )
    body = post(api_for(world.hr), app, {"kind": "offer", "session_id": session.pk}).json()
    assert body["to_stage"] == Stage.OFFER_APPROVAL and body["session_id"] == session.pk
    assert body["human_total"] == pytest.approx(7.0)


def test_scoping(world: ReviewWorld, app: Application, api_for: Any, make_user: Any) -> None:
    other_branch = api_for(make_user("hr_sz", Role.HR, world.org.sz))
    auditor = api_for(make_user("auditor", Role.AUDITOR, world.org.hq))
    for api in (other_branch, auditor):
        assert post(api, app, {"kind": "second_round"}).status_code == 404
        assert api.get(path(app)).status_code == 404
        assert api.get(path(app, "feedback-draft")).status_code == 404
    # Who sees the application but may not decide: 403 on writing, the history readable.
    application_assign(actor=world.hr, application=app, interviewer=world.interviewer)
    for user in (world.interviewer, world.manager):
        api = api_for(user)
        assert post(api, app, {"kind": "second_round"}).status_code == 403
        assert api.get(path(app, "feedback-draft")).status_code == 403
        assert api.get(path(app)).status_code == 200
    read_only = api_for(world.hr, scopes=["candidates:read"])
    assert post(read_only, app, {"kind": "second_round"}).status_code == 403
    assert Decision.objects.count() == 0
