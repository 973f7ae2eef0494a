"""A seekable copy of a verified recording: the same packets in a freshly written container.

Chromium's MediaRecorder writes WebM live: no duration in the header and no Cues (seek index),
so players show no length and Chromium's <video> sometimes fails to decode after a seek.
Copying the streams (no re-encode: cheap, lossless) into a new file written to a seekable
target gives a Duration and Cues (moved to the front, like MP4's faststart, so a player finds
them without reading to the end). A fragmented MP4 (Safari's; Chromium's whole-file
fallback, VP9 + Opus) becomes a plain MP4 with its index first (`+faststart`).

`seekable_copy` never raises: any failure (the muxer refusing a timestamp, a copy that does
not decode, lost packets or lasts differently) logs a warning and returns None, and the
caller keeps the original file — a recording must never be lost to an improvement.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from interview_analysis import media
from interview_analysis.types import MediaInfo

logger = logging.getLogger(__name__)

# Stream copy changes no packet: anything beyond rounding means the copy is wrong.
DURATION_TOLERANCE_S = 0.2
# Codecs the WebM muxer accepts; anything else in Matroska (Chromium can record H.264 there).
WEBM_CODECS = frozenset({"vp8", "vp9", "av1", "opus", "vorbis"})


class RemuxError(Exception):
    """The copy is not a faithful, seekable version of the original."""


def muxer_for(info: MediaInfo) -> tuple[str, dict[str, str]] | None:
    """The output format and its options for a probed file; None when not handled."""
    if info.container == "mp4":
        return "mp4", {"movflags": "+faststart"}
    if info.container == "webm":
        codecs = {c for c in (info.video_codec, info.audio_codec) if c}
        return ("webm" if codecs <= WEBM_CODECS else "matroska"), {"cues_to_front": "1"}
    return None


@dataclass
class Span:
    """Packets of one stream type and the time they cover (first start to last end, s)."""

    packets: int = 0
    start: float = math.inf
    end: float = -math.inf

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)


def _track(spans: dict[str, Span], packet: Any) -> None:
    if packet.size == 0 or packet.pts is None or packet.time_base is None:
        return
    start = float(packet.pts * packet.time_base)
    span = spans.setdefault(packet.stream.type, Span())
    span.packets += 1
    span.start = min(span.start, start)
    span.end = max(span.end, start + float((packet.duration or 0) * packet.time_base))


def stream_copy(
    source: Path, target: Path, *, fmt: str, options: dict[str, str]
) -> dict[str, Span]:
    """Copy every audio and video packet of `source` into a new `fmt` file at `target`;
    returns what was copied per stream type."""
    spans: dict[str, Span] = {}
    with media.open_input(source) as src:
        wanted = [s for s in src.streams if s.type in ("audio", "video")]
        with av.open(str(target), "w", format=fmt, options=options) as out:
            mapping = {s.index: out.add_stream_from_template(s) for s in wanted}
            for packet in src.demux(*wanted):
                if packet.dts is None:
                    continue  # the demuxer's end-of-stream marker, not data
                _track(spans, packet)  # before mux(), which rebases the timestamps
                packet.stream = mapping[packet.stream.index]
                out.mux(packet)
    return spans


def stream_spans(path: Path) -> dict[str, Span]:
    """Per stream type, the packets a file holds (demuxed, not decoded: cheap)."""
    spans: dict[str, Span] = {}
    with media.open_input(path) as container:
        wanted = [s for s in container.streams if s.type in ("audio", "video")]
        for packet in container.demux(*wanted):
            _track(spans, packet)
    return spans


def _header_duration(path: Path) -> float | None:
    with media.open_input(path) as container:
        duration = container.duration
    return None if duration is None else duration / av.time_base


def _compare_spans(copied: dict[str, Span], written: dict[str, Span]) -> None:
    """Each stream kept all its packets and its own length (the longest one alone would
    hide a sound track cut in half)."""
    if copied.keys() != written.keys():
        raise RemuxError("the copy lost a stream")
    for kind, span in copied.items():
        if written[kind].packets != span.packets:
            raise RemuxError(f"{kind}: {written[kind].packets} packets, not {span.packets}")
        if abs(written[kind].seconds - span.seconds) > DURATION_TOLERANCE_S:
            raise RemuxError(f"{kind} lasts {written[kind].seconds:.3f} s, not {span.seconds:.3f}")


def checked_copy(target: Path, before: MediaInfo, copied: dict[str, Span]) -> MediaInfo:
    """Probe (decode) the copy; it must carry a duration and match the original's streams."""
    after = media.probe(target)
    if _header_duration(target) is None:
        raise RemuxError("the copy has no duration in its header")
    if (after.has_audio, after.has_video) != (before.has_audio, before.has_video):
        raise RemuxError("the copy lost a stream")
    _compare_spans(copied, stream_spans(target))
    if abs(after.duration_s - before.duration_s) > DURATION_TOLERANCE_S:
        raise RemuxError(f"the copy lasts {after.duration_s} s, the original {before.duration_s} s")
    return after


def seekable_copy(source: Path, info: MediaInfo, target: Path, *, label: str) -> MediaInfo | None:
    """Write the seekable copy of `source` to `target`: its MediaInfo, or None to keep the
    original (`label` names the recording in the log)."""
    muxer = muxer_for(info)
    if muxer is None:
        return None
    started = time.perf_counter()
    try:
        copied = stream_copy(source, target, fmt=muxer[0], options=muxer[1])
        after = checked_copy(target, info, copied)
    except Exception:
        # Whatever went wrong, the original stays usable: keep it and say why.
        logger.warning("recording %s: not remuxed, the original is kept", label, exc_info=True)
        return None
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info("recording %s remuxed (%s) in %.0f ms", label, muxer[0], elapsed_ms)
    return after
