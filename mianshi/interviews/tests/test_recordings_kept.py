"""No recording is lost by housekeeping or by a second worker (review H1, M6, M7, M8, L6, L7).

Real uploads through the tus endpoint and the real services; verification is called directly
where a test needs to place a reset, a key change or a purge in the middle of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.interviews.models import (
    AnswerStatus,
    Chunk,
    InterviewSession,
    Recording,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.services import (
    ReportedRecording,
    answer_finish,
    answer_retake,
    maintenance,
    recordings,
    session_open,
)
from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.verification import recording_verify
from mianshi.interviews.tests import upload_world as uw
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.services import invitation_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: Any) -> Path:
    return Path(tmp_path_factory.mktemp("kept-src"))


@pytest.fixture(scope="module")
def good_webm(media_dir: Path) -> bytes:
    return uw.answer_webm(media_dir / "good.webm", 4.0)


def completed(take: uw.Take, data: bytes) -> Recording:
    """A fully uploaded recording whose verification has not run yet (message late)."""
    url = uw.upload(Client(), take, data, size=64 * 1024)
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    assert recording.status == RecordingStatus.COMPLETE
    return recording


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


# --- M8: a verification is reset by its claim's age, and not for ever ------------------------


def test_a_fresh_verification_claim_is_not_reset_though_its_upload_is_old(
    take: uw.Take, good_webm: bytes
) -> None:
    recording = completed(take, good_webm)
    # Claimed just now by a worker that reached it after a long backlog.
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.VERIFYING,
        last_chunk_at=hours_ago(3),
        verify_claimed_at=timezone.now(),
    )
    uploads_maintain()
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.VERIFYING
    # Once the claim itself is old, its worker is taken as lost and the claim given back.
    Recording.objects.filter(pk=recording.pk).update(verify_claimed_at=hours_ago(2))
    uploads_maintain()
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.COMPLETE


def test_a_verification_that_never_finishes_is_given_up_and_its_chunks_kept(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    recording = completed(take, good_webm)
    # Claimed (and its worker killed) as often as allowed.
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.VERIFYING, verify_claimed_at=hours_ago(2),
        verify_claims=maintenance.VERIFY_MAX_CLAIMS,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        uploads_maintain()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED and recording.error
    assert recording.media_info["error_code"] == "gave_up"
    assert InterviewSession.objects.get(pk=take.session.pk).flagged
    assert Chunk.objects.filter(recording=recording).exists()  # a person can still look


def test_each_verification_claim_is_counted_and_timed(take: uw.Take, good_webm: bytes) -> None:
    recording = completed(take, good_webm)
    assert recording_verify(recording_id=recording.pk) == "verified"
    recording.refresh_from_db()
    assert recording.verify_claims == 1 and recording.verify_claimed_at is not None


# --- M7: a key this worker lacks is a retry, damage is a failure; failed chunks are kept -------

OTHER_KEY = "k2:" + base64.b64encode(b"v" * 32).decode()


def test_a_chunk_under_an_unknown_key_id_is_retried_not_failed(
    take: uw.Take, good_webm: bytes, settings: Any, caplog: Any
) -> None:
    recording = completed(take, good_webm)  # sealed with k1
    settings.ENCRYPTION_KEYS = [OTHER_KEY]  # this worker was deployed without k1
    with caplog.at_level(logging.WARNING, logger="mianshi.interviews.services.verification"):
        assert recording_verify(recording_id=recording.pk) == "key_unknown"
    assert "key" in caplog.text
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE and not recording.error
    assert not InterviewSession.objects.get(pk=take.session.pk).flagged
    assert Chunk.objects.filter(recording=recording).exists()
    settings.ENCRYPTION_KEYS = [OTHER_KEY, uw.KEY]  # the configuration is fixed: it verifies
    assert recording_verify(recording_id=recording.pk) == "verified"


def test_a_tampered_chunk_still_fails_as_damaged(take: uw.Take, good_webm: bytes) -> None:
    recording = completed(take, good_webm)
    chunk = Chunk.objects.filter(recording=recording).order_by("offset").last()
    assert chunk is not None
    path = Path(settings.MEDIA_ROOT) / chunk.storage_name
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x01
    path.write_bytes(bytes(raw))
    assert recording_verify(recording_id=recording.pk) == "failed"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "corrupt"


def test_chunks_of_a_failed_recording_are_kept_for_the_retention_period(
    take: uw.Take, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recording = completed(take, os.urandom(80_000))  # not media: verification fails it
    assert recording_verify(recording_id=recording.pk) == "failed"
    recording.refresh_from_db()
    names = list(Chunk.objects.filter(recording=recording).values_list("storage_name", flat=True))
    assert names and recording.status == RecordingStatus.FAILED
    settings.FAILED_UPLOAD_KEEP_DAYS = 30
    # Long after the upload expired, nobody has looked yet: the chunks stay.
    with django_capture_on_commit_callbacks(execute=True):
        uploads_maintain(now=recording.expires_at + dt.timedelta(days=29))
    assert Chunk.objects.filter(recording=recording).count() == len(names)
    assert all((Path(settings.MEDIA_ROOT) / n).exists() for n in names)
    # After the retention period they go.
    with django_capture_on_commit_callbacks(execute=True):
        uploads_maintain(now=recording.expires_at + dt.timedelta(days=30, minutes=1))
    assert not Chunk.objects.filter(recording=recording).exists()
    assert not any((Path(settings.MEDIA_ROOT) / n).exists() for n in names)


# --- L6: the purge fails only what is still unfinished; a finished candidate's upload ---------


def test_an_upload_completing_while_the_purge_runs_is_not_failed(
    take: uw.Take, good_webm: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    url = uw.create(client, take)["Location"]
    half = len(good_webm) // 2
    assert uw.patch(client, url, 0, good_webm[:half]).status_code == 204
    recording = Recording.objects.get()
    Recording.objects.filter(pk=recording.pk).update(
        expires_at=timezone.now() + dt.timedelta(minutes=1)
    )
    real_override = recordings.translation.override

    def last_patch_lands_meanwhile(language: str) -> Any:
        # The purge has picked the upload as expired; the final PATCH commits just now.
        last = uw.patch(client, url, half, good_webm[half:], final_length=len(good_webm))
        assert last.status_code == 204
        return real_override(language)

    monkeypatch.setattr(recordings.translation, "override", last_patch_lands_meanwhile)
    purged = recordings.uploads_purge(now=recording.expires_at + dt.timedelta(seconds=1))
    monkeypatch.undo()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.COMPLETE and not recording.error
    assert purged["expired"] == 0
    assert sum(Chunk.objects.filter(recording=recording).values_list("length", flat=True)) == len(
        good_webm
    )
    assert recording_verify(recording_id=recording.pk) == "verified"


def test_a_finished_candidate_may_create_a_pending_upload_after_the_link_expired(
    take: uw.Take, good_webm: bytes
) -> None:
    client = Client()
    whole: dict[str, Any] = {"mode": "whole"}
    first = uw.create(client, take, length=len(good_webm), **whole)
    assert first.status_code == 201
    recording = Recording.objects.get()
    answer_finish(
        session=take.session, position=1, attempt=1,
        recordings=[ReportedRecording(id=recording.pk, duration_ms=4000)],
    )  # fmt: skip
    # The candidate finished the interview; the network dropped before the file was sent,
    # and the link expired meanwhile.
    InterviewSession.objects.filter(pk=take.session.pk).update(state=SessionState.UPLOADING)
    Invitation.objects.filter(pk=take.invitation.pk).update(
        status=InvitationStatus.COMPLETED, expires_at=hours_ago(1)
    )
    again = uw.create(client, take, length=len(good_webm), **whole)
    assert again.status_code == 201, again.content
    url = again["Location"]
    assert uw.patch(client, url, 0, good_webm, final_length=len(good_webm)).status_code == 204
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    assert recording_verify(recording_id=recording.pk) == "verified"


def test_an_expired_link_still_cannot_start_an_upload(take: uw.Take) -> None:
    Invitation.objects.filter(pk=take.invitation.pk).update(expires_at=hours_ago(1))
    assert uw.create(Client(), take).status_code == 410


# --- M6: a re-invite does not throw away the answers still uploading -------------------------


def reachable_take(world: uw.World) -> uw.Take:
    """A candidate with an e-mail address (a re-invite is sent), recording question 1."""
    candidate = make_candidate(world.hr, world.org.sh, name="李四", email="lisi@example.com")
    application = make_application(world.hr, candidate, world.job)
    invitation, token = invitation_create(actor=world.hr, application=application)
    take = uw.Take(token, invitation, session_open(invitation=invitation), world.hr)
    uw.start_recording(take, 1)
    return take


def test_a_reinvite_during_an_upload_lets_the_recorded_answer_finish(
    world: uw.World, good_webm: bytes, api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    take = reachable_take(world)
    client = Client()
    url = uw.create(client, take)["Location"]
    half = len(good_webm) // 2
    assert uw.patch(client, url, 0, good_webm[:half]).status_code == 204
    recording = Recording.objects.get()
    answer_finish(
        session=take.session, position=1, attempt=1,
        recordings=[ReportedRecording(id=recording.pk, duration_ms=4000)],
    )  # fmt: skip
    # The candidate's network drops with half the answer sent; HR re-invites meanwhile.
    application_id = take.invitation.application_id
    created = api_for(take.hr).post("/invitations/reinvite", {"application_id": application_id})
    assert created.status_code == 201, created.content
    assert Invitation.objects.get(pk=take.invitation.pk).status == InvitationStatus.SUPERSEDED
    # Back online, the browser resumes where the server says and sends the rest.
    head = client.head(url, headers=uw.tus_headers())
    assert head.status_code == 200 and head["Upload-Offset"] == str(half)
    with django_capture_on_commit_callbacks(execute=True):
        last = uw.patch(client, url, half, good_webm[half:], final_length=len(good_webm))
    assert last.status_code == 204, last.content
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    assert recording.media_info["upload_sha256"] == hashlib.sha256(good_webm).hexdigest()
    assert take.answer(1).status == AnswerStatus.COMPLETE
    # A superseded link still cannot start anything new on a question not waiting for it.
    assert uw.create(client, take, position=2).status_code in (409, 410)


# --- L7: a discarded take is neither playable nor kept ---------------------------------------


def with_a_retake(take: uw.Take) -> None:
    answer = take.answer(1)
    snapshot = {**answer.template_question.snapshot, "max_retakes": 1}
    type(answer.template_question).objects.filter(pk=answer.template_question_id).update(
        snapshot=snapshot
    )


def recorded_take(take: uw.Take, data: bytes, capture: Any, *, verify: bool = True) -> Recording:
    """Take 1 of question 1 uploaded (verified unless told not) and finished: under review."""
    with capture(execute=verify):
        url = uw.upload(Client(), take, data, size=64 * 1024)
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    report = ReportedRecording(id=recording.pk, duration_ms=4000)
    with capture(execute=verify):
        answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
    recording.refresh_from_db()
    return recording


def stored_file(recording: Recording) -> Path:
    return Path(settings.MEDIA_ROOT) / recording.storage_path


def test_a_discarded_take_is_not_playable_and_its_file_is_deleted(
    take: uw.Take, good_webm: bytes, login: Any, api_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with_a_retake(take)
    first = recorded_take(take, good_webm, django_capture_on_commit_callbacks)
    assert first.status == RecordingStatus.VERIFIED and stored_file(first).exists()
    hr = login(take.hr)
    assert hr.get(f"/interviews/recordings/{first.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer_retake(session=take.session, position=1)
    # The candidate threw this take away: nobody plays it, and its file is gone.
    assert hr.get(f"/interviews/recordings/{first.pk}/").status_code == 404
    api = api_for(take.hr)
    assert api.get(f"/interviews/recordings/{first.pk}/media").status_code == 404
    assert not stored_file(first).exists()
    first.refresh_from_db()
    assert not first.is_current and first.status == RecordingStatus.TERMINATED
    assert not first.storage_path


def test_a_take_discarded_before_its_verification_finished_is_deleted_afterwards(
    take: uw.Take, good_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    with_a_retake(take)
    first = recorded_take(take, good_webm, django_capture_on_commit_callbacks, verify=False)
    assert first.status == RecordingStatus.COMPLETE
    with django_capture_on_commit_callbacks(execute=True):
        answer_retake(session=take.session, position=1)
    # Its verification message arrives after the retake: it verifies, then goes.
    with django_capture_on_commit_callbacks(execute=True):
        recording_verify(recording_id=first.pk)
        uploads_maintain()
    first.refresh_from_db()
    assert first.status == RecordingStatus.TERMINATED and not first.storage_path
    assert not list((Path(settings.MEDIA_ROOT) / "recordings").rglob("*.bin"))
    assert not Chunk.objects.filter(recording=first).exists()
