"""After the upload: assembly, verification, storage, answer settling and housekeeping.

Tasks run through Celery's eager mode from the real on-commit hooks; the media are real
WebM files generated at test time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mianshi.common.crypto import DecryptionError
from mianshi.interviews.models import (
    AnswerStatus,
    Chunk,
    InterviewSession,
    QualityStatus,
    Recording,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.services import (
    ReportedRecording,
    answer_finish,
    recording_open,
    session_finish,
    storage,
)
from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.recordings import RecordingUnavailable
from mianshi.interviews.services.verification import duration_problem
from mianshi.interviews.tasks import verify_recording
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: Any) -> Path:
    return Path(tmp_path_factory.mktemp("media-src"))


@pytest.fixture(scope="module")
def good_webm(media_dir: Path) -> bytes:
    return uw.answer_webm(media_dir / "good.webm", 6.0)


@pytest.fixture(scope="module")
def audio_only(media_dir: Path) -> bytes:
    return uw.audio_webm(media_dir / "voice.webm", 6.0)


def stored(prefix: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / prefix
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def finish(take: uw.Take, position: int, recording: Recording, ms: int, **kw: Any) -> None:
    report = ReportedRecording(id=recording.pk, duration_ms=ms, **kw)
    answer_finish(session=take.session, position=position, attempt=1, recordings=[report])


def send(take: uw.Take, data: bytes, capture: Any, size: int = 32 * 1024, **meta: Any) -> Recording:
    with capture(execute=True):
        url = uw.upload(Client(), take, data, size=size, **meta)
    return Recording.objects.get(pk=url.rsplit("/", 1)[-1])


def test_a_chunked_webm_is_verified_stored_encrypted_and_identical(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    recording = send(take, good_webm, django_capture_on_commit_callbacks)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    # The upload arrived intact; what is stored is its seekable remux (test_remux.py).
    assert recording.media_info["upload_sha256"] == hashlib.sha256(good_webm).hexdigest()
    assert recording.media_info["remuxed"] is True
    assert 5800 <= (recording.duration_ms or 0) <= 6200
    assert recording.media_info["has_video"] and recording.media_info["has_audio"]
    assert recording.media_info["upload_bytes"] == len(good_webm)
    # The chunks are gone; one sealed object remains, named by ids only.
    assert not Chunk.objects.exists() and stored("uploads") == []
    [kept] = stored("recordings")
    # Its name is the recording's id and a unique suffix (a second copy never overwrites it).
    assert kept.as_posix().endswith(recording.storage_path)
    assert re.fullmatch(rf"{recording.pk}-[0-9a-f]{{12}}\.bin", kept.name)
    assert good_webm[:4] not in kept.read_bytes()
    with recording_open(recording=recording) as path:
        plain = path.read_bytes()
        assert hashlib.sha256(plain).hexdigest() == recording.sha256
        assert len(plain) == recording.media_info["bytes"]
        opened = path
    assert not opened.exists()
    # Not finished by the candidate yet: the answer waits.
    assert take.answer(1).status == AnswerStatus.RECORDING


def test_finishing_completes_the_answer_and_queues_the_quality_check(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    recording = send(take, good_webm, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, recording, 6100)
    answer = take.answer(1)
    assert answer.status == AnswerStatus.COMPLETE
    assert answer.reported_ms == 6100 and 5800 <= (answer.measured_ms or 0) <= 6200
    # check_answer ran on commit: a verdict, not "pending".
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN)
    recording.refresh_from_db()
    assert recording.media_info["duration_checked"] is True


def test_upload_finishing_after_the_candidate_completes_the_session(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    created = uw.create(client, take)
    url = created["Location"]
    head, tail = good_webm[:50_000], good_webm[50_000:]
    assert uw.patch(client, url, 0, head).status_code == 204
    recording = Recording.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, recording, 6000)
    assert take.answer(1).status == AnswerStatus.UPLOADING
    with django_capture_on_commit_callbacks(execute=True):
        uw.start_recording(take, 2)
        audio = Path(settings.MEDIA_ROOT).parent / "voice.webm"
        voice = uw.audio_webm(audio, 6.0)
        voice_rec = send(
            take, voice, django_capture_on_commit_callbacks, filetype="audio/webm", position=2
        )
        finish(take, 2, voice_rec, 6000)
        session_finish(session=take.session)
    assert InterviewSession.objects.get(pk=take.session.pk).state == SessionState.UPLOADING
    with django_capture_on_commit_callbacks(execute=True):
        last = uw.patch(client, url, len(head), tail, final_length=len(good_webm))
        assert last.status_code == 204
    assert take.answer(1).status == AnswerStatus.COMPLETE
    assert take.answer(2).status == AnswerStatus.COMPLETE
    assert InterviewSession.objects.get(pk=take.session.pk).state == SessionState.DONE


def test_duration_mismatch_fails_and_flags(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    url = uw.create(client, take)["Location"]
    assert uw.patch(client, url, 0, good_webm[:1000]).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, Recording.objects.get(), 20_000)
        uw.patch(client, url, 1000, good_webm[1000:], final_length=len(good_webm))
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "duration" and recording.error
    assert stored("recordings") == []
    assert take.answer(1).status == AnswerStatus.FAILED
    session = InterviewSession.objects.get(pk=take.session.pk)
    assert session.flagged and recording.error in session.flag_reason
    assert session.flag_reason.count(recording.error) == 1


def test_a_late_report_is_compared_when_the_answer_settles(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    recording = send(take, good_webm, django_capture_on_commit_callbacks)
    assert Recording.objects.get().status == RecordingStatus.VERIFIED
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, recording, 30_000)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    assert take.answer(1).status == AnswerStatus.FAILED
    assert InterviewSession.objects.get(pk=take.session.pk).flagged


@pytest.mark.parametrize("interrupted", [True, False])
def test_an_interrupted_segment_may_be_shorter_than_reported(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any, interrupted: bool
) -> None:
    # A 6 s file reported as 9 s: only a segment cut by a reload may have lost that much.
    client = Client()
    url = uw.create(client, take)["Location"]
    assert uw.patch(client, url, 0, good_webm[:1000]).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, Recording.objects.get(), 9000, interrupted=interrupted)
        uw.patch(client, url, 1000, good_webm[1000:], final_length=len(good_webm))
    recording = Recording.objects.get()
    assert recording.interrupted is interrupted and "interrupted" not in recording.media_info
    expected = RecordingStatus.VERIFIED if interrupted else RecordingStatus.FAILED
    assert recording.status == expected, recording.error


def test_duration_tolerance() -> None:
    assert not duration_problem(6000, 6000) and not duration_problem(6000, 7400)
    assert duration_problem(6000, 7600) and duration_problem(6000, 4400)
    assert not duration_problem(100_000, 95_100) and duration_problem(100_000, 94_000)
    # An interrupted segment lost its unflushed tail: shorter is fine, longer is not.
    assert not duration_problem(9000, 6000, interrupted=True)
    assert duration_problem(9000, 6000)
    assert duration_problem(6000, 9000, interrupted=True)
    assert duration_problem(60_000, 40_000, interrupted=True)


def test_non_media_bytes_fail_verification(
    take: uw.Take, django_capture_on_commit_callbacks: Any
) -> None:
    junk = os.urandom(100_000)
    recording = send(take, junk, django_capture_on_commit_callbacks)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "not_media" and recording.error
    assert not recording.storage_path and stored("recordings") == []
    # The chunks stay until the upload expires (HR may want to look); nothing is verified.
    assert Chunk.objects.filter(recording=recording).exists()
    assert InterviewSession.objects.get(pk=take.session.pk).flagged
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, recording, 6000)
    assert take.answer(1).status == AnswerStatus.FAILED


def test_a_tampered_chunk_fails_verification(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    url = uw.create(client, take)["Location"]
    assert uw.patch(client, url, 0, good_webm[:40_000]).status_code == 204
    chunk = Chunk.objects.get()
    path = Path(settings.MEDIA_ROOT) / chunk.storage_name
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF
    path.write_bytes(bytes(raw))
    with django_capture_on_commit_callbacks(execute=True):
        uw.patch(client, url, 40_000, good_webm[40_000:], final_length=len(good_webm))
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "corrupt"


def test_verification_is_idempotent(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    recording = send(take, good_webm, django_capture_on_commit_callbacks)
    assert verify_recording.delay(str(recording.pk)).get() == "not_claimed"
    assert len(stored("recordings")) == 1


def test_audio_answers_need_sound_and_video_answers_need_a_picture(
    take: uw.Take, audio_only: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    wrong = send(take, audio_only, django_capture_on_commit_callbacks, filetype="audio/webm")
    wrong.refresh_from_db()
    assert wrong.status == RecordingStatus.FAILED
    assert wrong.media_info["error_code"] == "missing_stream"
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, wrong, 6000)
        uw.start_recording(take, 2)
    right = send(take, audio_only, django_capture_on_commit_callbacks, position=2)
    right.refresh_from_db()
    assert right.status == RecordingStatus.VERIFIED and right.content_type == "video/webm"


def test_expired_uploads_are_purged_and_their_answers_fail(
    take: uw.Take, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    url = uw.create(client, take)["Location"]
    assert uw.patch(client, url, 0, b"x" * 5000).status_code == 204
    recording = Recording.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        finish(take, 1, recording, 6000)
    Recording.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert len(stored("uploads")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", verbosity=0)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED and recording.error
    # What arrived stays for a person to look at (FAILED_UPLOAD_KEEP_DAYS), then goes.
    assert Chunk.objects.exists() and len(stored("uploads")) == 1
    later = timezone.now() + dt.timedelta(days=settings.FAILED_UPLOAD_KEEP_DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        uploads_maintain(now=later)
    assert not Chunk.objects.exists() and stored("uploads") == []
    assert take.answer(1).status == AnswerStatus.FAILED
    session = InterviewSession.objects.get(pk=take.session.pk)
    assert session.flagged and recording.error in session.flag_reason
    assert uw.patch(client, url, 5000, b"x").status_code == 410


def test_maintenance_requeues_a_lost_verification(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    # The final PATCH commits but its verification message never arrives (broker down).
    uw.upload(Client(), take, good_webm, size=64 * 1024)
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.COMPLETE
    Recording.objects.update(last_chunk_at=timezone.now() - dt.timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", verbosity=0)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED


def test_recording_open_before_verification_and_without_data(
    take: uw.Take, good_webm: bytes
) -> None:
    uw.upload(Client(), take, good_webm[:30_000], size=10_000)
    recording = Recording.objects.get()
    with recording_open(recording=recording) as path:
        assert path.read_bytes() == good_webm[:30_000]
    empty = Recording(pk=recording.pk, status=RecordingStatus.UPLOADING)
    Chunk.objects.all().delete()
    with pytest.raises(RecordingUnavailable), recording_open(recording=empty):
        pass


def test_a_sealed_recording_detects_truncation_and_reordering(tmp_path: Path) -> None:
    source = tmp_path / "plain.bin"
    source.write_bytes(os.urandom(storage.BLOCK_BYTES * 2 + 1000))
    name, sha, size = storage.seal_file("rec-1", source, "recordings/test/rec-1.bin")
    assert size == source.stat().st_size and sha == hashlib.sha256(source.read_bytes()).hexdigest()
    target = tmp_path / "out.bin"
    with target.open("wb") as out:
        assert storage.unseal_to("rec-1", name, out) == sha
    assert target.read_bytes() == source.read_bytes()
    sealed = Path(settings.MEDIA_ROOT) / name
    whole = sealed.read_bytes()
    sealed.write_bytes(whole[: len(whole) - 1500])  # the last block cut off
    with pytest.raises(DecryptionError), (tmp_path / "x").open("wb") as out:
        storage.unseal_to("rec-1", name, out)
    sealed.write_bytes(whole)
    with pytest.raises(DecryptionError), (tmp_path / "y").open("wb") as out:
        storage.unseal_to("rec-2", name, out)  # another recording's context
