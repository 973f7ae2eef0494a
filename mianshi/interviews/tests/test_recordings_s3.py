"""Chunks and verified recordings on S3-compatible storage (moto's S3 server on loopback)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mianshi.common.tests.s3 import BUCKET, keys
from mianshi.interviews.models import Chunk, Recording, RecordingStatus
from mianshi.interviews.services import (
    ReportedRecording,
    answer_finish,
    recording_open,
    remux,
    remux_stored,
    storage,
)
from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.verification import recording_verify
from mianshi.interviews.tests import upload_world as uw
from mianshi.invitations.services import invitation_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


def test_upload_verify_and_play_back_through_s3(
    bucket: Any, org: Any, make_user: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    take = uw.invite(uw.make_world(org, make_user))
    uw.start_recording(take, 1)
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    client = Client()
    url = uw.create(client, take)["Location"]
    half = len(data) // 2
    assert uw.patch(client, url, 0, data[:half]).status_code == 204
    [chunk_key] = keys(bucket)
    assert chunk_key.startswith("uploads/") and chunk_key == Chunk.objects.get().storage_name
    sealed = bucket.get_object(Bucket=BUCKET, Key=chunk_key)["Body"].read()
    assert sealed.startswith(b"v1:k1:") and data[:4] not in sealed
    with django_capture_on_commit_callbacks(execute=True):
        last = uw.patch(client, url, half, data[half:], final_length=len(data))
    assert last.status_code == 204
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    # The chunks are gone from the bucket; the sealed recording is all that is left.
    assert keys(bucket) == [recording.storage_path]
    with recording_open(recording=recording) as path:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recording.sha256


# --- nothing stored is lost on S3 (H1: remux_recordings; M8: two verifications) --------------


def _no_remux(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the muxer refused a timestamp")


def verified_as_before(
    take: uw.Take, data: bytes, monkeypatch: pytest.MonkeyPatch, capture: Any
) -> Recording:
    """A recording verified and stored as a version before remuxing left it."""
    monkeypatch.setattr(remux, "stream_copy", _no_remux)
    with capture(execute=True):
        url = uw.upload(Client(), take, data, size=64 * 1024)
    monkeypatch.undo()
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    old = ("remuxed", "upload_sha256", "upload_bytes")
    info = {k: v for k, v in recording.media_info.items() if k not in old}
    Recording.objects.filter(pk=recording.pk).update(media_info=info)
    return Recording.objects.get(pk=recording.pk)


def plays(recording: Recording) -> str:
    """The sha256 of the stored recording, decrypted from the bucket."""
    with recording_open(recording=Recording.objects.get(pk=recording.pk)) as path:
        return hashlib.sha256(path.read_bytes()).hexdigest()


def recording_keys(bucket: Any) -> list[str]:
    return [k for k in keys(bucket) if k.startswith("recordings/")]


def test_remux_on_s3_keeps_the_recording(
    bucket: Any, take: uw.Take, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    before = verified_as_before(take, data, monkeypatch, django_capture_on_commit_callbacks)
    assert recording_keys(bucket) == [before.storage_path]
    with django_capture_on_commit_callbacks(execute=True):
        assert remux_stored.recording_remux_stored(recording=before) == "remuxed"
    after = Recording.objects.get(pk=before.pk)
    # The copy plays and is the one object left: nothing was lost.
    assert plays(after) == after.sha256
    assert recording_keys(bucket) == [after.storage_path]
    assert after.media_info["remuxed"] is True and after.storage_path != before.storage_path


def test_remux_on_s3_that_loses_the_race_keeps_the_original(
    bucket: Any, take: uw.Take, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    before = verified_as_before(take, data, monkeypatch, django_capture_on_commit_callbacks)
    sealed = storage.seal_file

    def seal_then_change(*args: Any) -> tuple[str, str, int]:
        result = sealed(*args)
        # Meanwhile the recording changed (another tool re-sealed it): the swap must lose.
        Recording.objects.filter(pk=before.pk).update(sha256="0" * 64)
        return result

    monkeypatch.setattr(storage, "seal_file", seal_then_change)
    with django_capture_on_commit_callbacks(execute=True):
        assert remux_stored.recording_remux_stored(recording=before) == "changed"
    # The loser removed only its own copy: the original is still there and plays.
    assert recording_keys(bucket) == [before.storage_path]
    assert plays(before) == hashlib.sha256(data).hexdigest()


def test_s3_storage_never_overwrites_an_object(bucket: Any) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    first = default_storage.save("recordings/same.bin", ContentFile(b"first"))
    second = default_storage.save("recordings/same.bin", ContentFile(b"second"))
    assert first != second
    assert bucket.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"


def test_two_verifications_of_one_recording_on_s3_leave_one_playable_object(
    bucket: Any, take: uw.Take, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    url = uw.upload(Client(), take, data, size=64 * 1024)  # its verification message is late
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    assert recording.status == RecordingStatus.COMPLETE
    sealed, outcomes = storage.seal_file, list[Any]()

    def seal_then_duplicate(*args: Any) -> tuple[str, str, int]:
        result = sealed(*args)
        if not outcomes:
            # A backlog of hours: the stale reset runs while this verification is still
            # busy, and a duplicate message verifies the same recording to the end.
            outcomes.append(uploads_maintain(now=timezone.now() + dt.timedelta(hours=2)))
            outcomes.append(recording_verify(recording_id=recording.pk))
        return result

    monkeypatch.setattr(storage, "seal_file", seal_then_duplicate)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.append(recording_verify(recording_id=recording.pk))
    assert outcomes[1:] == ["verified", "lost_claim"]
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED
    assert plays(recording) == recording.sha256
    # One object, the verified recording: the loser deleted only its own copy.
    assert keys(bucket) == [recording.storage_path]


def test_a_new_invitation_during_an_upload_on_s3_loses_no_chunk(
    bucket: Any, take: uw.Take, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    client = Client()
    url = uw.create(client, take)["Location"]
    half = len(data) // 2
    assert uw.patch(client, url, 0, data[:half]).status_code == 204
    recording = Recording.objects.get()
    answer_finish(
        session=take.session, position=1, attempt=1,
        recordings=[ReportedRecording(id=recording.pk, duration_ms=4000)],
    )  # fmt: skip
    invitation_create(actor=take.hr, application=take.invitation.application)  # supersedes
    with django_capture_on_commit_callbacks(execute=True):
        last = uw.patch(client, url, half, data[half:], final_length=len(data))
    assert last.status_code == 204, last.content
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    assert recording.media_info["upload_sha256"] == hashlib.sha256(data).hexdigest()
    assert keys(bucket) == [recording.storage_path] and plays(recording) == recording.sha256
