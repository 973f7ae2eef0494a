"""Video features and video integrity signals from sampled frames (SPEC F-46, F-63).

One pass of the face analyzer yields both: consecutive sampled frames that show the same thing
(two faces, no face, a covered camera) are merged into time spans, and spans long enough to
matter become IntegritySignals — signals for HR, never verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from interview_analysis.backends.faces import FrameObservation, default_face_analyzer, summarise
from interview_analysis.ports import FaceAnalyzer
from interview_analysis.types import IntegritySignal, VideoFeatures

NO_FACE_MIN_S = 3.0
COVERED_MIN_S = 1.0
MULTIPLE_FACES_MIN_S = 1.0


def _observe(
    frames: Sequence[np.ndarray], times: Sequence[float], analyzer: FaceAnalyzer
) -> list[FrameObservation]:
    """Per-frame observations; any FaceAnalyzer works, ours answer in one call."""
    observe = getattr(analyzer, "observe", None)
    if callable(observe):
        return list(observe(frames, times))
    out = []
    for rgb, t in zip(frames, times, strict=True):
        one = analyzer.analyse([rgb], [t])  # a foreign analyzer: ask frame by frame
        faces = 2 if one.multiple_faces_ratio > 0 else int(one.face_present_ratio > 0)
        dark = one.dark_ratio > 0
        out.append(
            FrameObservation(
                t=float(t), faces=faces, brightness=one.mean_brightness, dark=dark, blur=one.blur
            )
        )
    return out


def _step(times: Sequence[float]) -> float:
    """The sampling interval: how long one sampled frame stands for."""
    return float(np.median(np.diff(times))) if len(times) > 1 else 0.5


def spans(
    observations: Sequence[FrameObservation], flag: Callable[[FrameObservation], bool], step: float
) -> list[tuple[float, float, int]]:
    """(start, end, frames) of each run of consecutive flagged frames; a frame lasts `step` s."""
    runs: list[tuple[float, float, int]] = []
    start: float | None = None
    count = 0
    for obs in observations:
        if flag(obs):
            start = obs.t if start is None else start
            count += 1
            continue
        if start is not None:
            runs.append((start, obs.t, count))
        start, count = None, 0
    if start is not None:
        runs.append((start, observations[-1].t + step, count))
    return runs


def integrity_signals(
    observations: Sequence[FrameObservation], step: float
) -> list[IntegritySignal]:
    """multiple_faces, no_face (≥ 3 s, camera lit) and camera_covered spans, in time order."""
    rules: list[tuple[str, Callable[[FrameObservation], bool], float, str]] = [
        (
            "multiple_faces",
            lambda o: o.faces > 1,
            MULTIPLE_FACES_MIN_S,
            "more than one face in {n} sampled frames",
        ),
        (
            "no_face",
            lambda o: o.faces == 0 and not o.dark,
            NO_FACE_MIN_S,
            "no face in {n} sampled frames",
        ),
        (
            "camera_covered",
            lambda o: o.dark,
            COVERED_MIN_S,
            "picture dark or covered in {n} sampled frames",
        ),
    ]
    signals = []
    for code, flag, min_s, detail in rules:
        for start, end, n in spans(observations, flag, step):
            if end - start >= min_s - 1e-6:
                signals.append(
                    IntegritySignal(code, round(start, 3), round(end, 3), detail.format(n=n))
                )
    return sorted(signals, key=lambda s: (s.start, s.code))


def analyse_video(
    frames: Sequence[np.ndarray], times: Sequence[float], analyzer: FaceAnalyzer | None = None
) -> tuple[VideoFeatures, list[IntegritySignal]]:
    """Features and integrity signals from one pass over the sampled frames."""
    chosen = analyzer if analyzer is not None else default_face_analyzer()
    observations = _observe(frames, times, chosen)
    has_observe = callable(getattr(chosen, "observe", None))
    features = summarise(observations) if has_observe else chosen.analyse(frames, times)
    return features, integrity_signals(observations, _step(times))


def video_features(
    frames: Sequence[np.ndarray], times: Sequence[float], analyzer: FaceAnalyzer | None = None
) -> VideoFeatures:
    """VideoFeatures of the sampled frames (default analyzer: mediapipe, else Haar)."""
    chosen = analyzer if analyzer is not None else default_face_analyzer()
    return chosen.analyse(frames, times)


def video_integrity(
    frames: Sequence[np.ndarray], times: Sequence[float], analyzer: FaceAnalyzer | None = None
) -> list[IntegritySignal]:
    """multiple_faces, no_face (≥ 3 s) and camera_covered spans as IntegritySignals."""
    chosen = analyzer if analyzer is not None else default_face_analyzer()
    return integrity_signals(_observe(frames, times, chosen), _step(times))
