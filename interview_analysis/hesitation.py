"""Filled pauses (嗯, 呃, um, uh, er, hmm) found in the sound, for the filler count (F-62).

Whisper drops most hesitations from its text (MODELS.md: it misses 嗯, and keeps "um" only
when clear), so a count from the transcript alone is too low. A filled pause sounds like one
vowel or nasal held: voiced, its pitch level (no tone contour, no intonation fall), its
spectrum unchanged, for ~0.25-2 s. Ordinary syllables change pitch (Mandarin tones) or
spectrum (consonants, glides) within ~0.2 s, so a held steady stretch longer than that is a
hesitation. Pure numpy on 40 ms frames every 10 ms; figures in bench/hesitation.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interview_analysis import voicing

SR = voicing.SAMPLE_RATE
HOP = 160  # 10 ms
CHUNK = 2000  # frames analysed at once: bounded memory on long answers
MIN_S, MAX_S = 0.25, 2.0
STRENGTH = 0.6  # a held vowel is strongly periodic; breathy or noisy frames are not
FLOOR_DB = 35.0  # frames this far below the answer's loud end are not voice worth timing
PITCH_STEP = 0.6  # semitones from one frame to the next: level pitch
SPECTRUM_STEP = 3.0  # mean dB change of the band envelope from frame to frame
MAX_DRIFT = 2.0  # semitones over the whole sound (a hesitation may sink slightly)
MAX_WOBBLE = 0.45  # semitones around that drift
# Mean dB change of the band envelope over 150 ms: a held vowel or nasal stays within ~2 dB,
# a glide or diphthong moves a formant and changes it by 3-15 dB.
CHANGE_S, MAX_CHANGE = 0.15, 2.5
JOIN_S = 0.03  # "um" is a vowel then a nasal: two steady parts on one pitch are one sound
JOIN_SEMITONES = 1.0
MAX_PARTS = 2  # more parts is a monotone voice saying words, not one sound
BANDS = 20
# A voice has harmonics: above 1.5 × F0 lies 40-97 % of the power of espeak-ng's held vowels
# and nasals, none of a beep's (a pure tone is a device, not a hesitation).
MIN_OVERTONES = 0.05


@dataclass(frozen=True)
class Hesitation:
    """One filled pause: where it is and its pitch."""

    start: float
    end: float
    f0_hz: float


@dataclass(frozen=True)
class _Frames:
    db: np.ndarray
    strength: np.ndarray
    semitones: np.ndarray  # relative to 100 Hz; NaN when unvoiced
    envelope: np.ndarray  # band levels in dB, each frame's mean removed (level is not timbre)
    overtones: np.ndarray  # share of the power above 1.5 × F0


def detect(audio: np.ndarray) -> list[Hesitation]:
    """Filled pauses in 16 kHz mono audio, in time order."""
    frames = _analyse(np.ascontiguousarray(audio, dtype=np.float32))
    if not len(frames.db):
        return []
    steady = _steady_links(frames)
    runs = _join(_runs(steady), frames.semitones)
    return _merge([h for run in runs for h in _accept_or_split(run, frames)])


def _accept_or_split(group: list[tuple[int, int]], f: _Frames) -> list[Hesitation]:
    """The group as one hesitation, else its two sides of its largest spectral jump: in noise
    the vowel-to-nasal change of "um" no longer breaks the chain of steady frames."""
    whole = _accept(group, f)
    if whole is not None:
        return [whole]
    rows = np.concatenate([np.arange(a + 1, b + 1) for a, b in group])
    if not len(rows):
        return []
    jumps = np.abs(f.envelope[rows] - f.envelope[rows - 1]).mean(axis=1)
    cut = int(rows[np.argmax(jumps)])
    before = [(a, min(b, cut - 1)) for a, b in group if a < cut]
    after = [(max(a, cut), b) for a, b in group if b >= cut]
    return [h for side in (before, after) if (h := _accept(side, f)) is not None]


def _merge(found: list[Hesitation]) -> list[Hesitation]:
    """Hesitations that touch are one sound held through a small change ("u-um")."""
    merged: list[Hesitation] = []
    for h in found:
        if merged and h.start - merged[-1].end <= JOIN_S:
            merged[-1] = Hesitation(merged[-1].start, h.end, merged[-1].f0_hz)
        else:
            merged.append(h)
    return merged


def _analyse(audio: np.ndarray) -> _Frames:
    """Level, voicing, pitch and spectral envelope of every 10 ms frame."""
    framed = voicing.frames(audio, voicing.FRAME, HOP)
    parts = [_analyse_chunk(framed[i : i + CHUNK]) for i in range(0, len(framed), CHUNK)]
    if not parts:
        empty = np.zeros(0)
        return _Frames(empty, empty, empty, np.zeros((0, BANDS)), empty)
    return _Frames(*(np.concatenate(p) for p in zip(*parts, strict=True)))


def _analyse_chunk(chunk: np.ndarray) -> tuple[np.ndarray, ...]:
    chunk = chunk.astype(np.float64)
    rms = np.sqrt(np.mean(np.square(chunk), axis=1))
    strength, f0 = voicing.periodicity(chunk)
    semitones = np.where(f0 > 0, 12.0 * np.log2(np.maximum(f0, 1.0) / 100.0), np.nan)
    centred = (chunk - chunk.mean(axis=1, keepdims=True)) * np.hanning(voicing.FRAME)
    power = np.abs(np.fft.rfft(centred, axis=1)) ** 2
    envelope = 10.0 * np.log10(power @ _mel_bands().T + 1e-10)
    envelope -= envelope.mean(axis=1, keepdims=True)
    above = np.fft.rfftfreq(voicing.FRAME, 1.0 / SR)[None, :] > 1.5 * f0[:, None]
    overtones = (power * above).sum(axis=1) / np.maximum(power.sum(axis=1), 1e-20)
    return 20.0 * np.log10(np.maximum(rms, 1e-5)), strength, semitones, envelope, overtones


@functools.lru_cache(maxsize=1)
def _mel_bands(low: float = 80.0, high: float = 4000.0) -> np.ndarray:
    """Triangular mel filters over the frame's FFT bins (where vowels differ)."""
    mel = np.linspace(_mel(low), _mel(high), BANDS + 2)
    edges = 700.0 * (10 ** (mel / 2595.0) - 1.0)
    freqs = np.fft.rfftfreq(voicing.FRAME, 1.0 / SR)
    left, mid, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (freqs - left) / (mid - left), (right - freqs) / (right - mid)
    return np.clip(np.minimum(rising, falling), 0.0, None)


