"""The quality check cannot exhaust the workers (M11): bounded decoding, a claim limit, and
time limits, through the real tasks and the real maintenance command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    QualityStatus,
    Recording,
)
from mianshi.interviews.services import ReportedRecording, answer_finish, answer_retake
from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.quality import MAX_CLAIMS
from mianshi.interviews.tasks import check_answer
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture(scope="module")
def six_seconds(tmp_path_factory: Any) -> bytes:
    return uw.answer_webm(Path(tmp_path_factory.mktemp("limits")) / "six.webm", 6.0)


def answered(world: uw.World, capture: Any, segments: list[bytes]) -> Answer:
    """A candidate records `segments` (6 s each) for the video question and finishes it."""
    take = uw.invite(world)
    reports = []
    with capture(execute=True):
        uw.start_recording(take, 1)
        for index, data in enumerate(segments):
            url = uw.upload(Client(), take, data, segment=index)
            rec = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
            reports.append(ReportedRecording(id=rec.pk, duration_ms=6000))
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=reports)
    answer = take.answer(1)
    assert answer.status == AnswerStatus.COMPLETE
    return answer


def ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def test_the_check_decodes_no_more_than_the_answers_time_and_grace(
    org: Any, make_user: Any, settings: Any, six_seconds: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    # Two 6 s segments of a 10 s question (no grace): each is allowed, together they are not.
    settings.ANSWER_GRACE_SECONDS = 0
    world = uw.make_world(org, make_user, answer_seconds=10)
    answer = answered(world, django_capture_on_commit_callbacks, [six_seconds, six_seconds])
    assert answer.quality["segments"] == 2
    assert 11.8 <= answer.quality["duration_s"] <= 12.2
    assert answer.quality["analysed_s"] == pytest.approx(10.0, abs=0.01)


def test_a_check_claimed_max_times_fails_instead_of_running_forever(
    world: uw.World, six_seconds: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    answer = answered(world, django_capture_on_commit_callbacks, [six_seconds])
    # Every worker that took it died (killed at the time limit, out of memory).
    claimed = Answer.objects.filter(pk=answer.pk)
    claimed.update(
        quality_status=QualityStatus.CHECKING, quality={}, quality_claimed_at=ago(60),
        quality_claims=MAX_CLAIMS,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        first = uploads_maintain()
    answer.refresh_from_db()
    assert answer.quality_status == QualityStatus.FAIL and first["quality_checks_requeued"] == 0
    assert [i["code"] for i in answer.quality["issues"]] == ["not_checkable"]
    assert answer.quality["issues"][0]["message"]
    session = InterviewSession.objects.get(pk=answer.session_id)
    assert session.flagged and answer.quality["issues"][0]["message"] in session.flag_reason
    event = AuditEvent.objects.filter(action="answer.quality_check", object_id=str(answer.pk))
    assert event.latest("at").detail["status"] == QualityStatus.FAIL
    with django_capture_on_commit_callbacks(execute=True):
        again = uploads_maintain()
    answer.refresh_from_db()
    assert again["quality_checks_requeued"] == 0 and answer.quality_status == QualityStatus.FAIL


def test_each_claim_is_counted_and_none_is_taken_past_the_limit(
    world: uw.World, six_seconds: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    answer = answered(world, django_capture_on_commit_callbacks, [six_seconds])
    assert answer.quality_claims == 1
    claimed = Answer.objects.filter(pk=answer.pk)
    claimed.update(quality_status=QualityStatus.PENDING, quality_claims=MAX_CLAIMS)
    assert check_answer.delay(answer.pk).get() == "not_claimed"
    claimed.update(quality_claims=MAX_CLAIMS - 1)
    assert check_answer.delay(answer.pk).get() in (QualityStatus.OK, QualityStatus.WARN)
    assert Answer.objects.get(pk=answer.pk).quality_claims == MAX_CLAIMS


def test_a_claim_younger_than_the_checks_time_limit_is_not_taken_back(
    world: uw.World, settings: Any, six_seconds: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    settings.QUALITY_CHECK_TIME_LIMIT = 3600  # a deployment with slow checks
    answer = answered(world, django_capture_on_commit_callbacks, [six_seconds])
    claimed = Answer.objects.filter(pk=answer.pk)
    claimed.update(quality_status=QualityStatus.CHECKING, quality={}, quality_claimed_at=ago(61))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", verbosity=0)
    answer.refresh_from_db()
    assert answer.quality_status == QualityStatus.CHECKING and answer.quality == {}


@pytest.mark.parametrize(
    ("task", "setting"),
    [
        ("interviews.verify_recording", "VERIFY_TIME_LIMIT"),
        ("interviews.check_answer", "QUALITY_CHECK_TIME_LIMIT"),
        ("analysis.analyse_answer", "ANALYSIS_TIME_LIMIT"),
    ],
)
def test_the_work_a_recording_causes_runs_under_time_limits(task: str, setting: str) -> None:
    from django.conf import settings

    registered = celery_app.tasks[task]
    assert registered.soft_time_limit == getattr(settings, setting) > 0
    assert registered.time_limit == registered.soft_time_limit + 60


def test_an_answer_re_recorded_after_a_failed_check_gets_checked_normally(
    take: uw.Take, tmp_path: Path, six_seconds: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    """The claim limit counts one take's checks: the take recorded after a retake starts
    from no claims, however often the discarded take's check was claimed."""
    capture, answer = django_capture_on_commit_callbacks, take.answer(1)
    snapshot = {**answer.template_question.snapshot, "max_retakes": 1}
    type(answer.template_question).objects.filter(pk=answer.template_question_id).update(
        snapshot=snapshot
    )
    covered = uw.answer_webm(tmp_path / "covered.webm", 6.0, good=False)
    with capture(execute=True):
        url = uw.upload(Client(), take, covered)
    first = ReportedRecording(
        id=Recording.objects.get(pk=url.rsplit("/", 1)[-1]).pk, duration_ms=6000
    )
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=[first])
    # Take 1 failed its check, on the last claim allowed (two workers died before it).
    assert take.answer(1).quality_status == QualityStatus.FAIL
    Answer.objects.filter(pk=answer.pk).update(quality_claims=MAX_CLAIMS)
    with capture(execute=True):
        answer_retake(session=take.session, position=1)
    uw.start_recording(take, 1)
    with capture(execute=True):
        url = uw.upload(Client(), take, six_seconds, attempt=2)
    second = ReportedRecording(
        id=Recording.objects.get(pk=url.rsplit("/", 1)[-1]).pk, duration_ms=6000
    )
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=2, recordings=[second])
    answer = take.answer(1)
    assert answer.attempt == 2 and answer.status == AnswerStatus.COMPLETE
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN), answer.quality
    assert answer.quality_claims == 1 and answer.quality["segments"] == 1
    with capture(execute=True):
        uploads_maintain()  # the sweep leaves a checked take alone
    assert take.answer(1).quality_status in (QualityStatus.OK, QualityStatus.WARN)
