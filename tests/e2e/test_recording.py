"""A candidate records an interview in Chromium with a fake camera and microphone (F-40–F-46):
the stored recording must decode, hold the speech that was played into the microphone for
as long as the page recorded, and have lost no chunk — also after a network drop, a reload
mid-answer, and in the whole-file fallback. An expired link shows a clear page."""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from config.celery import app as celery_app
from interview_analysis import media
from interview_analysis.errors import MediaError
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    EventKind,
    Recording,
    RecordingMode,
    RecordingStatus,
    SessionEvent,
)
from mianshi.interviews.services import recording_open
from mianshi.invitations.models import Invitation, InvitationStatus
from tests.e2e import recording_pages as cand
from tests.e2e.conftest import TIMEOUT_MS, NewPage, launch_candidate_browser
from tests.e2e.media_fake import Measure, face_y4m, measure, speech_wav
from tests.e2e.recording_data import (
    AUDIO_QUESTION,
    CHOICE_QUESTION,
    FILE_QUESTION,
    TEXT_QUESTION,
    VIDEO_QUESTION,
    Interview,
    make_interview,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.processes,  # a recording browser: one at a time (conftest.py)
    pytest.mark.usefixtures("transactional_db"),
]

# Chunks are one second: a reload may lose the chunk being recorded, timers round to 250 ms.
DURATION_TOLERANCE_S = 1.6
SPEECH_RMS = 0.01
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("fake-media")
    return face_y4m(folder / "face.y4m"), speech_wav(folder / "speech.wav")


@pytest.fixture(scope="module")
def media_browser(playwright: Playwright, fake_media: tuple[Path, Path]) -> Iterator[Browser]:
    """Chromium whose camera and microphone play the generated clips, permission granted."""
    browser = launch_candidate_browser(playwright, *fake_media)
    yield browser
    browser.close()


@pytest.fixture
def eager_tasks(settings: Any) -> Iterator[None]:
    """Verification and quality checks run on commit inside the live server's request."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def hr(org: Any, make_user: Any) -> User:
    return make_user("hr_li", Role.HR_ADMIN, org.hq)


@pytest.fixture
def interview(hr: User, org: Any) -> Interview:
    return make_interview(hr, org.sh_sales, with_choice=True, with_file=True)


OpenPage = Callable[..., tuple[Page, cand.Traffic]]


@pytest.fixture
def open_page(media_browser: Browser, live_server: Any, eager_tasks: None) -> Iterator[OpenPage]:
    contexts: list[BrowserContext] = []

    def make(path: str) -> tuple[Page, cand.Traffic]:
        context = media_browser.new_context(base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # Leaving mid-recording asks "leave the page?": the candidate says yes.
        page.on("dialog", lambda dialog: dialog.accept())
        traffic = cand.Traffic().watch(page)
        page.goto(path)
        return page, traffic

    yield make
    for context in contexts:
        context.close()


# --- checks on what the server stored ---------------------------------------------------


def video_answer(interview: Interview) -> Answer:
    return Answer.objects.get(session__invitation=interview.invitation, position=1)


def wait_verified(answer: Answer, timeout_s: float = 60) -> list[Recording]:
    """The answer's current recordings once all are verified (verification is on commit)."""
    deadline = time.monotonic() + timeout_s
    while True:
        recordings = list(
            Recording.objects.filter(answer=answer, is_current=True).order_by("segment")
        )
        statuses = {r.status for r in recordings}
        if recordings and statuses == {RecordingStatus.VERIFIED}:
            return recordings
        assert RecordingStatus.FAILED not in statuses, [(r.status, r.error) for r in recordings]
        assert time.monotonic() < deadline, [(r.status, r.offset, r.length) for r in recordings]
        time.sleep(0.25)


def assert_no_chunk_lost(recording: Recording) -> None:
    """Every byte the browser declared arrived, in order, without a gap."""
    assert recording.length is not None and recording.offset == recording.length
    chunks = list(recording.chunks.order_by("offset").values_list("offset", "length"))
    position = 0
    for offset, length in chunks:  # still there when chunks are kept until deletion
        assert offset == position
        position += length
    assert not chunks or position == recording.length


def measured(recording: Recording) -> Measure:
    with recording_open(recording=recording) as path:
        return measure(path, speech_rms=SPEECH_RMS)


