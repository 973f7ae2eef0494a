"""One answer recorded in several segments (a reload or a crash cut it) merged into one.

Each segment is measured on its own; here the pieces are laid end to end on one timeline —
a segment starts where the previous segments' durations add up to — so transcript
timestamps, evidence and integrity signals point at the right moment of the whole answer.
Counts and durations add up; every ratio or mean is weighted by what it is a ratio or mean
of (frames for frame ratios, speech time for voice measures, the face frames for the gaze
ratio), so a two-second stub cannot outweigh a two-minute answer. Pure: dataclasses in and
out; the pipeline scores the merged transcript once and runs the quality gate over the whole.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from interview_analysis.types import (
    IntegritySignal,
    MediaInfo,
    Segment,
    SpeechFeatures,
    Transcript,
    VideoFeatures,
    Word,
)


def offsets(durations: Sequence[float]) -> list[float]:
    """Each segment's start on the answer's timeline: the sum of the previous durations."""
    starts = itertools.accumulate(durations[:-1], initial=0.0)
    return [round(s, 3) for s in starts]


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


# --- transcript --------------------------------------------------------------------------


def shift_transcript(transcript: Transcript, by: float) -> Transcript:
    """The transcript with every segment and word moved `by` seconds later."""

    def word(w: Word) -> Word:
        return replace(w, start=round(w.start + by, 3), end=round(w.end + by, 3))

    segments = tuple(
        replace(s, start=round(s.start + by, 3), end=round(s.end + by, 3),
                words=tuple(word(w) for w in s.words))
        for s in transcript.segments
    )  # fmt: skip
    return replace(transcript, segments=segments)


def merge_transcripts(
    parts: Sequence[Transcript | None], starts: Sequence[float]
) -> Transcript | None:
    """The segments' transcripts as one (None when no segment was transcribed).

    Chinese text is joined without a space, English with one; a segment without speech
    contributes nothing but still takes its time on the timeline."""
    heard = [(t, s) for t, s in zip(parts, starts, strict=True) if t is not None]
    if not heard:
        return None
    language = heard[0][0].language
    joiner = "" if language == "zh" else " "
    text = joiner.join(t.text.strip() for t, _ in heard if t.text.strip())
    segments: list[Segment] = []
    for transcript, start in heard:
        segments.extend(shift_transcript(transcript, start).segments)
    model = next((t.model for t, _ in heard if t.model), "")
    return Transcript(language=language, text=text, segments=tuple(segments), model=model)


# --- speech ------------------------------------------------------------------------------


def _span_s(features: SpeechFeatures) -> float:
    """First-to-last speech of a segment, recovered from its rate (units per minute of span)."""
    if features.speaking_rate <= 0:
        return 0.0
    return features.answer_units * 60.0 / features.speaking_rate


def _pooled_std(means: Sequence[float], stds: Sequence[float], weights: Sequence[float]) -> float:
    """The standard deviation of the union of groups, from their means, stds and sizes."""
    mean = _weighted(means, weights)
    spread = [s * s + (m - mean) ** 2 for m, s in zip(means, stds, strict=True)]
    return math.sqrt(max(0.0, _weighted(spread, weights)))


def merge_speech(parts: Sequence[SpeechFeatures | None]) -> SpeechFeatures | None:
    """Delivery features of the whole answer from its segments' (None when none has any).

    The speaking rate is units over the summed speaking spans (a cut is not a pause); the
    voice's loudness and pitch are weighted by speech time, loudness variation pooled."""
    got = [p for p in parts if p is not None]
    if not got:
        return None
    units = sum(p.answer_units for p in got)
    span = sum(_span_s(p) for p in got)
    voiced = [p for p in got if p.speech_s > 0] or got
    pitched = [p for p in voiced if p.pitch_mean_hz > 0] or voiced
    speech_w = [p.speech_s for p in voiced]
    pitch_w = [p.speech_s for p in pitched]
    fillers = sum((Counter(p.fillers) for p in got), Counter())
    return SpeechFeatures(
        duration_s=round(sum(p.duration_s for p in got), 3),
        speech_s=round(sum(p.speech_s for p in got), 3),
        speaking_rate=round(units / (span / 60.0), 1) if span > 0 else 0.0,
        rate_unit=got[0].rate_unit,
        pause_count=sum(p.pause_count for p in got),
        longest_pause_s=max(p.longest_pause_s for p in got),
        filler_count=sum(p.filler_count for p in got),
        fillers=dict(fillers),
        loudness_dbfs_mean=round(_weighted([p.loudness_dbfs_mean for p in voiced], speech_w), 2)
        if sum(speech_w) > 0 else voiced[0].loudness_dbfs_mean,
        loudness_variation_db=round(_pooled_std(
            [p.loudness_dbfs_mean for p in voiced], [p.loudness_variation_db for p in voiced],
            speech_w), 2),
        pitch_mean_hz=round(_weighted([p.pitch_mean_hz for p in pitched], pitch_w), 1),
        pitch_variation_semitones=round(
            _weighted([p.pitch_variation_semitones for p in pitched], pitch_w), 2),
        answer_units=units,
    )  # fmt: skip


