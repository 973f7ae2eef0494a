"""The pluggable parts (F-67): each has an offline default in backends/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from interview_analysis.types import Language, Question, TextScore, Transcript, VideoFeatures


class Transcriber(Protocol):
    """Speech to text with timestamps; audio is 16 kHz mono float32."""

    name: str

    def transcribe(self, audio: np.ndarray, *, language: Language) -> Transcript: ...


class FaceAnalyzer(Protocol):
    """Face signals from sampled RGB frames taken at the given times."""

    name: str

    def analyse(self, frames: Sequence[np.ndarray], times: Sequence[float]) -> VideoFeatures: ...


class TextScorer(Protocol):
    """A transcript scored against the question's rubric and dimensions."""

    name: str

    def score(self, question: Question, transcript: Transcript) -> TextScore: ...


class Llm(Protocol):
    """An optional chat model (any OpenAI-compatible endpoint)."""

    name: str

    def complete(self, messages: Sequence[dict[str, str]], *, max_tokens: int = 512) -> str: ...
