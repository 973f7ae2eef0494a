"""One candidate cannot make a recording longer than the question allows (M11).

Two limits, both on the server: the bytes an answer's uploads may hold (its answer time plus
the grace, at a generous bitrate) are refused past the budget with 413, and verification
fails a recording whose DECODED duration is longer than the answer time plus the grace,
whatever the browser reported (or left out).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mianshi.interviews.models import AnswerStatus, Chunk, Recording, RecordingStatus
from mianshi.interviews.services import ReportedRecording, answer_finish
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]

BUDGET = (120 + 30) * 1000  # the world's 120 s answer + 30 s grace at 1000 bytes/s


@pytest.fixture
def small_budget(settings: Any) -> None:
    settings.UPLOAD_BYTES_PER_SECOND = 1000
    settings.ANSWER_GRACE_SECONDS = 30


def created(client: Client, take: uw.Take, **kw: Any) -> str:
    response = uw.create(client, take, **kw)
    assert response.status_code == 201, response.content
    return str(response["Location"])


def offset_of(url: str) -> int:
    return Recording.objects.get(pk=url.rstrip("/").rsplit("/", 1)[-1]).offset


@pytest.mark.usefixtures("small_budget")
def test_patches_past_the_answers_byte_budget_are_refused_with_413(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"a" * 100_000).status_code == 204
    over = uw.patch(client, url, 100_000, b"a" * (BUDGET - 100_000 + 1))
    assert over.status_code == 413 and over.json()["code"] == "too_large"
    assert "作答时长" in over.json()["detail"]  # zh-Hans, the candidate pages' default
    assert offset_of(url) == 100_000 and Chunk.objects.count() == 1
    assert uw.patch(client, url, 100_000, b"a" * (BUDGET - 100_000)).status_code == 204
    assert offset_of(url) == BUDGET


@pytest.mark.usefixtures("small_budget")
def test_a_new_segment_only_gets_what_is_left_of_the_answers_budget(take: uw.Take) -> None:
    client = Client()
    first = created(client, take, segment=0)
    assert uw.patch(client, first, 0, b"s" * (BUDGET - 10_000)).status_code == 204
    second = created(client, take, segment=1)
    refused = uw.patch(client, second, 0, b"s" * 10_001)
    assert refused.status_code == 413 and offset_of(second) == 0
    assert uw.patch(client, second, 0, b"s" * 10_000).status_code == 204
    third = uw.create(client, take, segment=2)
    assert third.status_code == 413 and Recording.objects.count() == 2


@pytest.mark.usefixtures("small_budget")
def test_a_whole_file_declared_longer_than_the_budget_is_refused_at_creation(
    take: uw.Take,
) -> None:
    client = Client()
    response = uw.create(client, take, length=BUDGET + 1, mode="whole")
    assert response.status_code == 413 and not Recording.objects.exists()
    assert uw.create(client, take, length=BUDGET, mode="whole").status_code == 201


@pytest.mark.parametrize("reported_ms", [None, 12_000])
def test_a_recording_longer_than_the_answer_time_and_grace_fails_verification(
    org: Any, make_user: Any, settings: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any, reported_ms: int | None,
) -> None:  # fmt: skip
    # A 10 s question, 1 s grace: a 12 s file is too long even when the browser says 12 s.
    settings.ANSWER_GRACE_SECONDS = 1
    take = uw.invite(uw.make_world(org, make_user, answer_seconds=10))
    uw.start_recording(take, 1)
    data = uw.answer_webm(tmp_path / "long.webm", 12.0)
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, data[:1000]).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        if reported_ms is not None:
            recording = Recording.objects.get()
            report = ReportedRecording(id=recording.pk, duration_ms=reported_ms)
            answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
        uw.patch(client, url, 1000, data[1000:], final_length=len(data))
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "too_long"
    assert "12.0" in recording.error and "11" in recording.error
    if reported_ms is not None:
        assert take.answer(1).status == AnswerStatus.FAILED


def test_a_recording_within_the_answer_time_and_grace_is_verified(
    org: Any, make_user: Any, settings: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.ANSWER_GRACE_SECONDS = 0
    take = uw.invite(uw.make_world(org, make_user, answer_seconds=10))
    uw.start_recording(take, 1)
    data = uw.answer_webm(tmp_path / "fits.webm", 6.0)
    with django_capture_on_commit_callbacks(execute=True):
        uw.upload(Client(), take, data)
    assert Recording.objects.get().status == RecordingStatus.VERIFIED
