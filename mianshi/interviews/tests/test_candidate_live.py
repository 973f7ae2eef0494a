"""The whole interview over real HTTP against a live server: the JSON API with `requests`,
the video answer uploaded by an independent tus client (tuspy), verified by the real task
code (Celery in eager mode), then a written and a chosen answer and the finish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from tusclient.client import TusClient

from interview_analysis.tests import mediagen
from mianshi.candidates.pipeline import Stage
from mianshi.common.tests.support import eager  # noqa: F401 (fixture)
from mianshi.interviews.models import Answer, AnswerStatus, Recording, RecordingStatus, SessionState
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import CHOICES, invite, question
from mianshi.invitations.models import InvitationStatus
from mianshi.jobs.models import AnswerType

# A candidate recording over HTTP against the live server: one at a time (conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]
SECONDS = 4.0


class Browser:
    """What the recorder page does over the network, minus the camera."""

    def __init__(self, server: str, token: str) -> None:
        self.api = f"{server}/i/api/{token}/"
        self.tus = f"{server}/i/{token}/tus/"
        self.http = requests.Session()

    def post(self, path: str, body: Any = None) -> dict[str, Any]:
        response = self.http.post(self.api + path, json=body or {}, timeout=60)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return dict(response.json())

    def state(self) -> dict[str, Any]:
        response = self.http.get(self.api + "state", timeout=30)
        assert response.status_code == 200
        return dict(response.json())

    def upload(self, path: Path, *, position: int, attempt: int) -> str:
        uploader = TusClient(self.tus).uploader(
            file_path=str(path),
            chunk_size=64 * 1024,
            metadata={
                "position": str(position),
                "attempt": str(attempt),
                "segment": "0",
                "mode": "stream",
                "filetype": "video/webm",
            },
            upload_checksum=True,
        )
        uploader.upload()
        assert uploader.url is not None
        return str(uploader.url).rsplit("/", 1)[-1]


@pytest.mark.usefixtures("eager")
def test_interview_over_http_with_an_independent_tus_client(
    live_server: Any, org: Any, hr: Any, tmp_path: Path
) -> None:
    unit = org.sh_sales
    interview = invite(
        unit,
        hr,
        [
            question(unit, hr, AnswerType.VIDEO, "请做一个简短的自我介绍。", prep_seconds=0),
            question(unit, hr, AnswerType.TEXT, "请写下你对这个岗位的理解。"),
            question(unit, hr, AnswerType.CHOICE, "客户犹豫时你先做什么？", choices=CHOICES),
        ],
    )
    video = mediagen.face_video(
        tmp_path / "answer.webm",
        seconds=SECONDS,
        audio=mediagen.speech_like(SECONDS, noise_amplitude=0.0003),
        live=True,
    )
    browser = Browser(live_server.url, interview.token)
    version = browser.state()["consent"]["notice_version"]
    browser.post(
        "consent",
        {"recording": True, "ai_analysis": True, "biometric": True, "notice_version": version},
    )
    browser.post("device-check", {"camera": True, "microphone": True, "level_db": -18.0})

    started = browser.post("questions/1/start")
    assert started["session"]["phase"] == "answer"
    recording_id = browser.upload(video, position=1, attempt=started["question"]["attempt"])
    assert Recording.objects.get(pk=recording_id).offset == video.stat().st_size
    report = {"id": recording_id, "duration_ms": int(SECONDS * 1000), "interrupted": False}
    review = browser.post("questions/1/finish", {"attempt": 1, "recordings": [report]})
    assert review["session"]["phase"] == "review" and review["question"]["retakes_left"] == 1

    recording = Recording.objects.get(pk=recording_id)
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    assert recording.duration_ms is not None
    assert abs(recording.duration_ms - SECONDS * 1000) < 1500
    slot = Answer.objects.get(pk=recording.answer_id)
    assert slot.status == AnswerStatus.COMPLETE

    browser.post("questions/1/next")
    browser.post("questions/2/start")
    browser.post("questions/2/text", {"text": "这个岗位需要理解客户。"})
    browser.post("questions/3/start")
    browser.post("questions/3/choice", {"keys": ["A"]})
    done = browser.post("finish")
    assert done["session"]["state"] == SessionState.DONE

    interview.invitation.refresh_from_db()
    interview.application.refresh_from_db()
    assert interview.invitation.status == InvitationStatus.COMPLETED
    assert interview.application.stage == Stage.INTERVIEW_DONE
    final = browser.state()
    assert [q["status"] for q in final["questions"]] == ["complete"] * 3
