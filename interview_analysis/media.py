"""Decoding with PyAV (bundled FFmpeg): what a file holds, its audio as 16 kHz mono, sampled frames.

Chromium's MediaRecorder WebM has no duration in its header, so durations and frame rates are
measured from the packets' own timestamps. Broken input (empty, truncated, corrupt, not media)
raises MediaError naming the file and the problem; FFmpeg's own error log is watched because
it reports a truncated WebM or WAV only there.
"""

from __future__ import annotations

import math
import mmap
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import av.logging
import numpy as np

from interview_analysis.errors import MediaError
from interview_analysis.types import MediaInfo

PathLike = str | Path

# FFmpeg messages that mean the bytes stop or break before the streams do.
_BROKEN_MARKERS = (
    "ended prematurely",
    "corrupt",
    "invalid data",
    "truncat",
    "error reading",
    "partial file",
)
_CONTAINERS = {"matroska,webm": "webm", "mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska": "webm"}


@dataclass
class _StreamSpan:
    """First start, last end and packet count of one stream, from demuxed packets."""

    start: float = math.inf
    end: float = -math.inf
    packets: int = 0
    pts: list[float] = field(default_factory=list)

    def add(self, start: float, duration: float) -> None:
        self.start, self.end = min(self.start, start), max(self.end, start + duration)
        self.packets += 1
        self.pts.append(start)


def _fail(path: PathLike, problem: str) -> MediaError:
    return MediaError(f"{Path(path).name}: {problem}")


# QuickTime/MP4 files open with one of these boxes (Safari writes `ftyp` first).
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
# Only local files: no network, no nested protocols (review L8).
_INPUT_OPTIONS = {"protocol_whitelist": "file"}


def _allowed_format(head: bytes) -> str | None:
    """The demuxer for a recorder's container, named from the file's first bytes (None for
    anything else: playlists, concat lists and every other FFmpeg demuxer stay closed)."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"  # WebM too
    if head[4:8] in _MP4_BOXES:
        return "mp4"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    return None


def open_input(path: PathLike) -> Any:
    """An untrusted media file opened as the container its bytes say, file protocol only;
    MediaError for any other content. The caller closes it (it is a context manager)."""
    with Path(path).open("rb") as fh:
        fmt = _allowed_format(fh.read(12))
    if fmt is None:
        raise _fail(path, "not a readable media file (not WebM, MP4, Ogg or WAV)")
    return av.open(str(path), format=fmt, options=_INPUT_OPTIONS, metadata_errors="ignore")


@contextmanager
def _opened(path: PathLike) -> Iterator[Any]:
    """Open a media file, turning every way of not being media into a MediaError."""
    p = Path(path)
    if not p.is_file():
        raise _fail(path, "file not found")
    if p.stat().st_size == 0:
        raise _fail(path, "the file is empty (0 bytes)")
    try:
        container = open_input(p)
    except av.error.FFmpegError as exc:
        raise _fail(path, f"not a readable media file ({exc.strerror or exc})") from exc
    try:
        yield container
    except av.error.FFmpegError as exc:
        raise _fail(path, f"corrupt media data ({exc.strerror or exc})") from exc
    finally:
        container.close()


@contextmanager
def _watch_ffmpeg_log(path: PathLike) -> Iterator[None]:
    """Raise MediaError if FFmpeg logs that the data is truncated or corrupt."""
    previous = av.logging.get_level()
    av.logging.set_level(av.logging.WARNING)
    try:
        with av.logging.Capture(local=True) as logs:
            yield
    finally:
        av.logging.set_level(previous)
    for _level, _name, message in logs:
        if any(marker in message.lower() for marker in _BROKEN_MARKERS):
            raise _fail(path, f"truncated or corrupt ({message.strip()})")


def _check_wav_size(path: PathLike) -> None:
    """A WAV whose data chunk declares more bytes than the file holds was cut short."""
    p = Path(path)
    with p.open("rb") as fh:
        head = fh.read(4096)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return
    at = head.find(b"data", 12)
    if at < 0 or at + 8 > len(head):
        return
    declared = struct.unpack("<I", head[at + 4 : at + 8])[0]
    held = p.stat().st_size - (at + 8)
    # Streaming writers leave 0 or 0xFFFFFFFF when they do not know the size yet.
    if declared not in (0, 0xFFFFFFFF) and declared > held:
        raise _fail(
            path, f"truncated WAV: header declares {declared} data bytes, file holds {held}"
        )


def _vint(buf: Any, at: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer at `at`: (value, length, all-ones = unknown size)."""
    if at >= len(buf):
        raise EOFError  # the file ends right after the previous field
    first = buf[at]
    length = 9 - first.bit_length() if first else 9
    if length > 8 or at + length > len(buf):
        raise EOFError
    value = int.from_bytes(buf[at : at + length], "big")
    ones = (1 << (7 * length)) - 1
    data = value & ones
    return (value if keep_marker else data), length, data == ones


_EBML_ENTER = {0x18538067, 0x1F43B675}  # Segment and Cluster: walk into them, skip the rest


def _check_webm_complete(path: PathLike) -> None:
    """Walk the EBML elements; one whose declared size runs past the end means a cut-off upload.

    FFmpeg silently drops a partial last block of a live (Chromium) WebM, so check it here.
    """
    with Path(path).open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        at, end = 0, len(buf)
        try:
            while at < end:
                element, id_len, _ = _vint(buf, at, keep_marker=True)
                size, size_len, unknown = _vint(buf, at + id_len, keep_marker=False)
                at += id_len + size_len
                if element in _EBML_ENTER:
                    continue
                if unknown:
                    return  # an unknown-size element we do not walk into: nothing more to check
                if at + size > end:
                    raise _fail(path, f"truncated WebM: an element at byte {at} runs past the end")
                at += size
        except EOFError:
            raise _fail(path, "truncated WebM: the file stops inside an element header") from None


