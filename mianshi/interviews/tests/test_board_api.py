"""REST /api/interviews: the board's sessions of a job and session details, typed and scoped."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import InterviewSession, QualityStatus, RecordingStatus
from mianshi.interviews.services import (
    EventInput,
    session_events_record,
    session_heartbeat,
    session_open,
)
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import ago, assign, recording_row
from mianshi.interviews.tests.test_hr_panel import MEDIA, verified
from mianshi.invitations.services import invitation_reinvite

pytestmark = pytest.mark.django_db


def test_job_sessions_are_the_board_rows(bw, api_for):
    bw.invite("甲")
    filming = bw.invite("乙")
    session = bw.recording_video(filming)
    session_heartbeat(session_id=session.pk, client_state={"pending_chunks": 2, "online": True})
    session_events_record(session=session, events=[EventInput(kind="paste", position=1)])
    recording_row(filming, offset=4096, last_chunk_at=timezone.now())
    answer = filming.answer(1)
    answer.quality_status, answer.quality = QualityStatus.OK, {"fps": 30, "issues": []}
    answer.save()
    response = api_for(bw.hr_sh).get(f"/interviews/jobs/{bw.job.pk}/sessions")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    rows = {r["candidate_name"]: r for r in body["items"]}
    assert rows["甲"]["state"] == "not_started" and rows["甲"]["session_id"] is None
    row = rows["乙"]
    assert row["application_id"] == filming.application.pk
    assert row["state"] == "recording" and row["state_label"] == "Recording"
    assert (row["position"], row["question_count"]) == (3, 3)
    assert row["invitation"]["id"] == filming.invitation.pk
    assert row["invitation"]["kind"] == "first" and row["invitation"]["expired"] is False
    assert row["upload"] == {
        "bytes_received": 4096,
        "last_data_at": row["upload"]["last_data_at"],
        "pending_chunks": 2,
        "pending_bytes": None,
        "online": True,
    }
    assert row["upload"]["last_data_at"] is not None
    assert row["integrity"] == {"tab_switches": 0, "fullscreen_exits": 0, "pastes": 1}
    assert row["quality"][0]["position"] == 1 and row["quality"][0]["fps"] == 30.0
    assert row["anomalies"] == []


def test_state_filter_anomaly_codes_and_paging(bw, api_for):
    gone = bw.invite("甲")
    bw.answering_text(gone)
    InterviewSession.objects.filter(invitation=gone.invitation).update(last_seen_at=ago(minutes=9))
    for name in ("乙", "丙"):
        bw.invite(name)
    api = api_for(bw.hr_sh)
    url = f"/interviews/jobs/{bw.job.pk}/sessions"
    problems = api.get(url, state="problem").json()
    assert problems["count"] == 1
    assert [a["code"] for a in problems["items"][0]["anomalies"]] == ["left_midway"]
    assert "9 min" in problems["items"][0]["anomalies"][0]["message"]
    page = api.get(url, page_size=2, page=2).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert api.get(url, state="bogus").status_code == 422
    assert api.get(url, page_size=1000).status_code == 422


def test_scoping_and_scopes(bw, api_for):
    started = bw.invite("甲")
    bw.guide(started)
    other = bw.invite("乙")
    url = f"/interviews/jobs/{bw.job.pk}/sessions"
    assert api_for(bw.hr_sz).get(url).status_code == 404
    assert api_for(bw.manager_tech).get(url).status_code == 404
    assert api_for(bw.hr_sh).get("/interviews/jobs/999999/sessions").status_code == 404
    assert api_for(bw.hr_sh, scopes=["jobs:read"]).get(url).status_code == 403
    assign(other.application, bw.interviewer)
    seen = api_for(bw.interviewer).get(url).json()["items"]
    assert [r["application_id"] for r in seen] == [other.application.pk]
    detail = f"/interviews/sessions/{started.session.pk}"
    assert api_for(bw.hr_sz).get(detail).status_code == 404
    assert api_for(bw.interviewer).get(detail).status_code == 404
    assert api_for(bw.manager_sales).get(detail).status_code == 200


def test_session_detail_has_answers_events_recordings_consents(bw, api_for, tmp_path):
    started = bw.invite("甲")
    session = bw.recording_video(started)
    session_events_record(
        session=session,
        events=[
            EventInput(kind="mark", position=3, offset_ms=42_000),
            EventInput(kind="online"),
        ],
    )
    good = verified(started, tmp_path)
    recording_row(started, segment=1, status=RecordingStatus.UPLOADING, offset=77)
    response = api_for(bw.hr_sh).get(f"/interviews/sessions/{session.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "answering" and body["invitation_kind"] == "first"
    assert {c["kind"]: c["granted"] for c in body["consents"]} == {
        "recording": True,
        "ai_analysis": True,
        "biometric": True,
    }
    assert all(len(c["notice_sha256"]) == 64 for c in body["consents"])
    text, choice, video = body["answers"]
    assert text["answer_type"] == "text" and text["text"] == "我会先倾听，再给出方案。"
    assert choice["choice"] == ["A"] and choice["question_text"] == "面对犹豫的客户你会先做什么？"
    assert video["status"] == "recording" and video["file"] is None
    assert [e["kind"] for e in video["events"]] == ["mark"]
    assert video["events"][0]["offset_ms"] == 42_000 and video["events"][0]["position"] == 3
    assert [e["kind"] for e in body["events"]] == ["online"]
    recordings = {r["id"]: r for r in video["recordings"]}
    assert recordings[str(good.pk)]["media_url"] == (f"/api/interviews/recordings/{good.pk}/media")
    others = [r for r in video["recordings"] if r["id"] != str(good.pk)]
    assert others[0]["media_url"] is None and others[0]["bytes_received"] == 77


def test_application_sessions_include_re_records_newest_first(bw, api_for):
    started = bw.invite("甲")
    bw.guide(started)
    again = invitation_reinvite(actor=bw.hr_sh, application=started.application)
    session_open(invitation=again)
    sessions = api_for(bw.hr_sh).get(f"/interviews/applications/{started.application.pk}/sessions")
    assert sessions.status_code == 200
    kinds = [s["invitation_kind"] for s in sessions.json()]
    assert kinds == ["re_record", "first"]
    url = f"/interviews/applications/{started.application.pk}/sessions"
    assert api_for(bw.hr_sz).get(url).status_code == 404


def test_media_and_file_through_the_api(bw, api_for, tmp_path):
    started = bw.invite()
    bw.recording_video(started)
    recording = verified(started, tmp_path)
    api = api_for(bw.hr_sh)
    url = f"/interviews/recordings/{recording.pk}/media"
    response = api.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == MEDIA
    assert response["Content-Disposition"].startswith("attachment")
    part = api.client.get(f"/api{url}", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and b"".join(part.streaming_content) == MEDIA[100:200]
    assert AuditEvent.objects.filter(action="recording.download").count() == 1
    assert api_for(bw.hr_sz).get(url).status_code == 404
    text_answer = started.answer(1)
    assert api.get(f"/interviews/answers/{text_answer.pk}/file").status_code == 404


def test_openapi_documents_the_schemas(bw, api_for):
    schema = api_for(bw.hr_sh).client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/interviews/jobs/{job_id}/sessions" in paths
    assert "/api/interviews/sessions/{session_id}" in paths
    components = schema["components"]["schemas"]
    row = components["SessionRowOut"]["properties"]
    assert {"state", "anomalies", "upload", "integrity", "quality", "invitation"} <= set(row)
    assert set(components["AnomalyOut"]["properties"]) == {"code", "message"}
    assert "answers" in components["SessionDetailOut"]["properties"]
