"""The review workbench in a real Chromium: a real recording (VP8/Opus WebM written as
MediaRecorder writes it, sealed in storage like a verified upload) plays beside its known
transcript; clicking a sentence seeks the video to its start, playing highlights the
sentence being spoken, an evidence quote switches to its answer and seeks there, and the
answer tabs work with the keyboard. On a world built like the demo's analysed interview:
the page stays short at 1366 px, the player stays in view while the scores scroll, one
column on a phone, and the keyboard shortcuts work (and rest while typing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from interview_analysis.tests import mediagen
from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.interviews.services.storage import recording_name, seal_file
from mianshi.reviews.tests.factories import SENTENCES, analysed_interview, review_world
from mianshi.reviews.tests.wb_demo import demo_world
from tests.e2e.conftest import NewPage
from tests.e2e.test_login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]
SECONDS = 13.0  # the factory's transcript runs to 12 s
# document.body.scrollHeight of the demo interview's workbench at 1366 × 768: 3,785 px before
# issue 14's calm layout (on this world, the demo's 4:3 video), 6,100 px at the issue's
# report. Half of today, with room for the translations' longer or shorter lines.
HEIGHT_BOUND = 1_890


@pytest.fixture(scope="module")
def webm(tmp_path_factory: Any) -> Path:
    """A small face video with speech-like sound, no duration and no cues in its header."""
    path = tmp_path_factory.mktemp("media") / "answer.webm"
    audio = mediagen.speech_like(SECONDS, noise_amplitude=0.0003)
    return mediagen.face_video(
        path, seconds=SECONDS, fps=15, size=(320, 240), audio=audio, live=True
    )


def seal_recordings(session: Any, webm: Path) -> None:
    """Every recording of the interview becomes the real file, sealed as verification does."""
    for recording in Recording.objects.filter(session=session):
        name = recording_name(session.pk, recording.answer_id, recording.pk)
        stored, sha, size = seal_file(recording.pk, webm, name)
        Recording.objects.filter(pk=recording.pk).update(
            status=RecordingStatus.VERIFIED, storage_path=stored, sha256=sha,
            length=size, offset=size, duration_ms=int(SECONDS * 1000),
        )  # fmt: skip


@pytest.fixture
def reviewed(org: Any, make_user: Any, settings: Any, tmp_path: Path, webm: Path) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = review_world(org, make_user)
    session = analysed_interview(world, scores={"problem_solving": 8.0})
    seal_recordings(session, webm)
    return world, session


def current_time(page: Page, answer_id: int) -> float:
    return float(
        page.locator(f"[data-player][data-answer='{answer_id}']").evaluate("v => v.currentTime")
    )


def played_to(page: Page, answer_id: int, seconds: float) -> None:
    """Wait until the answer's player stands at `seconds` or later."""
    player = f"document.querySelector(\"[data-player][data-answer='{answer_id}']\")"
    page.wait_for_function(f"() => {player}.currentTime >= {seconds}", timeout=10_000)


def open_workbench(new_page: NewPage, world: Any, session: Any) -> Page:
    page = new_page()
    log_in(page, world.hr.username, PASSWORD)
    expect(page.locator("header nav")).to_be_visible()
    page.goto(f"/reviews/interviews/{session.pk}/")
    expect(page.locator("html")).to_have_attribute("data-workbench-ready", "1")
    return page


def test_sentence_click_seeks_and_playback_highlights(new_page: NewPage, reviewed: Any) -> None:
    world, session = reviewed
    page = open_workbench(new_page, world, session)
    answer = session.answers.get(position=1).pk
    panel = page.locator(f"[data-answer-panel='{answer}']")
    sentences = panel.locator("[data-transcript-segment]")
    expect(sentences).to_have_count(len(SENTENCES))

    third = sentences.nth(2)
    third.click()
    played_to(page, answer, 7.5)
    assert 7.5 <= current_time(page, answer) < 9.5
    expect(third).to_have_attribute("data-current", "")
    expect(third).to_have_attribute("aria-current", "true")

    # From the start: while the video plays the highlight follows the spoken sentence.
    sentences.nth(0).click()
    expect(sentences.nth(0)).to_have_attribute("aria-current", "true")
    assert current_time(page, answer) < 2.0
    expect(third).not_to_have_attribute("data-current", "")
    expect(sentences.nth(1)).to_have_attribute("data-current", "", timeout=10_000)
    assert current_time(page, answer) >= 3.2
    expect(sentences.nth(0)).not_to_have_attribute("aria-current", "true")
    paused = page.locator(f"[data-player][data-answer='{answer}']").evaluate("v => v.paused")
    assert paused is False


def test_evidence_quote_opens_its_answer_at_the_moment(new_page: NewPage, reviewed: Any) -> None:
    world, session = reviewed
    page = open_workbench(new_page, world, session)
    second = session.answers.get(position=2).pk
    expect(page.locator(f"[data-answer-panel='{second}']")).to_be_hidden()
    quote = page.locator(
        f"[data-dimension='problem_solving'] [data-evidence][data-answer='{second}']"
    )
    quote.first.click()
    expect(page.locator(f"[data-answer-panel='{second}']")).to_be_visible()
    expect(page.locator(f"#tab-{second}")).to_have_attribute("aria-selected", "true")
    played_to(page, second, 7.5)
    expect(
        page.locator(f"[data-answer-panel='{second}'] [data-transcript-segment]").nth(2)
    ).to_have_attribute("data-current", "")


