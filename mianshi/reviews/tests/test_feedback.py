"""The candidate's feedback after a decision: drafted from the evidence (never a score),
editable by HR, sent once by the task through a real SMTP server, retried and maintained."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from interview_analysis.scorer.advice import _ADVICE
from mianshi.analysis.models import AnalysisResult
from mianshi.candidates.services import candidate_update
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.common.tests.support import *  # noqa: F403 (fixtures: smtp, eager, settings)
from mianshi.common.tests.support import Mailbox, celery_eager
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import InterviewSession
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template
from mianshi.reviews.models import Decision, FeedbackStatus
from mianshi.reviews.selectors.decisions import feedback_draft
from mianshi.reviews.services.decisions import decision_make
from mianshi.reviews.services.feedback import feedback_maintain
from mianshi.reviews.tasks import send_feedback
from mianshi.reviews.tests.factories import SENTENCES, ReviewWorld, analysed_interview

EMAIL = "li.lei@example.com"
SCORES = {"communication": 8.0, "customer_focus": 7.0, "problem_solving": 3.0}
QUOTE = SENTENCES[2][2]  # every dimension's evidence in the shared test data
TIP = "多谈谈你从这次经历中学到了什么。"  # the shared test data's suggestion


def interview(world: ReviewWorld, name: str = "李雷", email: str = EMAIL, **kw: Any) -> Any:
    session = analysed_interview(world, name, scores=kw.pop("scores", SCORES), **kw)
    if email:
        candidate = session.application.candidate
        candidate_update(actor=world.hr, candidate=candidate, data={"email": email})
    return session


def reject(world: ReviewWorld, session: InterviewSession, **kw: Any) -> Decision:
    """A rejection; the send runs as after the request's commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision = decision_make(
            actor=world.hr, application=session.application, kind="reject", reason="不合适", **kw
        )
    decision.refresh_from_db()
    return decision


def queued(world: ReviewWorld, session: InterviewSession) -> Decision:
    """A rejection whose message is queued but not sent (no commit ran)."""
    return decision_make(actor=world.hr, application=session.application, kind="reject", reason="r")


# --- the draft -------------------------------------------------------------------------------


def test_the_draft_names_strengths_with_a_quote_and_areas_to_grow_but_no_numbers(
    world: ReviewWorld,
) -> None:
    session = interview(world)
    subject, body = feedback_draft(application=session.application, session=None, kind="reject")
    assert "销售代表" in subject and "上海分公司 · 销售部" in subject
    assert "Dear 李雷" in body and "销售代表" in body
    strengths = body.split("What came across well:")[1].split("Where you could grow")[0]
    assert "沟通能力" in strengths and "客户导向" in strengths  # the two highest dimensions
    assert QUOTE in strengths
    grow = body.split("Where you could grow further:")[1]
    assert "问题解决" in grow and TIP in grow  # the lowest dimension and the engine's advice
    assert "问题解决" not in strengths
    # No scores, levels or AI vocabulary reach the candidate.
    assert not re.search(r"\d", body + subject)
    for jargon in ("AI", "score", "rubric", "confidence", "level"):
        assert jargon not in body
    # The candidate's language (the interview's: Chinese) first, then English.
    assert body.index("———— 中文 ————") < body.index("———— English ————")


def test_an_english_interview_gets_english_only_with_the_engine_advice_translated(
    world: ReviewWorld,
) -> None:
    session = interview(world)
    InterviewSession.objects.filter(pk=session.pk).update(language="en")
    session.refresh_from_db()
    rubric_tip = "评分要点中还缺少：客户；方案。"
    for result in AnalysisResult.objects.filter(run__answer__session=session):
        result.score["suggestions"] = [rubric_tip, _ADVICE["reflection"]["zh"]]
        result.save(update_fields=["score"])
    _subject, body = feedback_draft(application=session.application, session=session, kind="reject")
    assert "中文" not in body and "English" not in body  # one section, no separators
    assert _ADVICE["reflection"]["en"] in body
    assert "评分要点" not in body  # the scoring key is not handed out


