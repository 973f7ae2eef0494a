"""Synthetic media: face videos, tones, noise and espeak-ng speech (tests, demo, benchmarks).

Product code (the demo's recorded interviews) and tests both use it, so it lives in the
engine rather than in a tests package; `interview_analysis.tests.mediagen` re-exports it.

API (all paths are `str | Path`; audio is float32 mono in [-1, 1]):
- `face_frame(size, *, faces=1, dark=False, t=0.0, gaze=0.0, sway=0.0)` → one RGB frame.
- `face_video(path, *, seconds, fps=25, size=(640, 480), faces=1, dark=False, audio=None,
  sample_rate=16000, codec="vp8")` → writes WebM (vp8/vp9 + Opus) or MP4 (h264 + AAC);
  `faces` and `dark` may be callables of the time in seconds (e.g. a face leaving mid-way);
  `audio=None` writes a file with no audio track; `live=True` writes WebM without a duration
  (as Chromium does); `sway` moves the head side to side by that many pixels.
- `tone(seconds, ...)`, `silence(seconds, ...)`, `noise(seconds, ...)`, `speech_like(seconds, ...)`
  → sample arrays; `write_wav(path, samples, rate)`, `tone_wav(path, seconds, ...)`.
- `truncate(path, fraction)` cuts a file to a fraction of its bytes (a broken upload).
- `speech_wav(text, lang, path)` speaks text with espeak-ng ("en" or "zh") → 22.05 kHz WAV.

The drawn face (skin oval, hair, brows, eyes with dark irises, nose, mouth) is found by both
mediapipe's face detector and OpenCV's frontal Haar cascade (checked in test_vision.py).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import wave
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

PathLike = str | Path
Size = tuple[int, int]
_SKIN = (224, 172, 140)
_HAIR = (60, 40, 30)


def _draw_eye(img: np.ndarray, ex: int, ey: int, s: int, gaze: float) -> None:
    cv2.ellipse(img, (ex, ey - int(0.28 * s)), (int(0.28 * s), int(0.08 * s)), 0, 180, 360,
                (50, 35, 25), max(2, int(0.07 * s)))  # fmt: skip
    cv2.ellipse(img, (ex, ey), (int(0.24 * s), int(0.12 * s)), 0, 0, 360, (245, 245, 245), -1)
    ix = ex + int(gaze * 0.14 * s)
    cv2.circle(img, (ix, ey), int(0.1 * s), (70, 45, 30), -1)
    cv2.circle(img, (ix, ey), int(0.05 * s), (10, 10, 10), -1)
    cv2.ellipse(img, (ex, ey), (int(0.24 * s), int(0.12 * s)), 0, 0, 360, (120, 80, 60),
                max(1, int(0.02 * s)))  # fmt: skip


def draw_face(img: np.ndarray, cx: int, cy: int, s: int, *, gaze: float = 0.0) -> None:
    """Draw a frontal face of half-width `s` px centred at (cx, cy); gaze -1…1 moves the irises."""
    cv2.ellipse(img, (cx, cy - int(0.25 * s)), (int(1.12 * s), int(1.35 * s)), 0, 0, 360, _HAIR, -1)
    neck = ((cx - int(0.45 * s), cy + int(0.9 * s)), (cx + int(0.45 * s), cy + int(2.2 * s)))
    cv2.rectangle(img, neck[0], neck[1], (205, 150, 120), -1)
    cv2.ellipse(img, (cx, cy), (s, int(1.3 * s)), 0, 0, 360, _SKIN, -1)
    for side in (-1, 1):
        _draw_eye(img, cx + side * int(0.42 * s), cy - int(0.25 * s), s, gaze)
    nose = np.array(
        [[cx, cy - int(0.15 * s)], [cx - int(0.14 * s), cy + int(0.32 * s)],
         [cx + int(0.14 * s), cy + int(0.32 * s)]], np.int32)  # fmt: skip
    cv2.fillPoly(img, [nose], (200, 140, 110))
    cv2.ellipse(img, (cx, cy + int(0.34 * s)), (int(0.16 * s), int(0.06 * s)), 0, 0, 360,
                (170, 110, 90), -1)  # fmt: skip
    mouth = (cx, cy + int(0.68 * s))
    cv2.ellipse(img, mouth, (int(0.36 * s), int(0.12 * s)), 0, 0, 360, (170, 70, 70), -1)
    cv2.line(img, (mouth[0] - int(0.36 * s), mouth[1]), (mouth[0] + int(0.36 * s), mouth[1]),
             (90, 30, 30), max(1, int(0.03 * s)))  # fmt: skip


def face_frame(
    size: Size = (640, 480),
    *,
    faces: int = 1,
    dark: bool = False,
    t: float = 0.0,
    gaze: float = 0.0,
    sway: float = 0.0,
) -> np.ndarray:
    """One RGB frame: a lit gradient background with 0–2 faces, or a nearly black covered camera."""
    dx = int(sway * np.sin(2 * np.pi * 0.5 * t))  # a slow side-to-side head movement
    return _frame(size, faces, dark, dx, gaze).copy()


@functools.lru_cache(maxsize=64)
def _frame(size: Size, faces: int, dark: bool, dx: int, gaze: float) -> np.ndarray:
    w, h = size
    if dark:
        rng = np.random.default_rng(0)
        return rng.integers(0, 12, (h, w, 3), dtype=np.uint8)  # sensor noise behind a cover
    ramp = np.linspace(120, 200, w)[None, :, None] * np.array([0.8, 0.9, 1.0])
    img = np.ascontiguousarray(np.broadcast_to(ramp, (h, w, 3)).astype(np.uint8))
    if faces == 1:
        draw_face(img, w // 2 + dx, h // 2 - h // 24, int(0.15 * w), gaze=gaze)
    elif faces >= 2:
        s = int(0.11 * w)
        draw_face(img, w // 4 + dx, h // 2 - h // 48, s, gaze=gaze)
        draw_face(img, 3 * w // 4 + dx, h // 2 - h // 48, s, gaze=gaze)
    return img


def _as_fn(value: int | bool | Callable[[float], int] | Callable[[float], bool]) -> Callable:
    return value if callable(value) else (lambda _t: value)


def _add_audio_stream(out: av.container.OutputContainer, codec: str) -> av.AudioStream:
    name = "libopus" if codec in ("vp8", "vp9") else "aac"
    return out.add_stream(name, rate=48000, layout="mono")  # type: ignore[return-value]


def _encode_audio(
    out: av.container.OutputContainer, stream: av.AudioStream, audio: np.ndarray, rate: int
) -> None:
    resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=stream.rate)
    samples = np.clip(audio, -1, 1).astype(np.float32)
    for start in range(0, max(len(samples), 1), rate // 10):
        frame = av.AudioFrame.from_ndarray(samples[None, start : start + rate // 10], "flt", "mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for piece in resampler.resample(frame):
            out.mux(stream.encode(piece))
    for piece in resampler.resample(None):
        out.mux(stream.encode(piece))
    out.mux(stream.encode(None))


def face_video(
    path: PathLike,
    *,
    seconds: float,
    fps: int = 25,
    size: Size = (640, 480),
    faces: int | Callable[[float], int] = 1,
    dark: bool | Callable[[float], bool] = False,
    audio: np.ndarray | None = None,
    sample_rate: int = 16000,
    codec: str = "vp8",
    sway: float = 0.0,
    live: bool = False,
) -> Path:
    """Encode a face video (vp8/vp9 → WebM with Opus, h264 → MP4 with AAC); returns the path."""
    path = Path(path)
    encoder = {"vp8": "libvpx", "vp9": "libvpx-vp9", "h264": "libx264"}[codec]
    faces_at, dark_at = _as_fn(faces), _as_fn(dark)
    # live=True writes WebM as Chromium's MediaRecorder does: no duration, no cues.
    with av.open(str(path), "w", options={"live": "1"} if live else {}) as out:
        video = out.add_stream(encoder, rate=fps)
        assert isinstance(video, av.VideoStream)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.bit_rate = 800_000
        # The fastest encoder settings: tests need the files, not their quality.
        fast: dict[str, object] = {
            "deadline": "realtime",
            "cpu-used": "16" if codec == "vp8" else "8",
            "lag-in-frames": "0",
        }
        x264: dict[str, object] = {"preset": "ultrafast"}
        video.options = fast if codec != "h264" else x264
        sound = _add_audio_stream(out, codec) if audio is not None else None
        for i in range(round(seconds * fps)):
            t = i / fps
            rgb = face_frame(size, faces=faces_at(t), dark=dark_at(t), t=t, sway=sway)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None and audio is not None:
            _encode_audio(out, sound, audio, sample_rate)
    return path


def tone(
    seconds: float, freq: float = 220.0, rate: int = 16000, amplitude: float = 0.3
) -> np.ndarray:
    """A sine tone."""
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def silence(seconds: float, rate: int = 16000) -> np.ndarray:
    """Digital silence."""
    return np.zeros(int(seconds * rate), np.float32)


def noise(seconds: float, rate: int = 16000, amplitude: float = 0.01, seed: int = 0) -> np.ndarray:
    """White noise with the given RMS amplitude."""
    rng = np.random.default_rng(seed)
    return (amplitude * rng.standard_normal(int(seconds * rate))).astype(np.float32)


def speech_like(
    seconds: float, rate: int = 16000, amplitude: float = 0.3, noise_amplitude: float = 0.0
) -> np.ndarray:
    """Syllable-like tone bursts (0.25 s on, 0.15 s off, a pause every 2 s) over optional noise."""
    t = np.arange(int(seconds * rate)) / rate
    on = ((t % 0.4) < 0.25) & ((t % 2.0) < 1.6)
    voice = np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t)
    out = amplitude / 1.5 * voice * on + noise(seconds, rate, noise_amplitude)[: len(t)]
    return out.astype(np.float32)


def write_wav(path: PathLike, samples: np.ndarray, rate: int = 16000) -> Path:
    """Write float samples as a 16-bit mono WAV."""
    path = Path(path)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def tone_wav(path: PathLike, seconds: float, freq: float = 220.0, rate: int = 16000) -> Path:
    """A sine tone written as WAV."""
    return write_wav(path, tone(seconds, freq, rate), rate)


def truncate(path: PathLike, fraction: float) -> Path:
    """Keep only the first `fraction` of the file's bytes (an interrupted upload)."""
    path = Path(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def _espeak_input(text: str, lang: str) -> tuple[str, str]:
    if lang == "en":
        return "en-us", text
    if lang == "zh":
        # espeak-ng reads Han characters badly on Debian 12; numbered pinyin sounds right.
        from pypinyin import Style, lazy_pinyin

        return "cmn-latn-pinyin", " ".join(
            lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
        )
    raise ValueError(f"unsupported language {lang!r} (en or zh)")


def speech_wav(text: str, lang: str, path: PathLike, *, speed: int = 150) -> Path:
    """Speak `text` with espeak-ng (en: -v en-us; zh: numbered pinyin, -v cmn-latn-pinyin)."""
    path = Path(path)
    voice, spoken = _espeak_input(text, lang)
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    # An argument list, no shell: the text is one argv entry whatever it contains.
    subprocess.run(  # noqa: S603
        [espeak, "-v", voice, "-s", str(speed), "-w", str(path), spoken],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path
