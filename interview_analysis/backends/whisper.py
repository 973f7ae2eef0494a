"""The default Transcriber: faster-whisper (CTranslate2, int8 on CPU) from the model folder."""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interview_analysis import models
from interview_analysis.speech import SAMPLE_RATE, speech_segments
from interview_analysis.text import _jieba
from interview_analysis.types import Language, Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

# Prompting is measured off by default (bench/asr.py, December 2026, Whisper base, beam 5):
# - a filler prompt raised English WER 0.082 → 0.110 (a name became "currently") and Mandarin
#   CER 0.087 → 0.119 at 3× the decoding time; Whisper keeps a clear "um" unprompted;
# - the job's vocabulary as the prompt spelled "Kubernetes" right but cost other words
#   (WER 0.082 → 0.089, CER 0.087 → 0.100, 3× slower on Mandarin); faster-whisper's hotwords
#   did the same (CER 0.114).
# So the vocabulary is applied after decoding instead (spell_terms: same sounds, the term's
# spelling), and the prompt stays available (prompt=True) for models that take it better.
FILLER_PROMPTS: dict[str, str] = {
    "en": "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.",
    "zh": "嗯，呃，我想想……那个，就是说，嗯。",
}
VOCABULARY_INTRO: dict[str, str] = {"en": "Terms: ", "zh": "相关术语："}
MAX_VOCABULARY = 24  # the prompt is at most 223 tokens; a long list crowds out the fillers
MISSED_SPEECH_S = 1.5
TAIL_MIN_PROBABILITY = 0.1
# A prompt term written with a mean word probability below this is treated as an echo of the
# prompt rather than something heard, and the answer is decoded again without the prompt.
PROMPT_TERM_MIN_PROBABILITY = 0.5
BEAM_SIZE = 5
# Whisper's own fallback schedule (openai/whisper transcribe.py): a window whose text
# compresses like a loop (> 2.4) or whose mean log-probability is below -1 is decoded again
# at the next temperature; a window below the no-speech threshold is dropped.
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Silero VAD: pad every speech stretch by 400 ms and merge across gaps shorter than 1 s, so
# a soft first consonant or a trailing syllable is never cut off (test_asr_decoding proves it
# on a clip whose first and last words touch the edges). speech.py keeps its own tight VAD
# for pause timing; this one only decides what Whisper hears.
VAD_PARAMETERS: dict[str, Any] = {
    "threshold": 0.5,
    "min_speech_duration_ms": 0,
    "min_silence_duration_ms": 1000,
    "speech_pad_ms": 400,
}
DECODE_OPTIONS: dict[str, Any] = {
    "task": "transcribe",
    "word_timestamps": True,
    "vad_filter": True,
    "vad_parameters": VAD_PARAMETERS,
    # Conditioning on earlier windows spread loops ("这些东西,这些东西,…") from window to window.
    "condition_on_previous_text": False,
    "temperature": TEMPERATURES,
    "compression_ratio_threshold": 2.4,
    "log_prob_threshold": -1.0,
    "no_speech_threshold": 0.6,
    "hallucination_silence_threshold": 1.0,
}
# Mandarin: Whisper base loops on unclear speech ("负责负责负责…"), and the sampling
# fallback then cost 30-45 s on an 8 s espeak-ng pinyin clip (RTF ≈ 5) for CER 0.49-0.61.
# Banning repeated 4-token runs kept beam search out of the loop (3 s, CER 0.39), but on
# natural speech it garbles real repeats ("第二季度的销售额是…第三季度的销售额是": CER 0.02 →
# 0.12). So Mandarin decodes at temperature 0 first (as the bare model's first try) and only
# the stretch of a window Whisper itself would reject (compression ratio > 2.4 or mean
# log-probability < -1) is decoded again with the ban and the full temperature schedule;
# the accepted windows stay as decoded. Decoding the whole answer again cost robotic pinyin
# Mandarin RTF 0.44 on a 3-minute answer for one rejected window in six.
# In that retry, sampling at higher temperatures runs only for a window that still loops:
# an unclear window's low log-probability was not helped by it (robotic pinyin 3-minute
# answer, December 2026: CER 0.647 with or without the sampling, decoding RTF 0.22 → 0.18;
# natural Mandarin had no rejected window, CER 0.042 either way).
# A repetition penalty cost natural Mandarin (0.091 vs 0.087) and English words: not used.
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"zh": {"temperature": 0.0}}
LOOP_RETRY_OPTIONS: dict[str, dict[str, Any]] = {
    "zh": {"temperature": TEMPERATURES, "no_repeat_ngram_size": 4, "log_prob_threshold": None},
}
# Fallback temperatures > 0 sample: a fixed seed makes the same audio give the same
# transcript on every run (HR must be able to reproduce a score).
RANDOM_SEED = 20_260_101


