"""The quality gate (SPEC F-45, F-65): is this recording good enough to assess, or re-record?

Issues with severity "fail" make the verdict `needs_rerecord`; "warn" issues are shown only.
Codes (the Django app translates by code):
  no_audio, silent, too_quiet (< -40 dBFS fail), low_snr (< 15 dB fail, < 40 dB warn),
  clipping (warn), too_short, low_fps (< 10 fps fail, < 25 warn), low_resolution
  (< 320×240 fail, < 640×480 warn), camera_covered, no_face, blurred (> 0.75 fail, > 0.6 warn).

Frame rate is lenient on purpose: SPEC expects ≥ 25 fps, but webcams drop to 15 fps in dim
rooms and a loaded browser records 13–17 fps; such answers are still assessable, so only a
frame rate below 10 fps (faces and lip movement no longer follow) asks for a re-record.

Audio level and SNR are energy-based: 30 ms frames; the noise floor is the power mean of the
quietest 10 % of frames (never below -90 dBFS, the floor of 16-bit audio); speech frames are
those more than 10 dB above the floor and within 35 dB of the loudest (95th percentile) frames;
level = their power mean in dBFS; SNR = level − noise floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_analysis.types import MediaInfo, QualityIssue, QualityReport, VideoFeatures

FRAME_S = 0.03
FLOOR_DB = -90.0
SILENT_DBFS = -55.0  # loudest frames below this: nothing was said (or the mic is muted)
MIN_SPEECH_S = 1.0


@dataclass(frozen=True)
class Thresholds:
    """Limits of the gate; the defaults follow SPEC F-45 with the leniency documented above."""

    min_duration_s: float = 5.0
    fail_fps: float = 10.0
    expected_fps: float = 25.0
    min_size: tuple[int, int] = (320, 240)
    expected_size: tuple[int, int] = (640, 480)
    fail_dbfs: float = -40.0
    fail_snr_db: float = 15.0
    expected_snr_db: float = 40.0
    min_face_ratio: float = 0.5
    max_dark_ratio: float = 0.5
    fail_blur: float = 0.75
    warn_blur: float = 0.6
    clip_ratio: float = 0.01


@dataclass(frozen=True)
class AudioLevels:
    """Energy statistics of an answer's audio."""

    level_dbfs: float
    noise_dbfs: float
    snr_db: float
    speech_ratio: float
    speech_s: float
    clipped_ratio: float


def _power_db(power: np.ndarray) -> float:
    return float(10 * np.log10(max(float(np.mean(power)), 1e-12))) if power.size else FLOOR_DB


def audio_levels(audio: np.ndarray, sample_rate: int = 16000) -> AudioLevels:
    """Speech level, noise floor, SNR and speech ratio from frame energies."""
    n = int(sample_rate * FRAME_S)
    frames = len(audio) // n
    if frames == 0:
        return AudioLevels(FLOOR_DB, FLOOR_DB, 0.0, 0.0, 0.0, 0.0)
    power = np.mean(np.square(audio[: frames * n].astype(np.float64)).reshape(frames, n), axis=1)
    power = np.maximum(power, 10 ** (FLOOR_DB / 10))
    db = 10 * np.log10(power)
    noise_db = _power_db(power[db <= np.percentile(db, 10)])
    loud_db = float(np.percentile(db, 95))
    speech = (db > noise_db + 10) & (db > loud_db - 35) & (db > SILENT_DBFS)
    level = _power_db(power[speech]) if speech.any() else float(db.max())
    clipped = float(np.mean(np.abs(audio) >= 0.99))
    return AudioLevels(
        level_dbfs=round(level, 2), noise_dbfs=round(noise_db, 2),
        snr_db=round(level - noise_db, 2) if speech.any() else 0.0,
        speech_ratio=round(float(speech.mean()), 4),
        speech_s=round(float(speech.sum()) * FRAME_S, 2),
        clipped_ratio=round(clipped, 5),
    )  # fmt: skip


def _issue(
    code: str, message: str, value: float, limit: float, severity: str = "fail"
) -> QualityIssue:
    return QualityIssue(
        code, message, round(value, 3), limit, "fail" if severity == "fail" else "warn"
    )