def _demux_spans(container: Any) -> dict[str, _StreamSpan]:
    """Timestamps of every packet, per stream type (no decoding: cheap even for long files)."""
    spans: dict[str, _StreamSpan] = {}
    streams = [s for s in container.streams if s.type in ("audio", "video")]
    for packet in container.demux(*streams):
        if packet.size == 0 or packet.pts is None:
            continue
        duration = float((packet.duration or 0) * packet.time_base)
        spans.setdefault(packet.stream.type, _StreamSpan()).add(
            float(packet.pts * packet.time_base), duration
        )
    return spans


def _measured_fps(span: _StreamSpan | None) -> float:
    if span is None or span.packets < 2:
        return 0.0
    ordered = sorted(span.pts)  # presentation order; B-frames arrive out of order
    elapsed = ordered[-1] - ordered[0]
    return (len(ordered) - 1) / elapsed if elapsed > 0 else 0.0


def _container_name(container: Any) -> str:
    name = str(container.format.name)
    return _CONTAINERS.get(name, name.split(",")[0])


def _check_decodes(path: PathLike, container: Any) -> None:
    """Decode the first frame of each stream, so a wrong codec or garbage payload fails early."""
    for stream in container.streams:
        if stream.type not in ("audio", "video"):
            continue
        container.seek(0)
        for _frame in container.decode(stream):
            break
        else:
            raise _fail(path, f"the {stream.type} stream holds no decodable frame")


def probe(path: PathLike) -> MediaInfo:
    """What the file really holds; durations and fps measured from packet timestamps."""
    with _opened(path) as container, _watch_ffmpeg_log(path):
        _check_wav_size(path)
        if container.format.name in ("matroska,webm", "matroska"):
            _check_webm_complete(path)
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is None and audio is None:
            raise _fail(path, "no audio or video stream")
        spans = _demux_spans(container)
        if not spans:
            raise _fail(path, "the streams hold no data")
        _check_decodes(path, container)
        header_s = (container.duration or 0) / av.time_base
        name = _container_name(container)
    start = max(0.0, min(s.start for s in spans.values()))  # Opus pre-skip starts below 0
    duration = max(s.end for s in spans.values()) - start
    if header_s > 1.0 and duration < 0.9 * header_s:
        raise _fail(
            path, f"truncated: the header says {header_s:.1f} s, the streams hold {duration:.1f} s"
        )
    vspan = spans.get("video")
    return MediaInfo(
        container=name,
        duration_s=round(duration, 3),
        has_audio=audio is not None and "audio" in spans,
        has_video=video is not None and vspan is not None,
        audio_codec=audio.codec_context.name if audio is not None else "",
        video_codec=video.codec_context.name if video is not None else "",
        width=video.codec_context.width if video is not None else 0,
        height=video.codec_context.height if video is not None else 0,
        fps=round(_measured_fps(vspan), 3),
        video_frames=vspan.packets if vspan is not None else 0,
    )


def load_audio(
    path: PathLike, *, sample_rate: int = 16000, max_seconds: float | None = None
) -> np.ndarray:
    """The first audio track as float32 mono at `sample_rate`; empty if there is no audio
    track. With `max_seconds`, decoding stops there: memory is bounded by the cap, not by
    the file (a hostile upload may be hours long)."""
    limit = None if max_seconds is None else max(0, int(max_seconds * sample_rate))
    with _opened(path) as container, _watch_ffmpeg_log(path):
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        chunks = _decode_audio(container, sample_rate, limit)
    if not chunks:
        return np.zeros(0, np.float32)
    audio = np.concatenate(chunks)[:limit]
    return np.ascontiguousarray(audio, dtype=np.float32)


def _decode_audio(container: Any, sample_rate: int, limit: int | None) -> list[np.ndarray]:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    chunks: list[np.ndarray] = []
    held = 0
    for frame in container.decode(container.streams.audio[0]):
        for piece in resampler.resample(frame):
            chunks.append(piece.to_ndarray()[0])
            held += chunks[-1].shape[0]
        if limit is not None and held >= limit:
            return chunks  # the rest is never decoded
    chunks.extend(f.to_ndarray()[0] for f in resampler.resample(None))
    return chunks


def _target_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        return width, height
    scaled = round(height * max_width / width)
    return max_width, scaled - scaled % 2  # even sizes keep the scaler on its fast path


def iter_frames(
    path: PathLike, *, every_s: float = 0.5, max_width: int = 640
) -> Iterator[tuple[float, np.ndarray]]:
    """(time, RGB frame) every `every_s` s; frames in between are decoded, never converted."""
    with _opened(path) as container, _watch_ffmpeg_log(path):
        if not container.streams.video:
            return
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame threads: VP8/H.264 decode on both cores
        origin: float | None = None
        due = 0.0
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            origin = frame.time if origin is None else origin
            t = frame.time - origin
            if t + 1e-6 < due:
                continue
            w, h = _target_size(frame.width, frame.height, max_width)
            yield round(t, 3), frame.to_ndarray(width=w, height=h, format="rgb24")
            due = (math.floor(t / every_s + 1e-6) + 1) * every_s


def sample_frames(
    path: PathLike, *, every_s: float = 0.5, max_width: int = 640
) -> tuple[list[np.ndarray], list[float]]:
    """RGB uint8 frames taken every `every_s` seconds and their times; empty for audio-only."""
    frames: list[np.ndarray] = []
    times: list[float] = []
    for t, rgb in iter_frames(path, every_s=every_s, max_width=max_width):
        frames.append(rgb)
        times.append(t)
    return frames, times
