"""The whole pipeline and the `analyse` CLI on generated recordings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interview_analysis import cli_analyse, pipeline
from interview_analysis.backends.whisper import FasterWhisperTranscriber
from interview_analysis.errors import MediaError
from interview_analysis.media import load_audio
from interview_analysis.tests import mediagen
from interview_analysis.tests.test_models import installed_models  # noqa: F401  (session fixture)
from interview_analysis.types import (
    AnswerReport,
    Language,
    Question,
    RubricLevel,
    Segment,
    Transcript,
    Word,
    to_dict,
)

SR = 16_000
ANSWER = (
    "Last year our checkout service failed every evening. I was asked to fix it. "
    "I measured the database queries and added two indexes. "
    "As a result the errors fell by ninety percent, and I learned to measure first."
)
QUESTION_JSON = {
    "lang": "en",
    "type": "behavioural",
    "text": "Tell me about a problem you solved at work.",
    "dimensions": {"problem solving": 1.0},
    "rubric": {
        "1": "No real example.",
        "2": "A real example, but vague actions or no result.",
        "3": "A specific situation, own actions, a measurable result and reflection.",
    },
    "keywords": ["measure", "result", "database"],
}
QUESTION = Question(
    "q-solve",
    QUESTION_JSON["text"],  # type: ignore[arg-type]
    "behavioural",
    "en",
    {"problem solving": 1.0},
    tuple(RubricLevel(int(k), v) for k, v in QUESTION_JSON["rubric"].items()),  # type: ignore[attr-defined]
    ("measure", "result", "database"),
)


class ExplodingTranscriber:
    """Fails the test if ASR runs where it must be skipped."""

    name = "exploding"

    def transcribe(self, audio: np.ndarray, *, language: Language) -> Transcript:
        raise AssertionError("ASR must not run on a recording without speech")


class MumblingTranscriber:
    """A fixed, barely-confident transcript (to test the review reasons without Whisper)."""

    name = "mumbling"

    def transcribe(self, audio: np.ndarray, *, language: Language) -> Transcript:
        words = (Word("well", 0.5, 0.9, 0.2), Word("yes", 1.0, 1.4, 0.3))
        return Transcript(language, "well yes", (Segment(0.5, 1.4, "well yes", words),), "fake")


@pytest.fixture(scope="module")
def transcriber(installed_models: Path) -> FasterWhisperTranscriber:  # noqa: F811
    return FasterWhisperTranscriber(installed_models / "whisper-base")


@pytest.fixture(scope="module")
def answer_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WebM as Chromium records it: a face, espeak-ng English speech, no duration header."""
    folder = tmp_path_factory.mktemp("answer")
    speech = load_audio(mediagen.speech_wav(ANSWER, "en", folder / "answer.wav"))
    audio = np.concatenate([np.zeros(SR // 2, np.float32), speech, np.zeros(SR, np.float32)])
    return mediagen.face_video(
        folder / "answer.webm", seconds=audio.size / SR, fps=15, audio=audio, live=True
    )


@pytest.fixture(scope="module")
def report(answer_video: Path, transcriber: FasterWhisperTranscriber) -> AnswerReport:
    return pipeline.analyse(answer_video, QUESTION, transcriber=transcriber)


def test_report_has_every_part(report: AnswerReport) -> None:
    assert report.question_id == "q-solve"
    assert report.media.has_audio and report.media.has_video
    assert report.transcript is not None and "indexes" in report.transcript.text
    assert report.speech is not None and 100 < report.speech.speaking_rate < 230
    assert report.video is not None and report.video.face_present_ratio > 0.8
    assert report.quality.verdict == "ok", report.quality.issues
    assert report.score is not None and report.score.level >= 2
    stages = {"probe", "audio", "frames", "video", "transcribe", "speech", "quality", "score"}
    assert stages <= set(report.timings_s) and report.timings_s["total"] > 0


def test_report_is_json(report: AnswerReport) -> None:
    data = json.loads(json.dumps(to_dict(report)))
    words = [w for seg in data["transcript"]["segments"] for w in seg["words"]]
    assert 0.0 <= words[0]["start"] < 1.5  # 0.5 s lead-in; Whisper's word edges are loose
    assert words[-1]["end"] <= data["media"]["duration_s"] - 0.5  # 1 s of trailing silence
    assert data["needs_human_review"] == bool(data["review_reasons"])


def test_silence_skips_asr_and_asks_for_review(tmp_path: Path) -> None:
    path = mediagen.write_wav(tmp_path / "silent.wav", np.zeros(6 * SR, np.float32))
    report = pipeline.analyse(path, QUESTION, transcriber=ExplodingTranscriber())
    assert report.transcript is None and report.speech is None and report.score is None
    assert report.quality.verdict == "needs_rerecord"
    assert "no_speech" in report.review_reasons and report.needs_human_review


def test_video_without_audio_track(tmp_path: Path) -> None:
    path = mediagen.face_video(tmp_path / "mute.webm", seconds=2, fps=10)
    report = pipeline.analyse(path, QUESTION, transcriber=ExplodingTranscriber())
    assert report.transcript is None and report.video is not None
    assert "no_audio_track" in report.review_reasons


def test_low_confidence_and_short_answers_need_review(tmp_path: Path) -> None:
    path = mediagen.write_wav(tmp_path / "tone.wav", mediagen.speech_like(6.0))
    report = pipeline.analyse(path, QUESTION, transcriber=MumblingTranscriber())
    assert report.transcript is not None and report.transcript.model == "fake"
    assert {"low_transcript_confidence", "short_answer"} <= set(report.review_reasons)


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_broken_files_raise_media_error(damage: str, answer_video: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.webm"
    path.write_bytes(b"" if damage == "empty" else answer_video.read_bytes()[:2000])
    with pytest.raises(MediaError):
        pipeline.analyse(path, QUESTION, transcriber=ExplodingTranscriber())


def test_cli_writes_the_report(
    answer_video: Path,
    installed_models: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MIANSHI_MODEL_DIR", str(installed_models))
    monkeypatch.delenv("MIANSHI_WHISPER_MODEL", raising=False)
    question = tmp_path / "q.json"
    question.write_text(json.dumps({"id": "q-cli", **QUESTION_JSON}))
    out = tmp_path / "report.json"
    argv = ["analyse", str(answer_video), "--question", str(question), "--out", str(out)]
    assert cli_analyse.main(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["question_id"] == "q-cli" and data["transcript"]["language"] == "en"
    assert data["score"]["scorer"] and data["quality"]["verdict"] == "ok"


def test_cli_accepts_a_questions_file_with_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"q-one": {**QUESTION_JSON, "lang": "zh"}}), encoding="utf-8")
    question = cli_analyse.load_question(path)
    assert question.id == "q-one" and question.language == "zh" and len(question.rubric) == 3


def test_cli_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    question = tmp_path / "q.json"
    question.write_text("[1, 2]")
    assert cli_analyse.main(["analyse", str(tmp_path / "x.webm"), "--question", str(question)]) == 1
    assert "expected a JSON object" in capsys.readouterr().err
    question.write_text(json.dumps(QUESTION_JSON))
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    assert cli_analyse.main(["analyse", str(empty), "--question", str(question)]) == 1
    assert "error:" in capsys.readouterr().err
