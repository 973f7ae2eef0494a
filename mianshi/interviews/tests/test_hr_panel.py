"""The interview panel on the application, HR playback of recordings and answer files."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import QualityStatus, Recording, RecordingStatus
from mianshi.interviews.services import (
    EventInput,
    answer_file_submit,
    answer_start,
    session_events_record,
)
from mianshi.interviews.services.storage import recording_name, seal_file
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import Started, recording_row
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template

pytestmark = pytest.mark.django_db
MEDIA = bytes(range(256)) * 40  # 10,240 bytes standing in for a WebM file


def verified(started: Started, tmp_path: Path, position: int = 3, **fields: Any) -> Recording:
    """A recording as verification leaves it: sealed in storage, marked verified."""
    recording = recording_row(started, position, offset=len(MEDIA), length=len(MEDIA), **fields)
    plain = tmp_path / f"{recording.pk}.webm"
    plain.write_bytes(MEDIA)
    name = recording_name(recording.session_id, recording.answer_id, recording.pk)
    stored, sha, _size = seal_file(recording.pk, plain, name)
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.VERIFIED, storage_path=stored, sha256=sha, duration_ms=64_000
    )
    recording.refresh_from_db()
    return recording


def detail_page(client: Any, started: Started) -> str:
    response = client.get(f"/candidates/{started.application.candidate_id}/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_panel_shows_every_answer_with_its_signals(bw, login, tmp_path):
    started = bw.invite("张三")
    session = bw.recording_video(started)
    session_events_record(
        session=session,
        events=[
            EventInput(kind="paste", position=1, offset_ms=5_000),
            EventInput(kind="tab_hidden", position=3, offset_ms=12_000),
            EventInput(kind="mark", position=3, offset_ms=65_000),
            EventInput(kind="offline"),
        ],
    )
    recording = verified(started, tmp_path)
    recording_row(started, attempt=1, segment=1, status=RecordingStatus.FAILED, error="gap")
    answer = started.answer(3)
    answer.reported_ms, answer.measured_ms = 70_000, 64_000
    answer.quality_status = QualityStatus.WARN
    answer.quality = {
        "fps": 29.7,
        "width": 1280,
        "height": 720,
        "audio_level_dbfs": -28.0,
        "issues": [{"code": "too_quiet", "message": "The voice is too quiet."}],
    }
    answer.save()
    html = detail_page(login(bw.hr_sh), started)
    assert f'data-session="{session.pk}"' in html
    assert "我会先倾听，再给出方案。" in html and "data-text-answer" in html
    chosen = re.findall(r"<li( data-chosen)?>[☑☐] <strong>(\w)\.</strong>", html)
    assert chosen == [(" data-chosen", "A"), ("", "B")]
    assert 'data-event="paste">Pasted text @ 0:05' in html
    assert 'data-event="tab_hidden">Switched away from the tab @ 0:12' in html
    assert "★ marked @ 1:05" in html and 'data-event="offline"' in html
    assert f'src="/interviews/recordings/{recording.pk}/"' in html and "<video" in html
    assert 'data-recording-status="failed">Failed verification: gap' in html
    assert "1:04" in html and "reported 1:10" in html and "data-duration-mismatch" in html
    assert "Usable with warnings" in html and "30 fps" in html and "The voice is too quiet." in html
    assert 'data-consent="ai_analysis" data-granted="1"' in html


def test_panel_is_absent_before_an_invitation_and_hidden_from_other_branches(bw, login):
    started = bw.invite("张三")
    assert "data-interviews" not in detail_page(login(bw.hr_sh), started)  # no session yet
    bw.guide(started)
    assert "data-interviews" in detail_page(login(bw.hr_sh), started)
    assert (
        login(bw.hr_sz).get(f"/candidates/{started.application.candidate_id}/").status_code == 404
    )


def test_playback_streams_the_decrypted_recording_with_ranges(bw, login, tmp_path):
    started = bw.invite()
    bw.recording_video(started)
    recording = verified(started, tmp_path)
    client = login(bw.hr_sh)
    url = f"/interviews/recordings/{recording.pk}/"
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == MEDIA
    assert whole["Content-Type"] == "video/webm" and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"].startswith("inline")
    assert whole["Cache-Control"] == "private, no-store"
    first = client.get(url, HTTP_RANGE="bytes=0-99")
    assert first.status_code == 206 and b"".join(first.streaming_content) == MEDIA[:100]
    assert first["Content-Range"] == f"bytes 0-99/{len(MEDIA)}" and first["Content-Length"] == "100"
    rest = client.get(url, HTTP_RANGE="bytes=10000-")
    assert rest.status_code == 206 and b"".join(rest.streaming_content) == MEDIA[10000:]
    tail = client.get(url, HTTP_RANGE="bytes=-40")
    assert b"".join(tail.streaming_content) == MEDIA[-40:]
    refused = client.get(url, HTTP_RANGE=f"bytes={len(MEDIA)}-")
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(MEDIA)}"
    saved = client.get(url + "?download=1")
    assert saved["Content-Disposition"] == 'attachment; filename="answer-3-a1-s0.webm"'
    views = AuditEvent.objects.filter(
        object_type="interviews.recording", object_id=str(recording.pk)
    )
    # One viewing (every range request of it within the window) and the download.
    assert sorted(views.values_list("action", flat=True)) == [
        "recording.download",
        "recording.view",
    ]
    assert all(e.org_unit_id == bw.job.org_unit_id and e.actor_id == bw.hr_sh.pk for e in views)


def test_only_verified_recordings_of_visible_applications_play(bw, login, tmp_path):
    started = bw.invite()
    bw.recording_video(started)
    recording = verified(started, tmp_path)
    pending = recording_row(started, segment=1, offset=500)
    url = f"/interviews/recordings/{recording.pk}/"
    assert login(bw.hr_sz).get(url).status_code == 404
    assert login(bw.manager_tech).get(url).status_code == 404
    assert login(bw.manager_sales).get(url).status_code == 200
    assert login(bw.hr_sh).get(f"/interviews/recordings/{pending.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="recording.view", actor=bw.hr_sz).exists()


def file_job(bw: Any) -> Any:
    unit = bw.job.org_unit
    q = make_question(unit, bw.hr_sh, text="请上传你的作品集。", answer_type="file")
    template = make_template(unit, [q], bw.hr_sh, name="作品集")
    return job_update(actor=bw.hr_sh, job=bw.job, data={"interview_template": template})


def test_file_answer_downloads_decrypted_and_audited(bw, login):
    file_job(bw)
    started = bw.invite("张三")
    session = bw.guide(started)
    answer_start(session=session, position=1)
    pdf = b"%PDF-1.4\n% portfolio\n" + b"x" * 2000
    answer_file_submit(
        session=started.session,
        position=1,
        upload=io.BytesIO(pdf),
        filename="作品集.pdf",
        size=len(pdf),
    )
    answer = started.answer(1)
    html = detail_page(login(bw.hr_sh), started)
    assert f'href="/interviews/answers/{answer.pk}/file/"' in html
    response = login(bw.hr_sh).get(f"/interviews/answers/{answer.pk}/file/")
    assert response.status_code == 200 and response.content == pdf
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"]
        and ".pdf" in response["Content-Disposition"]
    )
    event = AuditEvent.objects.get(action="answer_file.download")
    assert event.object_id == str(answer.pk) and event.detail == {"position": 1}
    assert login(bw.hr_sz).get(f"/interviews/answers/{answer.pk}/file/").status_code == 404
    unknown = answer.pk + 10_000
    assert login(bw.hr_sh).get(f"/interviews/answers/{unknown}/file/").status_code == 404


def test_panel_renders_for_an_interviewer_only_when_assigned(bw, login, tmp_path):
    from mianshi.interviews.tests.board_world import assign

    started = bw.invite("张三")
    bw.recording_video(started)
    verified(started, tmp_path)
    url = f"/candidates/{started.application.candidate_id}/"
    assert login(bw.interviewer).get(url).status_code == 404
    assign(started.application, bw.interviewer)
    assert "data-interviews" in login(bw.interviewer).get(url).content.decode()