def _mel(hz: float) -> float:
    return float(2595.0 * np.log10(1.0 + hz / 700.0))


def _steady_links(f: _Frames) -> np.ndarray:
    """links[i]: frames i-1 and i are both loud voiced frames of one unchanging sound."""
    loud = f.db > max(float(np.percentile(f.db, 99)) - FLOOR_DB, -55.0)
    voiced = loud & (f.strength > STRENGTH) & ~np.isnan(f.semitones)
    links = np.zeros(len(f.db), dtype=bool)
    with np.errstate(invalid="ignore"):
        level = np.abs(np.diff(f.semitones)) < PITCH_STEP
    same = np.abs(np.diff(f.envelope, axis=0)).mean(axis=1) < SPECTRUM_STEP
    links[1:] = voiced[1:] & voiced[:-1] & level & same
    return links


def _runs(links: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of every chain of links."""
    edges = np.diff(np.concatenate([[0], links.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a) - 1, int(b) - 1) for a, b in zip(starts, ends, strict=True)]


def _join(runs: list[tuple[int, int]], semitones: np.ndarray) -> list[list[tuple[int, int]]]:
    """Runs that follow each other within 30 ms on the same pitch, grouped as one sound."""
    groups: list[list[tuple[int, int]]] = []
    gap = round((JOIN_S + voicing.FRAME / SR) * SR / HOP)  # between frame starts
    for run in runs:
        if groups and len(groups[-1]) < MAX_PARTS and run[0] - groups[-1][-1][1] <= gap:
            before = np.nanmedian(semitones[groups[-1][-1][0] : groups[-1][-1][1] + 1])
            if abs(np.nanmedian(semitones[run[0] : run[1] + 1]) - before) < JOIN_SEMITONES:
                groups[-1].append(run)
                continue
        groups.append([run])
    return groups


def _accept(group: Sequence[tuple[int, int]], f: _Frames) -> Hesitation | None:
    """The group as a hesitation when it is long, level and unchanging enough."""
    first, last = group[0][0], group[-1][1]
    seconds = (last - first) * HOP / SR + voicing.FRAME / SR
    if not MIN_S <= seconds <= MAX_S:
        return None
    rows = np.concatenate([np.arange(a, b + 1) for a, b in group])
    pitch = f.semitones[rows]
    slope, offset = np.polyfit(rows, pitch, 1)
    wobble = float(np.std(pitch - (slope * rows + offset)))
    drift = abs(slope) * (rows[-1] - rows[0])
    if drift > MAX_DRIFT or wobble > MAX_WOBBLE or _change(group, f.envelope) > MAX_CHANGE:
        return None
    if np.median(f.overtones[rows]) < MIN_OVERTONES:
        return None
    f0 = 100.0 * 2 ** (float(np.median(pitch)) / 12.0)
    start = first * HOP / SR
    return Hesitation(round(start, 3), round(start + seconds, 3), round(f0, 1))


def _change(group: Sequence[tuple[int, int]], envelope: np.ndarray) -> float:
    """Mean dB change of the envelope over 150 ms inside the group's parts; infinite when no
    part lasts that long (two short steady bits are a monotone voice, not a held sound)."""
    lag = round(CHANGE_S * SR / HOP)
    steps = [np.abs(envelope[a + lag : b + 1] - envelope[a : b + 1 - lag]) for a, b in group]
    steps = [s for s in steps if len(s)]
    return float(np.concatenate(steps).mean()) if steps else float("inf")
