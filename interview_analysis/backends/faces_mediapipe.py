"""mediapipe 0.10.21 (bundled BlazeFace short-range detector + 478-point face mesh with irises).

Install: `pip install --no-deps mediapipe==0.10.21` plus absl-py attrs flatbuffers
sentencepiece matplotlib "protobuf>=4.25.8,<5" (see ../shared/MODELS.md). Newer mediapipe
ships no models. Importing this module raises ImportError when mediapipe is absent.
"""

from __future__ import annotations

import os

import numpy as np

from interview_analysis.backends.faces import BaseFaceAnalyzer, FaceBox

os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ logs flood stderr otherwise

from mediapipe.python.solutions import face_detection, face_mesh

# Landmark indices of the mesh (refine_landmarks=True adds the irises 468–477).
_RIGHT_EYE = (33, 133, 468)  # outer corner, inner corner, iris centre
_LEFT_EYE = (362, 263, 473)  # inner corner, outer corner, iris centre
_NOSE, _CHEEK_R, _CHEEK_L, _CHIN = 1, 234, 454, 152

MAX_IRIS_OFFSET = 0.12  # iris centre off the eye's middle, in eye widths
MAX_YAW = 0.18  # nose off the cheeks' midpoint, in face widths (≈ 20° head turn)
PITCH_RANGE = (0.15, 0.55)  # nose between eye line and chin; outside = head tilted far up/down


def _iris_offset(points: np.ndarray) -> float:
    """Mean horizontal iris offset from the middle of each eye, in eye widths."""
    offsets = []
    for first, second, iris in (_RIGHT_EYE, _LEFT_EYE):
        width = points[second, 0] - points[first, 0]
        if abs(width) > 1e-6:
            offsets.append((points[iris, 0] - points[first, 0]) / width - 0.5)
    return abs(float(np.mean(offsets))) if offsets else 1.0


def looks_at_camera(points: np.ndarray) -> bool:
    """Head roughly frontal (yaw, pitch from the nose) and irises centred: a gaze proxy."""
    face_w = points[_CHEEK_L, 0] - points[_CHEEK_R, 0]
    eye_y = (points[_RIGHT_EYE[0], 1] + points[_LEFT_EYE[1], 1]) / 2
    face_h = points[_CHIN, 1] - eye_y
    if abs(face_w) < 1e-6 or face_h <= 1e-6:
        return False
    yaw = (points[_NOSE, 0] - (points[_CHEEK_R, 0] + points[_CHEEK_L, 0]) / 2) / face_w
    pitch = (points[_NOSE, 1] - eye_y) / face_h
    return (
        abs(yaw) <= MAX_YAW
        and PITCH_RANGE[0] <= pitch <= PITCH_RANGE[1]
        and _iris_offset(points) <= MAX_IRIS_OFFSET
    )


class MediapipeFaceAnalyzer(BaseFaceAnalyzer):
    """Faces counted by BlazeFace; gaze from the largest face's mesh and irises."""

    name = "mediapipe-0.10.21"

    def __init__(self, *, min_confidence: float = 0.5) -> None:
        # Short range (model 0) fits a webcam within 2 m; static mode because samples are
        # 0.5 s apart, too far for the mesh's frame-to-frame tracking to help.
        self._detector = face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=min_confidence
        )
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=True,
            min_detection_confidence=min_confidence,
        )  # fmt: skip

    def find_faces(self, rgb: np.ndarray, gray: np.ndarray) -> tuple[list[FaceBox], bool | None]:
        """Detected faces; the mesh runs only when there is one to look at."""
        found = self._detector.process(np.ascontiguousarray(rgb)).detections or []
        boxes = []
        for det in found:
            box = det.location_data.relative_bounding_box
            boxes.append(FaceBox(box.xmin, box.ymin, box.width, box.height))
        if not boxes:
            return [], None
        mesh = self._mesh.process(np.ascontiguousarray(rgb)).multi_face_landmarks
        if not mesh:
            return boxes, None
        points = np.array([(p.x, p.y) for p in mesh[0].landmark], np.float32)
        return boxes, looks_at_camera(points)
