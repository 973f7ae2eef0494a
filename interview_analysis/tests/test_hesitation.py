"""Filled pauses found in the sound (F-62): espeak-ng speech with 嗯/呃/uh/um/er/hmm spliced in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interview_analysis import hesitation, speech
from interview_analysis.backends.whisper import FasterWhisperTranscriber
from interview_analysis.synthetic import noise, tone
from interview_analysis.tests import hesitation_audio as ha
from interview_analysis.tests.test_models import installed_models  # noqa: F401  (session fixture)
from interview_analysis.types import Language, Segment, Transcript, Word

SR = 16_000
EN = [
    "My task was to cut",
    "the error rate in half",
    "within three months.",
    "First I collected the logs",
    "from every server",
    "and grouped the failures by cause.",
]
ZH = ["我的任务是", "在三个月内", "把错误率降低一半。"]
ZH += ["首先我收集了", "所有服务器的日志，", "并按照原因分类。"]


@pytest.fixture(scope="module")
def english() -> ha.Spliced:
    return ha.answer(EN, "en", [0, 2, 3, 4], seed=3)


@pytest.fixture(scope="module")
def mandarin() -> ha.Spliced:
    return ha.answer(ZH, "zh", [1, 2, 4], seed=5)


def _overlaps(found: list[hesitation.Hesitation], truth: tuple[tuple[float, float], ...]) -> int:
    return sum(any(h.start < b and h.end > a for h in found) for a, b in truth)


@pytest.mark.parametrize("clip", ["english", "mandarin"])
def test_spliced_hesitations_are_found_where_they_are(
    clip: str, request: pytest.FixtureRequest
) -> None:
    spliced: ha.Spliced = request.getfixturevalue(clip)
    found = hesitation.detect(spliced.audio)
    print(clip, spliced.hesitations, found)
    assert abs(len(found) - len(spliced.hesitations)) <= 1
    assert _overlaps(found, spliced.hesitations) >= len(spliced.hesitations) - 1
    assert all(70 < h.f0_hz < 400 and 0.25 <= h.end - h.start <= 2.0 for h in found)


@pytest.mark.parametrize("clip", ["english", "mandarin"])
def test_hesitations_are_still_found_under_room_noise(
    clip: str, request: pytest.FixtureRequest
) -> None:
    # White noise of RMS 0.01 under speech of ~0.1-0.3: about 20-30 dB SNR, a laptop fan.
    # In noise the vowel-to-nasal change of "um" no longer breaks the steady stretch.
    spliced: ha.Spliced = request.getfixturevalue(clip)
    audio = spliced.audio + noise(spliced.audio.size / SR, amplitude=0.01, seed=9)
    found = hesitation.detect(audio[: spliced.audio.size])
    assert abs(len(found) - len(spliced.hesitations)) <= 1
    assert _overlaps(found, spliced.hesitations) >= len(spliced.hesitations) - 1


@pytest.mark.parametrize(("texts", "language"), [(EN, "en"), (ZH, "zh")])
def test_clean_speech_has_no_hesitation(texts: list[str], language: str) -> None:
    clean = ha.answer(texts, language, [], seed=1)
    assert hesitation.detect(clean.audio) == []


def test_silence_and_noise_have_no_hesitation() -> None:
    assert hesitation.detect(np.zeros(10 * SR, np.float32)) == []
    assert hesitation.detect(np.zeros(0, np.float32)) == []
    for amplitude in (0.005, 0.05, 0.3):
        assert hesitation.detect(noise(10.0, amplitude=amplitude, seed=4)) == []


def _hum(seconds: float, f0: float = 110.0) -> np.ndarray:
    """A voice-like hum: a pulse train (rich in harmonics) through two fixed resonances."""
    t = np.arange(int(seconds * SR)) / SR
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.003 * np.sin(2 * np.pi * 5 * t))) / SR
    source = sum(np.sin(k * phase) / k for k in range(1, 30))
    spectrum = np.fft.rfft(source)
    freqs = np.fft.rfftfreq(source.size, 1 / SR)
    resonances = sum(1 / (1 + ((freqs - f) / 120) ** 2) for f in (300.0, 2200.0))
    hum = np.fft.irfft(spectrum * resonances, n=source.size)
    return (0.2 * hum / np.abs(hum).max()).astype(np.float32)


def test_a_numpy_hum_counts_and_a_pure_tone_does_not() -> None:
    gap = np.zeros(SR, np.float32)
    audio = np.concatenate([gap, _hum(0.6), gap, _hum(0.4, 180.0), gap])
    found = hesitation.detect(audio)
    assert [(round(h.start), round(h.f0_hz, -1)) for h in found] == [(1, 110), (3, 180)]
    # A beep has one frequency and no voice's harmonics; a hum of 5 s is not a hesitation.
    assert hesitation.detect(np.concatenate([gap, tone(0.6, 200.0), gap])) == []
    assert hesitation.detect(np.concatenate([gap, _hum(5.0), gap])) == []


def _words_at(spans: list[tuple[str, float, float]]) -> Transcript:
    words = tuple(Word(text, a, b, 0.9) for text, a, b in spans)
    segment = Segment(words[0].start, words[-1].end, "".join(w.text for w in words), words)
    return Transcript("zh", segment.text, (segment,))


def test_a_filler_written_at_that_time_is_not_counted_again(mandarin: ha.Spliced) -> None:
    (a, b), *_ = mandarin.hesitations
    # Whisper wrote the first 嗯 (its word time a little off); the others it dropped.
    spans = [("我的", 0.5, 1.0), ("嗯", a + 0.15, b + 0.2), ("任务", b + 0.3, b + 0.8)]
    transcript = _words_at(spans)
    features = speech.speech_features(mandarin.audio, transcript, language="zh")
    rest = len(mandarin.hesitations) - 1
    assert features.fillers == {"嗯": 1, "hesitation": rest}
    assert features.filler_count == 1 + rest
    # Without a transcript every filled pause is heard, none written.
    alone = speech.speech_features(mandarin.audio, None, language="zh")
    assert alone.fillers == {"hesitation": len(mandarin.hesitations)}


def test_filler_times_follow_the_word_timestamps() -> None:
    # 那个 standing alone between pauses is a filler; 那个方案 ("that plan") is not.
    spans = [("嗯，", 1.0, 1.4), ("我们，", 1.5, 1.9), ("那个", 2.0, 2.3), ("，", 2.3, 2.3)]
    assert speech.filler_times(_words_at(spans), "zh") == [(1.0, 1.4), (2.0, 2.3)]
    spans = [("那个", 0.0, 0.3), ("方案", 0.3, 0.8)]
    assert speech.filler_times(_words_at(spans), "zh") == []
    assert speech.filler_times(None, "en") == []


@pytest.fixture(scope="module")
def asr(installed_models: Path) -> FasterWhisperTranscriber:  # noqa: F811
    return FasterWhisperTranscriber(installed_models / "whisper-base")


@pytest.mark.parametrize("clip", ["english", "mandarin"])
def test_whisper_and_the_detector_together_count_each_hesitation_once(
    asr: FasterWhisperTranscriber, clip: str, request: pytest.FixtureRequest
) -> None:
    spliced: ha.Spliced = request.getfixturevalue(clip)
    language: Language = "en" if clip == "english" else "zh"
    transcript = asr.transcribe(spliced.audio, language=language)
    written = speech.count_fillers(transcript.text, language)
    features = speech.speech_features(spliced.audio, transcript, language=language)
    print(transcript.text, written, features.fillers)
    # English: Whisper writes most of these as "err"/"erm" and the sound adds none twice;
    # Mandarin: it writes no 嗯/呃 and the sound supplies them.
    assert abs(features.filler_count - len(spliced.hesitations)) <= 1
    assert features.filler_count >= sum(written.values())
