"""Delivery features of one spoken answer: pace, pauses, fillers, loudness, pitch.

Pure numpy plus faster-whisper's bundled Silero VAD; pitch is a plain autocorrelation
tracker (no GPL praat). Speaking rate counts Han characters per minute for zh and words
per minute for en, over the span from the first to the last speech (leading and trailing
silence excluded, pauses included — what a listener hears as pace).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from interview_analysis import hesitation, voicing
from interview_analysis.types import Language, SpeechFeatures, Transcript

SAMPLE_RATE = 16_000
PAUSE_S = 0.7
_FRAME = 480  # 30 ms loudness frames
_SILENT_DBFS = -100.0
# The fillers key of filled pauses found in the sound (hesitation.py) that Whisper did not
# write: 嗯/呃/um/uh are mostly dropped from its text (MODELS.md).
HESITATION = "hesitation"
SAME_FILLER_S = 0.3

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
EN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
# zh fillers: 嗯/呃 are always hesitations; 啊 only opening a clause (sentence-final 啊 is a
# particle); 那个/就是/然后 only standing alone between pauses or stuttered twice in a row.
_ZH_PUNCT = r"[，。！？、；：,.!?;:…\s]"
ZH_FILLERS: dict[str, re.Pattern[str]] = {
    "嗯": re.compile(r"嗯+"),
    "呃": re.compile(r"呃+"),
    "啊": re.compile(rf"(?:^|(?<={_ZH_PUNCT}))啊+(?={_ZH_PUNCT}|$)"),
    "那个": re.compile(rf"(?:那个){{2,}}|(?:^|(?<={_ZH_PUNCT}))那个(?={_ZH_PUNCT})"),
    "就是": re.compile(rf"(?:就是){{2,}}|(?:^|(?<={_ZH_PUNCT}))就是(?={_ZH_PUNCT})"),
    "然后": re.compile(rf"(?:然后){{2,}}|(?:^|(?<={_ZH_PUNCT}))然后(?={_ZH_PUNCT})"),
}
# en: um/uh/er always; "like" and "you know" only set off by commas (", like," is a filler,
# "I like it" is not).
EN_FILLERS: dict[str, re.Pattern[str]] = {
    "um": re.compile(r"\b(?:um+|umm+|hmm+|mm+)\b", re.IGNORECASE),
    "uh": re.compile(r"\buh+\b", re.IGNORECASE),
    "er": re.compile(r"\b(?:er+|er+m+|ah+)\b", re.IGNORECASE),  # Whisper writes "err", "erm"
    "like": re.compile(r"(?:^|,\s*)like(?=\s*,)|,\s*like\b", re.IGNORECASE),
    "you know": re.compile(r"(?:^|,\s*)you know(?=\s*[,.])", re.IGNORECASE),
}


_last_vad: list[tuple[np.ndarray, int, list[tuple[float, float]]]] = []


def speech_segments(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[tuple[float, float]]:
    """Speech stretches (start, end seconds) by Silero VAD, tight edges for timing."""
    # The transcriber and the features ask about the same array: remember the last answer
    # (by identity; the pipeline never mutates its audio) so VAD runs once per recording.
    last = _last_vad[-1] if _last_vad else None  # one read: safe if threads share the cache
    if last is not None and last[0] is audio and last[1] == sample_rate:
        return list(last[2])
    found = _speech_segments(audio, sample_rate)
    _last_vad[:] = [(audio, sample_rate, found)]
    return list(found)


def _speech_segments(audio: np.ndarray, sample_rate: int) -> list[tuple[float, float]]:
    if audio.size < sample_rate // 10:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    # Small padding and merge gap: we measure pauses, so silence must not be swallowed.
    options = VadOptions(min_silence_duration_ms=250, speech_pad_ms=60, min_speech_duration_ms=120)
    chunks = get_speech_timestamps(np.asarray(audio, dtype=np.float32), options, sample_rate)
    return [(c["start"] / sample_rate, c["end"] / sample_rate) for c in chunks]


def answer_units(text: str, language: Language) -> int:
    """Han characters (zh) or words (en) in the text."""
    return len(HAN.findall(text)) if language == "zh" else len(EN_WORD.findall(text))


def count_fillers(text: str, language: Language) -> dict[str, int]:
    """Filler words used as hesitations (not their ordinary meaning), by filler."""
    patterns = ZH_FILLERS if language == "zh" else EN_FILLERS
    counts = Counter({name: len(p.findall(text)) for name, p in patterns.items()})
    return {name: n for name, n in counts.items() if n}


def filler_times(transcript: Transcript | None, language: Language) -> list[tuple[float, float]]:
    """(start, end) of every filler the text counts, from the word timestamps of its words."""
    words = [w for seg in transcript.segments for w in seg.words] if transcript else []
    sep = "" if language == "zh" else " "
    text, spans = "", []
    for word in words:
        spans.append((len(text), len(text) + len(word.text), word.start, word.end))
        text += word.text + sep
    patterns = ZH_FILLERS if language == "zh" else EN_FILLERS
    hits = (m.span() for p in patterns.values() for m in p.finditer(text))
    return [_time_of(a, b, spans) for a, b in hits if a < b]


def _time_of(a: int, b: int, spans: list[tuple[int, int, float, float]]) -> tuple[float, float]:
    times = [(start, end) for i, j, start, end in spans if i < b and j > a]
    return (times[0][0], times[-1][1]) if times else (0.0, 0.0)


def unsaid_hesitations(
    audio: np.ndarray, transcript: Transcript | None, language: Language
) -> list[hesitation.Hesitation]:
    """Filled pauses heard in the audio where the text has no filler (so none counts twice).

    Whisper's word times drift by up to ~0.3 s, so a sound that near a written filler is that
    filler."""
    said = filler_times(transcript, language)
    return [
        h
        for h in hesitation.detect(audio)
        if not any(h.start < end + SAME_FILLER_S and h.end > start - SAME_FILLER_S
                   for start, end in said)
    ]  # fmt: skip


def fillers_of(
    audio: np.ndarray, transcript: Transcript | None, language: Language
) -> dict[str, int]:
    """Fillers written in the transcript, plus "hesitation": filled pauses only heard."""
    fillers = count_fillers(transcript.text if transcript else "", language)
    heard = len(unsaid_hesitations(audio, transcript, language))
    return {**fillers, HESITATION: heard} if heard else fillers


def pauses(segments: Sequence[tuple[float, float]], minimum: float = PAUSE_S) -> list[float]:
    """Lengths of the silent gaps between speech stretches that last at least `minimum`."""
    gaps = (b[0] - a[1] for a, b in itertools.pairwise(segments))
    return [round(g, 3) for g in gaps if g >= minimum]


def _speech_mask(n_frames: int, hop: int, segments: Sequence[tuple[float, float]]) -> np.ndarray:
    """Which frames (by start sample) fall inside speech."""
    starts = np.arange(n_frames) * hop / SAMPLE_RATE
    mask = np.zeros(n_frames, dtype=bool)
    for begin, end in segments:
        mask |= (starts >= begin) & (starts < end)
    return mask


def loudness(audio: np.ndarray, segments: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Mean and standard deviation (dB) of the RMS level in dBFS over speech frames."""
    frames = voicing.frames(audio, _FRAME, _FRAME)
    speech = frames[_speech_mask(len(frames), _FRAME, segments)]
    if not len(speech):
        return _SILENT_DBFS, 0.0
    rms = np.sqrt(np.mean(np.square(speech, dtype=np.float64), axis=1))
    db = 20.0 * np.log10(np.maximum(rms, 1e-5))
    # Gaps between words inside a speech stretch are not the voice's level: keep frames
    # within 40 dB of the loud end.
    db = db[db >= np.percentile(db, 95) - 40.0]
    return round(float(db.mean()), 2), round(float(db.std()), 2)


