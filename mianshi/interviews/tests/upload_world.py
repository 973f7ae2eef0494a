"""Test support for the upload, verification and quality tests: a candidate mid-answer,
real recorded media and a small tus client over Django's test client.

The candidate is brought into the RECORDING state through the real services (invitation,
session, consent, device check, start, record), so the tus endpoint sees exactly what a
browser's request would.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.test import Client

from config.celery import app as celery_app
from interview_analysis.tests import mediagen
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.interviews.models import Answer, InterviewSession
from mianshi.interviews.notices import NOTICE_VERSION
from mianshi.interviews.services import (
    ConsentInput,
    answer_record,
    answer_start,
    session_consent,
    session_device_check,
    session_open,
)
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_job, make_question, make_template

KEY = "k1:" + base64.b64encode(b"u" * 32).decode()
CHUNK = "application/offset+octet-stream"


def configure(settings: Any, tmp_path: Path) -> None:
    """Valid keys and a private media folder per test."""
    settings.ENCRYPTION_KEYS = [KEY]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@contextmanager
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process (the real task code, no broker), errors propagate."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@dataclass
class Take:
    """One candidate's invitation, token and session."""

    token: str
    invitation: Invitation
    session: InterviewSession
    hr: User

    def answer(self, position: int) -> Answer:
        return Answer.objects.get(session=self.session, position=position)

    @property
    def collection(self) -> str:
        return f"/i/{self.token}/tus/"


@dataclass
class World:
    """An HR user and a job whose template asks a video and an audio question."""

    hr: User
    org: Any
    job: Any
    takes: list[Take] = field(default_factory=list)


def make_world(org: Any, make_user: Any, *, answer_seconds: int = 120) -> World:
    hr = make_user("hr_uploads", Role.HR, org.sh)
    timing = {"prep_seconds": 0, "answer_seconds": answer_seconds, "max_retakes": 0}
    video = make_question(org.sh, hr, answer_type="video", **timing)
    audio = make_question(org.sh, hr, answer_type="audio", text="请用一分钟介绍你自己。", **timing)
    template = make_template(org.sh, [video, audio], hr)
    job = make_job(org_unit=org.sh_sales, title="销售代表")
    job_update(actor=hr, job=job, data={"interview_template": template})
    return World(hr=hr, org=org, job=job)


def invite(world: World, name: str = "张三") -> Take:
    """A fresh candidate with an opened session (nothing recorded yet)."""
    candidate = make_candidate(world.hr, world.org.sh, name=name)
    application = make_application(world.hr, candidate, world.job)
    invitation, token = invitation_create(actor=world.hr, application=application)
    session = session_open(invitation=invitation)
    take = Take(token=token, invitation=invitation, session=session, hr=world.hr)
    world.takes.append(take)
    return take


def start_recording(take: Take, position: int = 1, *, biometric: bool = True) -> Answer:
    """Consent, device check, then the answer countdown of `position` (attempt 1)."""
    session = take.session
    if not session.consents.exists():
        consent = ConsentInput(
            recording=True, ai_analysis=True, biometric=biometric, notice_version=NOTICE_VERSION
        )
        session_consent(session=session, data=consent, language="zh-hans")
        session_device_check(
            session=session,
            result={"camera": True, "microphone": True, "level_db": -20, "problems": []},
        )
    answer_start(session=session, position=position)
    answer_record(session=session, position=position)
    return take.answer(position)


# --- media ---------------------------------------------------------------------------------


def answer_webm(path: Path, seconds: float = 6.0, *, good: bool = True) -> bytes:
    """A WebM as Chromium's MediaRecorder writes it (no duration in the header): a face and
    speech-like sound, or a covered camera and silence."""
    if good:
        audio = mediagen.speech_like(seconds, noise_amplitude=0.0003)
        mediagen.face_video(path, seconds=seconds, fps=25, audio=audio, live=True)
    else:
        audio = mediagen.silence(seconds)
        mediagen.face_video(path, seconds=seconds, fps=25, audio=audio, dark=True, live=True)
    return path.read_bytes()


def audio_webm(path: Path, seconds: float = 6.0) -> bytes:
    """An audio-only WebM (Opus) with speech-like sound."""
    import av
    import numpy as np

    samples = mediagen.speech_like(seconds, noise_amplitude=0.0003)
    with av.open(str(path), "w", format="webm", options={"live": "1"}) as out:
        stream = out.add_stream("libopus", rate=48000, layout="mono")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
        for start in range(0, len(pcm), 1600):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + 1600], "s16", "mono")
            frame.sample_rate = 16000
            frame.pts = start
            for piece in resampler.resample(frame):
                out.mux(stream.encode(piece))  # type: ignore[attr-defined]
        out.mux(stream.encode(None))  # type: ignore[attr-defined]
    return path.read_bytes()


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- a tus client over the Django test client ------------------------------------------------


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def metadata(**values: Any) -> str:
    return ",".join(f"{k} {b64(str(v))}" for k, v in values.items())


def tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": "1.0.0", **extra}


def create(
    client: Client, take: Take, *, length: int | None = None, position: int = 1, **meta: Any
) -> Any:
    """POST creation; deferred length unless `length` is given."""
    values = {"position": position, "attempt": 1, "filetype": "video/webm;codecs=vp8,opus"}
    values.update(meta)
    size = {"Upload-Length": str(length)} if length is not None else {"Upload-Defer-Length": "1"}
    headers = tus_headers(**size, **{"Upload-Metadata": metadata(**values)})
    return client.post(take.collection, headers=headers)


def patch(
    client: Client, url: str, offset: int, data: bytes, *, final_length: int | None = None,
    checksum: str | None = "sha1", content_type: str = CHUNK, extra: dict[str, str] | None = None,
) -> Any:  # fmt: skip
    """One PATCH (with a checksum header unless `checksum` is None)."""
    headers = tus_headers(**{"Upload-Offset": str(offset)}, **(extra or {}))
    if checksum:
        digest = hashlib.new(checksum, data).digest()
        headers["Upload-Checksum"] = f"{checksum} {base64.b64encode(digest).decode()}"
    if final_length is not None:
        headers["Upload-Length"] = str(final_length)
    return client.generic("PATCH", url, data, content_type=content_type, headers=headers)


def upload(client: Client, take: Take, data: bytes, *, size: int = 64 * 1024, **meta: Any) -> str:
    """Create with deferred length and send `data` chunk by chunk; returns the upload URL."""
    created = create(client, take, **meta)
    assert created.status_code == 201, created.content
    url = created["Location"]
    parts = pieces(data, size)
    offset = 0
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        response = patch(client, url, offset, part, final_length=len(data) if last else None)
        assert response.status_code == 204, response.content
        offset += len(part)
    return url
