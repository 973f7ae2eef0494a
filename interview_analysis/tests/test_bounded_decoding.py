"""Decoding an untrusted recording costs what its cap allows, not what the file holds (M11).

A hostile browser may upload hours of audio; the quality gate decodes at most the answer's
time plus the grace. Measured with tracemalloc (numpy reports its buffers to it).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interview_analysis import media
from interview_analysis.answer_gate import assess_segments
from interview_analysis.tests import mediagen

RATE = 16000


@pytest.fixture(scope="module")
def ten_minutes(tmp_path_factory: Any) -> Path:
    """A 10-minute 16 kHz WAV (19 MB): a recording far longer than any question allows."""
    path = Path(tmp_path_factory.mktemp("long")) / "ten-minutes.wav"
    return mediagen.write_wav(path, mediagen.speech_like(600.0, noise_amplitude=0.001))


def peak_bytes(work: Callable[[], np.ndarray]) -> tuple[np.ndarray, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_load_audio_stops_at_the_cap_in_bounded_memory(ten_minutes: Path) -> None:
    capped, capped_peak = peak_bytes(lambda: media.load_audio(ten_minutes, max_seconds=10))
    full, full_peak = peak_bytes(lambda: media.load_audio(ten_minutes))
    assert len(capped) == 10 * RATE and len(full) == 600 * RATE
    assert np.array_equal(capped, full[: 10 * RATE])
    # 10 s of float32 is 640 KB; the whole file decoded is 38 MB (plus its pieces).
    assert capped_peak < 3 * 1024**2, capped_peak
    assert full_peak > 30 * capped_peak, (full_peak, capped_peak)


def test_the_gate_decodes_no_more_than_max_seconds_over_all_segments(tmp_path: Path) -> None:
    parts = [
        mediagen.write_wav(tmp_path / f"part{i}.wav", mediagen.speech_like(4.0)) for i in range(3)
    ]
    opened: list[Path] = []

    def segments() -> Any:
        for path in parts:
            opened.append(path)
            yield path

    gate = assess_segments(segments(), video=False, biometric=False, max_seconds=5.0)
    assert gate.analysed_s == pytest.approx(5.0, abs=0.01)
    assert gate.report.duration_s == pytest.approx(12.0, abs=0.1)  # probed, not decoded
    assert opened == parts and gate.engine == "light-only"
    unbounded = assess_segments(iter(parts), video=False, biometric=False)
    assert unbounded.analysed_s == pytest.approx(12.0, abs=0.01)
