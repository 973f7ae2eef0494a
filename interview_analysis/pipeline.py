"""One recorded answer → AnswerReport: media, quality, transcript, features, video, score.

Each stage is timed (``timings_s``). The audio track is decoded once and shared by the
quality gate, the transcriber and the speech features; video frames are sampled in one
pass (in a worker thread, beside the speech stages) and serve both the video features and
the integrity signals. ASR is skipped (and the report says why) when there is no audio
track or the quality gate's silence rule finds no speech.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np

from interview_analysis import media, quality, speech, vision
from interview_analysis.ports import FaceAnalyzer, TextScorer, Transcriber
from interview_analysis.types import (
    AnswerReport,
    IntegritySignal,
    MediaInfo,
    QualityReport,
    Question,
    SpeechFeatures,
    TextScore,
    Transcript,
    VideoFeatures,
)

FRAME_EVERY_S = 0.5
FRAME_MAX_WIDTH = 640
LOW_WORD_PROBABILITY = 0.55  # mean Whisper word probability below this: check the transcript
LOW_SCORE_CONFIDENCE = 0.5
SHORT_ANSWER_UNITS = {"zh": 30, "en": 15}  # shorter than this: too little to judge
NO_SPEECH_CODES = frozenset({"no_audio", "silent"})
T = TypeVar("T")


class _Timer:
    """Collects wall time per stage."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under `name`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)

    def run(self, name: str, fn: Callable[[], T]) -> T:
        """Run fn timed under `name` and return its result."""
        with self.stage(name):
            return fn()


def default_transcriber() -> Transcriber:
    """faster-whisper from the model folder (raises ModelMissingError when not installed)."""
    from interview_analysis.backends.whisper import FasterWhisperTranscriber

    return FasterWhisperTranscriber()


def default_scorer() -> TextScorer:
    """The offline rubric scorer (no model, no network)."""
    from interview_analysis.backends.rubric import RubricScorer

    return RubricScorer()


def _video(
    path: Path, info: MediaInfo, analyzer: FaceAnalyzer | None, timer: _Timer
) -> tuple[VideoFeatures | None, list[IntegritySignal]]:
    """Video features and integrity signals from frames sampled in one decoding pass."""
    if not info.has_video:
        return None, []
    frames, times = timer.run(
        "frames",
        lambda: media.sample_frames(path, every_s=FRAME_EVERY_S, max_width=FRAME_MAX_WIDTH),
    )
    if not frames:
        return None, []
    return timer.run("video", lambda: vision.analyse_video(frames, times, analyzer))


def _speech_skipped_because(info: MediaInfo, audio: np.ndarray) -> str:
    """Why ASR is not run ('' when it should be): the quality gate's own silence rule."""
    if not info.has_audio or audio.size == 0:
        return "no_audio_track"
    if quality.audio_levels(audio).speech_s < quality.MIN_SPEECH_S:
        return "no_speech"
    return ""


def review_reasons(
    report: QualityReport,
    transcript: Transcript | None,
    features: SpeechFeatures | None,
    integrity: list[IntegritySignal],
    score: TextScore | None,
    skipped: str,
) -> list[str]:
    """Why a person should look at this answer before anyone relies on the scores."""
    reasons = [f"quality:{i.code}" for i in report.issues if i.severity == "fail"]
    reasons += [skipped] if skipped else []
    reasons += sorted({f"integrity:{s.code}" for s in integrity})
    words = [w for seg in transcript.segments for w in seg.words] if transcript else []
    if words and float(np.mean([w.probability for w in words])) < LOW_WORD_PROBABILITY:
        reasons.append("low_transcript_confidence")
    if transcript and not skipped and not transcript.text:
        reasons.append("empty_transcript")
    units = features.answer_units if features else 0
    if transcript and transcript.text and units < SHORT_ANSWER_UNITS[transcript.language]:
        reasons.append("short_answer")
    if score is not None and score.confidence < LOW_SCORE_CONFIDENCE:
        reasons.append("low_score_confidence")
    return reasons


def _speech(
    audio: np.ndarray, question: Question, asr: Transcriber | None, timer: _Timer
) -> tuple[Transcript, SpeechFeatures]:
    """Transcript and delivery features of the answer's audio."""
    chosen = asr or default_transcriber()
    language = question.language
    transcript = timer.run("transcribe", lambda: chosen.transcribe(audio, language=language))
    features = timer.run(
        "speech", lambda: speech.speech_features(audio, transcript, language=language)
    )
    return transcript, features


def _audio(path: Path, info: MediaInfo) -> np.ndarray:
    """The decoded audio track (empty without one)."""
    return media.load_audio(path) if info.has_audio else np.zeros(0, np.float32)


def analyse(
    path: str | Path,
    question: Question,
    *,
    transcriber: Transcriber | None = None,
    face_analyzer: FaceAnalyzer | None = None,
    scorer: TextScorer | None = None,
) -> AnswerReport:
    """Analyse one recorded answer to `question`; raises MediaError for unusable files."""
    path, timer, started = Path(path), _Timer(), time.perf_counter()
    info = timer.run("probe", lambda: media.probe(path))
    audio = timer.run("audio", lambda: _audio(path, info))
    skipped = _speech_skipped_because(info, audio)
    # Whisper's decoding loop leaves a core idle much of the time: frames and faces run
    # beside it (PyAV, mediapipe and CTranslate2 release the GIL).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mianshi-video") as pool:
        video_job = pool.submit(_video, path, info, face_analyzer, timer)
        heard = None if skipped else _speech(audio, question, transcriber, timer)
        video, integrity = video_job.result()
    transcript, features = heard or (None, None)
    report = timer.run("quality", lambda: quality.assess(info, audio, video))
    score: TextScore | None = None
    if transcript is not None and transcript.text:
        chosen, said = scorer or default_scorer(), transcript
        score = timer.run("score", lambda: chosen.score(question, said))
    reasons = review_reasons(report, transcript, features, integrity, score, skipped)
    return AnswerReport(
        question_id=question.id,
        media=info,
        quality=report,
        transcript=transcript,
        speech=features,
        video=video,
        integrity=tuple(integrity),
        score=score,
        needs_human_review=bool(reasons),
        review_reasons=tuple(reasons),
        # Stages overlap (video beside speech): "total" is the wall time, not their sum.
        timings_s={**timer.timings, "total": round(time.perf_counter() - started, 3)},
    )


def run(path: str | Path, question: Question) -> AnswerReport:
    """The offline defaults end to end (the name the Django task calls)."""
    return analyse(path, question)