def _audio_issues(info: MediaInfo, lv: AudioLevels, th: Thresholds) -> list[QualityIssue]:
    if not info.has_audio:
        return [_issue("no_audio", "The recording has no sound track.", 0.0, 1.0)]
    if lv.speech_s < MIN_SPEECH_S:
        return [_issue("silent", "No speech was heard.", lv.speech_s, MIN_SPEECH_S)]
    out = []
    if lv.level_dbfs < th.fail_dbfs:
        out.append(_issue("too_quiet", "The voice is too quiet.", lv.level_dbfs, th.fail_dbfs))
    if lv.snr_db < th.expected_snr_db:
        severity = "fail" if lv.snr_db < th.fail_snr_db else "warn"
        limit = th.fail_snr_db if severity == "fail" else th.expected_snr_db
        message = "Background noise is loud compared with the voice."
        out.append(_issue("low_snr", message, lv.snr_db, limit, severity))
    if lv.clipped_ratio > th.clip_ratio:
        out.append(
            _issue(
                "clipping",
                "The voice is distorted (too loud).",
                lv.clipped_ratio,
                th.clip_ratio,
                "warn",
            )
        )
    return out


def _picture_issues(info: MediaInfo, th: Thresholds) -> list[QualityIssue]:
    out = []
    if info.fps < th.expected_fps:
        severity = "fail" if info.fps < th.fail_fps else "warn"
        limit = th.fail_fps if severity == "fail" else th.expected_fps
        out.append(_issue("low_fps", "The video frame rate is low.", info.fps, limit, severity))
    (min_w, min_h), (exp_w, exp_h) = th.min_size, th.expected_size
    if info.width < min_w or info.height < min_h:
        out.append(_issue("low_resolution", "The video resolution is too low.", info.height, min_h))
    elif info.width < exp_w or info.height < exp_h:
        out.append(
            _issue("low_resolution", "The video resolution is low.", info.height, exp_h, "warn")
        )
    return out


def _face_issues(video: VideoFeatures, th: Thresholds) -> list[QualityIssue]:
    if video.frames_analysed == 0:
        return []
    if video.dark_ratio > th.max_dark_ratio:
        return [
            _issue(
                "camera_covered",
                "The camera is covered or too dark.",
                video.dark_ratio,
                th.max_dark_ratio,
            )
        ]
    out = []
    if video.face_present_ratio < th.min_face_ratio:
        out.append(
            _issue(
                "no_face", "The face is not visible.", video.face_present_ratio, th.min_face_ratio
            )
        )
    if video.blur > th.warn_blur:
        severity = "fail" if video.blur > th.fail_blur else "warn"
        limit = th.fail_blur if severity == "fail" else th.warn_blur
        out.append(_issue("blurred", "The picture is blurred.", video.blur, limit, severity))
    return out


def assess(
    info: MediaInfo,
    audio: np.ndarray,
    video: VideoFeatures | None,
    *,
    min_duration_s: float = 5.0,
    sample_rate: int = 16000,
    thresholds: Thresholds | None = None,
) -> QualityReport:
    """The verdict: `needs_rerecord` when any issue fails, else `ok` (warnings still listed)."""
    th = thresholds or Thresholds(min_duration_s=min_duration_s)
    lv = audio_levels(audio, sample_rate)
    issues = _audio_issues(info, lv, th)
    if info.duration_s < th.min_duration_s:
        issues.append(
            _issue("too_short", "The recording is too short.", info.duration_s, th.min_duration_s)
        )
    if info.has_video:
        issues += _picture_issues(info, th)
        issues += _face_issues(video, th) if video is not None else []
    failing = any(i.severity == "fail" for i in issues)
    return QualityReport(
        verdict="needs_rerecord" if failing else "ok", issues=tuple(issues),
        fps=info.fps, width=info.width, height=info.height,
        audio_level_dbfs=lv.level_dbfs, snr_db=lv.snr_db, speech_ratio=lv.speech_ratio,
        duration_s=info.duration_s,
    )  # fmt: skip
