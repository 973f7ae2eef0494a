"""One recorded answer → AnswerReport: media, quality, transcript, features, video, score.

Each stage is timed (``timings_s``). The audio track is decoded once and shared by the
quality gate, the transcriber and the speech features; video frames are sampled in one
pass (in a worker thread, beside the speech stages) and serve both the video features and
the integrity signals. ASR is skipped (and the report says why) when there is no audio
track or the quality gate's silence rule finds no speech. An answer cut into several
recordings by a reload is measured segment by segment and stitched into one
(`analyse_segments`, merging in `stitch`) before the quality gate and the one text score.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from interview_analysis import media, quality, speech, stitch, vision
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
    """The offline scorer (no network): general features, a calibrated confidence and
    reasons for a person to look (scorer/model.py; `python -m interview_analysis eval`)."""
    from interview_analysis.scorer.model import GeneralScorer

    return GeneralScorer()


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
    reasons += list(score.review_flags) if score is not None else []
    return reasons


def _transcribe(asr: Transcriber, audio: np.ndarray, question: Question) -> Transcript:
    """The answer in the question's language; a transcriber that takes a vocabulary gets the
    job's keywords as spelling hints (the Transcriber port does not require it)."""
    language = question.language
    if question.keywords and "vocabulary" in inspect.signature(asr.transcribe).parameters:
        return asr.transcribe(audio, language=language, vocabulary=question.keywords)  # type: ignore[call-arg]
    return asr.transcribe(audio, language=language)


def _speech(
    audio: np.ndarray, question: Question, asr: Transcriber | None, timer: _Timer
) -> tuple[Transcript, SpeechFeatures]:
    """Transcript and delivery features of the answer's audio."""
    chosen = asr or default_transcriber()
    language = question.language
    transcript = timer.run("transcribe", lambda: _transcribe(chosen, audio, question))
    features = timer.run(
        "speech", lambda: speech.speech_features(audio, transcript, language=language)
    )
    return transcript, features


def _audio(path: Path, info: MediaInfo) -> np.ndarray:
    """The decoded audio track (empty without one)."""
    return media.load_audio(path) if info.has_audio else np.zeros(0, np.float32)


@dataclass
class _Measured:
    """What one recording (or several stitched) gave before the quality gate and scoring."""

    info: MediaInfo
    audio: np.ndarray
    skipped: str
    transcript: Transcript | None
    features: SpeechFeatures | None
    video: VideoFeatures | None
    integrity: list[IntegritySignal]


def _measure(
    path: Path, question: Question, asr: Transcriber | None, faces: FaceAnalyzer | None,
    timer: _Timer,
) -> _Measured:  # fmt: skip
    """Probe, decode, transcribe and look at one recording (raises MediaError if unusable)."""
    info = timer.run("probe", lambda: media.probe(path))
    audio = timer.run("audio", lambda: _audio(path, info))
    skipped = _speech_skipped_because(info, audio)
    # Whisper's decoding loop leaves a core idle much of the time: frames and faces run
    # beside it (PyAV, mediapipe and CTranslate2 release the GIL).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mianshi-video") as pool:
        video_job = pool.submit(_video, path, info, faces, timer)
        heard = None if skipped else _speech(audio, question, asr, timer)
        video, integrity = video_job.result()
    transcript, features = heard or (None, None)
    return _Measured(info, audio, skipped, transcript, features, video, integrity)


def _report(
    question: Question, m: _Measured, scorer: TextScorer | None, timer: _Timer, started: float
) -> AnswerReport:
    """The quality gate, ONE text score over the (whole) transcript, the review reasons."""
    report = timer.run("quality", lambda: quality.assess(m.info, m.audio, m.video))
    score: TextScore | None = None
    if m.transcript is not None and m.transcript.text:
        chosen, said = scorer or default_scorer(), m.transcript
        score = timer.run("score", lambda: chosen.score(question, said))
    reasons = review_reasons(report, m.transcript, m.features, m.integrity, score, m.skipped)
    return AnswerReport(
        question_id=question.id,
        media=m.info,
        quality=report,
        transcript=m.transcript,
        speech=m.features,
        video=m.video,
        integrity=tuple(m.integrity),
        score=score,
        needs_human_review=bool(reasons),
        review_reasons=tuple(reasons),
        # Stages overlap (video beside speech): "total" is the wall time, not their sum.
        timings_s={**timer.timings, "total": round(time.perf_counter() - started, 3)},
    )


def analyse(
    path: str | Path,
    question: Question,
    *,
    transcriber: Transcriber | None = None,
    face_analyzer: FaceAnalyzer | None = None,
    scorer: TextScorer | None = None,
) -> AnswerReport:
    """Analyse one recorded answer to `question`; raises MediaError for unusable files."""
    timer, started = _Timer(), time.perf_counter()
    measured = _measure(Path(path), question, transcriber, face_analyzer, timer)
    return _report(question, measured, scorer, timer, started)


def _stitched(parts: list[_Measured]) -> _Measured:
    """The segments' measurements as one answer on one timeline (see stitch)."""
    starts = stitch.offsets([p.info.duration_s for p in parts])
    heard = [p for p in parts if p.transcript is not None]
    return _Measured(
        info=stitch.merge_media([p.info for p in parts]),
        audio=np.concatenate([p.audio for p in parts]),
        skipped="" if heard else parts[0].skipped,
        transcript=stitch.merge_transcripts([p.transcript for p in parts], starts),
        features=stitch.merge_speech([p.features for p in parts]),
        video=stitch.merge_video([p.video for p in parts], [p.info.duration_s for p in parts]),
        integrity=stitch.shift_signals([p.integrity for p in parts], starts),
    )


def analyse_segments(
    paths: Sequence[str | Path],
    question: Question,
    *,
    transcriber: Transcriber | None = None,
    face_analyzer: FaceAnalyzer | None = None,
    scorer: TextScorer | None = None,
) -> AnswerReport:
    """Analyse an answer recorded in several segments (in order) as ONE answer: each is
    measured alone, then transcripts, features and signals are stitched onto one timeline
    and the whole transcript is scored once. One path is the same as `analyse`."""
    if not paths:
        raise ValueError("an answer needs at least one recording")
    started, timers = time.perf_counter(), [_Timer() for _ in paths]
    parts = [
        _measure(Path(path), question, transcriber, face_analyzer, timer)
        for path, timer in zip(paths, timers, strict=True)
    ]
    timer = _Timer()
    timer.timings = stitch.merge_timings([t.timings for t in timers])
    whole = parts[0] if len(parts) == 1 else _stitched(parts)
    report = _report(question, whole, scorer, timer, started)
    return replace(report, timings_s={**report.timings_s, "segments": len(parts)})


def run(path: str | Path, question: Question) -> AnswerReport:
    """The offline defaults end to end (the name the Django task calls)."""
    return analyse(path, question)
