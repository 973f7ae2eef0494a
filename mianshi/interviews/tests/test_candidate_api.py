"""The candidate API's edges: who may use a link, consent records, device and network checks,
events, heartbeats, and input no server should choke on (always a 4xx, never a 500)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mianshi.interviews.models import (
    Consent,
    ConsentKind,
    EventKind,
    InterviewSession,
    SessionEvent,
    SessionState,
)
from mianshi.interviews.notices import NOTICE_VERSION, NOTICES
from mianshi.interviews.selectors import candidate_integrity_counts
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import CandidateApi, Interview
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.services import invitation_create, invitation_revoke

CONSENT = {
    "recording": True,
    "ai_analysis": True,
    "biometric": False,
    "notice_version": NOTICE_VERSION,
}
WRITES = [
    ("consent", CONSENT),
    ("device-check", {"camera": True, "microphone": True}),
    ("questions/1/start", None),
    ("questions/1/record", None),
    ("questions/1/text", {"text": "x"}),
]


# --- who may use a link ------------------------------------------------------------------


def test_unknown_token_is_not_found_everywhere(db: Any) -> None:
    api = CandidateApi("no-such-token-" + "x" * 30)
    assert api.get().status_code == 404
    assert api.get().json()["code"] == "unknown_link"
    for path, body in [*WRITES, ("heartbeat", {}), ("events", {"events": []}), ("finish", None)]:
        assert api.refused(path, 404, body)["code"] == "unknown_link"
    long = CandidateApi("x" * 5000)
    assert long.get().status_code == 404


def _expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )


def test_expired_link_is_gone_with_a_clear_message(three: Interview) -> None:
    three.api.guided_start()
    _expire(three.invitation)
    body = three.api.get().json()
    assert three.api.get().status_code == 410
    assert body["code"] == "expired" and "expired" in body["detail"]
    for path, data in [*WRITES, ("heartbeat", {}), ("events", {"events": []})]:
        assert three.api.refused(path, 410, data)["code"] == "expired"


def test_revoked_and_superseded_links_are_gone(three: Interview) -> None:
    invitation_revoke(actor=three.hr, invitation=three.invitation)
    assert three.api.refused("consent", 410, CONSENT)["code"] == "revoked"
    assert three.api.get().status_code == 410
    newer, token = invitation_create(actor=three.hr, application=three.application)
    assert CandidateApi(token).get().status_code == 200
    first_again = Invitation.objects.get(pk=newer.pk)
    # Inviting again supersedes the newer one in turn.
    invitation_create(actor=three.hr, application=three.application)
    assert CandidateApi(token).refused("consent", 410, CONSENT)["code"] == "superseded"
    assert first_again.pk != three.invitation.pk


def test_each_token_sees_only_its_own_session(three: Interview, org: Any, hr: Any) -> None:
    from mianshi.interviews.tests.candidate_fixtures import invite, question
    from mianshi.jobs.models import AnswerType

    unit = org.sh_sales
    other = invite(unit, hr, [question(unit, hr, AnswerType.TEXT, "另一份面试")], name="李四")
    three.api.guided_start()
    other_state = other.api.state()
    assert other_state["session"]["state"] == SessionState.NOT_STARTED
    assert len(other_state["questions"]) == 1
    assert InterviewSession.objects.count() == 2
    # Acting with one token never touches the other session.
    other.api.guided_start()
    other.api.ok("questions/1/start")
    assert three.session.phase == "ready" and three.session.current_position == 0


# --- consent -------------------------------------------------------------------------------


def test_consent_rows_carry_the_exact_notice_hash(three: Interview) -> None:
    three.api.client.cookies["django_language"] = "en"
    state = three.api.state()
    assert state["consent"]["notices"][ConsentKind.RECORDING].startswith("I agree")
    given = three.api.ok("consent", CONSENT)
    assert given["state"] == SessionState.GUIDE
    assert given["given"] == {"recording": True, "ai_analysis": True, "biometric": False}
    rows = {c.kind: c for c in Consent.objects.filter(session=three.session)}
    assert set(rows) == set(ConsentKind.values)
    for kind, row in rows.items():
        shown = NOTICES["en"][kind]
        assert row.notice_sha256 == hashlib.sha256(shown.encode()).hexdigest()
        assert row.notice_version == NOTICE_VERSION and row.language == "en"
    assert rows[ConsentKind.BIOMETRIC].granted is False


def test_chinese_consent_is_hashed_from_the_chinese_text(three: Interview) -> None:
    three.api.client.cookies["django_language"] = "zh-hans"
    three.api.ok("consent", CONSENT)
    row = Consent.objects.get(session=three.session, kind=ConsentKind.AI_ANALYSIS)
    shown = NOTICES["zh-hans"][ConsentKind.AI_ANALYSIS]
    assert row.language == "zh-hans"
    assert row.notice_sha256 == hashlib.sha256(shown.encode()).hexdigest()
    assert three.api.state()["consent"]["given"]["ai_analysis"] is True


def test_refusing_recording_stores_nothing_and_stops(three: Interview) -> None:
    body = three.api.refused("consent", 409, {**CONSENT, "recording": False})
    assert body["code"] == "recording_consent_required"
    assert not Consent.objects.exists()
    assert three.session.state == SessionState.NOT_STARTED


def test_a_changed_notice_must_be_read_again(three: Interview) -> None:
    body = three.api.refused("consent", 409, {**CONSENT, "notice_version": "1999-01"})
    assert body["code"] == "notice_changed"
    assert not Consent.objects.exists()


def test_consent_may_be_changed_later_the_latest_counts(three: Interview) -> None:
    three.api.ok("consent", CONSENT)
    three.api.ok("consent", {**CONSENT, "ai_analysis": False})
    assert three.api.state()["consent"]["given"]["ai_analysis"] is False
    assert Consent.objects.filter(session=three.session).count() == 6


# --- device and network checks ------------------------------------------------------------


def test_device_check_is_stored_for_the_board(three: Interview) -> None:
    three.api.ok("consent", CONSENT)
    check = {
        "camera": True,
        "microphone": True,
        "level_db": -32.5,
        "network_kbps": 850.0,
        "problems": ["quiet_microphone"],
    }
    three.api.ok("device-check", check)
    stored = three.session.device_check
    assert stored["level_db"] == -32.5 and stored["problems"] == ["quiet_microphone"]
    assert "at" in stored
    assert three.api.state()["session"]["device_checked"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"camera": "yes", "microphone": True},
        {"camera": True},
        {"camera": True, "microphone": True, "level_db": 1e308},
        {"camera": True, "microphone": True, "problems": ["x"] * 21},
    ],
)
def test_device_check_refuses_bad_values(three: Interview, body: dict[str, Any]) -> None:
    three.api.ok("consent", CONSENT)
    assert three.api.refused("device-check", 422, body)["code"] == "invalid"
    assert three.session.device_check == {}


def test_device_check_refuses_not_a_number(three: Interview) -> None:
    three.api.ok("consent", CONSENT)
    raw = '{"camera": true, "microphone": true, "level_db": NaN}'
    response = three.api.client.post(
        three.api.base + "device-check", raw, content_type="application/json"
    )
    assert response.status_code == 422
    assert three.session.device_check == {}


def test_network_probe_takes_up_to_512_kib(three: Interview) -> None:
    url = three.api.base + "network-check"
    ok = three.api.client.post(url, b"\x00" * (500 * 1024), content_type="application/octet-stream")
    assert ok.status_code == 204
    big = three.api.client.post(url, b"0" * (600 * 1024), content_type="application/octet-stream")
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    unknown = Client().post("/i/api/nope/network-check", b"1", content_type="text/plain")
    assert unknown.status_code == 404


# --- events and heartbeats ----------------------------------------------------------------


def _event(kind: str, **kw: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "position": None,
        "offset_ms": None,
        "client_at": None,
        "detail": {},
        **kw,
    }


def test_events_are_stored_with_their_answer_and_counted(three: Interview) -> None:
    three.api.guided_start()
    batch = [
        _event("tab_hidden", position=1, offset_ms=12_000, client_at="2025-03-01T10:00:00+08:00"),
        _event("tab_hidden", position=1, offset_ms=15_000),
        _event("paste", position=2, detail={"length": 120}),
        _event("mark", position=1, offset_ms=30_000),
        _event("offline"),
    ]
    assert three.api.ok("events", {"events": batch}) == {"stored": 5}
    rows = list(SessionEvent.objects.filter(session=three.session).order_by("id"))
    assert rows[0].answer is not None and rows[0].answer.position == 1
    assert rows[0].client_at == dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)
    assert rows[2].detail == {"length": 120}
    assert rows[4].answer is None
    counts = candidate_integrity_counts(three.session)
    assert counts == {1: {EventKind.TAB_HIDDEN: 2}, 2: {EventKind.PASTE: 1}}


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([_event("telepathy")], 422),
        ([_event("mark", position=9)], 422),
        ([_event("mark", offset_ms=-1)], 422),
        ([_event("mark", offset_ms=99_999_999_999_999_999_999)], 422),
        ([_event("mark", detail={"x": "y" * 5000})], 422),
        ([_event("mark", detail="text")], 422),
        ([_event("mark", client_at="yesterday")], 422),
        ([_event("mark")] * 201, 422),
    ],
)
def test_bad_event_batches_store_nothing(three: Interview, events: Any, status: int) -> None:
    good = _event("online")
    three.api.refused("events", status, {"events": [good, *events]})
    assert not SessionEvent.objects.exists()


def test_heartbeat_updates_the_session_cheaply(
    three: Interview, django_assert_max_num_queries: Any
) -> None:
    three.api.state()
    beat = {
        "phase": "answer",
        "position": 1,
        "pending_chunks": 3,
        "pending_bytes": 120_000,
        "online": True,
        "camera": "live",
    }
    with django_assert_max_num_queries(3):
        response = three.api.post("heartbeat", beat)
    assert response.status_code == 204
    session = three.session
    assert session.last_seen_at is not None
    assert session.client_state["pending_chunks"] == 3 and session.client_state["camera"] == "live"
    refused = three.api.refused("heartbeat", 422, {**beat, "pending_bytes": -5})
    assert refused["code"] == "invalid"
    # What a page reports before it knows its state, and yes/no camera states.
    assert three.api.post("heartbeat", {"phase": None, "camera": True}).status_code == 204
    assert three.api.refused("heartbeat", 422, {"camera": "x" * 50})["code"] == "invalid"
    assert three.api.refused("heartbeat", 422, {"camera": {"on": 1}})["code"] == "invalid"


def test_heartbeat_and_events_go_on_while_a_finished_interview_uploads(three: Interview) -> None:
    three.api.state()
    Invitation.objects.filter(pk=three.invitation.pk).update(status=InvitationStatus.COMPLETED)
    InterviewSession.objects.filter(invitation=three.invitation).update(
        state=SessionState.UPLOADING
    )
    assert three.api.post("heartbeat", {"pending_chunks": 2}).status_code == 204
    assert three.api.ok("events", {"events": [_event("online")]}) == {"stored": 1}
    assert three.api.refused("consent", 410, CONSENT)["code"] == "completed"


# --- input no server should choke on --------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ['{"recording": true,', "[1, 2]", '"text"', "null", "{" * 100_000 + "}" * 100_000],
)
def test_malformed_bodies_are_refused_with_422(three: Interview, raw: str) -> None:
    response = three.api.client.post(
        three.api.base + "consent", raw, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["code"] in ("malformed", "invalid")
    assert not Consent.objects.exists()


def test_wrong_types_and_huge_numbers_are_refused(three: Interview) -> None:
    api = three.api
    assert api.refused("consent", 422, {**CONSENT, "recording": "true"})["code"] == "invalid"
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    huge = {"attempt": 10**30, "recordings": []}
    assert api.refused("questions/1/finish", 422, huge)["code"] == "invalid"
    nested = {"attempt": 1, "recordings": [{"id": "not-a-uuid", "duration_ms": 1}]}
    assert api.refused("questions/1/finish", 422, nested)["code"] == "invalid"
    long = {
        "attempt": 1,
        "recordings": [{"id": "00000000-0000-0000-0000-000000000000", "duration_ms": 10**12}],
    }
    assert api.refused("questions/1/finish", 422, long)["code"] == "invalid"


def test_nul_characters_are_refused_before_anything_is_saved(three: Interview) -> None:
    raw = json.dumps({**CONSENT, "notice_version": "2025\u000001"})
    response = Client().post(three.api.base + "consent", raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Consent.objects.exists()
