"""Dataclasses in and out of the engine: the whole contract other code relies on.

Plain data, no behaviour beyond small derived values; times are seconds from the start of
the recording; scores are 0–10; everything is JSON-serialisable through `to_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Language = Literal["zh", "en"]


def to_dict(obj: Any) -> dict[str, Any]:
    """A dataclass tree as plain JSON-ready data."""
    return asdict(obj)


# --- media -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaInfo:
    """What the container really holds (durations computed from decoded streams)."""

    container: str
    duration_s: float
    has_audio: bool
    has_video: bool
    audio_codec: str = ""
    video_codec: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0  # measured from decoded frame timestamps, not the header
    video_frames: int = 0


# --- questions and answers -----------------------------------------------------------------


@dataclass(frozen=True)
class RubricLevel:
    """One level of the 评分细则: what an answer at that level contains."""

    level: int
    description: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """The question as HR wrote it; the scorer sees nothing else about the job."""

    id: str
    text: str
    type: str  # self_intro | behavioural | situational | ability | skills_demo
    language: Language
    dimensions: dict[str, float]  # name → weight (any scale; normalised by the scorer)
    rubric: tuple[RubricLevel, ...]
    keywords: tuple[str, ...] = ()


# --- speech ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    """Simplified Chinese for zh; segments carry word timestamps when the model gives them."""

    language: Language
    text: str
    segments: tuple[Segment, ...]
    model: str = ""


@dataclass(frozen=True)
class SpeechFeatures:
    duration_s: float
    speech_s: float
    speaking_rate: float  # chars/min for zh, words/min for en
    rate_unit: str
    pause_count: int  # pauses ≥ 0.7 s between speech
    longest_pause_s: float
    filler_count: int
    # By filler ("嗯", "um" …); "hesitation" counts filled pauses heard in the sound but not
    # written by the transcriber (hesitation.py), so nothing is counted twice.
    fillers: dict[str, int]
    loudness_dbfs_mean: float
    loudness_variation_db: float
    pitch_mean_hz: float
    pitch_variation_semitones: float
    answer_units: int  # characters (zh) or words (en)


# --- video -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoFeatures:
    """Signals only (SPEC F-63): no emotion, no affect."""

    frames_analysed: int
    face_present_ratio: float
    multiple_faces_ratio: float
    dark_ratio: float  # camera covered or unlit
    looking_at_camera_ratio: float
    head_movement: float  # mean normalised face-centre displacement per second
    mean_brightness: float
    blur: float = 0.0  # 0 sharp … 1 blurred (no-reference re-blur metric, median over frames)


# --- quality and integrity ---------------------------------------------------------------------


@dataclass(frozen=True)
class QualityIssue:
    code: str  # e.g. low_fps, low_resolution, too_quiet, low_snr, silent, too_short, no_face
    message: str  # English; the Django app translates by code
    value: float | None = None
    threshold: float | None = None
    severity: Literal["fail", "warn"] = "fail"  # fail → verdict needs_rerecord; warn → shown only


@dataclass(frozen=True)
class QualityReport:
    verdict: Literal["ok", "needs_rerecord"]
    issues: tuple[QualityIssue, ...]
    fps: float
    width: int
    height: int
    audio_level_dbfs: float
    snr_db: float
    speech_ratio: float
    duration_s: float


@dataclass(frozen=True)
class IntegritySignal:
    """Reported to HR as a signal, never a verdict (F-46)."""

    code: str  # multiple_faces, no_face, camera_covered, second_voice, …
    start: float
    end: float
    detail: str = ""


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A quoted piece of the answer and what it shows."""

    quote: str
    element: str  # e.g. situation, task, action, result, reflection, keyword:<kw>, number
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class DimensionScore:
    name: str
    weight: float
    score: float  # 0–10
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class TextScore:
    level: int  # rubric level, 1..max
    score: float  # 0–10 weighted total
    confidence: float  # 0–1; low → needs human review
    dimensions: tuple[DimensionScore, ...]
    evidence: tuple[Evidence, ...]
    found: tuple[str, ...]  # rubric elements present
    missing: tuple[str, ...]  # rubric elements absent
    suggestions: tuple[str, ...]
    scorer: str = ""
    # Codes asking for a person whatever the confidence (e.g. "prompt_injection").
    review_flags: tuple[str, ...] = ()
    # Why a helper's judgement was not used (e.g. "llm refused: LLM gave score 42, …").
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerReport:
    """Everything the engine says about one recorded answer."""

    question_id: str
    media: MediaInfo
    quality: QualityReport
    transcript: Transcript | None
    speech: SpeechFeatures | None
    video: VideoFeatures | None
    integrity: tuple[IntegritySignal, ...]
    score: TextScore | None
    needs_human_review: bool
    review_reasons: tuple[str, ...] = ()
    timings_s: dict[str, float] = field(default_factory=dict)
