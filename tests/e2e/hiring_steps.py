"""The steps and fixtures of an interview that two acceptance tests share (test_hiring_flow,
test_ehr_flow): the question bank HR starts from, the candidate's Chromium with a generated
face and spoken English answer, the candidate recording one answer, the real worker's
analysis awaited, and HR's rating in the workbench. Moved here so both import them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from interview_analysis import media
from interview_analysis.tests import mediagen
from mianshi.accounts.models import User
from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.interviews.models import Answer, InterviewSession, QualityStatus
from mianshi.jobs.models import AnswerType, CompetencyModel, InterviewTemplate
from mianshi.jobs.services import QuestionInput, RubricInput, question_create, template_create
from mianshi.jobs.tests.factories import make_model
from mianshi.reviews.models import InterviewScore, Rating, RatingStatus
from tests.e2e import hiring_pages as hr_ui
from tests.e2e import recording_pages as cand
from tests.e2e.conftest import TIMEOUT_MS, launch_candidate_browser
from tests.e2e.media_fake import face_y4m

QUESTION = "Tell us about a time you won over a hesitant customer."
SECOND_QUESTION = "How would you plan your first month with our key accounts?"
# The fake microphone loops these (each followed by a pause) for the whole answer.
SENTENCES = ("I listened to the customer and made a clear plan.", "We signed the contract.")
PAUSE_S = 1.2
KEY_WORDS = ("customer", "plan", "contract")
CODES = ("communication", "customer_focus")
ANSWER_SECONDS = 12
CAMERA_SIZE = (320, 240)
ANALYSIS_TIMEOUT_S = 90


# --- the world before HR starts: questions, templates, a competency model (services) -----


def english_question(hr: User, unit: Any, text: str, answer_seconds: int = ANSWER_SECONDS) -> int:
    """A video question whose top rubric level names the spoken key words."""
    rubric = [
        RubricInput(3, "A complete episode: situation, action, result", list(KEY_WORDS)),
        RubricInput(2, "Part of an episode", ["customer"]),
        RubricInput(1, "No concrete episode"),
    ]
    data = QuestionInput(
        type="behavioural", text=text, answer_type=AnswerType.VIDEO, language="en",
        prep_seconds=2, answer_seconds=answer_seconds, dimension_codes=list(CODES),
        rubric=rubric,
    )  # fmt: skip
    return question_create(actor=hr, org_unit=unit, data=data).pk


@dataclass
class Bank:
    """What HR picks in the job form: the two rounds' templates and the competency model."""

    first: InterviewTemplate
    second: InterviewTemplate
    model: CompetencyModel


def question_bank(hr: User, unit: Any, answer_seconds: int = ANSWER_SECONDS) -> Bank:
    """The first round asks QUESTION (English); the second round one more question."""
    model = make_model(unit, actor=hr)
    first, second = (
        template_create(
            actor=hr, org_unit=unit, name=name, competency_model=model, question_ids=[question]
        )
        for name, question in (
            ("First round", english_question(hr, unit, QUESTION, answer_seconds)),
            ("Second round", english_question(hr, unit, SECOND_QUESTION, answer_seconds)),
        )
    )
    return Bank(first=first, second=second, model=model)


def answer_wav(folder: Path) -> Path:
    """The spoken answer, each sentence followed by a pause: the transcript usually splits
    into several timed sentences, and the loop restarts after silence, not mid-word."""
    parts = []
    for i, sentence in enumerate(SENTENCES):
        spoken = mediagen.speech_wav(sentence, "en", folder / f"sentence-{i}.wav")
        parts += [media.load_audio(spoken), mediagen.silence(PAUSE_S)]
    return mediagen.write_wav(folder / "answer.wav", np.concatenate(parts))