def pitch_track(audio: np.ndarray, segments: Sequence[tuple[float, float]]) -> np.ndarray:
    """F0 in Hz of voiced speech frames, by normalised autocorrelation."""
    frames = voicing.frames(audio, voicing.FRAME, voicing.HOP)
    frames = frames[_speech_mask(len(frames), voicing.HOP, segments)]
    _strength, f0 = voicing.periodicity(frames)
    return f0[f0 > 0]


def pitch(audio: np.ndarray, segments: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Mean F0 (Hz) and its variation (std in semitones) over voiced frames."""
    f0 = pitch_track(audio, segments)
    if f0.size < 5:
        return 0.0, 0.0
    semitones = 12.0 * np.log2(f0 / np.median(f0))
    return round(float(f0.mean()), 1), round(float(semitones.std()), 2)


def speech_features(
    audio: np.ndarray, transcript: Transcript | None, *, language: Language
) -> SpeechFeatures:
    """Delivery features of 16 kHz mono audio and its transcript (None when not transcribed)."""
    audio = np.ascontiguousarray(audio, dtype=np.float32)  # no copy when already float32
    segments = speech_segments(audio)
    text = transcript.text if transcript else ""
    units = answer_units(text, language)
    span = segments[-1][1] - segments[0][0] if segments else 0.0
    gaps = pauses(segments)
    fillers = fillers_of(audio, transcript, language)
    level_mean, level_std = loudness(audio, segments)
    f0_median, f0_semitones = pitch(audio, segments)
    return SpeechFeatures(
        duration_s=round(audio.size / SAMPLE_RATE, 3),
        speech_s=round(sum(end - start for start, end in segments), 3),
        speaking_rate=round(units / (span / 60.0), 1) if span > 0 else 0.0,
        rate_unit="chars/min" if language == "zh" else "words/min",
        pause_count=len(gaps),
        longest_pause_s=max(gaps, default=0.0),
        filler_count=sum(fillers.values()),
        fillers=fillers,
        loudness_dbfs_mean=level_mean,
        loudness_variation_db=level_std,
        pitch_mean_hz=f0_median,
        pitch_variation_semitones=f0_semitones,
        answer_units=units,
    )
