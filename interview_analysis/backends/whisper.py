"""The default Transcriber: faster-whisper (CTranslate2, int8 on CPU) from the model folder."""

from __future__ import annotations

import functools
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interview_analysis import models
from interview_analysis.speech import speech_segments
from interview_analysis.types import Language, Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

# Whisper tends to drop hesitations; a prompt written with them nudges it to keep them
# (OpenAI's prompting guide). English only: on Mandarin the same trick made Whisper base skip
# whole stretches of speech (measured on espeak-ng Mandarin), so zh runs without a prompt.
FILLER_PROMPTS: dict[str, str] = {
    "en": "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.",
}
MISSED_SPEECH_S = 1.5
TAIL_MIN_PROBABILITY = 0.1
DECODE_OPTIONS: dict[str, Any] = {
    "task": "transcribe",
    "word_timestamps": True,
    "vad_filter": True,
    # Conditioning on earlier windows spread loops ("这些东西,这些东西,…") from window to window.
    "condition_on_previous_text": False,
    "temperature": (0.0, 0.4),
    "hallucination_silence_threshold": 1.0,
}
# Measured on espeak-ng Mandarin: temperature fallback looped and cost 3-10x the time; greedy
# decoding with a mild repetition penalty was fastest and most accurate (90 s: 11 s, best
# CER). On English the same penalty cost words (WER 0 → 0.2), so it is Mandarin only.
# The penalty alone still let one clip loop on another CPU ("通责通责…", CER 0.93); banning
# repeated 4-token runs ended the loop (0.41) and cut the mean CER over 178 s of seven
# espeak-ng answers from 0.62 to 0.54 without raising any clip's error (8.7 s vs 10.3 s).
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {
    "zh": {"temperature": 0.0, "repetition_penalty": 1.1, "no_repeat_ngram_size": 4},
}


def decode_options(language: Language) -> dict[str, Any]:
    """faster-whisper keyword arguments used for this language (the bench reuses them)."""
    return {**DECODE_OPTIONS, **LANGUAGE_OPTIONS.get(language, {})}


@functools.lru_cache(maxsize=2)
def _load_model(path: str, cpu_threads: int, compute_type: str) -> WhisperModel:
    """One model per process and configuration: loading costs ~0.5 s and ~150 MB."""
    from faster_whisper import WhisperModel

    return WhisperModel(
        path,
        device="cpu",
        compute_type=compute_type,
        cpu_threads=cpu_threads,
        local_files_only=True,
    )


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    """OpenCC Traditional → Simplified converter (Whisper often writes zh in Traditional)."""
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters converted to Simplified; other text unchanged."""
    return str(_t2s().convert(text))


class FasterWhisperTranscriber:
    """Whisper via faster-whisper: language from the question, word timestamps, Silero VAD."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        beam_size: int = 1,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        keep_fillers: bool = True,
    ) -> None:
        path = (
            Path(model)
            if model and Path(model).is_dir()
            else models.whisper_model_path(str(model) if model else None)
        )
        self.path = str(path)
        self.name = f"faster-whisper:{path.name}"
        self.beam_size = beam_size
        self.cpu_threads = cpu_threads
        self.compute_type = compute_type
        self.keep_fillers = keep_fillers

    def model(self) -> WhisperModel:
        """The loaded (cached) CTranslate2 model."""
        return _load_model(self.path, self.cpu_threads, self.compute_type)

    def transcribe(self, audio: np.ndarray, *, language: Language) -> Transcript:
        """Transcribe 16 kHz mono float32 audio in the given language."""
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        prompt = FILLER_PROMPTS.get(language) if self.keep_fillers else None
        segments = self._segments(audio, language, prompt)
        if prompt and _drops_speech(segments, speech_segments(audio)):
            # A prompt makes Whisper write long timestamp-less segments, and greedy decoding
            # then sometimes ends a 30 s window early, losing the rest: fillers are not worth
            # losing content, so decode again without it.
            segments = self._segments(audio, language, None)
        sep = "" if language == "zh" else " "
        text = sep.join(s.text for s in segments)
        return Transcript(language=language, text=text, segments=segments, model=self.name)

    def _segments(
        self, audio: np.ndarray, language: Language, prompt: str | None
    ) -> tuple[Segment, ...]:
        """One faster-whisper pass; hallucinated loops dropped."""
        segments, _info = self.model().transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
            initial_prompt=prompt,
            **decode_options(language),
        )
        converted = (_segment(s, language) for s in segments)
        kept = tuple(s for s in converted if s.text and not _looping(s.text))
        return _trim_tail(kept, "" if language == "zh" else " ")


def _drops_speech(segments: tuple[Segment, ...], speech: list[tuple[float, float]]) -> bool:
    """True when a speech stretch of ≥ 1.5 s has no transcribed word in it."""
    words = [(w.start, w.end) for s in segments for w in s.words]
    for start, end in speech:
        if end - start >= MISSED_SPEECH_S and not any(a < end and b > start for a, b in words):
            return True
    return False


def _trim_tail(segments: tuple[Segment, ...], sep: str) -> tuple[Segment, ...]:
    """Without a word nobody said at the very end: Whisper base closes many clips with "you"
    or "Thank you." at a probability of 0.01-0.03 (5 of 6 runs of one espeak-ng English
    answer, the real last word at 0.998). Such a word among the last two is dropped with
    what follows it; a real last word that unsure would likely be wrong anyway."""
    if not segments or not segments[-1].words:
        return segments
    last, words = segments[-1], segments[-1].words
    cut = next(
        (i for i in range(max(0, len(words) - 2), len(words))
         if words[i].probability < TAIL_MIN_PROBABILITY),
        None,
    )  # fmt: skip
    if cut is None:
        return segments
    if cut == 0:
        return segments[:-1]
    kept = words[:cut]
    trimmed = Segment(last.start, kept[-1].end, sep.join(w.text for w in kept), kept)
    return (*segments[:-1], trimmed)


def _looping(text: str) -> bool:
    """A segment that compresses like a loop (Whisper's own 2.4 threshold) is a hallucination."""
    raw = text.encode("utf-8")
    return len(raw) > 40 and len(raw) / len(zlib.compress(raw)) > 2.4


def _clean(text: str, language: Language) -> str:
    """Whitespace trimmed; Simplified script for Chinese."""
    text = text.strip()
    return to_simplified(text) if language == "zh" else text


def _segment(seg: Any, language: Language) -> Segment:
    """A faster-whisper segment as our dataclass."""
    words = tuple(
        Word(
            text=_clean(w.word, language),
            start=round(float(w.start), 3),
            end=round(float(w.end), 3),
            probability=round(float(w.probability), 4),
        )
        for w in seg.words or ()
        if w.word.strip()
    )
    return Segment(
        start=round(float(seg.start), 3),
        end=round(float(seg.end), 3),
        text=_clean(seg.text, language),
        words=words,
    )
