"""Seeking in a sealed recording: time to first byte and peak RSS against a plain file (JSON).

    python bench/playback.py [--minutes 30] [--mbps 2.5] [--ranges 20] [--work DIR]

A recording of `minutes` at `mbps` (Chromium's MediaRecorder writes about 2.5 Mbit/s of
640x480 VP8) is generated as synthetic bytes and sealed exactly as verification seals it
(storage.seal_file, blocks of storage.BLOCK_BYTES). 20 random ranges, each as a seeking
player asks them (a start anywhere, 1-8 MiB read), are then served twice in one run: by playback
(storage.SealedRecording: only the covering blocks are read and decrypted) and by a plain
read of the same ranges of the unsealed file, both in 256 KiB writes as the view sends
them. Reported: p50/p95 time to first byte and to the last byte, their ratios, and the
peak RSS of a child process that only serves the ranges, for the full length and for a
recording 10x shorter (equal RSS = memory independent of the recording's length).
Goal: time to first byte p95 <= 3x the plain read; RSS independent of length.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PIECE = 256 * 1024  # what the view yields per write
MIB = 1024 * 1024
KEY = "bench:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


def _django(media: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["MIANSHI_MEDIA_ROOT"] = str(media)
    os.environ["MIANSHI_ENCRYPTION_KEYS"] = KEY
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _generate(path: Path, size: int) -> None:
    """Synthetic media bytes: incompressible enough, cheap to make (one random MiB, varied)."""
    seed = os.urandom(MIB)
    with path.open("wb") as out:
        for i in range(0, size, MIB):
            out.write((i.to_bytes(8, "big") + seed[8:])[: min(MIB, size - i)])


def _seal(work: Path, minutes: float, mbps: float) -> dict[str, Any]:
    from mianshi.interviews.services import storage

    size = int(minutes * 60 * mbps * 1e6 / 8)
    plain, rid = work / f"plain-{minutes}.bin", uuid.uuid4()
    _generate(plain, size)
    started = time.perf_counter()
    stored, _sha, _ = storage.seal_file(rid, plain, f"recordings/bench/{rid}.bin")
    return {"plain": str(plain), "stored": stored, "id": str(rid), "bytes": size,
            "seal_s": round(time.perf_counter() - started, 2)}  # fmt: skip


def _ranges(size: int, count: int) -> list[tuple[int, int]]:
    rng = random.Random(20261206)
    spans = []
    for _ in range(count):
        start = rng.randrange(0, size - 1)
        spans.append((start, min(size - 1, start + rng.randint(1, 8) * MIB - 1)))
    return spans


def _pieces(parts: Iterator[bytes]) -> Iterator[bytes]:
    for part in parts:
        for at in range(0, len(part), PIECE):
            yield part[at : at + PIECE]


def _plain(path: str, start: int, end: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0 and (block := handle.read(min(PIECE, left))):
            left -= len(block)
            yield block


def _sealed(rid: str, name: str, start: int, end: int) -> Iterator[bytes]:
    from mianshi.interviews.services import storage

    opened = storage.SealedRecording(uuid.UUID(rid), name)
    try:
        yield from _pieces(opened.iter_range(start, end))
    finally:
        opened.close()


def _timed(stream: Iterator[bytes]) -> tuple[float, float, int]:
    started = time.perf_counter()
    first, total = None, 0
    for piece in stream:
        first = first if first is not None else time.perf_counter() - started
        total += len(piece)
    return (first or 0.0) * 1000, (time.perf_counter() - started) * 1000, total


def _p(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 3)


def _serve(sealed: dict[str, Any], count: int) -> dict[str, Any]:
    """Both readers over the same ranges, interleaved so both see the same cache state."""
    ttfb: dict[str, list[float]] = {"sealed": [], "plain": []}
    full: dict[str, list[float]] = {"sealed": [], "plain": []}
    # Warm-up (imports, first file opens), not counted: a server has done these long before.
    _timed(_plain(sealed["plain"], 0, PIECE))
    _timed(_sealed(sealed["id"], sealed["stored"], 0, PIECE))
    for start, end in _ranges(sealed["bytes"], count):
        for label, stream in (
            ("plain", _plain(sealed["plain"], start, end)),
            ("sealed", _sealed(sealed["id"], sealed["stored"], start, end)),
        ):
            first, whole, total = _timed(stream)
            assert total == end - start + 1, (label, total)
            ttfb[label].append(first)
            full[label].append(whole)
    out: dict[str, Any] = {}
    for label in ("sealed", "plain"):
        out[label] = {
            f"{name}_ms_p{q}": _p(values[label], q)
            for name, values in (("ttfb", ttfb), ("full", full))
            for q in (50, 95)
        }
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _child(args: argparse.Namespace) -> None:
    _django(Path(args.work) / "media")
    print(json.dumps(_serve(json.loads(args.child), args.ranges)))


def _in_child(args: argparse.Namespace, sealed: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--work", args.work, "--ranges", str(args.ranges),
               "--child", json.dumps(sealed)]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--mbps", type=float, default=2.5)
    parser.add_argument("--ranges", type=int, default=20)
    parser.add_argument("--work", default="")
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        return _child(args)
    with tempfile.TemporaryDirectory(prefix="mianshi-bench-") as tmp:
        args.work = args.work or tmp
        _django(Path(args.work) / "media")
        long = _seal(Path(args.work), args.minutes, args.mbps)
        short = _seal(Path(args.work), args.minutes / 10, args.mbps)
        result = {"minutes": args.minutes, "mbps": args.mbps, "ranges": args.ranges,
                  "bytes": long["bytes"], "seal_s": long["seal_s"],
                  "long": _in_child(args, long), "short": _in_child(args, short)}  # fmt: skip
    served = result["long"]
    for metric in ("ttfb_ms_p95", "full_ms_p95"):
        ratio = served["sealed"][metric] / max(served["plain"][metric], 1e-6)
        result[f"{metric}_ratio_sealed_to_plain"] = round(ratio, 2)
    result["rss_long_minus_short_mib"] = round(
        result["long"]["peak_rss_mib"] - result["short"]["peak_rss_mib"], 1
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