def assert_speech(m: Measure, seconds: float) -> None:
    """The microphone's speech is there, for as long as the page recorded."""
    assert abs(m.audio_s - seconds) <= DURATION_TOLERANCE_S, (m, seconds)
    assert m.rms > SPEECH_RMS, m
    assert m.loud_fraction > 0.5, m
    assert m.video_frames >= 5 * seconds, m  # loose: a loaded machine drops frames
    assert (m.width, m.height) == (640, 480), m


def assert_completed(interview: Interview, text: str | None) -> None:
    invitation = Invitation.objects.get(pk=interview.invitation.pk)
    assert invitation.status == InvitationStatus.COMPLETED
    answer = video_answer(interview)
    assert answer.status == AnswerStatus.COMPLETE
    if text is not None:
        written = Answer.objects.get(session__invitation=interview.invitation, position=2)
        assert written.text == text
        assert written.status == AnswerStatus.COMPLETE


# --- the tests ---------------------------------------------------------------------------


def test_full_interview_is_stored_complete_and_decodes(
    open_page: OpenPage, interview: Interview
) -> None:
    page, traffic = open_page(interview.url)
    expect(page.locator("#step-welcome")).to_be_visible()
    expect(page.locator("#welcome-materials")).to_contain_text("身份证复印件")
    cand.guided_start(page, traffic)

    cand.start_video_question(page, VIDEO_QUESTION)
    page.wait_for_timeout(3000)
    page.locator("#q-mark").click()
    expect(page.locator("#q-mark-status")).not_to_be_empty()
    # Playwright keeps every page focused; the browser's own blur event is what leaving does.
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    # No early finish: the 12 s answer time ends the recording by itself.
    expect(page.locator("#q-answer")).to_be_hidden(timeout=30_000)
    cand.answer_text(page, TEXT_QUESTION, "贵公司重视客户，我喜欢这个行业，团队氛围好。")
    cand.answer_choice(page, CHOICE_QUESTION, "B")
    cand.answer_file(page, FILE_QUESTION, "身份证.pdf", PDF)
    cand.wait_all_uploaded(page)

    answer = video_answer(interview)
    [recording] = wait_verified(answer)
    assert recording.mode == RecordingMode.STREAM
    assert_no_chunk_lost(recording)
    assert recording.chunk_count >= 10  # streamed about once a second, not at the end
    assert_speech(measured(recording), 12)
    assert_completed(interview, "贵公司重视客户，我喜欢这个行业，团队氛围好。")
    marks = SessionEvent.objects.filter(answer=answer, kind=EventKind.MARK)
    assert [m.offset_ms is not None and 2000 <= m.offset_ms <= 6000 for m in marks] == [True]
    assert SessionEvent.objects.filter(
        session=answer.session, kind=EventKind.PASTE, answer__position=2
    ).exists()
    blur = SessionEvent.objects.get(answer=answer, kind=EventKind.WINDOW_BLUR)
    assert blur.offset_ms is not None and 2000 <= blur.offset_ms <= 7000
    session = answer.session
    session.refresh_from_db()
    assert session.last_seen_at is not None
    assert {"pending_chunks", "pending_bytes", "online", "phase"} <= set(session.client_state)
    chosen = Answer.objects.get(session__invitation=interview.invitation, position=3)
    assert (chosen.choice, chosen.status) == (["B"], AnswerStatus.COMPLETE)
    sent = Answer.objects.get(session__invitation=interview.invitation, position=4)
    assert (sent.file_size, sent.file_content_type) == (len(PDF), "application/pdf")
    assert sent.status == AnswerStatus.COMPLETE


