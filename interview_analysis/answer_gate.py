"""The quality gate of an answer recorded in one or more segments, in bounded memory.

The Django side's quality check (F-45) hands the segments' files over one at a time; here
they are merged into one MediaInfo, their audio decoded for levels and SNR, their frames
sampled for face visibility, a covered camera and blur, and `quality.assess` gives the
verdict. Frames are observed one at a time (streaming), and decoding stops at
`max_seconds` of the answer: a recording longer than its question allows (a hostile
browser, or many segments) costs at most what an allowed one costs — 16 kHz float32 is
64 KB per second, so a 150 s limit holds under 10 MB of audio, whatever the file's length.

Without biometric consent no face is searched for (`LightOnlyAnalyzer`): only lighting and
sharpness are measured, and "no face" cannot be a finding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from interview_analysis import media, quality, vision
from interview_analysis.backends.faces import (
    BaseFaceAnalyzer,
    FaceBox,
    FrameObservation,
    default_face_analyzer,
    summarise,
)
from interview_analysis.types import IntegritySignal, MediaInfo, QualityReport, VideoFeatures

FRAME_EVERY_S = 0.5  # as the analysis pipeline samples
MAX_FRAMES = 600  # long answers are sampled more sparsely, not at a higher cost
FRAME_MAX_WIDTH = 640
SAMPLE_RATE = 16000


class LightOnlyAnalyzer(BaseFaceAnalyzer):
    """Lighting and sharpness per frame, never a face search (no biometric consent)."""

    name = "light-only"

    def find_faces(self, rgb: np.ndarray, gray: np.ndarray) -> tuple[list[FaceBox], bool | None]:
        return [], None


@dataclass(frozen=True)
class GateResult:
    """The verdict of the answer and what it rests on."""

    report: QualityReport
    video: VideoFeatures | None
    signals: list[IntegritySignal]
    engine: str
    analysed_s: float  # seconds of audio decoded (at most the cap)


@dataclass
class _Collected:
    """Audio, frame observations and stream facts gathered over an answer's segments."""

    infos: list[MediaInfo] = field(default_factory=list)
    audio: list[np.ndarray] = field(default_factory=list)
    observations: list[FrameObservation] = field(default_factory=list)
    elapsed_s: float = 0.0

    def audio_s(self) -> float:
        return sum(len(a) for a in self.audio) / SAMPLE_RATE


def _every_s(duration_s: float) -> float:
    return max(FRAME_EVERY_S, duration_s / MAX_FRAMES)


def _observe(
    path: Path, info: MediaInfo, analyzer: BaseFaceAnalyzer, start: float, until: float
) -> Iterator[FrameObservation]:
    every = _every_s(min(info.duration_s, until))
    for t, rgb in media.iter_frames(path, every_s=every, max_width=FRAME_MAX_WIDTH):
        if start + t >= until:
            return  # closing the generator closes the file: nothing past the cap is decoded
        yield analyzer.observe_frame(rgb, start + t)


def _take(got: _Collected, path: Path, video: bool, analyzer: BaseFaceAnalyzer, cap: float) -> None:
    info = media.probe(path)
    got.infos.append(info)
    left = max(0.0, cap - got.audio_s())
    if info.has_audio and left > 0:
        until = None if math.isinf(left) else left
        got.audio.append(media.load_audio(path, sample_rate=SAMPLE_RATE, max_seconds=until))
    if video and info.has_video and got.elapsed_s < cap:
        got.observations.extend(_observe(path, info, analyzer, got.elapsed_s, cap))
    got.elapsed_s += info.duration_s


def combined(infos: list[MediaInfo]) -> MediaInfo:
    """One MediaInfo for all segments: durations add up, the weakest picture counts."""
    total = sum(i.duration_s for i in infos)
    videos = [i for i in infos if i.has_video]
    fps = sum(i.fps * i.duration_s for i in videos) / max(1e-9, sum(i.duration_s for i in videos))
    return replace(
        infos[0],
        duration_s=round(total, 3),
        has_audio=all(i.has_audio for i in infos),
        has_video=bool(videos) and len(videos) == len(infos),
        width=min((i.width for i in videos), default=0),
        height=min((i.height for i in videos), default=0),
        fps=round(fps, 3) if videos else 0.0,
        video_frames=sum(i.video_frames for i in infos),
    )


def _step(observations: list[FrameObservation]) -> float:
    times = [o.t for o in observations]
    return float(np.median(np.diff(times))) if len(times) > 1 else FRAME_EVERY_S


def _thresholds(biometric: bool) -> quality.Thresholds:
    # No face search was made without consent: "no face" would be an artefact, not a finding.
    return quality.Thresholds() if biometric else replace(quality.Thresholds(), min_face_ratio=0.0)


def assess_segments(
    paths: Iterable[Path], *, video: bool, biometric: bool, max_seconds: float = float("inf")
) -> GateResult:
    """Judge the answer whose segments `paths` yields in order (each path need only exist
    until the next is asked for); decoding stops at `max_seconds` of the answer."""
    analyzer = default_face_analyzer() if biometric else LightOnlyAnalyzer()
    got = _Collected()
    for path in paths:
        _take(got, path, video, analyzer, max_seconds)
    if not got.infos:
        raise ValueError("an answer needs at least one segment")
    audio = np.concatenate(got.audio) if got.audio else np.zeros(0, np.float32)
    features = summarise(got.observations) if got.observations else None
    signals = vision.integrity_signals(got.observations, _step(got.observations))
    if not biometric:
        signals = [s for s in signals if s.code == "camera_covered"]
    report = quality.assess(combined(got.infos), audio, features, thresholds=_thresholds(biometric))
    return GateResult(report, features, signals, analyzer.name, round(got.audio_s(), 3))
