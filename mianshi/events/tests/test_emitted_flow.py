"""The interview's path writes its events with each change: invitation sent (the first
delivery that reached the candidate), opened, started, completed; a failed recording; the
interview completed; an analysis stored or failed (and the reviews consumer refreshing the
scores from it); a submitted rating. Thin payloads, the application's unit, nothing twice
and nothing on a refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.analysis.services import analysis_enqueue, analysis_run
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.common.tests.support import interview_settings, smtp  # noqa: F401 (fixtures)
from mianshi.events.dispatcher import event_dispatch
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Recording,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.services import answer_settle, session_finish
from mianshi.interviews.services.verification import recording_give_up
from mianshi.interviews.tests import upload_world as uw
from mianshi.invitations.services import (
    delivery_attempt,
    invitation_create,
    invitation_mark_completed,
    invitation_mark_started,
    invitation_resend,
    invitation_send,
)
from mianshi.invitations.tests.conftest import job_with_template
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import analysed_interview, review_world

pytestmark = pytest.mark.django_db


def events(type: str) -> list[Event]:
    return list(Event.objects.filter(type=type).order_by("id"))


@pytest.fixture
def invited(org: Any, make_user: Any, interview_settings: None) -> Any:  # noqa: F811
    hr = make_user("hr_sh", Role.HR, org.sh)
    job = job_with_template(org.sh_sales, "销售代表", hr)
    candidate = make_candidate(hr, org.sh, name="张三", email="zhang.san@example.com")
    application = make_application(hr, candidate, job)
    invitation, _token = invitation_create(actor=hr, application=application)
    return hr, invitation


def test_invitation_sent_once_when_the_first_delivery_reached_the_candidate(
    invited: Any,
    smtp: Any,  # noqa: F811
) -> None:
    hr, invitation = invited
    (delivery,) = invitation_send(actor=hr, invitation=invitation)
    assert events("invitation.sent") == []  # queued is not sent
    assert delivery_attempt(delivery_id=delivery.pk) == "sent"
    invitation_resend(actor=hr, invitation=invitation)
    again = invitation.deliveries.exclude(pk=delivery.pk).get()
    assert delivery_attempt(delivery_id=again.pk) == "sent"
    (event,) = events("invitation.sent")
    assert event.data == {
        "invitation_id": invitation.pk, "application_id": invitation.application_id,
        "kind": invitation.kind, "channel": "email",
    }  # fmt: skip
    assert event.org_unit_id == invitation.org_unit_id == invitation.application.org_unit_id


def test_a_refused_delivery_writes_no_sent_event(invited: Any, smtp: Any) -> None:  # noqa: F811
    hr, invitation = invited
    smtp.refuse = "550 5.1.1 mailbox unavailable"
    (delivery,) = invitation_send(actor=hr, invitation=invitation)
    assert delivery_attempt(delivery_id=delivery.pk) == "failed"
    assert events("invitation.sent") == []


def test_opened_started_completed_each_written_once(invited: Any) -> None:
    _hr, invitation = invited
    for _twice in range(2):
        invitation_mark_started(invitation=invitation)  # skips "opened": it moves forward
        invitation_mark_completed(invitation=invitation)
    types = ["invitation.opened", "invitation.started", "invitation.completed"]
    assert [len(events(t)) for t in types] == [0, 1, 1]
    (done,) = events("invitation.completed")
    assert done.data["invitation_id"] == invitation.pk and done.data["channel"] == ""


# --- the interview -----------------------------------------------------------------------


@pytest.fixture
def take(org: Any, make_user: Any, settings: Any, tmp_path: Path) -> uw.Take:
    uw.configure(settings, tmp_path)
    return uw.invite(uw.make_world(org, make_user))


def test_opening_the_link_writes_invitation_opened(take: uw.Take) -> None:
    (event,) = events("invitation.opened")
    assert event.data["invitation_id"] == take.invitation.pk
    assert event.org_unit_id == take.session.org_unit_id


def _answered_all(session: InterviewSession, status: str) -> None:
    Answer.objects.filter(session=session).update(status=status, finished_at=timezone.now())
    InterviewSession.objects.filter(pk=session.pk).update(
        current_position=2, state=SessionState.ANSWERING
    )


def test_interview_completed_when_finished_with_nothing_pending(take: uw.Take) -> None:
    session = take.session
    _answered_all(session, AnswerStatus.COMPLETE)
    session_finish(session=session)
    session_finish(session=session)
    (event,) = events("interview.completed")
    assert event.data == {
        "session_id": session.pk, "application_id": session.application_id,
        "invitation_id": take.invitation.pk,
    }  # fmt: skip
    assert event.org_unit_id == session.org_unit_id
    assert len(events("invitation.completed")) == 1


def test_interview_completed_when_the_last_upload_settles(take: uw.Take) -> None:
    session = take.session
    _answered_all(session, AnswerStatus.VERIFYING)
    session_finish(session=session)
    assert InterviewSession.objects.get(pk=session.pk).state == SessionState.UPLOADING
    assert events("interview.completed") == []
    Answer.objects.filter(session=session).update(status=AnswerStatus.COMPLETE)
    answer_settle(answer=take.answer(1))
    answer_settle(answer=take.answer(2))
    (event,) = events("interview.completed")
    assert event.data["session_id"] == session.pk


def test_an_unfinished_interview_writes_no_event(take: uw.Take) -> None:
    from mianshi.interviews.errors import OutOfOrder

    with pytest.raises(OutOfOrder):
        session_finish(session=take.session)
    assert events("interview.completed") == [] and events("invitation.completed") == []


def test_recording_failed_names_the_recording_and_the_reason_code(take: uw.Take) -> None:
    now = timezone.now()
    answer = take.answer(1)
    recording = Recording.objects.create(
        session=take.session, answer=answer, attempt=1, content_type="video/webm", length=10,
        offset=10, status=RecordingStatus.VERIFYING, verify_claimed_at=now,
        expires_at=now + timedelta(days=1),
    )  # fmt: skip
    assert recording_give_up(recording_id=recording.pk, claimed_at=now) == "failed"
    assert recording_give_up(recording_id=recording.pk, claimed_at=now) == "lost_claim"
    (event,) = events("recording.failed")
    assert event.data == {
        "recording_id": str(recording.pk), "answer_id": answer.pk,
        "session_id": take.session.pk, "application_id": take.session.application_id,
        "reason": "gave_up",
    }  # fmt: skip
    assert event.org_unit_id == take.session.org_unit_id


def test_a_failed_analysis_is_completed_and_the_reviews_consumer_refreshes(
    take: uw.Take,
) -> None:
    answer = uw.start_recording(take, 1)  # consents to AI analysis; nothing recorded
    run = analysis_enqueue(answer=answer)
    assert analysis_run(run_id=run.pk) == RunStatus.FAILED
    (event,) = events("analysis.completed")
    assert event.data == {
        "run_id": run.pk, "answer_id": answer.pk, "session_id": take.session.pk,
        "application_id": take.session.application_id, "status": "failed",
        "overall_score": None,
    }  # fmt: skip
    assert not InterviewScore.objects.filter(session=take.session).exists()
    event_dispatch(event_id=event.pk)
    refresh = Handling.objects.get(event=event, consumer="reviews.scores_refresh")
    assert refresh.status == HandlingStatus.DONE
    assert InterviewScore.objects.filter(session=take.session).exists()


def test_a_skipped_analysis_writes_no_completed_event(take: uw.Take) -> None:
    answer = take.answer(1)
    run = analysis_enqueue(answer=answer)  # no consent given at all: skipped
    assert AnalysisRun.objects.get(pk=run.pk).status == RunStatus.SKIPPED
    assert events("analysis.completed") == []


# --- ratings -------------------------------------------------------------------------------


def test_rating_submitted_once_with_the_total_and_never_for_a_draft(
    org: Any, make_user: Any
) -> None:
    world = review_world(org, make_user)
    session = analysed_interview(world)
    scores = {"communication": 6, "customer_focus": 7, "problem_solving": 6}
    rating_save(actor=world.hr, session=session, scores={"communication": 6}, reasons={})
    with pytest.raises(ValidationError):
        rating_save(
            actor=world.hr, session=session, scores={"communication": 6}, reasons={}, submit=True
        )
    assert events("rating.submitted") == []
    rating = rating_save(actor=world.hr, session=session, scores=scores, reasons={}, submit=True)
    with pytest.raises(ValidationError):
        rating_save(actor=world.hr, session=session, scores=scores, reasons={}, submit=True)
    (event,) = events("rating.submitted")
    assert event.data == {
        "rating_id": rating.pk, "session_id": session.pk,
        "application_id": session.application_id, "rater_id": world.hr.pk,
        "total": rating.total,
    }  # fmt: skip
    assert event.org_unit_id == session.org_unit_id and rating.total is not None
