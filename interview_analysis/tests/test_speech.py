"""Transcription (espeak-ng English and Mandarin) and delivery features on known audio."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from interview_analysis import speech
from interview_analysis.backends.whisper import FasterWhisperTranscriber, to_simplified
from interview_analysis.media import load_audio
from interview_analysis.tests.mediagen import speech_wav
from interview_analysis.tests.test_models import installed_models  # noqa: F401  (session fixture)
from interview_analysis.text import edit_distance
from interview_analysis.types import Transcript

SR = 16_000
EN = (
    "I joined the team two years ago. We built a payment service for small shops. "
    "My task was to reduce the error rate. I wrote careful tests and fixed the slow database "
    "queries. Customers stopped complaining after the release."
)
ZH = "我们团队有五个人。我主要负责和客户沟通，了解他们的需求。后来我们按时完成了项目，客户很满意。"
HAN = re.compile(r"[\u4e00-\u9fff]")


def word_error_rate(ref: str, hyp: str) -> float:
    """WER over lower-cased words, punctuation ignored."""
    words = [re.findall(r"[a-z0-9']+", s.lower()) for s in (ref, hyp)]
    return edit_distance(words[0], words[1]) / max(1, len(words[0]))


def char_error_rate(ref: str, hyp: str) -> float:
    """CER over Han characters only."""
    return edit_distance(HAN.findall(ref), HAN.findall(hyp)) / max(1, len(HAN.findall(ref)))


@pytest.fixture(scope="module")
def transcriber(installed_models: Path) -> FasterWhisperTranscriber:  # noqa: F811
    return FasterWhisperTranscriber(installed_models / "whisper-base")


@pytest.fixture(scope="module")
def english_with_pause(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """English espeak-ng speech with 2 s of silence inserted after the first sentence."""
    first, rest = EN.split(". ", 1)
    folder = tmp_path_factory.mktemp("en")
    a = load_audio(speech_wav(first + ".", "en", folder / "a.wav"))
    b = load_audio(speech_wav(rest, "en", folder / "b.wav"))
    return np.concatenate([a, np.zeros(2 * SR, np.float32), b])


@pytest.fixture(scope="module")
def english_transcript(
    transcriber: FasterWhisperTranscriber, english_with_pause: np.ndarray
) -> Transcript:
    return transcriber.transcribe(english_with_pause, language="en")


def test_english_word_error_at_most_5_percent(
    english_transcript: Transcript, record_property
) -> None:  # type: ignore[no-untyped-def]
    wer = word_error_rate(EN, english_transcript.text)
    record_property("wer", wer)
    print(f"English WER {wer:.3f}: {english_transcript.text}")
    assert wer <= 0.05
    assert (
        english_transcript.language == "en"
        and english_transcript.model == "faster-whisper:whisper-base"
    )


def test_words_carry_timestamps_in_order(english_transcript: Transcript) -> None:
    words = [w for s in english_transcript.segments for w in s.words]
    assert len(words) >= 30
    assert all(w.start <= w.end for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    # The 2 s gap after "ago." survives VAD (timestamps are restored to the original clock).
    ago = next(i for i, w in enumerate(words) if w.text.lower().startswith("ago"))
    assert words[ago + 1].start - words[ago].end > 1.2


def test_mandarin_pinyin_tts_character_error(
    transcriber: FasterWhisperTranscriber, tmp_path: Path, record_property
) -> None:  # type: ignore[no-untyped-def]
    audio = load_audio(speech_wav(ZH, "zh", tmp_path / "zh.wav"))
    transcript = transcriber.transcribe(audio, language="zh")
    cer = char_error_rate(ZH, transcript.text)
    record_property("cer", cer)
    print(f"Mandarin (robotic pinyin TTS) CER {cer:.3f}: {transcript.text}")
    assert cer < 0.7
    assert to_simplified(transcript.text) == transcript.text  # already Simplified
    assert len(HAN.findall(transcript.text)) >= 20


def test_traditional_is_converted() -> None:
    assert to_simplified("這個問題我們團隊討論過") == "这个问题我们团队讨论过"


def test_silence_gives_an_empty_transcript(transcriber: FasterWhisperTranscriber) -> None:
    assert transcriber.transcribe(np.zeros(3 * SR, np.float32), language="zh").text == ""


def test_features_find_the_inserted_pause_and_a_sane_rate(
    english_with_pause: np.ndarray, english_transcript: Transcript
) -> None:
    f = speech.speech_features(english_with_pause, english_transcript, language="en")
    assert f.pause_count >= 1 and 1.6 <= f.longest_pause_s <= 2.3
    assert 100 <= f.speaking_rate <= 220 and f.rate_unit == "words/min"
    assert f.answer_units == pytest.approx(len(EN.split()), abs=3)
    assert f.speech_s < f.duration_s - 1.5
    assert -40 < f.loudness_dbfs_mean < -5 and 0 < f.loudness_variation_db < 15
    assert 70 < f.pitch_mean_hz < 250 and 0 < f.pitch_variation_semitones < 8


def test_pitch_and_loudness_of_known_signals() -> None:
    t = np.arange(2 * SR) / SR
    steady = (0.5 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    assert speech.pitch(steady, [(0.0, 2.0)]) == (
        pytest.approx(150, abs=2),
        pytest.approx(0, abs=0.1),
    )
    assert speech.loudness(steady, [(0.0, 2.0)])[0] == pytest.approx(-9.0, abs=0.2)  # RMS 0.354
    glide = (0.3 * np.sin(2 * np.pi * np.cumsum(100 * 2 ** (t / 2)) / SR)).astype(np.float32)
    # 100 → 200 Hz evenly in log-frequency: 12 semitones uniform, std 12/√12 ≈ 3.46.
    assert speech.pitch(glide, [(0.0, 2.0)])[1] == pytest.approx(3.46, abs=0.3)


def test_fillers_count_hesitations_not_ordinary_words() -> None:
    en = "Um, so I, like, wanted to, uh, fix it. I like cats and I know you know them, you know."
    assert speech.count_fillers(en, "en") == {"um": 1, "like": 1, "uh": 1, "you know": 1}
    zh = (
        "嗯，我觉得那个那个问题，就是，呃，然后我们就是这样做的。"
        "好啊，啊，那个方案很好，然后上线了。"
    )
    assert speech.count_fillers(zh, "zh") == {"嗯": 1, "呃": 1, "啊": 1, "那个": 1, "就是": 1}
    f = speech.speech_features(np.zeros(SR, np.float32), Transcript("zh", zh, ()), language="zh")
    assert f.filler_count == 5 and f.rate_unit == "chars/min"


def test_silent_and_empty_audio_do_not_crash() -> None:
    for audio in (np.zeros(5 * SR, np.float32), np.zeros(0, np.float32)):
        f = speech.speech_features(audio, None, language="en")
        assert (f.speech_s, f.speaking_rate, f.pause_count, f.answer_units) == (0.0, 0.0, 0, 0)
        assert f.pitch_mean_hz == 0.0 and f.loudness_dbfs_mean == -100.0


def test_answer_units_count_han_characters_and_words() -> None:
    assert speech.answer_units("我做了3个项目，OK。", "zh") == 6
    assert speech.answer_units("I didn't stop — 3 times!", "en") == 5


def test_a_word_nobody_said_at_the_very_end_is_dropped() -> None:
    from interview_analysis.backends.whisper import _trim_tail
    from interview_analysis.types import Segment, Word

    said = (Word("the", 16.56, 16.76, 0.98), Word("release.", 16.76, 17.06, 0.998))
    tail = (Word("Thank", 17.06, 17.64, 0.0136), Word("you.", 17.64, 17.64, 0.9589))
    first = Segment(10.0, 14.0, "I joined.", (Word("I", 10.0, 10.2, 0.9),))
    trimmed = _trim_tail((first, Segment(14.5, 17.64, "x", said + tail)), " ")
    assert trimmed[0] == first and trimmed[1].text == "the release."
    assert trimmed[1].words == said and trimmed[1].end == 17.06
    alone = Segment(17.0, 17.6, "you", (Word("you", 17.06, 17.64, 0.03),))
    assert _trim_tail((first, alone), " ") == (first,)
    sure = Segment(14.5, 17.64, "x", (*said, Word("you.", 17.64, 17.9, 0.8)))
    assert _trim_tail((first, sure), " ") == (first, sure)  # a real last word stays
    unsure_early = Segment(14.5, 17.64, "x", (Word("uh", 14.5, 14.6, 0.05), *said))
    assert _trim_tail((unsure_early,), " ") == (unsure_early,)  # only the last two words
