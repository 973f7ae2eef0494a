"""An answer cut into segments by a reload is analysed as one: the merging, and the pipeline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interview_analysis import pipeline, stitch
from interview_analysis.tests import mediagen
from interview_analysis.types import (
    IntegritySignal,
    Language,
    MediaInfo,
    Question,
    RubricLevel,
    Segment,
    SpeechFeatures,
    Transcript,
    VideoFeatures,
    Word,
)


def transcript(text: str, start: float, end: float, language: Language = "en") -> Transcript:
    words = tuple(
        Word(w, start + i * 0.5, start + i * 0.5 + 0.4) for i, w in enumerate(text.split())
    )
    return Transcript(language, text, (Segment(start, end, text, words),), "whisper-base")


def speech(units: int, rate: float, speech_s: float, **extra: object) -> SpeechFeatures:
    values: dict[str, object] = {
        "duration_s": 10.0, "speech_s": speech_s, "speaking_rate": rate,
        "rate_unit": "words/min", "pause_count": 1, "longest_pause_s": 0.8, "filler_count": 1,
        "fillers": {"um": 1}, "loudness_dbfs_mean": -20.0, "loudness_variation_db": 2.0,
        "pitch_mean_hz": 120.0, "pitch_variation_semitones": 1.0, "answer_units": units,
    }  # fmt: skip
    return SpeechFeatures(**(values | extra))  # type: ignore[arg-type]


def video(frames: int, face: float, looking: float = 1.0, **extra: Any) -> VideoFeatures:
    base = VideoFeatures(frames, face, 0.0, 0.0, looking, 0.01, 150.0, 0.2)
    return replace(base, **extra)


def test_each_segment_starts_where_the_previous_ones_end() -> None:
    assert stitch.offsets([3.0, 2.5, 4.0]) == [0.0, 3.0, 5.5]
    assert stitch.offsets([7.25]) == [0.0]


def test_transcripts_are_laid_end_to_end() -> None:
    first, second = transcript("I called the customer", 0.4, 2.2), transcript("we signed", 0.3, 1.1)
    merged = stitch.merge_transcripts([first, None, second], [0.0, 3.0, 5.5])
    assert merged is not None
    assert merged.text == "I called the customer we signed" and merged.model == "whisper-base"
    assert [(s.start, s.end) for s in merged.segments] == [(0.4, 2.2), (5.8, 6.6)]
    words = [w for s in merged.segments for w in s.words]
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert words[-2].text == "we" and words[-2].start == 5.8
    chinese = stitch.merge_transcripts(
        [transcript("我联系了客户", 0, 1, "zh"), transcript("签了合同", 0, 1, "zh")], [0.0, 2.0]
    )
    assert chinese is not None and chinese.text == "我联系了客户签了合同"
    assert stitch.merge_transcripts([None, None], [0.0, 1.0]) is None


def test_speech_features_add_up_and_are_weighted() -> None:
    # 20 words over a 10 s span, then 30 words over a 30 s span: 50 words in 40 s = 75/min
    # (the mean of the two rates, 90, would let the short part count as much as the long).
    a = speech(20, 120.0, 8.0, loudness_dbfs_mean=-20.0, pitch_mean_hz=100.0)
    b = speech(30, 60.0, 24.0, loudness_dbfs_mean=-24.0, pitch_mean_hz=140.0,
               longest_pause_s=2.5, fillers={"um": 2, "uh": 1}, filler_count=3)  # fmt: skip
    merged = stitch.merge_speech([a, None, b])
    assert merged is not None
    assert merged.speaking_rate == 75.0 and merged.answer_units == 50
    assert merged.duration_s == 20.0 and merged.speech_s == 32.0
    assert merged.pause_count == 2 and merged.longest_pause_s == 2.5
    assert merged.fillers == {"um": 3, "uh": 1} and merged.filler_count == 4
    assert merged.loudness_dbfs_mean == -23.0  # weighted by speech time 8 : 24
    assert merged.pitch_mean_hz == 130.0
    # pooled: both stds 2 dB, means 4 dB apart → sqrt(4 + 0.25·0.75·16) = 2.65
    assert merged.loudness_variation_db == pytest.approx(2.65, abs=0.01)
    assert stitch.merge_speech([None]) is None


def test_video_ratios_are_weighted_by_what_they_count() -> None:
    lit = video(10, 1.0, looking=0.8, head_movement=0.02)
    away = video(30, 0.0, looking=0.0, head_movement=0.06, dark_ratio=1.0)
    merged = stitch.merge_video([lit, None, away], [5.0, 1.0, 15.0])
    assert merged is not None and merged.frames_analysed == 40
    assert merged.face_present_ratio == 0.25 and merged.dark_ratio == 0.75
    assert merged.looking_at_camera_ratio == 0.8  # measured on face frames: all in `lit`
    assert merged.head_movement == 0.05  # per second, weighted 5 s : 15 s
    assert stitch.merge_video([None, video(0, 0.0)], [1.0, 1.0]) is None


def test_signals_media_and_timings_join_the_timeline() -> None:
    signals = [[IntegritySignal("no_face", 1.0, 4.0)], [IntegritySignal("multiple_faces", 0.5, 2)]]
    moved = stitch.shift_signals(signals, [0.0, 6.0])
    assert [(s.code, s.start, s.end) for s in moved] == [
        ("no_face", 1.0, 4.0), ("multiple_faces", 6.5, 8.0),
    ]  # fmt: skip
    a = MediaInfo("webm", 6.0, True, True, "opus", "vp8", 640, 480, 30.0, 180)
    b = replace(a, duration_s=2.0, width=320, height=240, fps=14.0, video_frames=28)
    info = stitch.merge_media([a, b])
    assert (info.duration_s, info.width, info.height, info.fps, info.video_frames) == (
        8.0, 320, 240, 26.0, 208,
    )  # fmt: skip
    assert stitch.merge_timings([{"audio": 0.5, "transcribe": 2.0}, {"audio": 0.25}]) == {
        "audio": 0.75, "transcribe": 2.0,
    }  # fmt: skip


# --- the pipeline over two recorded segments (a scripted transcriber, no model) ------------

QUESTION = Question(
    "q-customer", "Tell us about a difficult customer.", "behavioural", "en",
    {"customer focus": 1.0},
    (RubricLevel(1, "No example"), RubricLevel(2, "A story", ("customer",)),
     RubricLevel(3, "A story with a result", ("customer", "contract"))),
    ("customer", "contract"),
)  # fmt: skip
HALVES = ("I called the difficult customer every week.", "The result was a signed contract.")


class ScriptedTranscriber:
    """Hears the halves in turn (speech-like tones carry no words for a real model)."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls: list[float] = []

    def transcribe(self, audio: np.ndarray, *, language: Language) -> Transcript:
        self.calls.append(audio.size / 16000)
        return transcript(HALVES[len(self.calls) - 1], 0.3, 2.5)


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two three-second recordings: each alone is shorter than the five-second minimum."""
    folder = tmp_path_factory.mktemp("halves")
    return [
        mediagen.face_video(
            folder / f"half{n}.webm", seconds=3.0, fps=15, live=True,
            audio=mediagen.speech_like(3.0, noise_amplitude=0.0003),
        )
        for n in range(2)
    ]  # fmt: skip


def test_two_segments_are_analysed_as_one_answer(halves: list[Path]) -> None:
    asr = ScriptedTranscriber()
    report = pipeline.analyse_segments(halves, QUESTION, transcriber=asr)
    assert len(asr.calls) == 2 and all(2.5 < c < 3.5 for c in asr.calls)  # one call per segment
    assert report.transcript is not None and report.transcript.text == " ".join(HALVES)
    starts = [s.start for s in report.transcript.segments]
    assert starts[0] == 0.3 and 3.0 < starts[1] < 3.6  # the second half after the first
    assert 5.8 < report.media.duration_s < 6.4 and report.speech is not None
    assert 5.8 < report.speech.duration_s < 6.4 and report.speech.answer_units == 13
    # The whole answer passes the length rule that each half alone would fail.
    assert "too_short" not in {i.code for i in report.quality.issues}
    alone = pipeline.analyse(halves[0], QUESTION, transcriber=ScriptedTranscriber())
    assert "too_short" in {i.code for i in alone.quality.issues}
    # ONE score over the whole transcript: what each half shows counts, at its own moment.
    score = report.score
    assert score is not None and "episode" in score.found
    action = next(e for e in score.evidence if e.element == "episode")
    result = next(e for e in score.evidence if e.quote == HALVES[1])  # whichever feature
    assert action.start == 0.3 and result.start is not None and result.start > 3.0
    scorer = pipeline.default_scorer()
    halves_alone = [scorer.score(QUESTION, transcript(h, 0.3, 2.5)) for h in HALVES]
    assert score.score > max(s.score for s in halves_alone)
    assert report.video is not None and report.video.frames_analysed >= 10
    assert report.timings_s["segments"] == 2 and report.timings_s["total"] > 0
