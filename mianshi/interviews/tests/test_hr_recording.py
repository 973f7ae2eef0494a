"""End to end for HR: a real WebM uploaded over tus, verified and quality-checked by the real
tasks, then seen on the board and played back through the HR view (decodable, identical)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import pytest
from django.test import Client
from django.utils import translation

from mianshi.interviews.models import QualityStatus, Recording, RecordingStatus
from mianshi.interviews.services import ReportedRecording, answer_finish
from mianshi.interviews.tests import upload_world as uw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _env(settings: Any, tmp_path: Path) -> Iterator[None]:
    uw.configure(settings, tmp_path)
    settings.LANGUAGE_CODE = "en"  # the board's English labels are asserted below
    with uw.eager_tasks(), translation.override("en"):
        yield


def test_uploaded_answer_reaches_the_board_and_plays_back_for_hr(
    org: Any, make_user: Any, login: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    world = uw.make_world(org, make_user)
    take = uw.invite(world)
    uw.start_recording(take, 1)
    webm = uw.answer_webm(tmp_path / "answer.webm", 6.0)
    with django_capture_on_commit_callbacks(execute=True):
        url = uw.upload(Client(), take, webm, size=16 * 1024)
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    report = ReportedRecording(id=recording.pk, duration_ms=6000)
    with django_capture_on_commit_callbacks(execute=True):
        answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    answer = take.answer(1)
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN), answer.quality

    client = login(world.hr)
    board = client.get(f"/interviews/jobs/{world.job.pk}/board/rows/").content.decode()
    assert "Q1: " in board and "fps" in board and "question 2/2" in board
    played = client.get(f"/interviews/recordings/{recording.pk}/")
    assert played.status_code == 200
    data = b"".join(played.streaming_content)
    # HR gets the stored file: the upload remuxed with a seek index (test_remux.py).
    assert hashlib.sha256(data).hexdigest() == recording.sha256
    copy = tmp_path / "played.webm"
    copy.write_bytes(data)
    with av.open(str(copy)) as container:
        assert container.streams.video and container.streams.audio
        frames = sum(1 for _ in container.decode(video=0))
    assert frames >= 100  # 6 s at 25 fps, loosely
    panel = client.get(f"/candidates/{take.invitation.application.candidate_id}/")
    assert f'src="/interviews/recordings/{recording.pk}/"' in panel.content.decode()