# --- video -------------------------------------------------------------------------------


def merge_video(
    parts: Sequence[VideoFeatures | None], durations: Sequence[float]
) -> VideoFeatures | None:
    """Video features of the whole answer (None when no segment has analysed frames).

    Frame ratios, brightness and blur are weighted by the frames analysed; the gaze ratio
    by the frames that showed a face (what it is measured on); head movement (per second)
    by the segments' durations."""
    got = [(v, d) for v, d in zip(parts, durations, strict=True) if v and v.frames_analysed]
    if not got:
        return None
    videos = [v for v, _ in got]
    frames = [float(v.frames_analysed) for v in videos]
    faces = [v.frames_analysed * v.face_present_ratio for v in videos]

    def by_frames(field: str) -> float:
        return round(_weighted([getattr(v, field) for v in videos], frames), 4)

    return VideoFeatures(
        frames_analysed=sum(v.frames_analysed for v in videos),
        face_present_ratio=by_frames("face_present_ratio"),
        multiple_faces_ratio=by_frames("multiple_faces_ratio"),
        dark_ratio=by_frames("dark_ratio"),
        looking_at_camera_ratio=round(
            _weighted([v.looking_at_camera_ratio for v in videos], faces), 4),
        head_movement=round(_weighted([v.head_movement for v in videos], [d for _, d in got]), 4),
        mean_brightness=round(_weighted([v.mean_brightness for v in videos], frames), 2),
        blur=by_frames("blur"),
    )  # fmt: skip


def shift_signals(
    parts: Sequence[Sequence[IntegritySignal]], starts: Sequence[float]
) -> list[IntegritySignal]:
    """Every segment's integrity signals on the answer's timeline, in time order."""
    return [
        replace(s, start=round(s.start + start, 3), end=round(s.end + start, 3))
        for signals, start in zip(parts, starts, strict=True)
        for s in signals
    ]


# --- media and timings -------------------------------------------------------------------


def merge_media(parts: Sequence[MediaInfo]) -> MediaInfo:
    """One MediaInfo for all segments: durations and frames add up, the weakest picture
    counts (smallest size), the frame rate is weighted by the video's duration."""
    videos = [i for i in parts if i.has_video]
    fps = _weighted([i.fps for i in videos], [i.duration_s for i in videos])
    return replace(
        parts[0],
        duration_s=round(sum(i.duration_s for i in parts), 3),
        has_audio=all(i.has_audio for i in parts),
        has_video=bool(videos) and len(videos) == len(parts),
        width=min((i.width for i in videos), default=0),
        height=min((i.height for i in videos), default=0),
        fps=round(fps, 3) if videos else 0.0,
        video_frames=sum(i.video_frames for i in parts),
    )


def merge_timings(parts: Sequence[dict[str, float]]) -> dict[str, float]:
    """Seconds per stage summed over the segments (they are measured one after another)."""
    total: Counter[str] = Counter()
    for timings in parts:
        total.update(timings)
    return {stage: round(seconds, 3) for stage, seconds in total.items()}