def test_the_chinese_advice_says_nin_even_from_runs_stored_with_ni(world: ReviewWorld) -> None:
    session = interview(world)
    older = _ADVICE["reflection"]["zh"].replace("您", "你")  # as runs before 2026-11 stored it
    for result in AnalysisResult.objects.filter(run__answer__session=session):
        result.score["suggestions"] = [older]
        result.save(update_fields=["score"])
    _subject, body = feedback_draft(application=session.application, session=session, kind="reject")
    chinese, english = body.split("———— English ————")
    assert _ADVICE["reflection"]["zh"] in chinese and "你" not in chinese
    assert _ADVICE["reflection"]["en"] in english
    assert all("你" not in texts["zh"] for texts in _ADVICE.values())


def test_without_an_interview_the_message_is_polite_and_general(world: ReviewWorld) -> None:
    candidate = make_candidate(world.hr, world.org.sh, name="赵敏", email="zhao@example.com")
    application = make_application(world.hr, candidate, world.job)
    _subject, body = feedback_draft(application=application, session=None, kind="reject")
    assert "Dear 赵敏" in body and "not to continue" in body
    assert "What came across well" not in body and "Where you could grow" not in body


def test_a_talent_pool_note_keeps_the_praise_and_leaves_out_the_criticism(
    world: ReviewWorld,
) -> None:
    session = interview(world)
    _subject, body = feedback_draft(
        application=session.application, session=session, kind="talent_pool"
    )
    assert "talent pool" in body and "沟通能力" in body and QUOTE in body
    assert "问题解决" not in body and "Where you could grow" not in body


def test_no_draft_where_no_feedback_goes(world: ReviewWorld) -> None:
    session = interview(world)
    app = session.application
    assert feedback_draft(application=app, session=session, kind="offer") == ("", "")
    question = make_question(world.org.sh, world.hr, text="请谈谈你的职业规划。")
    template = make_template(world.org.sh, [question], world.hr, name="二面")
    app.job = job_update(actor=world.hr, job=app.job, data={"second_round_template": template})
    assert feedback_draft(application=app, session=session, kind="second_round") == ("", "")
    with pytest.raises(ValidationError):
        feedback_draft(application=app, session=session, kind="fire")


# --- sending ---------------------------------------------------------------------------------