def test_tabs_and_sentences_work_with_the_keyboard(new_page: NewPage, reviewed: Any) -> None:
    world, session = reviewed
    page = open_workbench(new_page, world, session)
    first, second = (session.answers.get(position=p).pk for p in (1, 2))
    page.locator(f"#tab-{first}").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#tab-{second}")).to_be_focused()
    expect(page.locator(f"[data-answer-panel='{second}']")).to_be_visible()
    expect(page.locator(f"[data-answer-panel='{first}']")).to_be_hidden()
    sentence = page.locator(f"[data-answer-panel='{second}'] [data-transcript-segment]").nth(1)
    sentence.focus()
    page.keyboard.press("Enter")
    played_to(page, second, 3.2)
    expect(sentence).to_have_attribute("aria-current", "true")


def test_rating_reason_appears_when_the_score_departs_from_the_ai(
    new_page: NewPage, reviewed: Any
) -> None:
    world, session = reviewed
    page = open_workbench(new_page, world, session)
    score = page.locator("#score_problem_solving")  # the AI said 8
    reason = page.locator("[data-reason-for='problem_solving']")
    expect(reason).to_be_hidden()
    score.fill("4")
    expect(reason).to_be_visible()
    expect(reason.locator("textarea")).to_have_attribute("required", "")
    score.fill("7")
    expect(reason).to_be_hidden()


# --- the demo interview: height, layout, shortcuts -------------------------------------------


@pytest.fixture
def demo(org: Any, make_user: Any, settings: Any, tmp_path: Path, webm: Path) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = demo_world(org, make_user)
    for session in world.sessions:
        seal_recordings(session, webm)
    return world


def open_demo(new_page: NewPage, world: Any, width: int = 1366, height: int = 768) -> Page:
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, world.hr.username, PASSWORD)
    expect(page.locator("header nav")).to_be_visible()
    page.goto(f"/reviews/interviews/{world.sessions[0].pk}/")
    expect(page.locator("html")).to_have_attribute("data-workbench-ready", "1")
    page.locator("[data-player]").first.evaluate(
        "v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r))"
    )
    return page


def test_the_demo_interview_is_half_as_tall_and_the_player_stays_in_view(
    new_page: NewPage, demo: Any
) -> None:
    page = open_demo(new_page, demo)
    height = page.evaluate("document.body.scrollHeight")
    print(f"workbench height at 1366 px: {height} px")  # the figure the issue asks for
    assert height <= HEIGHT_BOUND, height
    player = page.locator("[data-player]:visible")
    rating = page.locator("#rating")
    rating.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300
    box = player.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768
    expect(page.locator("[data-transcript]:visible")).to_be_in_viewport()
    expect(rating).to_be_in_viewport()


def test_on_a_phone_the_answer_comes_first_and_nothing_overflows(
    new_page: NewPage, demo: Any
) -> None:
    page = open_demo(new_page, demo, width=390, height=844)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answers = page.locator(".wb-answers").bounding_box()
    scores = page.locator("#dimensions").bounding_box()
    assert answers and scores and answers["y"] + answers["height"] <= scores["y"]
    assert page.locator(".wb-answers").evaluate("e => getComputedStyle(e).position") == "static"


def test_keyboard_shortcuts_play_switch_answers_and_competencies(
    new_page: NewPage, demo: Any
) -> None:
    page = open_demo(new_page, demo)
    session = demo.sessions[0]
    first, second = (session.answers.get(position=p).pk for p in (1, 2))
    player = page.locator(f"[data-player][data-answer='{first}']")
    help_list = page.locator("[data-shortcuts]")
    expect(help_list.locator("summary")).to_be_visible()
    page.locator("h1").click()  # focus on the page, not a field
    page.keyboard.press("?")
    expect(help_list.locator("dl")).to_be_visible()
    page.keyboard.press("k")
    page.wait_for_function(
        f"() => !document.querySelector(\"[data-player][data-answer='{first}']\").paused"
    )
    page.keyboard.press("k")
    assert player.evaluate("v => v.paused") is True
    page.keyboard.press("n")
    expect(page.locator(f"[data-answer-panel='{second}']")).to_be_visible()
    expect(page.locator(f"#tab-{second}")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("p")
    expect(page.locator(f"[data-answer-panel='{first}']")).to_be_visible()
    dims = page.locator("[data-dimension]")
    page.keyboard.press("d")
    expect(dims.nth(0)).to_be_focused()
    page.keyboard.press("d")
    expect(dims.nth(1)).to_be_focused()
    page.keyboard.press("Shift+D")
    expect(dims.nth(0)).to_be_focused()
    page.keyboard.press(" ")
    page.wait_for_function(
        f"() => !document.querySelector(\"[data-player][data-answer='{first}']\").paused"
    )
    page.keyboard.press("k")

    # Typing in the comment: the letters land in the field and nothing else happens.
    comment = page.locator("#rating_comment")
    comment.click()
    page.keyboard.type("nkpd ok")
    expect(comment).to_have_value("nkpd ok")
    expect(page.locator(f"[data-answer-panel='{first}']")).to_be_visible()
    assert player.evaluate("v => v.paused") is True
    number = page.locator("[data-score]").first
    number.click()
    page.keyboard.press("n")
    expect(page.locator(f"#tab-{first}")).to_have_attribute("aria-selected", "true")


AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # vendored for tests, never served
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => r.violations.map(v =>
    v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' '))))"""


@pytest.mark.parametrize(("locale", "width"), [("zh-CN", 1366), ("en-US", 1366), ("zh-CN", 390)])
def test_no_wcag_violation_with_every_fold_open(
    new_page: NewPage, demo: Any, locale: str, width: int
) -> None:
    page = new_page(locale=locale)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, demo.hr.username, PASSWORD)
    page.goto(f"/reviews/interviews/{demo.sessions[0].pk}/")
    expect(page.locator("html")).to_have_attribute("data-workbench-ready", "1")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []
