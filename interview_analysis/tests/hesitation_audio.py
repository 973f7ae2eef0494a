"""Speech with hesitations spliced in, generated at run time with espeak-ng (never committed).

A filled pause is espeak-ng holding one vowel or nasal: "[[@::::]]" (uh), "[[3::::]]" (er),
"[[@m::::]]" (um), "hmm" in English and "en1" (嗯), "e1" (呃) read as pinyin in Mandarin, at
80-120 words/min so the sound lasts 0.3-0.9 s, as real filled pauses do. Phrases are spoken
one by one and joined with these sounds at known times; the truth is the list of those times.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_analysis.media import load_audio
from interview_analysis.synthetic import speech_wav

SR = 16_000
EN_FILLERS = ("[[@::::]]", "[[3::::]]", "[[@m::::]]", "hmm")
ZH_FILLERS = ("en1", "e1")
SPEEDS = (80, 100, 120)


@dataclass(frozen=True)
class Spliced:
    """Audio with the (start, end) seconds of every hesitation put into it."""

    audio: np.ndarray
    hesitations: tuple[tuple[float, float], ...]


def filler(sound: str, language: str, folder: Path, speed: int = 80) -> np.ndarray:
    """One filled pause spoken by espeak-ng, its leading and trailing silence cut off."""
    voice = "en-us" if language == "en" else "cmn-latn-pinyin"
    path = folder / f"filler-{language}-{abs(hash((sound, speed)))}.wav"
    espeak = shutil.which("espeak-ng") or "espeak-ng"
    subprocess.run(
        [espeak, "-v", voice, "-s", str(speed), "-w", str(path), sound + ","],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return _trim(load_audio(path))


def phrase(text: str, language: str, folder: Path) -> np.ndarray:
    """One phrase of ordinary speech (espeak-ng), trimmed to its audible part."""
    path = folder / f"phrase-{language}-{abs(hash(text))}.wav"
    return _trim(load_audio(speech_wav(text, language, path)))


def _trim(audio: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > threshold)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio[:0]


def splice(phrases: list[np.ndarray], fillers: dict[int, np.ndarray], gaps: list[float]) -> Spliced:
    """Phrases joined by `gaps` seconds of silence; fillers[i] goes after phrase i (with a
    short silence either side, as people pause around a hesitation)."""
    pieces: list[np.ndarray] = [np.zeros(SR // 2, np.float32)]
    truth: list[tuple[float, float]] = []
    for i, piece in enumerate(phrases):
        pieces.append(piece)
        gap = np.zeros(int(gaps[i % len(gaps)] * SR), np.float32)
        if i in fillers:
            start = sum(p.size for p in pieces) + gap.size
            truth.append((start / SR, (start + fillers[i].size) / SR))
            pieces += [gap, fillers[i]]
        pieces.append(gap)
    pieces.append(np.zeros(SR // 2, np.float32))
    return Spliced(np.concatenate(pieces), tuple(truth))


def answer(
    texts: list[str], language: str, where: list[int], *, seed: int = 0, folder: Path | None = None
) -> Spliced:
    """Phrases of `texts` with a random filler after each phrase index in `where`."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="mianshi-hes-") as tmp:
        work = folder or Path(tmp)
        sounds = EN_FILLERS if language == "en" else ZH_FILLERS
        spoken = [phrase(t, language, work) for t in texts]
        inserted = {
            i: filler(rng.choice(sounds), language, work, rng.choice(SPEEDS)) for i in where
        }
        gaps = [rng.choice((0.05, 0.15, 0.3)) for _ in texts]
        return splice(spoken, inserted, gaps)
