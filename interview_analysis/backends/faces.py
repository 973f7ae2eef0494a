"""Face signals from sampled frames (SPEC F-63): presence, count, covered camera, gaze, movement.

Signals only — nothing here infers emotion or affect (EU AI Act Art. 5(1)(f)).
`default_face_analyzer()` returns mediapipe's detector + iris mesh when mediapipe is installed
and OpenCV's frontal Haar cascade otherwise. Both share the per-frame lighting, blur and
aggregation code below, and expose `observe()` so integrity spans need only one pass.
"""

from __future__ import annotations

import abc
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from interview_analysis.types import VideoFeatures

DARK_LUMA = 40.0  # mean luminance (0–255) below which the picture is unlit or covered
FLAT_STD = 6.0  # a lit but featureless picture (tape, a finger, a wall at 2 cm) is covered too
MIN_FACE_WIDTH = 0.06  # of the frame width: smaller hits are posters, noise or far away people


@dataclass(frozen=True)
class FaceBox:
    """A face in frame-relative units (0–1 of the width/height)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True)
class FrameObservation:
    """What one sampled frame shows."""

    t: float
    faces: int
    brightness: float
    dark: bool
    blur: float
    face: FaceBox | None = None  # the largest face
    looking: bool | None = None  # None when the gaze could not be measured


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Grey (BT.601 luma) image of an RGB frame."""
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


def blur_metric(gray: np.ndarray, edge: float = 2.0) -> float:
    """0 sharp … 1 blurred: how little the edges change when re-blurred (Crete et al., 2007).

    Only pixels on an edge count, so smooth backgrounds do not read as blur.
    """
    f = gray.astype(np.float32)
    kernel = np.full(9, 1 / 9, np.float32)
    scores = []
    for axis, k in ((0, kernel.reshape(9, 1)), (1, kernel.reshape(1, 9))):
        d_sharp = np.abs(np.diff(f, axis=axis))
        d_blur = np.abs(np.diff(cv2.filter2D(f, -1, k), axis=axis))
        mask = d_sharp > edge
        total = float(d_sharp[mask].sum())
        if total <= 0:
            return 1.0
        lost = float(np.maximum(0, d_sharp - d_blur)[mask].sum())
        scores.append((total - lost) / total)
    return max(scores)


def _largest(boxes: Sequence[FaceBox]) -> FaceBox | None:
    return max(boxes, key=lambda b: b.w * b.h) if boxes else None


class BaseFaceAnalyzer(abc.ABC):
    """Lighting, blur and aggregation; subclasses find faces in one lit frame."""

    name = "base"

    @abc.abstractmethod
    def find_faces(self, rgb: np.ndarray, gray: np.ndarray) -> tuple[list[FaceBox], bool | None]:
        """Faces in a lit frame and whether the largest looks at the camera."""

    def observe_frame(self, rgb: np.ndarray, t: float) -> FrameObservation:
        """One frame's observation; a dark or flat frame is not searched for faces."""
        gray = luminance(rgb)
        mean, std = float(gray.mean()), float(gray.std())
        if mean < DARK_LUMA or std < FLAT_STD:
            return FrameObservation(t=t, faces=0, brightness=mean, dark=True, blur=0.0)
        boxes, looking = self.find_faces(rgb, gray)
        boxes = [b for b in boxes if b.w >= MIN_FACE_WIDTH]
        return FrameObservation(
            t=t, faces=len(boxes), brightness=mean, dark=False, blur=blur_metric(gray),
            face=_largest(boxes), looking=looking if boxes else None,
        )  # fmt: skip

    def observe(
        self, frames: Sequence[np.ndarray], times: Sequence[float]
    ) -> list[FrameObservation]:
        """Observations of every sampled frame."""
        return [self.observe_frame(rgb, float(t)) for rgb, t in zip(frames, times, strict=True)]

    def analyse(self, frames: Sequence[np.ndarray], times: Sequence[float]) -> VideoFeatures:
        """VideoFeatures of the sampled frames (ports.FaceAnalyzer)."""
        return summarise(self.observe(frames, times))


def head_movement(observations: Sequence[FrameObservation]) -> float:
    """Mean face-centre displacement between sampled frames, in face widths per second."""
    rates = []
    for a, b in itertools.pairwise(observations):
        if a.face is None or b.face is None or b.t <= a.t:
            continue
        (ax, ay), (bx, by) = a.face.centre, b.face.centre
        width = (a.face.w + b.face.w) / 2
        rates.append(math.hypot(bx - ax, by - ay) / width / (b.t - a.t))
    return float(np.mean(rates)) if rates else 0.0


def _ratio(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def summarise(observations: Sequence[FrameObservation]) -> VideoFeatures:
    """Aggregate per-frame observations into VideoFeatures."""
    n = len(observations)
    with_face = [o for o in observations if o.faces > 0]
    measured = [o for o in with_face if o.looking is not None]
    lit_blur = [o.blur for o in observations if not o.dark]
    return VideoFeatures(
        frames_analysed=n,
        face_present_ratio=_ratio(len(with_face), n),
        multiple_faces_ratio=_ratio(sum(o.faces > 1 for o in observations), n),
        dark_ratio=_ratio(sum(o.dark for o in observations), n),
        looking_at_camera_ratio=_ratio(sum(bool(o.looking) for o in measured), len(measured)),
        head_movement=round(head_movement(observations), 4),
        mean_brightness=round(float(np.mean([o.brightness for o in observations])), 2)
        if n
        else 0.0,
        blur=round(float(np.median(lit_blur)), 4) if lit_blur else 0.0,
    )


class HaarFaceAnalyzer(BaseFaceAnalyzer):
    """OpenCV's frontal-face Haar cascade (bundled with opencv-python 4.x): the fallback.

    The frontal cascade fires only within roughly ±20° of facing the camera, so a detection
    doubles as a coarse looking-at-camera proxy.
    """

    name = "opencv-haar"

    def __init__(self, *, detect_width: int = 320) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"OpenCV Haar cascade missing at {path} (needs opencv 4.x)")
        self._detect_width = detect_width

    def find_faces(self, rgb: np.ndarray, gray: np.ndarray) -> tuple[list[FaceBox], bool | None]:
        """Frontal faces on a downscaled grey frame (half the cost at 320 px, same hits)."""
        h, w = gray.shape
        scale = min(1.0, self._detect_width / w)
        small = cv2.resize(gray, (round(w * scale), round(h * scale))) if scale < 1 else gray
        hits = self._cascade.detectMultiScale(
            small, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24)
        )
        sw, sh = small.shape[1], small.shape[0]
        boxes = [FaceBox(x / sw, y / sh, bw / sw, bh / sh) for x, y, bw, bh in hits]
        return boxes, (True if boxes else None)


@functools.lru_cache(maxsize=1)
def default_face_analyzer() -> BaseFaceAnalyzer:
    """mediapipe when installed, else the Haar cascade (one per process; not thread-safe)."""
    try:
        from interview_analysis.backends.faces_mediapipe import MediapipeFaceAnalyzer

        return MediapipeFaceAnalyzer()
    except ImportError:
        return HaarFaceAnalyzer()