def decode_options(language: Language) -> dict[str, Any]:
    """faster-whisper keyword arguments used for this language (the bench reuses them)."""
    return {**DECODE_OPTIONS, **LANGUAGE_OPTIONS.get(language, {})}


def initial_prompt(
    language: Language, vocabulary: Sequence[str] = (), *, fillers: bool = True
) -> str | None:
    """The decoding prompt: hesitations (to keep them) then the job's terms (to spell them)."""
    parts = [FILLER_PROMPTS.get(language, "")] if fillers else []
    terms = list(dict.fromkeys(t.strip() for t in vocabulary if t.strip()))[:MAX_VOCABULARY]
    if terms:
        sep = "、" if language == "zh" else ", "
        end = "。" if language == "zh" else "."
        parts.append(VOCABULARY_INTRO.get(language, "") + sep.join(terms) + end)
    prompt = " ".join(p for p in parts if p)
    return prompt or None


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
        beam_size: int = BEAM_SIZE,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        keep_fillers: bool = True,
        prompt: bool = False,
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
        self.prompt = prompt

    def model(self) -> WhisperModel:
        """The loaded (cached) CTranslate2 model."""
        return _load_model(self.path, self.cpu_threads, self.compute_type)

    def transcribe(
        self, audio: np.ndarray, *, language: Language, vocabulary: Sequence[str] = ()
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 audio in the given language; `vocabulary` holds the
        job's terms (spelling hints only: a term Whisper echoes without hearing it is refused)."""
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        prompt = (
            initial_prompt(language, vocabulary, fillers=self.keep_fillers) if self.prompt else None
        )
        segments = self._segments(audio, language, prompt)
        if prompt and (
            _drops_speech(segments, speech_segments(audio))
            or _prompt_leaked(segments, vocabulary, language)
        ):
            # A prompt can make Whisper end a 30 s window early (losing the rest) or write a
            # term it only read in the prompt: neither spelling nor fillers are worth that, so
            # decode again without it.
            segments = self._segments(audio, language, None)
        segments = tuple(
            replace(s, text=spell_terms(s.text, vocabulary, language)) for s in segments
        )
        sep = "" if language == "zh" else " "
        text = sep.join(s.text for s in segments)
        return Transcript(language=language, text=text, segments=segments, model=self.name)

    def _segments(
        self, audio: np.ndarray, language: Language, prompt: str | None
    ) -> tuple[Segment, ...]:
        """The decoded windows (retried with the loop ban where configured); loops dropped."""
        options = decode_options(language)
        raw = self._decode(audio, language, prompt, options)
        retry = LOOP_RETRY_OPTIONS.get(language)
        if retry:
            raw = self._retry_rejected(audio, language, prompt, raw, {**options, **retry})
        converted = (_segment(s, language) for s in raw)
        kept = tuple(s for s in converted if s.text and not _looping(s.text))
        return _trim_tail(kept, "" if language == "zh" else " ")

    def _retry_rejected(
        self,
        audio: np.ndarray,
        language: Language,
        prompt: str | None,
        raw: list[Any],
        options: dict[str, Any],
    ) -> list[Any]:
        """Only the stretches of audio whose windows Whisper rejects, decoded again with
        `options`; the accepted windows are kept as they are."""
        out: list[Any] = []
        for start, end, window in _stretches(raw, audio.size / SAMPLE_RATE):
            if window is not None:
                out += window
                continue
            piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            out += [_shifted(s, start) for s in self._decode(piece, language, prompt, options)]
        return out

    def _decode(
        self, audio: np.ndarray, language: Language, prompt: str | None, options: dict[str, Any]
    ) -> list[Any]:
        """One faster-whisper pass (its raw segments)."""
        import ctranslate2

        ctranslate2.set_random_seed(RANDOM_SEED)
        segments, _info = self.model().transcribe(
            audio, language=language, beam_size=self.beam_size, initial_prompt=prompt, **options
        )
        return list(segments)


def _stretches(raw: list[Any], duration: float) -> list[tuple[float, float, list[Any] | None]]:
    """The answer cut at window edges: (start, end, segments) for a window Whisper accepts,
    (start, end, None) for a run of rejected windows, spanning from the end of the accepted
    window before to the start of the one after (so no audio between them is lost)."""
    windows = [list(w) for _seek, w in itertools.groupby(raw, key=lambda s: s.seek)]
    out: list[tuple[float, float, list[Any] | None]] = []
    for i, window in enumerate(windows):
        if not _rejected(window[0]):
            out.append((window[0].start, window[-1].end, window))
        elif not out or out[-1][2] is not None:
            before = out[-1][1] if out else 0.0
            out.append((before, _next_accepted_start(windows, i, duration), None))
    return out


def _next_accepted_start(windows: list[list[Any]], i: int, duration: float) -> float:
    later = (w[0].start for w in windows[i + 1 :] if not _rejected(w[0]))
    return next(later, duration)


def _shifted(segment: Any, offset: float) -> Any:
    """A faster-whisper segment decoded from a slice, moved onto the answer's clock."""
    words = [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words or ()]
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)


