"""Frame-level voice analysis shared by pitch (speech.py) and hesitations (hesitation.py).

Pure numpy: a normalised autocorrelation pitch tracker in the manner of Boersma (1993), the
permissive alternative to praat (GPL). 40 ms frames hold two periods of a 50 Hz voice.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16_000
FRAME = 640
HOP = 320
F0_MIN, F0_MAX = 70.0, 400.0
VOICED = 0.45  # autocorrelation peak above which a frame counts as voiced


def frames(audio: np.ndarray, size: int, hop: int) -> np.ndarray:
    """Overlapping frames as a 2-D view (no copy)."""
    if audio.size < size:
        return np.zeros((0, size), dtype=np.float32)
    count = 1 + (audio.size - size) // hop
    return np.lib.stride_tricks.as_strided(
        audio, shape=(count, size), strides=(audio.strides[0] * hop, audio.strides[0])
    )


def autocorrelation(chunk: np.ndarray) -> np.ndarray:
    """Autocorrelation per frame, normalised by lag 0 and by the window's own (Boersma 1993)."""
    window = np.hanning(FRAME)
    centred = (chunk - chunk.mean(axis=1, keepdims=True)) * window
    size = 2 * FRAME
    corr = np.fft.irfft(np.abs(np.fft.rfft(centred, n=size, axis=1)) ** 2, axis=1)
    own = np.fft.irfft(np.abs(np.fft.rfft(window, n=size)) ** 2)[:FRAME]
    corr = corr[:, :FRAME] / np.maximum(own / own[0], 1e-3)
    energy = corr[:, :1]
    return np.asarray(corr / np.where(energy > 1e-9, energy, np.inf))


def _parabolic_offset(corr: np.ndarray, rows: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Sub-sample peak position from the parabola through the peak and its neighbours."""
    left, mid, right = corr[rows, lags - 1], corr[rows, lags], corr[rows, lags + 1]
    denominator = left - 2 * mid + right
    safe = np.where(np.abs(denominator) > 1e-12, denominator, 1.0)
    return np.where(np.abs(denominator) > 1e-12, 0.5 * (left - right) / safe, 0.0)


def periodicity(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the autocorrelation peak (voicing strength, 0-1) and F0 in Hz (0 unvoiced)."""
    if not len(chunk):
        return np.zeros(0), np.zeros(0)
    corr = autocorrelation(chunk)
    low, high = int(SAMPLE_RATE / F0_MAX), int(SAMPLE_RATE / F0_MIN)
    inner = corr[:, low:high]
    peaks = (inner > corr[:, low - 1 : high - 1]) & (inner >= corr[:, low + 1 : high + 1])
    best = np.where(peaks, inner, -1.0).max(axis=1)
    # The first peak within 90 % of the best one avoids octave-low errors (subharmonics).
    first = np.argmax(peaks & (inner >= 0.9 * best[:, None]), axis=1)
    rows = np.arange(len(chunk))
    lags = first + low
    f0 = SAMPLE_RATE / (lags + _parabolic_offset(corr, rows, lags))
    return np.maximum(best, 0.0), np.where(best > VOICED, f0, 0.0)
