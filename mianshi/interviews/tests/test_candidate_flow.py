"""The candidate's way through the questions over the JSON API: order, timers, retakes,
reloads, written/chosen/file answers, and what it does to the invitation and application."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from mianshi.candidates.models import ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.common.crypto import decrypt_bytes, decrypt_str
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    InterviewSession,
    Phase,
    Recording,
    SessionState,
)
from mianshi.interviews.services import answer_accepts_upload
from mianshi.interviews.services.submissions import file_context
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import (
    CandidateApi,
    Interview,
    invite,
    question,
)
from mianshi.invitations.models import InvitationStatus
from mianshi.jobs.models import AnswerType, TemplateQuestion

WEBM = b"\x1aE\xdf\xa3" + b"\x00" * 1000  # bytes only: these tests never verify media


# --- helpers -----------------------------------------------------------------------------


def tus_create(
    token: str, position: int, attempt: int, segment: int = 0, mode: str = "stream"
) -> Any:
    def b64(v: Any) -> str:
        return base64.b64encode(str(v).encode()).decode()

    meta = {"position": position, "attempt": attempt, "segment": segment, "mode": mode}
    meta["filetype"] = "video/webm"
    return Client().post(
        f"/i/{token}/tus/",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Defer-Length": "1",
            "Upload-Metadata": ",".join(f"{k} {b64(v)}" for k, v in meta.items()),
        },
    )


def tus_send(url: str, data: bytes, *, final: bool = False) -> Any:
    headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": "0"}
    if final:
        headers["Upload-Length"] = str(len(data))
    return Client().generic(
        "PATCH", url, data, content_type="application/offset+octet-stream", headers=headers
    )


def record_take(interview: Interview, position: int, attempt: int, segment: int = 0) -> str:
    """Create a segment over tus and send some bytes (still uploading: no final length)."""
    created = tus_create(interview.token, position, attempt, segment)
    assert created.status_code == 201, created.content
    url = created["Location"]
    assert tus_send(url, WEBM).status_code == 204
    return url.rsplit("/", 1)[-1]


def rewind(session: InterviewSession, seconds: float) -> None:
    """Pretend the current phase started `seconds` earlier (time passes on the server)."""
    started = InterviewSession.objects.get(pk=session.pk).phase_started_at
    assert started is not None
    InterviewSession.objects.filter(pk=session.pk).update(
        phase_started_at=started - dt.timedelta(seconds=seconds)
    )


def answer(interview: Interview, position: int) -> Answer:
    return Answer.objects.get(session__invitation=interview.invitation, position=position)


# --- the whole interview ------------------------------------------------------------------


def test_three_question_interview_from_invitation_to_interview_done(three: Interview) -> None:
    api = three.api
    assert three.application.stage == Stage.INVITED
    state = api.state()
    assert state["session"]["state"] == SessionState.NOT_STARTED
    assert [q["answer_type"] for q in state["questions"]] == ["video", "text", "choice"]
    api.guided_start()
    assert api.state()["session"]["state"] == SessionState.GUIDE

    started = api.ok("questions/1/start")
    assert started["session"]["phase"] == Phase.PREP
    assert started["question"]["text"] == "请做一个简短的自我介绍。"
    three.application.refresh_from_db()
    assert three.application.stage == Stage.INTERVIEWING
    three.invitation.refresh_from_db()
    assert three.invitation.status == InvitationStatus.STARTED

    recorded = api.ok("questions/1/record")
    assert recorded["attempt"] == 1 and 59_000 < recorded["remaining_ms"] <= 60_000
    rec_id = record_take(three, 1, 1)
    done = api.ok(
        "questions/1/finish",
        {"attempt": 1, "recordings": [{"id": rec_id, "duration_ms": 5200, "interrupted": False}]},
    )
    assert done["session"]["phase"] == Phase.REVIEW
    assert done["question"]["status"] == AnswerStatus.UPLOADING
    assert done["question"]["recordings"][0]["id"] == rec_id
    assert Recording.objects.get(pk=rec_id).reported_ms == 5200
    assert answer(three, 1).reported_ms == 5200
    api.ok("questions/1/next")

    assert api.ok("questions/2/start")["session"]["phase"] == Phase.ANSWER
    api.ok("questions/2/text", {"text": "  我理解这个岗位需要耐心和沟通。\r\n谢谢。 "})
    assert answer(three, 2).text == "我理解这个岗位需要耐心和沟通。\n谢谢。"
    assert answer(three, 2).status == AnswerStatus.COMPLETE

    shown = api.ok("questions/3/start")["question"]
    assert [c["key"] for c in shown["choices"]] == ["A", "B", "C"]
    last = api.ok("questions/3/choice", {"keys": ["C", "A"]})
    assert answer(three, 3).choice == ["A", "C"]
    assert last["session"]["current_position"] is None
    assert last["session"]["current_index"] == 3

    finished = api.ok("finish")
    # The video answer still waits for its bytes: the session uploads, the invitation is done.
    assert finished["session"]["state"] == SessionState.UPLOADING
    three.invitation.refresh_from_db()
    assert three.invitation.status == InvitationStatus.COMPLETED
    three.application.refresh_from_db()
    assert three.application.stage == Stage.INTERVIEW_DONE
    moves = ApplicationTransition.objects.filter(application=three.application)
    assert list(moves.order_by("id").values_list("to_stage", flat=True))[-2:] == [
        Stage.INTERVIEWING,
        Stage.INTERVIEW_DONE,
    ]
    # Finishing again changes nothing; the state stays readable for the done page.
    assert api.ok("finish")["session"]["state"] == SessionState.UPLOADING
    assert api.state()["session"]["state"] == SessionState.UPLOADING
    # Other writes are refused now that the interview is completed.
    assert api.refused("questions/3/start", 410)["code"] == "completed"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"interview_session.open", "interview_session.consent"} <= actions
    assert {"interview_session.start", "interview_session.finish", "answer.submit"} <= actions


def test_session_done_at_once_when_nothing_is_pending(org: Any, hr: Any) -> None:
    unit = org.sh_sales
    interview = invite(unit, hr, [question(unit, hr, AnswerType.TEXT, "写一段话。")])
    api = interview.api
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/text", {"text": "一段话"})
    assert api.ok("finish")["session"]["state"] == SessionState.DONE
    assert interview.session.finished_at is not None


def test_finish_before_every_question_is_answered_is_refused(three: Interview) -> None:
    three.api.guided_start()
    assert three.api.refused("finish", 409)["code"] == "questions_left"
    assert three.session.state == SessionState.GUIDE
    three.invitation.refresh_from_db()
    assert three.invitation.status != InvitationStatus.COMPLETED


# --- the order of steps --------------------------------------------------------------------


def test_questions_wait_for_consent_then_device_check(three: Interview) -> None:
    api = three.api
    assert api.refused("questions/1/start", 409)["code"] == "consent_required"
    refused = api.refused("device-check", 409, {"camera": True, "microphone": True})
    assert refused["code"] == "consent_required"
    version = api.state()["consent"]["notice_version"]
    api.ok(
        "consent",
        {"recording": True, "ai_analysis": True, "biometric": True, "notice_version": version},
    )
    assert api.refused("questions/1/start", 409)["code"] == "device_check"
    api.ok("device-check", {"camera": False, "microphone": True, "problems": ["camera_denied"]})
    assert api.refused("questions/1/start", 409)["code"] == "device_not_working"
    api.ok("device-check", {"camera": True, "microphone": True})
    api.ok("questions/1/start")


def test_questions_strictly_in_order(three: Interview) -> None:
    api = three.api
    api.guided_start()
    assert api.refused("questions/2/start", 409)["code"] == "not_current"
    assert api.refused("questions/1/record", 409)["code"] == "not_started"
    assert api.refused("questions/1/finish", 409, {"attempt": 1})["code"] == "not_recording"
    assert api.refused("questions/1/retake", 409)["code"] == "not_review"
    assert api.refused("questions/1/next", 409)["code"] == "not_finished"
    api.ok("questions/1/start")
    assert api.refused("questions/2/text", 409, {"text": "抢答"})["code"] == "not_current"
    assert answer(three, 2).text == ""
    assert three.session.current_position == 0


@pytest.mark.parametrize("position", ["0", "4", "-1", "99999999999999999999999999"])
def test_positions_the_interview_lacks_are_not_found(three: Interview, position: str) -> None:
    three.api.guided_start()
    body = three.api.refused(f"questions/{position}/start", 404)
    assert body["code"] == "no_such_question"


def test_a_position_that_is_no_number_is_refused(three: Interview) -> None:
    assert three.api.post("questions/one/start").status_code == 422


def test_answers_only_of_the_questions_type(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    assert api.refused("questions/1/text", 422, {"text": "文字"})["code"] == "wrong_answer_type"
    assert api.refused("questions/1/choice", 422, {"keys": ["A"]})["code"] == "wrong_answer_type"
    api.ok("questions/1/record")
    api.ok("questions/1/finish", {"attempt": 1})
    api.ok("questions/1/next")
    api.ok("questions/2/start")
    assert api.refused("questions/2/record", 422)["code"] == "wrong_answer_type"
    assert api.refused("questions/2/choice", 422, {"keys": ["A"]})["code"] == "wrong_answer_type"
    assert api.refused("questions/2/finish", 422, {"attempt": 1})["code"] == "wrong_answer_type"


# --- timers, reloads and retakes -----------------------------------------------------------


def test_question_text_is_revealed_when_its_clock_starts(three: Interview) -> None:
    api = three.api
    api.guided_start()
    questions = api.state()["questions"]
    assert all(q["text"] is None and q["choices"] == [] for q in questions)
    api.ok("questions/1/start")
    questions = api.state()["questions"]
    assert questions[0]["text"] and questions[1]["text"] is None


def test_reload_resumes_the_same_phase_with_the_server_clock(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    rewind(three.session, 4)
    state = api.state()["session"]
    assert state["phase"] == Phase.PREP and 5_000 < state["phase_remaining_ms"] <= 6_000
    # A repeated start (a retry) does not restart the prep countdown.
    again = api.ok("questions/1/start")["session"]
    assert again["phase_remaining_ms"] <= 6_000
    api.ok("questions/1/record")
    first = record_take(three, 1, 1, segment=0)
    rewind(three.session, 20)
    state = api.state()
    assert state["session"]["phase"] == Phase.ANSWER
    assert 39_000 < state["session"]["phase_remaining_ms"] <= 40_000
    assert state["questions"][0]["recordings"][0]["upload_url"].endswith(first)
    # After the reload the browser asks to record again: same attempt, the time left.
    resumed = api.ok("questions/1/record")
    assert resumed["attempt"] == 1 and resumed["remaining_ms"] <= 40_000
    second = record_take(three, 1, 1, segment=1)
    api.ok(
        "questions/1/finish",
        {
            "attempt": 1,
            "recordings": [
                {"id": first, "duration_ms": 20_000, "interrupted": True},
                {"id": second, "duration_ms": 15_000},
            ],
        },
    )
    # An interrupted segment's length is a guess: no total to compare against.
    assert answer(three, 1).reported_ms is None
    assert Recording.objects.get(pk=first).interrupted is True
    assert Recording.objects.get(pk=second).interrupted is False


def test_prep_time_zero_records_at_once(org: Any, hr: Any) -> None:
    unit = org.sh_sales
    interview = invite(
        unit, hr, [question(unit, hr, AnswerType.AUDIO, "直接回答。", prep_seconds=0)]
    )
    api = interview.api
    api.guided_start()
    started = api.ok("questions/1/start")
    assert started["session"]["phase"] == Phase.ANSWER
    assert started["question"]["attempt"] == 1
    assert answer(interview, 1).status == AnswerStatus.RECORDING


def test_retakes_only_as_the_question_allows(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    first = record_take(three, 1, 1)
    review = api.ok(
        "questions/1/finish", {"attempt": 1, "recordings": [{"id": first, "duration_ms": 9000}]}
    )
    assert review["question"]["retakes_left"] == 1
    retaken = api.ok("questions/1/retake")
    assert retaken["session"]["phase"] == Phase.READY
    assert retaken["question"]["attempt"] == 2 and retaken["question"]["retakes_left"] == 0
    # Seen already: the text stays visible before the second take starts.
    assert retaken["question"]["text"]
    assert retaken["question"]["recordings"] == []
    assert Recording.objects.get(pk=first).is_current is False
    # A replayed retake changes nothing.
    assert api.ok("questions/1/retake")["question"]["attempt"] == 2
    # The old take's upload may no longer be reported.
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    stale = api.refused(
        "questions/1/finish", 409, {"attempt": 1, "recordings": [{"id": first, "duration_ms": 1}]}
    )
    assert stale["code"] == "stale_attempt"
    second = record_take(three, 1, 2)
    # The last take allowed: no review, straight on to question 2.
    done = api.ok(
        "questions/1/finish", {"attempt": 2, "recordings": [{"id": second, "duration_ms": 9000}]}
    )
    assert done["session"]["current_position"] == 2
    assert api.refused("questions/1/retake", 409)["code"] == "not_current"
    assert answer(three, 1).attempt == 2


def test_finish_twice_gives_the_same_answer(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    rec = record_take(three, 1, 1)
    body = {"attempt": 1, "recordings": [{"id": rec, "duration_ms": 7000}]}
    first = api.ok("questions/1/finish", body)
    second = api.ok("questions/1/finish", body)
    assert first == second
    api.ok("questions/1/next")
    # Even after moving on, a late replay of the same finish is answered the same way.
    assert api.ok("questions/1/finish", body)["question"]["status"] == first["question"]["status"]
    assert three.session.current_position == 1


def test_a_take_with_nothing_uploaded_fails_and_is_flagged(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    review = api.ok("questions/1/finish", {"attempt": 1})
    assert review["question"]["status"] == AnswerStatus.FAILED
    session = three.session
    assert session.flagged and "1" in session.flag_reason
    slot = answer(three, 1)
    assert answer_accepts_upload(answer=slot, attempt=1, segment=0, mode="whole")
    # The candidate may still use the retake the question allows.
    assert api.ok("questions/1/retake")["question"]["status"] == AnswerStatus.PENDING


def test_finish_lists_only_this_takes_recordings(three: Interview, org: Any, hr: Any) -> None:
    unit = org.sh_sales
    other = invite(
        unit, hr, [question(unit, hr, AnswerType.VIDEO, "另一位候选人的问题。")], name="李四"
    )
    other.api.guided_start()
    other.api.ok("questions/1/start")
    other.api.ok("questions/1/record")
    foreign = record_take(other, 1, 1)
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    mine = record_take(three, 1, 1)
    body = {"attempt": 1, "recordings": [{"id": foreign, "duration_ms": 1000}]}
    assert api.refused("questions/1/finish", 422, body)["code"] == "unknown_recording"
    twice = {
        "attempt": 1,
        "recordings": [{"id": mine, "duration_ms": 1}, {"id": mine, "duration_ms": 2}],
    }
    assert api.refused("questions/1/finish", 422, twice)["code"] == "duplicate_recording"
    # Nothing was stored by the refusals.
    assert Recording.objects.get(pk=foreign).reported_ms is None
    assert answer(three, 1).status == AnswerStatus.RECORDING
    # The other candidate's upload URL is not found under this token.
    assert tus_send(f"/i/{three.token}/tus/{foreign}", b"x").status_code == 404


def test_uploads_accepted_only_for_the_current_take_in_time(three: Interview) -> None:
    api = three.api
    api.guided_start()
    api.ok("questions/1/start")
    slot = answer(three, 1)
    assert answer_accepts_upload(answer=slot, attempt=1, segment=0, mode="stream")
    api.ok("questions/1/record")
    assert answer_accepts_upload(answer=slot, attempt=1, segment=0, mode="stream") is None
    assert answer_accepts_upload(answer=slot, attempt=2, segment=0, mode="stream")
    assert answer_accepts_upload(answer=slot, attempt=1, segment=500, mode="stream")
    assert answer_accepts_upload(answer=slot, attempt=1, segment=0, mode="sideways")
    record_take(three, 1, 1)
    rewind(three.session, 60 + 31)  # answer time and the grace are over
    assert answer_accepts_upload(answer=slot, attempt=1, segment=1, mode="stream")
    # The whole-file fallback uploads after the recording stopped.
    assert answer_accepts_upload(answer=slot, attempt=1, segment=1, mode="whole") is None
    # Over tus too: a streamed segment is refused now.
    assert tus_create(three.token, 1, 1, segment=1).status_code == 409
    api.ok("questions/1/finish", {"attempt": 1})
    # Late segments of the finished take are still taken while it uploads.
    assert answer_accepts_upload(answer=slot, attempt=1, segment=1, mode="whole") is None
    text_slot = answer(three, 2)
    assert answer_accepts_upload(answer=text_slot, attempt=1, segment=0, mode="whole")


# --- written, chosen and file answers -------------------------------------------------------


def _to_question_2(api: CandidateApi) -> None:
    api.guided_start()
    api.ok("questions/1/start")
    api.ok("questions/1/record")
    api.ok("questions/1/finish", {"attempt": 1})
    api.ok("questions/1/next")


def test_text_answers_are_bounded_and_nothing_half_saved(three: Interview) -> None:
    api = three.api
    _to_question_2(api)
    assert api.refused("questions/2/text", 409, {"text": "太早"})["code"] == "not_started"
    api.ok("questions/2/start")
    assert api.refused("questions/2/text", 422, {"text": "字" * 20_001})["code"] == "too_long"
    assert api.refused("questions/2/text", 422, {"text": "   \n "})["code"] == "empty"
    assert api.refused("questions/2/text", 422, {"text": 42})["code"] == "invalid"
    slot = answer(three, 2)
    assert slot.text == "" and slot.status == AnswerStatus.PENDING
    assert three.session.current_position == 1
    api.ok("questions/2/text", {"text": "字" * 20_000})
    # The same text again (a retry after a lost answer) is accepted without change.
    api.ok("questions/2/text", {"text": "字" * 20_000})
    assert api.refused("questions/2/text", 409, {"text": "改主意了"})["code"] == "not_current"


def test_written_answer_after_the_time_is_over(three: Interview) -> None:
    api = three.api
    _to_question_2(api)
    api.ok("questions/2/start")
    assert api.refused("questions/2/next", 409)["code"] == "not_finished"
    rewind(three.session, 300 + 31)
    assert api.refused("questions/2/text", 409, {"text": "晚了"})["code"] == "time_over"
    moved = api.ok("questions/2/next")
    assert moved["question"]["status"] == AnswerStatus.FAILED
    assert moved["session"]["current_position"] == 3


def test_choices_must_be_offered_and_the_key_of_the_right_one_stays_secret(
    three: Interview,
) -> None:
    item = TemplateQuestion.objects.get(version=three.invitation.template_version, position=3)
    item.snapshot["choices"][0]["correct"] = True
    item.save()
    api = three.api
    _to_question_2(api)
    api.ok("questions/2/start")
    api.ok("questions/2/text", {"text": "回答"})
    started = api.ok("questions/3/start")
    assert "correct" not in str(started) and "correct" not in str(api.state())
    assert api.refused("questions/3/choice", 422, {"keys": ["Z"]})["code"] == "unknown_choice"
    assert (
        api.refused("questions/3/choice", 422, {"keys": ["A", "A"]})["code"] == "duplicate_choice"
    )
    assert api.refused("questions/3/choice", 422, {"keys": []})["code"] == "empty"
    assert api.refused("questions/3/choice", 422, {"keys": "A"})["code"] == "invalid"
    assert answer(three, 3).choice == []
    api.ok("questions/3/choice", {"keys": ["B"]})
    assert answer(three, 3).choice == ["B"]


@pytest.fixture
def with_file(org: Any, hr: Any) -> Interview:
    unit = org.sh_sales
    interview = invite(
        unit, hr, [question(unit, hr, AnswerType.FILE, "请上传你的资格证书。")], title="教师"
    )
    interview.api.guided_start()
    interview.api.ok("questions/1/start")
    return interview


def _upload(interview: Interview, name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return interview.api.client.post(f"{interview.api.base}questions/1/file", {"file": file})


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_file_answer_is_stored_encrypted(with_file: Interview) -> None:
    response = _upload(with_file, "证书.pdf", PDF)
    assert response.status_code == 200, response.content
    slot = answer(with_file, 1)
    assert slot.status == AnswerStatus.COMPLETE
    assert slot.file_content_type == "application/pdf" and slot.file_size == len(PDF)
    with default_storage.open(slot.file_path, "rb") as stored:
        sealed = stored.read()
    assert PDF not in sealed
    assert decrypt_bytes(sealed, context=file_context(slot.pk)) == PDF
    name = decrypt_str(slot.file_name_enc, context=f"interviews.answer_file_name:{slot.pk}")
    assert name == "证书.pdf"


def test_file_answers_refuse_other_types_and_large_files(
    with_file: Interview, settings: Any
) -> None:
    executable = _upload(with_file, "setup.exe", b"MZ\x90\x00" + bytes(range(256)) * 4)
    assert executable.status_code == 415
    assert executable.json()["code"] == "unsupported_type"
    settings.INTERVIEW_FILE_MAX_BYTES = 1000
    large = _upload(with_file, "big.pdf", PDF + b"0" * 2000)
    assert large.status_code == 413 and large.json()["detail"]
    empty = with_file.api.client.post(f"{with_file.api.base}questions/1/file", {})
    assert empty.status_code == 422 and empty.json()["code"] == "no_file"
    slot = answer(with_file, 1)
    assert slot.status == AnswerStatus.PENDING and not slot.file_path
    photo = _upload(with_file, "photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert photo.status_code == 200
    assert answer(with_file, 1).file_content_type == "image/png"


def test_file_on_a_text_question_is_refused(three: Interview) -> None:
    _to_question_2(three.api)
    three.api.ok("questions/2/start")
    response = three.api.client.post(f"{three.api.base}questions/2/file", {"file": _pdf()})
    assert response.status_code == 422 and response.json()["code"] == "wrong_answer_type"


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.pdf", PDF)


# --- re-recording -------------------------------------------------------------------------


def test_re_record_invitation_asks_only_its_questions(three: Interview) -> None:
    from mianshi.invitations.models import InvitationKind
    from mianshi.invitations.services import invitation_create

    api = three.api
    _to_question_2(api)
    api.ok("questions/2/start")
    api.ok("questions/2/text", {"text": "回答"})
    api.ok("questions/3/start")
    api.ok("questions/3/choice", {"keys": ["A"]})
    api.ok("finish")
    again, token = invitation_create(
        actor=three.hr,
        application=three.application,
        kind=InvitationKind.RE_RECORD,
        positions=[1],
        replaces=three.invitation,
    )
    three.application.refresh_from_db()
    assert three.application.stage == Stage.INVITED
    retry = CandidateApi(token)
    # The completed link stays completed: readable, closed for writes.
    assert api.refused("questions/1/start", 410)["code"] == "completed"
    state = retry.state()
    assert [q["position"] for q in state["questions"]] == [1]
    assert state["invitation"]["kind"] == InvitationKind.RE_RECORD
    retry.guided_start()
    retry.ok("questions/1/start")
    three.application.refresh_from_db()
    assert three.application.stage == Stage.INTERVIEWING
    retry.ok("questions/1/record")
    retry.ok("questions/1/finish", {"attempt": 1})
    retry.ok("questions/1/next")
    assert retry.ok("finish")["session"]["state"] in (SessionState.UPLOADING, SessionState.DONE)
    again.refresh_from_db()
    assert again.status == InvitationStatus.COMPLETED
    three.application.refresh_from_db()
    assert three.application.stage == Stage.INTERVIEW_DONE
