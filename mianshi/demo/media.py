"""The demo interviews' recordings: espeak-ng speech over a generated face, made once.

Each answer (or each part of an answer recorded in two segments) becomes a WebM as
Chromium's MediaRecorder writes it (VP8 + Opus, no duration header). Files are cached
under DATA_DIR/demo-media by a hash of what they contain, so a second `make demo` reuses
them; a file is written under a temporary name and renamed, so an interrupted run never
leaves a broken one behind.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tempfile
from pathlib import Path

import numpy as np
from django.conf import settings

from interview_analysis import media, synthetic

SAMPLE_RATE = 16000
VOICE_SPEED = 160  # words per minute: clear for the speech model, not sluggish to watch
LEAD_IN_S, TAIL_S = 0.6, 0.8  # the candidate's breath before speaking and after
FPS = 25
VERSION = "1"  # bump when the generator changes, so cached files are made again


def cache_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "demo-media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sentences(text: str) -> list[str]:
    """The text's sentences (split after . ! ?), to cut an answer between two of them."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def parts(text: str, segments: int) -> list[str]:
    """The answer cut into `segments` runs of whole sentences, as evenly as they fall."""
    said = sentences(text)
    cuts = [round(len(said) * n / segments) for n in range(segments + 1)]
    return [" ".join(said[a:b]) for a, b in itertools.pairwise(cuts) if b > a]


def recording(text: str, *, sway: float = 0.0) -> Path:
    """A WebM of a face saying `text` in English (made once, then taken from the cache)."""
    key = hashlib.sha256(f"{VERSION}|{VOICE_SPEED}|{sway}|{text}".encode()).hexdigest()[:20]
    path = cache_dir() / f"answer-{key}.webm"
    if not path.exists():
        _make(text, sway, path)
    return path


def _make(text: str, sway: float, path: Path) -> None:
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        wav = synthetic.speech_wav(text, "en", Path(work) / "voice.wav", speed=VOICE_SPEED)
        voice = media.load_audio(wav)
        audio = np.concatenate([synthetic.silence(LEAD_IN_S), voice, synthetic.silence(TAIL_S)])
        video = Path(work) / "answer.webm"
        synthetic.face_video(
            video, seconds=len(audio) / SAMPLE_RATE, fps=FPS, audio=audio, sway=sway, live=True
        )
        video.replace(path)


def duration_ms(path: Path) -> int:
    """The recording's length as the browser reports it (decoded, not from the header)."""
    return round(media.probe(path).duration_s * 1000)
