"""Decoding at the model's best: beam 5, temperature fallback, VAD padding that clips no word,
and a vocabulary prompt that spells the job's terms but never puts one in a candidate's mouth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interview_analysis import speech
from interview_analysis.backends import whisper
from interview_analysis.backends.whisper import FasterWhisperTranscriber, initial_prompt
from interview_analysis.media import load_audio
from interview_analysis.tests.mediagen import speech_wav
from interview_analysis.tests.test_models import installed_models  # noqa: F401  (session fixture)
from interview_analysis.types import Segment, Word

SR = 16_000
# Said by nobody in the clips below, yet in the prompt: none may appear in a transcript.
EN_TERMS = ("KPI", "supply chain", "Kubernetes", "performance review", "OKR")
ZH_TERMS = ("绩效", "KPI", "供应链", "库存周转", "复盘")
EN_PLAIN = (
    "I joined the design team two years ago. We rebuilt the booking page for a small hotel. "
    "My task was to make it easier to use on phones, and the number of bookings grew."
)
ZH_PLAIN = (
    "我们团队有五个人。我主要负责和客户沟通，了解他们的需求。后来我们按时完成了项目，客户很满意。"
)


@pytest.fixture(scope="module")
def asr(installed_models: Path) -> FasterWhisperTranscriber:  # noqa: F811
    return FasterWhisperTranscriber(installed_models / "whisper-base")


@pytest.fixture(scope="module", params=[False, True], ids=["default", "prompted"])
def any_asr(installed_models: Path, request: pytest.FixtureRequest) -> FasterWhisperTranscriber:  # noqa: F811
    """The default (vocabulary applied after decoding) and the prompted variant."""
    return FasterWhisperTranscriber(installed_models / "whisper-base", prompt=request.param)


def _tight(audio: np.ndarray) -> np.ndarray:
    """The clip cut to its first and last audible sample: no silence either side."""
    loud = np.flatnonzero(np.abs(audio) > 0.02)
    return audio[loud[0] : loud[-1] + 1]


def test_defaults_are_beam_5_with_whisper_fallback(asr: FasterWhisperTranscriber) -> None:
    options = whisper.decode_options("en")
    assert asr.beam_size == 5
    assert options["temperature"] == (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    # Mandarin: temperature 0 first, the full schedule (with the loop ban) on a rejected window.
    assert whisper.LOOP_RETRY_OPTIONS["zh"]["temperature"] == options["temperature"]
    assert whisper.LOOP_RETRY_OPTIONS["zh"]["log_prob_threshold"] is None  # sampling: loops only
    assert options["compression_ratio_threshold"] == 2.4
    assert options["log_prob_threshold"] == -1.0
    assert options["vad_parameters"]["speech_pad_ms"] >= 300


def test_words_at_the_very_edges_are_kept(asr: FasterWhisperTranscriber, tmp_path: Path) -> None:
    # The speech starts and ends on its first and last audible sample, between 3 s silences
    # that VAD must cut. With no padding (speech_pad_ms=0, 100 ms merge gap) Whisper heard
    # "Big Steam staff…" here: the soft "s" of the first word had been cut off.
    text = "Sixteen staff finished the first phase, ahead of schedule, thanks to this"
    speech = _tight(load_audio(speech_wav(text, "en", tmp_path / "edge.wav")))
    gap = np.zeros(3 * SR, np.float32)
    transcript = asr.transcribe(np.concatenate([gap, speech, gap]), language="en")
    words = [w.text.lower().strip(".,") for s in transcript.segments for w in s.words]
    print(f"edge clip: {transcript.text}")
    assert words[0] in {"sixteen", "16"}
    assert words[-1] == "this"


@pytest.mark.parametrize(
    ("language", "text", "terms"), [("en", EN_PLAIN, EN_TERMS), ("zh", ZH_PLAIN, ZH_TERMS)]
)
def test_prompt_puts_no_unspoken_term_in_the_transcript(
    any_asr: FasterWhisperTranscriber,
    tmp_path: Path,
    language: str,
    text: str,
    terms: tuple[str, ...],
) -> None:
    audio = load_audio(speech_wav(text, language, tmp_path / f"{language}.wav"))
    transcript = any_asr.transcribe(audio, language=language, vocabulary=terms)  # type: ignore[arg-type]
    print(f"{language} prompt={any_asr.prompt} {terms}: {transcript.text}")
    assert transcript.text  # something was heard
    for term in terms:
        assert term.lower() not in transcript.text.lower()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_prompt_on_silence_and_noise_writes_nothing_of_it(
    any_asr: FasterWhisperTranscriber, language: str
) -> None:
    rng = np.random.default_rng(7)
    audio = np.concatenate([np.zeros(2 * SR), 0.01 * rng.standard_normal(3 * SR)])
    terms = ZH_TERMS if language == "zh" else EN_TERMS
    text = any_asr.transcribe(audio.astype(np.float32), language=language, vocabulary=terms).text  # type: ignore[arg-type]
    assert not any(t.lower() in text.lower() for t in terms), text


def test_filler_prompt_invents_no_filler(any_asr: FasterWhisperTranscriber, tmp_path: Path) -> None:
    audio = load_audio(speech_wav(EN_PLAIN, "en", tmp_path / "plain.wav"))
    transcript = any_asr.transcribe(audio, language="en", vocabulary=EN_TERMS)
    assert speech.count_fillers(transcript.text, "en") == {}, transcript.text


def test_a_term_said_is_kept(any_asr: FasterWhisperTranscriber, tmp_path: Path) -> None:
    text = "Every quarter I reported one KPI to the board: orders delivered within two days."
    audio = load_audio(speech_wav(text, "en", tmp_path / "said.wav"))
    transcript = any_asr.transcribe(audio, language="en", vocabulary=EN_TERMS)
    print(transcript.text)
    assert "KPI" in transcript.text


def test_terms_are_spelled_from_same_sounds_only() -> None:
    heard = "我们把供应恋系统迁移了，计效指标是技校毕业生的比例，kpi 提高了"
    spelled = whisper.spell_terms(heard, ZH_TERMS, "zh")
    assert spelled == "我们把供应链系统迁移了，绩效指标是技校毕业生的比例，KPI 提高了"
    # Different sounds stay as heard: 技巧 (ji4 qiao3) is not 绩效 (ji4 xiao4).
    assert whisper.spell_terms("沟通技巧很重要", ZH_TERMS, "zh") == "沟通技巧很重要"
    assert whisper.spell_terms("Supply chain work", EN_TERMS, "en") == "Supply chain work"


def test_prompt_lists_fillers_then_unique_terms() -> None:
    prompt = initial_prompt("zh", ["绩效", " KPI ", "绩效", ""])
    assert (
        prompt is not None and prompt.startswith("嗯") and prompt.endswith("相关术语：绩效、KPI。")
    )
    assert initial_prompt("en", (), fillers=False) is None
    many = initial_prompt("en", [f"t{i}" for i in range(60)], fillers=False) or ""
    assert many.startswith("Terms: t0, ") and len(many.split(", ")) == 24


def _segment(*words: tuple[str, float]) -> Segment:
    made = tuple(Word(t, i * 0.5, i * 0.5 + 0.4, p) for i, (t, p) in enumerate(words))
    return Segment(0.0, len(words) * 0.5, " ".join(w.text for w in made), made)


def test_an_unsure_prompt_term_counts_as_an_echo() -> None:
    unsure = _segment(("We", 0.9), ("improved", 0.9), ("supply", 0.2), ("chain", 0.3))
    heard = _segment(("We", 0.9), ("improved", 0.9), ("supply", 0.95), ("chain", 0.9))
    assert whisper._prompt_leaked((unsure,), ["supply chain"], "en")
    assert not whisper._prompt_leaked((heard,), ["supply chain"], "en")
    zh = Segment(0.0, 1.0, "优化供应链", (Word("优化", 0, 0.5, 0.9), Word("供应链", 0.5, 1, 0.1)))
    assert whisper._prompt_leaked((zh,), ["供应链"], "zh")


def test_unclear_mandarin_is_decoded_again_reproducibly(
    asr: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    # Robotic pinyin speech makes Whisper base loop at temperature 0: the retry (loop ban,
    # full temperature schedule, fixed seed) must end the loop and give the same text twice.
    audio = load_audio(speech_wav(ZH_PLAIN, "zh", tmp_path / "robot.wav"))
    first = asr.transcribe(audio, language="zh").text
    assert asr.transcribe(audio, language="zh").text == first
    assert not whisper._looping(first) and len(first) >= 20, first


class _Raw:
    def __init__(
        self,
        compression_ratio: float,
        avg_logprob: float,
        seek: int = 0,
        start: float = 0.0,
        end: float = 0.0,
    ) -> None:
        self.compression_ratio, self.avg_logprob = compression_ratio, avg_logprob
        self.seek, self.start, self.end = seek, start, end


def test_only_the_stretch_of_a_rejected_window_is_decoded_again() -> None:
    good, loop, unsure = (1.3, -0.4), (3.9, -0.3), (1.2, -1.3)
    raw = [
        _Raw(*good, seek=0, start=0.0, end=12.0),
        _Raw(*good, seek=0, start=12.5, end=28.0),
        _Raw(*loop, seek=2800, start=28.4, end=40.0),  # two rejected windows in a row
        _Raw(*unsure, seek=4000, start=41.0, end=58.0),
        _Raw(*good, seek=5800, start=59.0, end=80.0),
        _Raw(*loop, seek=8000, start=80.5, end=85.0),  # the last window
    ]
    stretches = whisper._stretches(raw, duration=90.0)
    assert [(a, b, None if w is None else len(w)) for a, b, w in stretches] == [
        (0.0, 28.0, 2),
        (28.0, 59.0, None),  # from the accepted end before to the accepted start after
        (59.0, 80.0, 1),
        (80.0, 90.0, None),
    ]
    assert whisper._stretches([_Raw(*loop, start=0.5, end=9.0)], 10.0) == [(0.0, 10.0, None)]
    assert whisper._stretches([], 10.0) == []


class _Counting(FasterWhisperTranscriber):
    """The real transcriber, noting how many seconds of audio each decoding pass gets."""

    seconds: list[float]

    def _decode(self, audio: np.ndarray, *args: Any) -> list[Any]:
        self.seconds.append(audio.size / SR)
        return super()._decode(audio, *args)


def test_a_long_mandarin_answer_is_decoded_again_only_where_rejected(
    installed_models: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    asr = _Counting(installed_models / "whisper-base")
    asr.seconds = []
    # 80 s of robotic pinyin: Whisper base accepts some windows at temperature 0 and rejects
    # the one that ends in the clip it loops on (test above); only that stretch is retried.
    text = "去年春天我负责带领一个小团队重建公司的订单系统。原来的系统速度很慢，"
    text += "用户在付款的时候经常看到错误。"
    speech = load_audio(speech_wav(text * 2, "zh", tmp_path / "long.wav"))
    looping = load_audio(speech_wav(ZH_PLAIN, "zh", tmp_path / "plain.wav"))
    gap = np.zeros(2 * SR, np.float32)
    audio = np.concatenate([speech, gap, speech, gap, looping])
    transcript = asr.transcribe(audio, language="zh")
    total, *retried = asr.seconds
    print(asr.seconds, transcript.text)
    assert total == pytest.approx(audio.size / SR)
    assert retried and sum(retried) < 0.75 * total
    assert not any(whisper._looping(s.text) for s in transcript.segments)
    starts = [w.start for s in transcript.segments for w in s.words]
    assert starts == sorted(starts) and starts[-1] > 40.0  # on the answer's clock


def test_whispers_own_rejection_rule() -> None:
    assert whisper._rejected(_Raw(2.5, -0.2))
    assert whisper._rejected(_Raw(1.4, -1.2))
    assert not whisper._rejected(_Raw(1.4, -0.4))
