"""Fake camera and microphone for Chromium, generated at test time (never committed), and
the measures the recording tests take of what the server stored.

- `face_y4m(path)`: a face-like Y4M clip (4:2:0) for `--use-file-for-fake-video-capture`.
- `speech_wav(path)`: espeak-ng speech for `--use-file-for-fake-audio-capture` (it loops).
- `measure(path)`: decode a stored recording with PyAV → durations, frames, audio loudness.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from interview_analysis.tests import mediagen

SPEECH = (
    "Good morning. In my last job I led a project with three departments. "
    "We agreed on a plan, and the customer signed within two weeks."
)
RATE = 16_000
WINDOW_S = 0.5


def face_y4m(
    path: Path, *, seconds: float = 2.0, fps: int = 30, size: tuple[int, int] = (640, 480)
) -> Path:
    """A face swaying side to side; Chromium loops the clip for as long as it records."""
    width, height = size
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(round(seconds * fps)):
            rgb = mediagen.face_frame(size, t=i / fps, sway=25)
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path


def speech_wav(path: Path) -> Path:
    """About ten seconds of English speech (espeak-ng, 22.05 kHz mono)."""
    return mediagen.speech_wav(SPEECH, "en", path)


@dataclass(frozen=True)
class Measure:
    """What a decoded recording contains."""

    duration_s: float  # the longer of the audio and video streams
    audio_s: float
    video_frames: int
    video_s: float
    rms: float  # of the whole audio track
    loud_fraction: float  # share of half-second windows above the speech threshold
    width: int
    height: int


def _audio(container: av.container.InputContainer) -> np.ndarray:
    if not container.streams.audio:
        return np.zeros(0, np.float32)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    parts: list[np.ndarray] = []
    for frame in container.decode(audio=0):
        for out in resampler.resample(frame):
            parts.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):
        parts.append(out.to_ndarray().reshape(-1))
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _video(path: Path) -> tuple[int, float, int, int]:
    with av.open(str(path)) as container:
        if not container.streams.video:
            return 0, 0.0, 0, 0
        stream = container.streams.video[0]
        frames, first, last, size = 0, None, 0.0, (0, 0)
        for frame in container.decode(video=0):
            frames += 1
            t = float(frame.time or 0.0)
            first = t if first is None else first
            last = t
            size = (frame.width, frame.height)
        rate = float(stream.average_rate or 30)
        span = (last - (first or 0.0)) + 1 / rate if frames else 0.0
        return frames, span, size[0], size[1]


def measure(path: Path, *, speech_rms: float = 0.01) -> Measure:
    """Decode `path` fully (a gap or a corrupt chunk would raise or shorten it)."""
    with av.open(str(path)) as container:
        samples = _audio(container)
    frames, video_s, width, height = _video(path)
    audio_s = len(samples) / RATE
    window = int(WINDOW_S * RATE)
    windows = [samples[i : i + window] for i in range(0, len(samples) - window + 1, window)]
    loud = [float(np.sqrt(np.mean(w**2))) > speech_rms for w in windows]
    return Measure(
        duration_s=max(audio_s, video_s),
        audio_s=audio_s,
        video_frames=frames,
        video_s=video_s,
        rms=float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0,
        loud_fraction=sum(loud) / len(loud) if loud else 0.0,
        width=width,
        height=height,
    )