def test_network_drop_mid_answer_loses_no_chunk(open_page: OpenPage, hr: User, org: Any) -> None:
    interview = make_interview(
        hr, org.sh_sales, with_text=False, with_audio=True, answer_seconds=15
    )
    page, traffic = open_page(interview.url)
    cand.guided_start(page, traffic)
    cand.start_video_question(page, VIDEO_QUESTION)
    page.wait_for_timeout(2500)
    page.context.set_offline(True)
    # While offline the chunks pile up in IndexedDB and the candidate is told.
    expect(page.locator("#upload-health")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(5000)
    page.context.set_offline(False)
    page.wait_for_timeout(2500)
    shown = cand.recorded_seconds(page)
    cand.finish_video_answer(page)
    # An audio-only question next: no prep time, the microphone alone records.
    expect(page.locator("#q-ready")).to_be_visible(timeout=cand.MEDIA_WAIT_MS)
    page.locator("#q-start").click()
    expect(page.locator("#q-answer")).to_be_visible(timeout=cand.MEDIA_WAIT_MS)
    expect(page.locator("#q-prompt")).to_have_text(AUDIO_QUESTION)
    expect(page.locator("#q-media")).to_be_hidden()
    page.wait_for_timeout(4000)
    spoken = cand.recorded_seconds(page)
    cand.finish_video_answer(page)
    cand.wait_all_uploaded(page)

    [recording] = wait_verified(video_answer(interview))
    assert_no_chunk_lost(recording)
    assert_speech(measured(recording), shown)
    audio_answer = Answer.objects.get(session__invitation=interview.invitation, position=2)
    [voice] = wait_verified(audio_answer)
    assert voice.content_type.startswith("audio/")
    m = measured(voice)
    assert m.video_frames == 0 and m.loud_fraction > 0.5, m
    assert abs(m.audio_s - spoken) <= DURATION_TOLERANCE_S, (m, spoken)
    assert_completed(interview, None)
    kinds = set(
        SessionEvent.objects.filter(session__invitation=interview.invitation).values_list(
            "kind", flat=True
        )
    )
    assert {EventKind.OFFLINE, EventKind.ONLINE} <= kinds


def test_reload_mid_answer_returns_to_the_question_and_keeps_every_chunk(
    open_page: OpenPage, hr: User, org: Any
) -> None:
    interview = make_interview(hr, org.sh_sales, with_text=False, answer_seconds=15)
    page, traffic = open_page(interview.url)
    cand.guided_start(page, traffic)
    cand.start_video_question(page, VIDEO_QUESTION)
    page.wait_for_timeout(5000)
    before = cand.recorded_seconds(page)
    page.reload()

    # Back on the same question, its time still running: continue in a second segment.
    expect(page.locator("#step-question")).to_be_visible()
    expect(page.locator("#q-resume")).to_be_visible(timeout=cand.MEDIA_WAIT_MS)
    expect(page.locator("#q-prompt")).to_have_text(VIDEO_QUESTION)
    page.locator("#q-continue").click()
    expect(page.locator("#q-answer")).to_be_visible(timeout=cand.MEDIA_WAIT_MS)
    # The answer time (15 s) runs on the server: the second segment ends with it.
    expect(page.locator("#q-answer")).to_be_hidden(timeout=30_000)
    cand.wait_all_uploaded(page)

    answer = video_answer(interview)
    first, second = wait_verified(answer)
    assert (first.segment, second.segment) == (0, 1)
    # The page reported the reload's cut: only the first segment may be short of its time.
    assert (first.interrupted, second.interrupted) == (True, False)
    for recording in (first, second):
        assert_no_chunk_lost(recording)
    m1, m2 = measured(first), measured(second)
    # Lost to the reload: what MediaRecorder had not yet handed over (< 1 s chunk), the
    # half frame cut off, and the display's rounding to whole seconds.
    assert before - 2.2 <= m1.audio_s <= before + 1.5, (m1, before)
    assert m1.loud_fraction > 0.5 and m2.loud_fraction > 0.5, (m1, m2)
    # The second segment holds what the page recorded after "continue", and together they
    # cover the answer time less the reload itself (page load, camera, the click).
    assert second.reported_ms is not None
    assert abs(m2.audio_s - second.reported_ms / 1000) <= DURATION_TOLERANCE_S, (m2, second)
    assert 15 - 7 <= m1.audio_s + m2.audio_s <= 15 + DURATION_TOLERANCE_S, (m1, m2)
    assert_completed(interview, None)
    assert SessionEvent.objects.filter(answer=answer, kind=EventKind.RESUMED).exists() or (
        SessionEvent.objects.filter(
            session__invitation=interview.invitation, kind=EventKind.RESUMED
        ).exists()
    )


def test_whole_file_fallback_uploads_one_file_after_recording_and_a_retake_replaces_it(
    open_page: OpenPage, hr: User, org: Any
) -> None:
    interview = make_interview(hr, org.sh_sales, with_text=False, max_retakes=1)
    page, traffic = open_page(f"{interview.url}?recorder=whole")
    cand.guided_start(page, traffic)
    start = traffic.mark()
    cand.start_video_question(page, VIDEO_QUESTION)
    page.wait_for_timeout(4000)
    # Nothing is sent while a whole-file answer records.
    assert not [r for r in traffic.since(start) if r[0] == "PATCH"]
    cand.finish_video_answer(page)

    # One retake is allowed: the candidate records again, the first take stops counting.
    expect(page.locator("#q-review")).to_be_visible(timeout=cand.MEDIA_WAIT_MS)
    page.locator("#q-retake").click()
    cand.start_video_question(page, VIDEO_QUESTION)
    page.wait_for_timeout(6000)
    shown = cand.recorded_seconds(page)
    cand.finish_video_answer(page)
    cand.wait_all_uploaded(page)

    answer = video_answer(interview)
    [recording] = wait_verified(answer)
    assert (recording.mode, recording.attempt, answer.attempt) == (RecordingMode.WHOLE, 2, 2)
    assert Recording.objects.filter(answer=answer, attempt=1, is_current=False).count() == 1
    assert_no_chunk_lost(recording)
    assert recording.chunk_count >= 1
    assert_speech(measured(recording), shown)
    assert_completed(interview, None)


def test_device_check_says_what_to_do_without_a_camera(
    new_page: NewPage, interview: Interview
) -> None:
    """A browser with no camera or microphone: the check explains and does not go on."""
    page = new_page()
    page.goto(interview.url)
    page.locator("#welcome-start").click()
    page.locator("#consent-recording").check()
    page.locator("#consent-submit").click()
    expect(page.locator("#step-device")).to_be_visible()
    expect(page.locator("#check-camera")).to_have_attribute("data-state", "bad")
    expect(page.locator("#device-advice li").first).to_be_visible()
    expect(page.locator("#device-continue")).to_be_disabled()
    assert not Answer.objects.filter(
        session__invitation=interview.invitation, started_at__isnull=False
    ).exists()


def test_expired_link_shows_a_clear_page(open_page: OpenPage, interview: Interview) -> None:
    Invitation.objects.filter(pk=interview.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page, _traffic = open_page(interview.url)
    response = page.request.get(interview.url)
    assert response.status == 410
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("body")).to_contain_text("过期")
    expect(page.locator("#interview")).to_have_count(0)
    assert not Recording.objects.exists()


RECORD_AND_CUT = """async () => {
  const {newState, feed} = await import('/static/interviews/webm.js');
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
  const recorder = new MediaRecorder(stream, {mimeType: 'video/webm;codecs=vp8,opus'});
  const parts = [];
  recorder.ondataavailable = (e) => parts.push(e.data);
  recorder.start(1000);
  await new Promise((r) => setTimeout(r, 3500));
  recorder.stop();
  await new Promise((r) => (recorder.onstop = r));
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  // Feed it in uneven slices, as a page would store chunks, noting each boundary.
  let state = newState(), at = 0, step = 1;
  const cuts = [];
  while (at < bytes.length) {
    const n = Math.min(bytes.length - at, 1000 + (step * 7919) % 20000);
    state = feed(state, bytes.subarray(at, at + n));
    at += n; step += 1;
    cuts.push([at, state.boundary, state.ok]);
  }
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return {cuts, data: btoa(binary)};
}"""


def test_cut_off_recording_ends_at_a_whole_webm_element(
    open_page: OpenPage, interview: Interview, tmp_path: Path
) -> None:
    """A page closed mid-answer leaves bytes that stop inside a frame; the recorder cuts
    the segment back to its last whole element, and that file decodes (the raw cut not)."""
    page, _traffic = open_page(interview.url)
    result = page.evaluate(RECORD_AND_CUT)
    data = base64.b64decode(result["data"])
    cuts = result["cuts"]
    assert all(ok for _at, _boundary, ok in cuts) and cuts[-1][:2] == [len(data), len(data)]
    mid_frame = 0
    for at, boundary, _ok in cuts[3:-1]:
        assert boundary <= at
        trimmed = tmp_path / f"trimmed-{at}.webm"
        trimmed.write_bytes(data[:boundary])
        assert media.probe(trimmed).has_audio
        if boundary < at:
            raw = tmp_path / f"raw-{at}.webm"
            raw.write_bytes(data[:at])
            try:
                media.probe(raw)
            except (MediaError, IndexError):
                mid_frame += 1
    assert mid_frame > 0  # the trimming is needed, not decoration
