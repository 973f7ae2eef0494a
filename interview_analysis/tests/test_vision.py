"""Face signals and integrity spans on generated faces, with both detectors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from interview_analysis import media, vision
from interview_analysis.backends.faces import (
    BaseFaceAnalyzer,
    HaarFaceAnalyzer,
    blur_metric,
    default_face_analyzer,
    luminance,
)
from interview_analysis.tests import mediagen
from interview_analysis.types import VideoFeatures


@pytest.fixture(scope="module", params=["mediapipe", "haar"])
def analyzer(request: pytest.FixtureRequest) -> BaseFaceAnalyzer:
    return default_face_analyzer() if request.param == "mediapipe" else HaarFaceAnalyzer()


def _frames(n: int, **kw: object) -> tuple[list[np.ndarray], list[float]]:
    times = [i * 0.5 for i in range(n)]
    return [mediagen.face_frame(t=t, **kw) for t in times], times  # type: ignore[arg-type]


def test_the_default_is_mediapipe() -> None:
    assert default_face_analyzer().name == "mediapipe-0.10.21"


def test_one_face_found_in_every_frame(analyzer: BaseFaceAnalyzer) -> None:
    features = analyzer.analyse(*_frames(8))
    assert features.frames_analysed == 8
    assert features.face_present_ratio == 1.0
    assert features.multiple_faces_ratio == 0.0
    assert features.dark_ratio == 0.0
    assert features.looking_at_camera_ratio == 1.0
    assert 100 < features.mean_brightness < 200


def test_two_faces(analyzer: BaseFaceAnalyzer) -> None:
    features = analyzer.analyse(*_frames(6, faces=2))
    assert features.face_present_ratio == 1.0
    assert features.multiple_faces_ratio == 1.0


def test_black_frames_are_a_covered_camera(analyzer: BaseFaceAnalyzer) -> None:
    features = analyzer.analyse(*_frames(6, dark=True))
    assert features.dark_ratio == 1.0
    assert features.face_present_ratio == 0.0
    assert features.mean_brightness < 10


def test_empty_room_has_no_face_and_is_not_dark(analyzer: BaseFaceAnalyzer) -> None:
    features = analyzer.analyse(*_frames(6, faces=0))
    assert features.face_present_ratio == 0.0
    assert features.dark_ratio == 0.0


def test_a_flat_lit_picture_counts_as_covered() -> None:
    grey = [np.full((240, 320, 3), 150, np.uint8)] * 4
    features = HaarFaceAnalyzer().analyse(grey, [0.0, 0.5, 1.0, 1.5])
    assert features.dark_ratio == 1.0


def test_eyes_looking_away_are_not_looking_at_the_camera() -> None:
    frames, times = _frames(4)
    away, _ = _frames(4, gaze=1.0)
    features = default_face_analyzer().analyse(frames + away, times + [t + 2 for t in times])
    assert features.face_present_ratio == 1.0
    assert features.looking_at_camera_ratio == 0.5


def test_head_movement_grows_with_movement(analyzer: BaseFaceAnalyzer) -> None:
    still = analyzer.analyse(*_frames(8)).head_movement
    swaying = analyzer.analyse(*_frames(8, sway=60.0)).head_movement
    assert still < 0.05
    assert swaying > 0.2


def test_blur_metric_rises_with_blur() -> None:
    import cv2

    gray = luminance(mediagen.face_frame())
    sharp, soft = blur_metric(gray), blur_metric(cv2.GaussianBlur(gray, (0, 0), 3))
    assert sharp < 0.3 < 0.75 < soft


def test_integrity_spans_from_a_timeline(analyzer: BaseFaceAnalyzer) -> None:
    # 0–4 s one face, 4–8 s nobody, 8–10 s two faces, 10–12 s covered, 12–13 s one face.
    def scene(t: float) -> dict[str, object]:
        if 4 <= t < 8:
            return {"faces": 0}
        if 8 <= t < 10:
            return {"faces": 2}
        return {"dark": 10 <= t < 12}

    times = [i * 0.5 for i in range(26)]
    frames = [mediagen.face_frame(t=t, **scene(t)) for t in times]  # type: ignore[arg-type]
    signals = vision.video_integrity(frames, times, analyzer)
    assert [(s.code, s.start, s.end) for s in signals] == [
        ("no_face", 4.0, 8.0),
        ("multiple_faces", 8.0, 10.0),
        ("camera_covered", 10.0, 12.0),
    ]
    assert signals[0].detail == "no face in 8 sampled frames"


def test_short_absences_are_not_signals() -> None:
    times = [i * 0.5 for i in range(12)]
    frames = [mediagen.face_frame(faces=0 if 2 <= t < 4 else 1) for t in times]
    assert vision.video_integrity(frames, times) == []


def test_a_span_running_to_the_end_lasts_its_last_sample() -> None:
    times = [i * 0.5 for i in range(8)]
    frames = [mediagen.face_frame(faces=0 if t >= 1 else 1) for t in times]
    (signal,) = vision.video_integrity(frames, times)
    assert (signal.code, signal.start, signal.end) == ("no_face", 1.0, 4.0)


class _OnlyAnalyse:
    """A third-party analyzer with nothing but the port's method."""

    name = "foreign"

    def analyse(self, frames: Sequence[np.ndarray], times: Sequence[float]) -> VideoFeatures:
        dark = float(np.mean([f.mean() < 40 for f in frames]))
        return VideoFeatures(len(frames), 1 - dark, 0.0, dark, 0.0, 0.0, 100.0)


def test_any_face_analyzer_gives_integrity_spans() -> None:
    times = [i * 0.5 for i in range(6)]
    frames = [mediagen.face_frame(dark=t >= 1) for t in times]
    features, signals = vision.analyse_video(frames, times, _OnlyAnalyse())
    assert features.dark_ratio == pytest.approx(4 / 6)
    assert [(s.code, s.start, s.end) for s in signals] == [("camera_covered", 1.0, 3.0)]


def test_encoded_video_end_to_end(tmp_path: Path) -> None:
    path = mediagen.face_video(tmp_path / "two.webm", seconds=4, faces=lambda t: 2 if t >= 2 else 1)
    frames, times = media.sample_frames(path)
    features, signals = vision.analyse_video(frames, times)
    assert features.face_present_ratio == 1.0
    assert features.multiple_faces_ratio == 0.5
    (signal,) = signals
    assert signal.code == "multiple_faces"
    assert (signal.start, signal.end) == pytest.approx((2.0, 4.0), abs=0.05)  # 25 fps frame times
    assert vision.video_features(frames, times) == features