@pytest.fixture(scope="module")
def candidate_browser(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium whose camera plays a generated face and whose microphone speaks SENTENCES."""
    folder = tmp_path_factory.mktemp("hiring-media")
    # Small frames: encoding 640×480 on a loaded 2-core machine fell below the 10 fps the
    # quality check fails (measured 7 fps); 320×240 only warns, and the flow goes on.
    video = face_y4m(folder / "face.y4m", size=CAMERA_SIZE)
    audio = answer_wav(folder)
    browser = launch_candidate_browser(playwright, video, audio)
    yield browser
    browser.close()


@pytest.fixture
def candidate_page(candidate_browser: Browser, live_server: Any) -> Iterator[Page]:
    context: BrowserContext = candidate_browser.new_context(
        base_url=live_server.url, locale="zh-CN"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


# --- the steps -----------------------------------------------------------------------------


def candidate_records(page: Page, link: str, answer_seconds: int = ANSWER_SECONDS) -> None:
    """Consent, device check, practice, the answer (its time ends it), uploaded."""
    traffic = cand.Traffic().watch(page)
    response = page.goto(link)
    assert response is not None and response.status == 200
    cand.guided_start(page, traffic)
    cand.start_video_question(page, QUESTION)
    expect(page.locator("#q-answer")).to_be_hidden(timeout=(answer_seconds + 20) * 1000)
    cand.wait_all_uploaded(page)


def analysed(worker: RealWorkers, session: InterviewSession) -> AnalysisRun:
    """The worker verified, checked and analysed the answer (bounded wait); a failed
    quality check (no analysis follows) fails at once with its issues."""

    def finished() -> AnalysisRun | bool | None:
        answer = Answer.objects.get(session=session, position=1)
        if answer.quality_status == QualityStatus.FAIL:
            return True
        return AnalysisRun.objects.filter(
            answer=answer, is_current=True, status__in=[RunStatus.DONE, RunStatus.FAILED]
        ).first()

    worker.wait_until(finished, what="the analysis run", timeout=ANALYSIS_TIMEOUT_S)
    answer = Answer.objects.get(session=session, position=1)
    assert answer.quality_status != QualityStatus.FAIL, answer.quality.get("issues")
    run_ = AnalysisRun.objects.get(answer=answer, is_current=True)
    assert run_.status == RunStatus.DONE, (run_.error, worker.logs())
    score = worker.wait_until(
        lambda: InterviewScore.objects.filter(session=session, answers_analysed=1).first(),
        what="the interview's combined scores",
        timeout=15,
    )
    assert score is not None and score.ai_total is not None
    assert {d["code"] for d in score.ai_dimensions} >= set(CODES)
    return run_


def review_rates(page: Page, hr: User, session: InterviewSession) -> dict[str, int]:
    """Every dimension rated (one far from the AI, with its reason), submitted; the scores."""
    score = InterviewScore.objects.get(session=session)
    ai = {d["code"]: float(d["score"]) for d in score.ai_dimensions}
    form = page.locator("form[data-rating-form]")
    codes = [
        name.removeprefix("score_")
        for name in form.locator("[name^='score_']").evaluate_all("els => els.map(e => e.name)")
    ]
    codes = list(dict.fromkeys(codes))
    assert set(CODES) <= set(codes), codes
    far = codes[0]
    scores = {code: max(1, min(10, round(ai.get(code, 6.0)))) for code in codes}
    scores[far] = 1 if ai.get(far, 6.0) >= 5 else 10
    reasons = {far: "回答缺少具体数字，我的评分与AI不同。"}
    hr_ui.rate(page, scores, reasons, comment="表达清楚，有结果。")
    rating = hr_ui.wait_for(
        lambda: (
            Rating.objects.filter(session=session, rater=hr, status=RatingStatus.SUBMITTED)
            .prefetch_related("scores")
            .first()
        ),
        "the submitted rating",
    )
    stored = {s.code: (s.score, s.override_reason) for s in rating.scores.all()}
    assert {c: s for c, (s, _r) in stored.items()} == scores
    assert stored[far][1] == reasons[far]
    return scores