def test_the_feedback_reaches_the_candidate_as_drafted(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    session = interview(world)
    _subject, drafted = feedback_draft(application=session.application, session=None, kind="reject")
    decision = reject(world, session)
    assert decision.feedback_status == FeedbackStatus.SENT and decision.feedback_error == ""
    assert smtp.recipients == [[EMAIL]]
    text, html = smtp.bodies()
    assert text.replace("\r\n", "\n").strip() == drafted == decision.feedback_body
    assert QUOTE in html and "<p>" in html
    assert AuditEvent.objects.filter(action="decision.feedback_sent").count() == 1


def test_an_edited_message_is_sent_as_edited(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    session = interview(world)
    body = "李雷您好：\r\n\r\n感谢您参加面试。我们决定不再推进，祝您求职顺利。\r\n"
    decision = reject(world, session, feedback_subject="  关于您的申请\n ", feedback_body=body)
    assert decision.feedback_subject == "关于您的申请"
    assert str(smtp.messages[0]["Subject"]).strip() == "关于您的申请"
    text, _html = smtp.bodies()
    assert (
        text.replace("\r\n", "\n").strip()
        == "李雷您好：\n\n感谢您参加面试。我们决定不再推进，祝您求职顺利。"
    )


def test_unticked_feedback_sends_nothing(world: ReviewWorld, smtp: Mailbox, eager: None) -> None:
    decision = reject(world, interview(world), send_feedback=False)
    assert decision.feedback_status == FeedbackStatus.NONE and decision.feedback_body == ""
    assert smtp.messages == []


def test_a_duplicate_task_run_sends_one_mail(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    decision = queued(world, interview(world))
    assert decision.feedback_status == FeedbackStatus.QUEUED and smtp.messages == []
    outcomes = [send_feedback.apply(args=[decision.pk]).get() for _ in range(2)]
    assert outcomes == ["sent", "skipped"]
    assert len(smtp.messages) == 1


def test_no_email_address_fails_readably(world: ReviewWorld, smtp: Mailbox, eager: None) -> None:
    decision = reject(world, interview(world, email=""))
    assert decision.feedback_status == FeedbackStatus.FAILED
    assert decision.feedback_error == "The candidate has no e-mail address."
    assert smtp.rcpt_calls == 0
    event = AuditEvent.objects.get(action="decision.feedback_failed")
    assert event.object_id == str(decision.pk) and event.org_unit_id == decision.org_unit_id


def test_a_temporary_smtp_error_is_retried_then_given_up(world: ReviewWorld, smtp: Mailbox) -> None:
    smtp.refuse = "451 4.3.0 Mailbox busy, try later"
    with celery_eager(propagate=False):
        decision = reject(world, interview(world))
    assert smtp.rcpt_calls == 4  # the first try and three retries
    assert decision.feedback_status == FeedbackStatus.FAILED
    assert decision.feedback_error.startswith("SMTP 451")


def test_a_permanent_smtp_error_fails_at_once(world: ReviewWorld, smtp: Mailbox) -> None:
    smtp.refuse = "550 5.1.1 <li.lei@example.com>: no such user"
    with celery_eager(propagate=False):
        decision = reject(world, interview(world))
    assert smtp.rcpt_calls == 1 and decision.feedback_status == FeedbackStatus.FAILED
    assert "550" in decision.feedback_error and EMAIL not in decision.feedback_error


def test_maintenance_resends_stale_claims_and_lost_messages_only(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    now = timezone.now()
    stale = queued(world, interview(world, "李雷", email="a@example.com"))
    lost = queued(world, interview(world, "韩梅梅", email="b@example.com"))
    fresh = queued(world, interview(world, "王芳", email="c@example.com"))
    working = queued(world, interview(world, "赵敏", email="d@example.com"))
    Decision.objects.filter(pk=stale.pk).update(feedback_claimed_at=now - timedelta(minutes=20))
    Decision.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=40))
    Decision.objects.filter(pk=working.pk).update(feedback_claimed_at=now - timedelta(minutes=1))
    assert feedback_maintain(now=now) == {"released": 1, "requeued": 2, "abandoned": 0}
    status = dict(Decision.objects.values_list("pk", "feedback_status"))
    assert status[stale.pk] == status[lost.pk] == FeedbackStatus.SENT
    assert status[fresh.pk] == status[working.pk] == FeedbackStatus.QUEUED
    assert sorted(r[0] for r in smtp.recipients) == ["a@example.com", "b@example.com"]


def test_a_send_that_keeps_killing_its_worker_is_given_up(
    world: ReviewWorld, smtp: Mailbox, eager: None
) -> None:
    now = timezone.now()
    doomed = queued(world, interview(world, "李雷", email="a@example.com"))
    again = queued(world, interview(world, "韩梅梅", email="b@example.com"))
    stale = now - timedelta(minutes=20)
    Decision.objects.filter(pk=doomed.pk).update(feedback_claimed_at=stale, feedback_attempts=5)
    Decision.objects.filter(pk=again.pk).update(feedback_claimed_at=stale, feedback_attempts=4)
    assert feedback_maintain(now=now) == {"released": 1, "requeued": 1, "abandoned": 1}
    doomed.refresh_from_db()
    again.refresh_from_db()
    assert doomed.feedback_status == FeedbackStatus.FAILED and doomed.feedback_error
    assert (again.feedback_status, again.feedback_attempts) == (FeedbackStatus.SENT, 5)
    assert [r[0] for r in smtp.recipients] == ["b@example.com"]
    assert AuditEvent.objects.filter(action="decision.feedback_failed").count() == 1
