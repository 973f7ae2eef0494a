"""Decisions (F-72): each kind moves the application and starts its follow-up; every refusal
leaves nothing behind. Mail goes through a real SMTP server, tasks run in-process."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase

from mianshi.accounts.roles import Role
from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import application_advance, candidate_update
from mianshi.common.errors import Conflict, TransitionRefused
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.common.tests.support import Mailbox
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Answer, InterviewSession
from mianshi.invitations.models import Invitation, InvitationKind
from mianshi.invitations.services import NotInvitable, invitation_create
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template
from mianshi.reviews.models import Decision, FeedbackStatus
from mianshi.reviews.selectors.decisions import decision_options, decisions_for
from mianshi.reviews.services.decisions import TALENT_POOL_TAG, decision_make
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

EMAIL = "li.lei@example.com"


def interview(world: ReviewWorld, name: str = "李雷", email: str = EMAIL, **kw: Any) -> Any:
    session = analysed_interview(world, name, **kw)
    if email:
        candidate = session.application.candidate
        candidate_update(actor=world.hr, candidate=candidate, data={"email": email})
    return session


def submit_rating(world: ReviewWorld, session: InterviewSession) -> None:
    rating_save(
        actor=world.hr, session=session, scores=dict.fromkeys(CODES, 6), reasons={}, submit=True
    )


def second_round_template(world: ReviewWorld) -> None:
    question = make_question(world.org.sh, world.hr, text="请谈谈你对这个岗位未来三年的规划。")
    template = make_template(world.org.sh, [question], world.hr, name="销售代表二面")
    world.job = job_update(actor=world.hr, job=world.job, data={"second_round_template": template})


def decide(**kw: Any) -> Decision:
    """decision_make, then what the commit would run (the sends), as after a request."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return decision_make(**kw)


def written(session: InterviewSession) -> tuple[int, ...]:
    """Everything a decision could write, counted."""
    app = session.application
    return (
        Decision.objects.count(),
        ApplicationTransition.objects.filter(application=app).count(),
        AuditEvent.objects.count(),
        Invitation.objects.filter(application=app).count(),
        app.candidate.tags.count(),
    )


# --- each kind -------------------------------------------------------------------------------


