"""The server-side quality gate (F-45) on real recorded answers, through the real tasks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from interview_analysis.tests import mediagen
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    QualityStatus,
    Recording,
)
from mianshi.interviews.services import ReportedRecording, answer_finish
from mianshi.interviews.tasks import check_answer
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: Any) -> Path:
    return Path(tmp_path_factory.mktemp("quality-media"))


def answered(
    world: uw.World, capture: Any, segments: list[bytes], *, biometric: bool = True
) -> Answer:
    """A candidate records `segments` for the video question and finishes it."""
    take = uw.invite(world)
    reports = []
    with capture(execute=True):
        uw.start_recording(take, 1, biometric=biometric)
        for index, data in enumerate(segments):
            url = uw.upload(Client(), take, data, segment=index)
            rec = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
            reports.append(ReportedRecording(id=rec.pk, duration_ms=6000 // len(segments)))
    with capture(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=reports)
    answer = take.answer(1)
    assert answer.status == AnswerStatus.COMPLETE
    return answer


def issues(answer: Answer, severity: str = "fail") -> set[str]:
    return {i["code"] for i in answer.quality["issues"] if i["severity"] == severity}


def test_a_good_video_answer_passes(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(media_dir / "good.webm", 6.0)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN), answer.quality
    q = answer.quality
    assert q["verdict"] == "ok" and issues(answer) == set()
    assert q["fps"] == pytest.approx(25, abs=1) and (q["width"], q["height"]) == (640, 480)
    assert -30 < q["audio_level_dbfs"] < -5 and q["snr_db"] > 15
    assert q["face_visible_ratio"] > 0.8 and q["dark_ratio"] == 0
    assert q["face_analysis"] == "done" and q["frames_analysed"] >= 10
    assert 5.8 <= q["duration_s"] <= 6.2 and q["segments"] == 1
    assert not InterviewSession.objects.get(pk=answer.session_id).flagged


def test_a_silent_covered_camera_fails_and_flags(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(media_dir / "bad.webm", 6.0, good=False)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    assert answer.quality_status == QualityStatus.FAIL
    assert {"silent", "camera_covered"} <= issues(answer)
    assert all(i["message"] for i in answer.quality["issues"])
    assert [s["code"] for s in answer.quality["integrity"]] == ["camera_covered"]
    session = InterviewSession.objects.get(pk=answer.session_id)
    assert session.flagged and "1" in session.flag_reason


def test_no_face_without_biometric_consent_is_not_searched(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # Nobody in the picture: with consent that fails as "no face"; without consent no face
    # is searched for, so it cannot be a finding.
    audio = mediagen.speech_like(6.0, noise_amplitude=0.0003)
    path = media_dir / "empty-room.webm"
    mediagen.face_video(path, seconds=6.0, faces=0, audio=audio, live=True)
    searched = answered(world, django_capture_on_commit_callbacks, [path.read_bytes()])
    assert "no_face" in issues(searched) and searched.quality_status == QualityStatus.FAIL
    skipped = answered(
        world, django_capture_on_commit_callbacks, [path.read_bytes()], biometric=False
    )
    assert skipped.quality["face_analysis"] == "skipped_no_consent"
    assert (
        skipped.quality["face_visible_ratio"] is None and skipped.quality["engine"] == "light-only"
    )
    assert "no_face" not in issues(skipped) and skipped.quality_status != QualityStatus.FAIL


def test_segments_are_judged_together(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # A reload split the answer: 3 s + 3 s is long enough although each part alone is not.
    parts = [uw.answer_webm(media_dir / f"part{i}.webm", 3.0) for i in range(2)]
    answer = answered(world, django_capture_on_commit_callbacks, parts)
    assert answer.quality["segments"] == 2 and "too_short" not in issues(answer)
    assert 5.8 <= answer.quality["duration_s"] <= 6.2
    assert answer.quality["verdict"] == "ok"


def test_an_audio_answer_has_no_picture_checks(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    first = uw.answer_webm(media_dir / "first.webm", 6.0)
    voice = uw.audio_webm(media_dir / "voice.webm", 6.0)
    take = uw.invite(world)
    with django_capture_on_commit_callbacks(execute=True):
        uw.start_recording(take, 1)
        url = uw.upload(Client(), take, first)
        rec = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
        report = ReportedRecording(id=rec.pk, duration_ms=6000)
        answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
        uw.start_recording(take, 2)
        url = uw.upload(Client(), take, voice, position=2, filetype="audio/webm")
        rec = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    with django_capture_on_commit_callbacks(execute=True):
        report = ReportedRecording(id=rec.pk, duration_ms=6000)
        answer_finish(session=take.session, position=2, attempt=1, recordings=[report])
    answer = take.answer(2)
    assert answer.quality["face_analysis"] == "not_video"
    assert answer.quality["frames_analysed"] == 0 and answer.quality["fps"] == 0
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN)


def test_the_check_runs_once(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(media_dir / "once.webm", 6.0)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    checked_at = answer.quality["checked_at"]
    assert check_answer.delay(answer.pk).get() == "not_claimed"
    answer.refresh_from_db()
    assert answer.quality["checked_at"] == checked_at


def test_a_stale_claim_is_taken_back_by_maintenance(
    world: uw.World, media_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(media_dir / "stale.webm", 6.0)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    # A worker claimed the check and died before storing a verdict.
    claimed = Answer.objects.filter(pk=answer.pk)
    claimed.update(quality_status=QualityStatus.CHECKING, quality={}, quality_claimed_at=ago(29))
    assert check_answer.delay(answer.pk).get() == "not_claimed"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", verbosity=0)
    answer.refresh_from_db()
    assert answer.quality_status == QualityStatus.CHECKING and answer.quality == {}
    claimed.update(quality_claimed_at=ago(31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", verbosity=0)
    answer.refresh_from_db()
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN), answer.quality
    claimed_at = answer.quality_claimed_at
    assert answer.quality["checked_at"] and claimed_at is not None and claimed_at > ago(1)


def ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)
