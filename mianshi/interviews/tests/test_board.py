"""The live board (F-50): states, anomalies with their thresholds, upload health, signals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mianshi.interviews.models import (
    AnswerStatus,
    InterviewSession,
    QualityStatus,
    RecordingStatus,
    SessionState,
)
from mianshi.interviews.selectors_board import BoardState, job_board
from mianshi.interviews.services import EventInput, session_events_record, session_heartbeat
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import ago, recording_row
from mianshi.invitations.models import Invitation, InvitationStatus

pytestmark = pytest.mark.django_db
JUST_UNDER, JUST_OVER = dt.timedelta(minutes=2, seconds=59), dt.timedelta(minutes=3, seconds=1)


def rows(bw: Any, now: dt.datetime | None = None) -> dict[int, Any]:
    board = job_board(user=bw.hr_sh, job=bw.job, now=now)
    return {r.application.pk: r for r in board.rows}


def row_of(bw: Any, started: Any, now: dt.datetime | None = None) -> Any:
    return rows(bw, now)[started.application.pk]


def codes(row: Any) -> list[str]:
    return [a.code for a in row.anomalies]


def set_session(started: Any, **fields: Any) -> None:
    InterviewSession.objects.filter(invitation=started.invitation).update(**fields)


def test_each_state_follows_the_candidate_through_the_flow(bw):
    _waiting, guided, writing, filming, uploading, done = (
        bw.invite(n) for n in ("甲", "乙", "丙", "丁", "戊", "己")
    )
    bw.guide(guided)
    bw.answering_choice(writing)
    bw.recording_video(filming)
    bw.recording_video(uploading)
    set_session(uploading, state=SessionState.UPLOADING, last_data_at=timezone.now())
    bw.guide(done)
    set_session(done, state=SessionState.DONE, current_position=3)

    board = job_board(user=bw.hr_sh, job=bw.job)
    got = {r.candidate_name: r for r in board.rows}
    assert {name: r.state for name, r in got.items()} == {
        "甲": BoardState.NOT_STARTED,
        "乙": BoardState.GUIDE,
        "丙": BoardState.RECORDING,
        "丁": BoardState.RECORDING,
        "戊": BoardState.UPLOADING,
        "己": BoardState.DONE,
    }
    assert all(not r.anomalies for r in board.rows)
    assert (got["丙"].position, got["丙"].total) == (2, 3)
    assert got["丙"].question_text == "面对犹豫的客户你会先做什么？"
    assert (got["丁"].position, got["丁"].question_text) == (3, "请讲述一次你说服客户的经历。")
    assert got["甲"].position is None and got["甲"].session is None
    assert board.counts == {
        "not_started": 1,
        "guide": 1,
        "recording": 2,
        "uploading": 1,
        "done": 1,
    }
    assert str(got["丙"].state_label) == "Recording"


def test_left_mid_way_after_three_quiet_minutes(bw):
    started = bw.invite()
    bw.answering_text(started)
    now = timezone.now()
    set_session(started, last_seen_at=now - JUST_UNDER)
    assert row_of(bw, started, now).state == BoardState.RECORDING
    set_session(started, last_seen_at=now - JUST_OVER)
    row = row_of(bw, started, now)
    assert row.state == BoardState.PROBLEM and codes(row) == ["left_midway"]
    assert "not seen for 3 min" in row.anomalies[0].message
    # Back again: the heartbeat clears it.
    session_heartbeat(session_id=started.session.pk, client_state={"online": True})
    assert row_of(bw, started).state == BoardState.RECORDING


def test_no_data_while_recording_after_three_minutes(bw):
    started = bw.invite()
    session = bw.recording_video(started)
    later = session.phase_started_at + JUST_OVER
    set_session(started, last_seen_at=later)  # the page is open, only the bytes stopped
    assert codes(row_of(bw, started, later)) == ["no_data"]
    assert not row_of(bw, started, session.phase_started_at + JUST_UNDER).anomalies
    recording_row(started, offset=50_000, last_chunk_at=later - dt.timedelta(minutes=1))
    assert not row_of(bw, started, later).anomalies
    set_session(started, last_data_at=later - JUST_OVER)
    assert codes(row_of(bw, started, later + dt.timedelta(minutes=2, seconds=2))) == ["no_data"]


def test_written_answers_send_no_data_and_are_not_flagged_for_it(bw):
    started = bw.invite()
    session = bw.answering_text(started)
    later = session.phase_started_at + dt.timedelta(minutes=10)
    set_session(started, last_seen_at=later)
    assert not row_of(bw, started, later).anomalies


def test_upload_stuck_when_a_finished_recording_stops_receiving(bw):
    started = bw.invite()
    bw.recording_video(started)
    started.answer(3).__class__.objects.filter(pk=started.answer(3).pk).update(
        status=AnswerStatus.UPLOADING
    )
    set_session(started, last_seen_at=timezone.now())
    recording = recording_row(started, offset=9000, last_chunk_at=ago(minutes=2))
    assert "upload_stuck" not in codes(row_of(bw, started))
    recording.__class__.objects.filter(pk=recording.pk).update(last_chunk_at=ago(minutes=4))
    assert "upload_stuck" in codes(row_of(bw, started))


def test_uploading_session_without_data_is_stuck(bw):
    started = bw.invite()
    bw.guide(started)
    set_session(started, state=SessionState.UPLOADING, last_data_at=ago(minutes=2))
    assert row_of(bw, started).state == BoardState.UPLOADING
    set_session(started, last_data_at=ago(minutes=5))
    assert codes(row_of(bw, started)) == ["upload_stuck"]


def test_failed_verification_and_quality_and_covered_camera(bw):
    started = bw.invite()
    bw.recording_video(started)
    set_session(started, last_seen_at=timezone.now(), last_data_at=timezone.now())
    recording_row(started, status=RecordingStatus.FAILED, error="duration mismatch")
    assert codes(row_of(bw, started)) == ["verification_failed"]
    answer = started.answer(3)
    answer.quality_status = QualityStatus.FAIL
    answer.quality = {
        "verdict": "needs_rerecord",
        "issues": [{"code": "low_fps", "severity": "fail"}],
        "integrity": [{"code": "camera_covered", "start": 3.0, "end": 9.5}],
        "fps": 12.4,
        "width": 640,
        "height": 480,
        "audio_level_dbfs": -31.6,
    }
    answer.save()
    row = row_of(bw, started)
    assert codes(row) == ["verification_failed", "camera_covered", "quality_failed"]
    assert "question 3" in row.anomalies[1].message
    (quality,) = row.quality
    assert (quality.position, quality.status, quality.fps) == (3, "fail", 12.4)
    assert (quality.width, quality.height, quality.audio_db) == (640, 480, -31.6)
    assert quality.issues == ("low_fps", "camera_covered")


def test_checked_answer_without_problems_shows_its_figures_only(bw):
    started = bw.invite()
    bw.recording_video(started)
    set_session(started, state=SessionState.DONE)
    answer = started.answer(3)
    answer.quality_status, answer.quality = QualityStatus.OK, {"fps": 30.0, "width": 1280}
    answer.save()
    row = row_of(bw, started)
    assert row.state == BoardState.DONE and not row.anomalies
    assert row.quality[0].fps == 30.0 and row.quality[0].height is None


def test_an_answer_being_checked_shows_no_figures_yet(bw):
    started = bw.invite()
    bw.recording_video(started)
    set_session(started, state=SessionState.DONE)
    answer = started.answer(3)
    answer.quality_status, answer.quality_claimed_at = QualityStatus.CHECKING, timezone.now()
    answer.save()
    row = row_of(bw, started)
    assert row.quality == [] and not row.anomalies


def test_flag_without_a_specific_cause_is_shown_with_its_reason(bw):
    started = bw.invite()
    bw.guide(started)
    set_session(started, state=SessionState.DONE, flagged=True, flag_reason="Recording missing")
    row = row_of(bw, started)
    assert [(a.code, a.message) for a in row.anomalies] == [("flagged", "Recording missing")]


def test_expired_link_before_the_end_is_a_problem_but_not_after_it(bw):
    unused, finished = bw.invite("甲"), bw.invite("乙")
    bw.guide(finished)
    set_session(finished, state=SessionState.DONE)
    Invitation.objects.filter(pk__in=[unused.invitation.pk, finished.invitation.pk]).update(
        expires_at=ago(hours=1)
    )
    got = rows(bw)
    assert codes(got[unused.application.pk]) == ["expired"]
    assert got[unused.application.pk].invitation_expired
    assert not got[finished.application.pk].anomalies


def test_old_closed_invitations_leave_the_board_open_ones_stay(bw):
    old_closed, old_open, fresh = bw.invite("甲"), bw.invite("乙"), bw.invite("丙")
    Invitation.objects.filter(pk=old_closed.invitation.pk).update(
        created_at=ago(days=40), expires_at=ago(days=38), status=InvitationStatus.REVOKED
    )
    Invitation.objects.filter(pk=old_open.invitation.pk).update(
        created_at=ago(days=40), expires_at=ago(days=-5)
    )
    assert set(rows(bw)) == {old_open.application.pk, fresh.application.pk}


def test_upload_health_and_integrity_counts(bw):
    started = bw.invite()
    session = bw.recording_video(started)
    session_heartbeat(
        session_id=session.pk,
        client_state={"pending_chunks": 3, "pending_bytes": 3_000_000, "online": False},
    )
    recording_row(started, offset=400_000, last_chunk_at=timezone.now(), segment=0)
    recording_row(started, offset=100_000, last_chunk_at=timezone.now(), segment=1)
    recording_row(started, offset=7_000_000, status=RecordingStatus.TERMINATED)
    kinds = ["tab_hidden", "tab_hidden", "window_blur", "fullscreen_exit", "paste", "paste"]
    events = [EventInput(kind=k, position=1, offset_ms=1000 * i) for i, k in enumerate(kinds)]
    session_events_record(session=session, events=[*events, EventInput(kind="mark")])
    row = row_of(bw, started)
    assert (row.pending_chunks, row.pending_bytes, row.online) == (3, 3_000_000, False)
    assert row.bytes_received == 500_000 and row.last_data_at is not None
    assert (row.tab_switches, row.fullscreen_exits, row.pastes) == (3, 1, 2)


def test_browser_reported_garbage_is_not_trusted(bw):
    started = bw.invite()
    session = bw.guide(started)
    session_heartbeat(
        session_id=session.pk,
        client_state={"pending_chunks": "many", "pending_bytes": -5, "online": "yes"},
    )
    row = row_of(bw, started)
    assert (row.pending_chunks, row.pending_bytes, row.online) == (None, None, None)