def test_second_round_invites_to_the_next_round_without_moving_the_stage(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    second_round_template(world)
    session = interview(world)
    app = session.application
    decision = decide(actor=world.hr, application=app, kind="second_round")
    app.refresh_from_db()
    assert (decision.from_stage, decision.to_stage) == (Stage.AI_SCORED, Stage.SECOND_ROUND)
    assert app.stage == Stage.SECOND_ROUND
    assert decision.session == session and decision.decided_by == world.hr
    invitation = decision.invitation
    assert invitation is not None and invitation.kind == InvitationKind.NEXT_ROUND
    assert invitation.template_version.template_id == world.job.second_round_template_id
    assert decision.feedback_status == FeedbackStatus.NONE  # the invitation is the message
    # The mail arrived, says "second round", and its link opens the second interview.
    assert len(smtp.messages) == 1 and smtp.recipients[0] == [EMAIL]
    text, _html = smtp.bodies()
    assert "Second-round interview invitation" in smtp.messages[0]["Subject"]
    assert "advanced to the second round" in text
    link = next(w for w in text.split() if w.startswith("https://jobs.example.cn/i/"))
    page = Client().get(link.removeprefix("https://jobs.example.cn"))
    assert page.status_code == 200
    opened = InterviewSession.objects.get(invitation=invitation)
    assert Answer.objects.filter(session=opened).count() == 1  # the second-round question
    app.refresh_from_db()
    assert app.stage == Stage.SECOND_ROUND  # opening the link moved nothing


def test_second_round_without_a_template_sends_a_notice(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    session = interview(world)
    decision = decide(actor=world.hr, application=session.application, kind="second_round")
    decision.refresh_from_db()
    assert decision.invitation is None
    assert decision.feedback_status == FeedbackStatus.SENT
    text, _html = smtp.bodies()
    assert "advanced to the next round" in text and "HR will contact you" in text
    assert not Invitation.objects.filter(kind=InvitationKind.NEXT_ROUND).exists()


def test_reject_sends_feedback_and_records_the_scores_it_was_taken_on(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    session = interview(world, scores={"communication": 8.0, "problem_solving": 3.0})
    app = session.application
    decision = decide(
        actor=world.hr, application=app, kind="reject", reason="经验与岗位要求差距较大"
    )
    decision.refresh_from_db()
    app.refresh_from_db()
    assert app.stage == Stage.REJECTED and decision.to_stage == Stage.REJECTED
    score = session.score
    assert decision.policy == score.policy == "average"
    assert decision.ai_total == score.ai_total is not None
    assert decision.final_total == score.final_total
    assert decision.feedback_status == FeedbackStatus.SENT and decision.feedback_sent_at
    assert str(smtp.messages[0]["Subject"]).strip() == decision.feedback_subject
    last = ApplicationTransition.objects.filter(application=app).latest("id")
    assert "经验与岗位要求差距较大" in last.reason and last.actor == world.hr
    event = AuditEvent.objects.filter(action="decision.make").get()
    assert event.detail["kind"] == "reject" and event.actor == world.hr


def test_offer_moves_to_approval_and_messages_nobody(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    session = interview(world)
    submit_rating(world, session)
    decision = decide(
        actor=world.hr, application=session.application, kind="offer", send_feedback=True
    )
    assert decision.to_stage == Stage.OFFER_APPROVAL
    assert decision.human_total is not None
    assert decision.feedback_status == FeedbackStatus.NONE and smtp.messages == []


def test_talent_pool_tags_the_candidate_and_messages_only_when_asked(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    quiet = interview(world, "韩梅梅", email="han@example.com")
    decision = decide(actor=world.hr, application=quiet.application, kind="talent_pool")
    assert decision.tag is not None and decision.tag.name == TALENT_POOL_TAG
    assert quiet.application.candidate.tags.filter(name=TALENT_POOL_TAG).exists()
    assert smtp.messages == [] and decision.feedback_status == FeedbackStatus.NONE
    told = interview(world, "王芳", email="wang@example.com")
    decide(actor=world.hr, application=told.application, kind="talent_pool", send_feedback=True)
    text, _html = smtp.bodies()
    assert "talent pool" in text and smtp.recipients == [["wang@example.com"]]


@pytest.mark.parametrize(("email", "send"), [("", None), (EMAIL, False)])
def test_without_an_address_or_unticked_the_next_round_link_is_not_mailed(
    world: ReviewWorld, smtp: Mailbox, eager: None, email: str, send: bool | None
) -> None:
    second_round_template(world)
    session = interview(world, email=email)
    decision = decide(
        actor=world.hr, application=session.application, kind="second_round", send_feedback=send
    )
    assert decision.invitation is not None  # HR copies the link from the invitations page
    assert smtp.messages == [] and not decision.invitation.deliveries.exists()


def test_options_follow_the_pipeline_and_the_role(world: ReviewWorld, make_user: Any) -> None:
    session = interview(world)
    app = session.application
    kinds = [k for k, _label in decision_options(user=world.hr, application=app)]
    assert kinds == ["second_round", "offer", "reject", "talent_pool"]
    assert decision_options(user=world.interviewer, application=app) == []
    application_advance(actor=world.hr, application=app, to_stage=Stage.REJECTED)
    assert [k for k, _ in decision_options(user=world.hr, application=app)] == ["talent_pool"]


def test_history_lists_the_decisions_newest_first(world: ReviewWorld, eager: None) -> None:
    session = interview(world, email="")
    app = session.application
    decide(actor=world.hr, application=app, kind="reject", reason="不合适", send_feedback=False)
    decide(actor=world.hr, application=app, kind="talent_pool")
    assert [d.kind for d in decisions_for(application=app)] == ["talent_pool", "reject"]


# --- refusals leave nothing behind -------------------------------------------------------------


@pytest.mark.parametrize("who", ["interviewer", "manager", "other_branch", "auditor", "system"])
def test_only_a_person_who_manages_the_unit_decides(
    world: ReviewWorld, make_user: Any, who: str, smtp: Mailbox, eager: None
) -> None:
    session = interview(world)
    actors = {
        "interviewer": world.interviewer,
        "manager": world.manager,
        "other_branch": make_user("hr_sz", Role.HR, world.org.sz),
        "auditor": make_user("auditor", Role.AUDITOR, world.org.hq),
        "system": None,
    }
    before = written(session)
    with pytest.raises(PermissionDenied):
        decide(actor=actors[who], application=session.application, kind="second_round")
    session.application.refresh_from_db()
    assert session.application.stage == Stage.AI_SCORED
    assert written(session) == before and smtp.messages == []


def test_a_move_the_pipeline_forbids_is_refused(world: ReviewWorld, smtp: Mailbox) -> None:
    session = interview(world)
    app = session.application
    decide(actor=world.hr, application=app, kind="reject", reason="岗位已招满")
    before = written(session)
    with pytest.raises(TransitionRefused, match="Rejected"):
        decide(actor=world.hr, application=app, kind="second_round")
    assert written(session) == before


def test_reject_needs_a_reason(world: ReviewWorld) -> None:
    session = interview(world)
    before = written(session)
    with pytest.raises(ValidationError) as caught:
        decide(actor=world.hr, application=session.application, kind="reject", reason="  ")
    assert "reason" in caught.value.message_dict
    assert written(session) == before


def test_no_offer_on_the_ai_score_alone(world: ReviewWorld) -> None:
    session = interview(world, scores=dict.fromkeys(CODES, 9.5))
    before = written(session)
    with pytest.raises(Conflict, match="human rating"):
        decide(actor=world.hr, application=session.application, kind="offer")
    assert written(session) == before


def test_bad_input_is_refused_field_by_field(world: ReviewWorld) -> None:
    session = interview(world)
    other = interview(world, "韩梅梅", email="")
    app = session.application
    before = written(session)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "hire_now"}, "kind"),
        ({"kind": "reject", "reason": "x" * 2001}, "reason"),
        ({"kind": "reject", "reason": "r", "session": other}, "session"),
        ({"kind": "reject", "reason": "r", "feedback_body": " "}, "feedback_body"),
        ({"kind": "reject", "reason": "r", "feedback_subject": "s" * 201}, "feedback_subject"),
    ]
    for data, key in cases:
        with pytest.raises(ValidationError) as caught:
            decide(actor=world.hr, application=app, **data)
        assert key in caught.value.message_dict, data
    assert written(session) == before


def test_an_empty_second_round_template_refuses_the_whole_decision(world: ReviewWorld) -> None:
    second_round_template(world)
    template = world.job.second_round_template
    assert template is not None
    template.versions.get().items.all().delete()
    session = interview(world)
    before = written(session)
    with pytest.raises(Conflict, match="no questions"):
        decide(actor=world.hr, application=session.application, kind="second_round")
    session.application.refresh_from_db()
    assert session.application.stage == Stage.AI_SCORED and written(session) == before


def test_a_next_round_invitation_needs_the_second_round_stage(world: ReviewWorld) -> None:
    second_round_template(world)
    session = interview(world)
    with pytest.raises(NotInvitable, match="second round"):
        invitation_create(
            actor=world.hr, application=session.application, kind=InvitationKind.NEXT_ROUND
        )
    assert not Invitation.objects.filter(kind=InvitationKind.NEXT_ROUND).exists()
