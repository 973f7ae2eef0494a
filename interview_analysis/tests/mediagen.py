"""Test media generated at test time (never committed): see interview_analysis.synthetic."""

from interview_analysis.synthetic import (
    draw_face,
    face_frame,
    face_video,
    noise,
    silence,
    speech_like,
    speech_wav,
    tone,
    tone_wav,
    truncate,
    write_wav,
)

__all__ = [
    "draw_face",
    "face_frame",
    "face_video",
    "noise",
    "silence",
    "speech_like",
    "speech_wav",
    "tone",
    "tone_wav",
    "truncate",
    "write_wav",
]
