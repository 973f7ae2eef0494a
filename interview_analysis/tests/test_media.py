"""Decoding generated WebM, MP4 and WAV; broken files raise MediaError naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interview_analysis import media
from interview_analysis.errors import MediaError
from interview_analysis.tests import mediagen


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    voice = mediagen.speech_like(3.0)
    return {
        # live=True: no duration in the header, as Chromium's MediaRecorder writes it.
        "webm": mediagen.face_video(d / "a.webm", seconds=3, audio=voice, live=True),
        "mp4": mediagen.face_video(d / "a.mp4", seconds=3, audio=voice, codec="h264"),
        "vp9": mediagen.face_video(d / "a9.webm", seconds=2, audio=voice[:32000], codec="vp9"),
        "noaudio": mediagen.face_video(d / "mute.webm", seconds=2, size=(320, 240), fps=15),
        "wav": mediagen.write_wav(d / "a.wav", voice, 16000),
        "wav22": mediagen.tone_wav(d / "b.wav", 2.0, rate=22050),
    }


def test_webm_vp8_opus_without_header_duration(files: dict[str, Path]) -> None:
    info = media.probe(files["webm"])
    assert (info.container, info.video_codec, info.audio_codec) == ("webm", "vp8", "opus")
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.fps == pytest.approx(25.0, abs=0.1)
    assert (info.width, info.height, info.video_frames) == (640, 480, 75)
    assert info.has_audio and info.has_video


def test_mp4_h264_aac(files: dict[str, Path]) -> None:
    info = media.probe(files["mp4"])
    assert (info.container, info.video_codec, info.audio_codec) == ("mp4", "h264", "aac")
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.fps == pytest.approx(25.0, abs=0.1)
    assert info.video_frames == 75


def test_webm_vp9(files: dict[str, Path]) -> None:
    info = media.probe(files["vp9"])
    assert info.video_codec == "vp9"
    assert info.duration_s == pytest.approx(2.0, abs=0.05)


def test_wav_has_no_video(files: dict[str, Path]) -> None:
    info = media.probe(files["wav"])
    assert (info.container, info.audio_codec, info.has_video, info.fps) == (
        "wav",
        "pcm_s16le",
        False,
        0.0,
    )
    assert info.duration_s == pytest.approx(3.0, abs=0.01)
    assert media.sample_frames(files["wav"]) == ([], [])


@pytest.mark.parametrize("name", ["webm", "mp4", "wav"])
def test_audio_is_16k_mono_float32_and_keeps_the_signal(files: dict[str, Path], name: str) -> None:
    audio = media.load_audio(files[name])
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) == pytest.approx(3 * 16000, abs=400)
    rms = float(np.sqrt(np.mean(audio**2)))
    expected = float(np.sqrt(np.mean(mediagen.speech_like(3.0) ** 2)))
    assert rms == pytest.approx(expected, rel=0.15)


def test_audio_resampled_to_any_rate(files: dict[str, Path]) -> None:
    assert len(media.load_audio(files["wav22"], sample_rate=8000)) == pytest.approx(16000, abs=100)
    assert len(media.load_audio(files["wav22"])) == pytest.approx(32000, abs=100)


def test_file_without_audio_track(files: dict[str, Path]) -> None:
    info = media.probe(files["noaudio"])
    assert not info.has_audio and info.audio_codec == ""
    assert info.fps == pytest.approx(15.0, abs=0.1)
    assert (info.width, info.height) == (320, 240)
    assert media.load_audio(files["noaudio"]).size == 0


def test_sample_frames_every_half_second(files: dict[str, Path]) -> None:
    frames, times = media.sample_frames(files["webm"])
    assert len(frames) == 6
    assert times[0] == 0.0
    assert np.diff(times) == pytest.approx([0.5] * 5, abs=0.041)  # nearest frame at 25 fps
    assert frames[0].shape == (480, 640, 3) and frames[0].dtype == np.uint8
    # The decoded picture is the drawn one: skin in the middle, not black or grey.
    r, g, b = frames[0][210, 320].astype(int)
    assert r > g > b and r > 150


def test_sample_frames_scale_down_and_other_steps(files: dict[str, Path]) -> None:
    frames, times = media.sample_frames(files["mp4"], every_s=1.0, max_width=320)
    assert times == pytest.approx([0.0, 1.0, 2.0], abs=0.041)
    assert frames[0].shape == (240, 320, 3)


def _copy(src: Path, dst: Path, fraction: float) -> Path:
    shutil.copy(src, dst)
    return mediagen.truncate(dst, fraction)


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.5, 0.77, 0.99])
def test_truncated_webm_is_refused(files: dict[str, Path], tmp_path: Path, fraction: float) -> None:
    cut = _copy(files["webm"], tmp_path / "cut.webm", fraction)
    with pytest.raises(MediaError, match=r"cut\.webm: .*(truncated|not a readable)"):
        media.probe(cut)


def test_webm_cut_right_after_an_element_id_is_refused(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """A cut between an element's ID and its size field is an upload cut short, not a crash."""
    data = files["webm"].read_bytes()
    cluster = data.index(bytes.fromhex("1F43B675"))  # the first Cluster's ID
    cut = tmp_path / "cut.webm"
    cut.write_bytes(data[: cluster + 4])
    with pytest.raises(MediaError, match=r"cut\.webm: .*truncated"):
        media.probe(cut)


@pytest.mark.parametrize("name", ["mp4", "wav"])
def test_truncated_mp4_and_wav_are_refused(
    files: dict[str, Path], tmp_path: Path, name: str
) -> None:
    cut = _copy(files[name], tmp_path / f"cut.{name}", 0.5)
    with pytest.raises(MediaError, match=rf"cut\.{name}: "):
        media.probe(cut)


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    for read in (media.probe, media.load_audio, media.sample_frames):
        with pytest.raises(MediaError, match=r"empty\.webm: the file is empty"):
            read(empty)


def test_random_bytes_and_text_are_not_media(tmp_path: Path) -> None:
    junk = tmp_path / "junk.webm"
    junk.write_bytes(np.random.default_rng(1).bytes(50_000))
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 100)
    for path in (junk, text):
        with pytest.raises(MediaError, match=rf"{path.name}: not a readable media file"):
            media.probe(path)
        with pytest.raises(MediaError, match=path.name):
            media.load_audio(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"gone\.webm: file not found"):
        media.probe(tmp_path / "gone.webm")


def test_corrupt_payload_inside_a_valid_container(files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.webm"
    data = bytearray(files["webm"].read_bytes())
    noise = np.random.default_rng(2).integers(0, 256, len(data) // 2, dtype=np.uint8)
    data[len(data) // 4 : len(data) // 4 + len(noise)] = noise.tobytes()
    broken.write_bytes(bytes(data))
    with pytest.raises(MediaError, match=r"broken\.webm"):
        media.probe(broken)