def _rejected(segment: Any) -> bool:
    """A window Whisper's own fallback rule would decode again (openai/whisper thresholds)."""
    too_repetitive = segment.compression_ratio > DECODE_OPTIONS["compression_ratio_threshold"]
    return too_repetitive or segment.avg_logprob < DECODE_OPTIONS["log_prob_threshold"]


def _drops_speech(segments: tuple[Segment, ...], speech: list[tuple[float, float]]) -> bool:
    """True when a speech stretch of ≥ 1.5 s has no transcribed word in it."""
    words = [(w.start, w.end) for s in segments for w in s.words]
    for start, end in speech:
        if end - start >= MISSED_SPEECH_S and not any(a < end and b > start for a, b in words):
            return True
    return False


def spell_terms(text: str, vocabulary: Sequence[str], language: Language) -> str:
    """The job's terms spelled as the job writes them where the transcript has the same sounds.

    Mandarin: a run of Han characters with exactly the term's toned pinyin that is not itself
    a dictionary word ("供应恋" → "供应链", "计效" → "绩效"; "技校" is a word and stays).
    Latin terms with capitals: case only ("kpi" → "KPI"). Nothing is added that was not
    heard: only the spelling of sounds Whisper already wrote changes."""
    for term in (t.strip() for t in vocabulary):
        if not term:
            continue
        if language == "zh" and _HAN_TERM.fullmatch(term):
            text = _respell_han(text, term)
        elif _LATIN_TERM.fullmatch(term) and term != term.lower():
            pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", re.I)
            text = pattern.sub(term, text)
    return text


_HAN_TERM = re.compile(r"[\u4e00-\u9fff]{2,8}")
_LATIN_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&/+-]*")


def _respell_han(text: str, term: str) -> str:
    """Same-sounding non-words replaced by the term (toned pinyin, pypinyin)."""
    from pypinyin import Style, lazy_pinyin

    size, wanted = len(term), lazy_pinyin(term, style=Style.TONE3)
    jieba = _jieba()
    out, i = [], 0
    while i < len(text):
        window = text[i : i + size]
        if (
            len(window) == size
            and window != term
            and _HAN_TERM.fullmatch(window)
            and lazy_pinyin(window, style=Style.TONE3) == wanted
            and not jieba.get_FREQ(window)
        ):
            out.append(term)
            i += size
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _prompt_leaked(segments: tuple[Segment, ...], terms: Sequence[str], language: Language) -> bool:
    """True when a prompt term appears in the text with a mean word probability under 0.5: an
    echo of the prompt, not speech (a heard term scores ≥ 0.8 on clean audio)."""
    wanted = [t.strip().lower() for t in terms if t.strip()]
    sep = "" if language == "zh" else " "
    for seg in segments:
        spans: list[tuple[int, int, float]] = []
        text = ""
        for w in seg.words:
            start = len(text)
            text += w.text.lower() + sep
            spans.append((start, len(text), w.probability))
        for term in wanted:
            for hit in re.finditer(re.escape(term), text):
                probs = [p for a, b, p in spans if a < hit.end() and b > hit.start()]
                if probs and sum(probs) / len(probs) < PROMPT_TERM_MIN_PROBABILITY:
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
