"""The quality gate: verdicts and reasons on generated audio, video features and real files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from interview_analysis import media, quality, vision
from interview_analysis.tests import mediagen
from interview_analysis.types import MediaInfo, QualityReport, VideoFeatures

GOOD_INFO = MediaInfo("webm", 10.0, True, True, "opus", "vp8", 640, 480, 30.0, 300)
GOOD_VIDEO = VideoFeatures(20, 1.0, 0.0, 0.0, 0.9, 0.1, 120.0, 0.2)
VOICE = mediagen.speech_like(10.0, noise_amplitude=0.0003)


def _codes(report: QualityReport, severity: str = "fail") -> set[str]:
    return {i.code for i in report.issues if i.severity == severity}


def test_a_good_recording_passes() -> None:
    report = quality.assess(GOOD_INFO, VOICE, GOOD_VIDEO)
    assert report.verdict == "ok" and report.issues == ()
    assert -20 < report.audio_level_dbfs < -12
    assert report.snr_db > 40
    assert 0.4 < report.speech_ratio < 0.7
    assert (report.fps, report.width, report.height, report.duration_s) == (30.0, 640, 480, 10.0)


def test_silence_needs_a_rerecord() -> None:
    for audio in (mediagen.silence(10.0), mediagen.noise(10.0, amplitude=0.01)):
        report = quality.assess(GOOD_INFO, audio, GOOD_VIDEO)
        assert report.verdict == "needs_rerecord"
        assert _codes(report) == {"silent"}
        assert report.speech_ratio == 0.0


def test_no_sound_track() -> None:
    info = replace(GOOD_INFO, has_audio=False, audio_codec="")
    report = quality.assess(info, np.zeros(0, np.float32), GOOD_VIDEO)
    assert _codes(report) == {"no_audio"}


def test_too_quiet_voice() -> None:
    report = quality.assess(GOOD_INFO, mediagen.speech_like(10.0, amplitude=0.004), GOOD_VIDEO)
    assert _codes(report) == {"too_quiet"}
    (issue,) = (i for i in report.issues if i.code == "too_quiet")
    assert issue.value is not None and issue.value < -40 and issue.threshold == -40.0


def test_noise_fails_when_loud_and_warns_when_moderate() -> None:
    loud = quality.assess(GOOD_INFO, mediagen.speech_like(10.0, noise_amplitude=0.04), GOOD_VIDEO)
    assert _codes(loud) == {"low_snr"} and loud.snr_db < 15
    moderate = quality.assess(
        GOOD_INFO, mediagen.speech_like(10.0, noise_amplitude=0.004), GOOD_VIDEO
    )
    assert moderate.verdict == "ok"
    assert _codes(moderate, "warn") == {"low_snr"} and 15 <= moderate.snr_db < 40


def test_clipping_is_a_warning() -> None:
    report = quality.assess(GOOD_INFO, np.clip(VOICE * 6, -1, 1), GOOD_VIDEO)
    assert report.verdict == "ok" and _codes(report, "warn") == {"clipping"}


def test_too_short() -> None:
    info = replace(GOOD_INFO, duration_s=3.0)
    report = quality.assess(info, VOICE[:48000], GOOD_VIDEO)
    assert _codes(report) == {"too_short"}
    assert quality.assess(info, VOICE[:48000], GOOD_VIDEO, min_duration_s=2.0).verdict == "ok"


@pytest.mark.parametrize(
    ("fps", "verdict", "severity"), [(8.0, "needs_rerecord", "fail"), (17.0, "ok", "warn")]
)
def test_low_frame_rate(fps: float, verdict: str, severity: str) -> None:
    report = quality.assess(replace(GOOD_INFO, fps=fps), VOICE, GOOD_VIDEO)
    assert report.verdict == verdict and _codes(report, severity) == {"low_fps"}


@pytest.mark.parametrize(
    ("size", "verdict", "severity"),
    [((160, 120), "needs_rerecord", "fail"), ((480, 360), "ok", "warn")],
)
def test_low_resolution(size: tuple[int, int], verdict: str, severity: str) -> None:
    report = quality.assess(replace(GOOD_INFO, width=size[0], height=size[1]), VOICE, GOOD_VIDEO)
    assert report.verdict == verdict and _codes(report, severity) == {"low_resolution"}


def test_face_missing_covered_or_blurred() -> None:
    no_face = quality.assess(GOOD_INFO, VOICE, replace(GOOD_VIDEO, face_present_ratio=0.3))
    assert _codes(no_face) == {"no_face"}
    covered = replace(GOOD_VIDEO, face_present_ratio=0.0, dark_ratio=0.9, mean_brightness=5.0)
    assert _codes(quality.assess(GOOD_INFO, VOICE, covered)) == {"camera_covered"}
    assert _codes(quality.assess(GOOD_INFO, VOICE, replace(GOOD_VIDEO, blur=0.85))) == {"blurred"}
    soft = quality.assess(GOOD_INFO, VOICE, replace(GOOD_VIDEO, blur=0.65))
    assert soft.verdict == "ok" and _codes(soft, "warn") == {"blurred"}


def test_audio_only_answer_skips_the_picture_checks() -> None:
    info = MediaInfo("wav", 10.0, True, False, "pcm_s16le")
    assert quality.assess(info, VOICE, None).verdict == "ok"


def test_several_reasons_are_all_listed() -> None:
    info = replace(GOOD_INFO, duration_s=2.0, fps=5.0)
    report = quality.assess(
        info, mediagen.silence(2.0), replace(GOOD_VIDEO, face_present_ratio=0.0)
    )
    assert _codes(report) == {"silent", "too_short", "low_fps", "no_face"}


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("gate")
    voice = mediagen.speech_like(6.0, noise_amplitude=0.0003)
    qvga = (320, 240)  # small and quick where the size does not matter
    return {
        "good": mediagen.face_video(d / "good.webm", seconds=6, audio=voice, live=True),
        "dark": mediagen.face_video(d / "dark.webm", seconds=6, size=qvga, dark=True, audio=voice),
        "mute": mediagen.face_video(
            d / "mute.mp4", seconds=6, size=qvga, audio=mediagen.silence(6.0), codec="h264"
        ),
        "small": mediagen.face_video(
            d / "small.webm", seconds=6, size=(160, 120), fps=8, audio=voice
        ),
    }


def _gate(path: Path) -> QualityReport:
    info = media.probe(path)
    frames, times = media.sample_frames(path)
    return quality.assess(info, media.load_audio(path), vision.video_features(frames, times))


def test_real_files_through_the_gate(recordings: dict[str, Path]) -> None:
    assert _gate(recordings["good"]).verdict == "ok"
    assert _codes(_gate(recordings["dark"])) == {"camera_covered"}
    assert _codes(_gate(recordings["mute"])) == {"silent"}
    assert {"low_fps", "low_resolution"} <= _codes(_gate(recordings["small"]))


def test_espeak_speech_is_heard(tmp_path: Path) -> None:
    text = "I led a team of five engineers and we shipped the release two weeks early."
    path = mediagen.speech_wav(text, "en", tmp_path / "en.wav")
    audio = media.load_audio(path)
    levels = quality.audio_levels(audio)
    assert levels.speech_s > 2.0 and -35 < levels.level_dbfs < -5
    info = media.probe(path)
    assert quality.assess(info, audio, None, min_duration_s=2.0).verdict == "ok"
    zh = mediagen.speech_wav("我负责协调研发部门解决客户问题。", "zh", tmp_path / "zh.wav")
    assert quality.audio_levels(media.load_audio(zh)).speech_s > 1.5
