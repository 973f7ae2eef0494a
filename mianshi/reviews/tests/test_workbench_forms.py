"""The workbench's forms through the views: a rating saved and submitted (with the reason
rule), a decision taken by a person, the feedback draft htmx fetches; refusals come back
as the page with the translated message and nothing saved."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.reviews.models import Decision, Rating, RatingStatus
from mianshi.reviews.tests.factories import analysed_interview
from mianshi.reviews.tests.wb_support import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world: Any) -> Any:
    # AI: communication 8, customer_focus 6, problem_solving 6.
    return analysed_interview(world, scores={"communication": 8.0})


def rating_url(session: Any) -> str:
    return f"/reviews/interviews/{session.pk}/rating/"


def test_draft_then_submit_and_others_appear(world, session, login, make_user):
    from mianshi.accounts.roles import Role

    other = make_user("mgr2", Role.DEPT_MANAGER, world.org.sh)
    rate(other, session, 7)
    client = login(world.hr)
    html = client.get(f"/reviews/interviews/{session.pk}/").content.decode()
    assert f'data-rater="{other.pk}"' not in html  # hidden until the HR user submitted
    assert 'data-human-score=""' in html and "after your rating" in html
    draft = client.post(rating_url(session), {"score_communication": "7", "action": "save"})
    assert draft.status_code == 302 and draft["Location"].endswith("#rating")
    rating = Rating.objects.get(session=session, rater=world.hr)
    assert rating.status == RatingStatus.DRAFT
    html = client.get(f"/reviews/interviews/{session.pk}/").content.decode()
    assert re.search(r'name="score_communication" value="7"', html)
    data = {"score_communication": "8", "score_customer_focus": "6", "score_problem_solving": "5",
            "comment": "表达清楚", "action": "submit"}  # fmt: skip
    response = client.post(rating_url(session), data, follow=True)
    html = response.content.decode()
    assert "Your rating was submitted." in html and "data-rating-submitted" in html
    assert f'data-rater="{other.pk}"' in html and "data-rating-form" not in html
    assert re.search(r'data-human-score="\d', html)


def test_override_without_reason_is_refused_and_the_form_keeps_the_values(world, session, login):
    client = login(world.hr)
    data = {"score_communication": "3", "score_customer_focus": "6", "score_problem_solving": "6",
            "comment": "我的看法", "action": "submit"}  # fmt: skip
    response = client.post(rating_url(session), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "differs from the AI" in html and "by more than 2 points" in html
    assert re.search(r'name="score_communication" value="3"', html)
    reason = html[html.index('data-reason-for="communication"') :][:400]
    assert "hidden" not in reason.split(">")[0] and "required" in reason
    assert "我的看法" in html
    assert not Rating.objects.filter(session=session).exists()
    data["reason_communication"] = "录像里回答很空泛"
    assert client.post(rating_url(session), data).status_code == 302
    saved = Rating.objects.get(session=session)
    assert saved.status == RatingStatus.SUBMITTED
    assert saved.scores.get(code="communication").override_reason == "录像里回答很空泛"


def test_nonsense_scores_are_refused_not_a_500(world, session, login):
    client = login(world.hr)
    for value in ("abc", "11", "0", "7.5", "９９"):
        response = client.post(
            rating_url(session), {"score_communication": value, "action": "save"}
        )
        assert response.status_code == 400, value
        assert "Give a whole number from 1 to 10." in response.content.decode()
    bogus = client.post(rating_url(session), {"score_nope": "5", "action": "save"})
    assert bogus.status_code == 400 and "Unknown dimension." in bogus.content.decode()
    assert not Rating.objects.filter(session=session).exists()


def test_submitted_rating_cannot_change(world, session, login):
    rate(world.hr, session, 6)
    response = login(world.hr).post(
        rating_url(session), {"score_communication": "9", "action": "save"}
    )
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()


def test_rating_post_scoping(world, session, login, make_user, org):
    from mianshi.accounts.roles import Role

    outsider = make_user("hr_sz", Role.HR, org.sz)
    assert login(outsider).post(rating_url(session), {"action": "save"}).status_code == 404
    assert login(world.interviewer).post(rating_url(session), {"action": "save"}).status_code == 404
    assert login(world.hr).get(rating_url(session)).status_code == 405


# --- decisions -------------------------------------------------------------------------


def decision_url(session: Any) -> str:
    return f"/reviews/interviews/{session.pk}/decision/"


def test_feedback_draft_for_the_chosen_kind(world, session, login):
    client = login(world.hr)
    url = f"/reviews/interviews/{session.pk}/feedback/"
    reject = client.get(url, {"kind": "reject"}).content.decode()
    assert 'data-feedback-fields="reject"' in reject and 'name="feedback_body"' in reject
    assert re.search(r'name="send_feedback" value="1" data-send-feedback checked', reject)
    offer = client.get(url, {"kind": "offer"}).content.decode()
    assert "sends the candidate no message" in offer and "feedback_body" not in offer
    assert client.get(url, {"kind": "<script>"}).content.decode().strip() == ""
    assert login(world.manager).get(url, {"kind": "reject"}).content.decode().strip() == ""


def test_hr_rejects_with_edited_feedback(world, session, login):
    client = login(world.hr)
    body = "感谢参加，我们决定不再推进。"
    data = {"kind": "reject", "reason": "经验不足", "send_feedback": "1",
            "feedback_subject": "面试结果", "feedback_body": body}  # fmt: skip
    response = client.post(decision_url(session), data, follow=True)
    assert response.redirect_chain[-1][0].endswith("#decision")
    decision = Decision.objects.get(application=session.application)
    assert decision.decided_by == world.hr and decision.kind == "reject"
    assert decision.feedback_body == body
    session.application.refresh_from_db()
    assert session.application.stage == Stage.REJECTED
    html = response.content.decode()
    assert "The decision was recorded." in html and 'data-decision="reject"' in html


def test_refused_decisions_come_back_with_the_message(world, session, login):
    client = login(world.hr)
    no_reason = client.post(decision_url(session), {"kind": "reject", "reason": ""})
    assert no_reason.status_code == 400
    assert "Give the reason for the rejection." in no_reason.content.decode()
    unknown = client.post(decision_url(session), {"kind": "hire-now", "reason": "x"})
    assert unknown.status_code == 400 and "Unknown kind of decision." in unknown.content.decode()
    offer = client.post(decision_url(session), {"kind": "offer", "reason": "很好"})
    html = offer.content.decode()
    assert offer.status_code == 409 and "needs at least one submitted human rating" in html
    assert re.search(r'<option value="offer" selected>', html) and "很好" in html
    assert not Decision.objects.exists()


def test_only_managers_of_the_unit_decide(world, session, login):
    response = login(world.manager).post(decision_url(session), {"kind": "talent_pool"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_declining_in_the_workbench_shows_the_others_and_the_scores(
    world, session, login, make_user
):
    from mianshi.accounts.roles import Role

    other = make_user("mgr2", Role.DEPT_MANAGER, world.org.sh)
    rate(other, session, 7)
    client = login(world.hr)
    refused = client.post(rating_url(session), {"action": "decline", "decline_reason": "短"})
    assert refused.status_code == 400 and "5 to 500 characters" in refused.content.decode()
    assert not Rating.objects.filter(session=session, rater=world.hr).exists()
    data = {"action": "decline", "decline_reason": "候选人是我的亲属"}
    html = client.post(rating_url(session), data, follow=True).content.decode()
    assert "data-rating-declined" in html and "候选人是我的亲属" in html
    assert f'data-rater="{other.pk}"' in html and "data-rating-form" not in html
    assert re.search(r'data-human-score="\d', html)
    queue = client.get("/reviews/?mine=1").content.decode()
    assert f"/reviews/interviews/{session.pk}/" not in queue  # no longer waiting for HR
    again = client.post(rating_url(session), {"score_communication": "7", "action": "save"})
    assert again.status_code == 400 and "chose not to rate" in again.content.decode()
