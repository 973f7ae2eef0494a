"""Stored recordings are seekable: verification remuxes the upload (stream copy) so the stored
file has a duration in its header and a seek index (WebM Cues; MP4 with its moov first).

Uploads go through the real tus endpoint and the verification task (eager Celery); the
stored file is read back decrypted. A failed remux keeps the original.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import struct
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client, TestCase

from interview_analysis import media, synthetic
from interview_analysis.types import MediaInfo
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.interviews.services import (
    ReportedRecording,
    answer_finish,
    recording_open,
    remux,
    remux_stored,
)
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]

SEGMENT, CLUSTER, CUES, CUE_POINT = 0x18538067, 0x1F43B675, 0x1C53BB6B, 0xBB
CUE_TIME, CUE_POSITIONS, CUE_CLUSTER_POSITION = 0xB3, 0xB7, 0xF1


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: Any) -> Path:
    return Path(tmp_path_factory.mktemp("remux-src"))


@pytest.fixture(scope="module")
def live_webm(media_dir: Path) -> bytes:
    """11 s as MediaRecorder writes it; VP8 keyframes at 0, 5.12 and 10.24 s."""
    return uw.answer_webm(media_dir / "live.webm", 11.0)


@pytest.fixture(scope="module")
def safari_mp4(media_dir: Path) -> bytes:
    """H.264 + AAC in a fragmented MP4 (an empty moov, then moof/mdat pairs) as Safari sends."""
    plain = synthetic.face_video(
        media_dir / "plain.mp4", seconds=4.0, audio=synthetic.speech_like(4.0), codec="h264"
    )
    fragmented = media_dir / "safari.mp4"
    options = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}
    remux.stream_copy(plain, fragmented, fmt="mp4", options=options)
    return fragmented.read_bytes()


def send(take: uw.Take, data: bytes, capture: Any, **meta: Any) -> Recording:
    with capture(execute=True):
        url = uw.upload(Client(), take, data, size=64 * 1024, **meta)
    recording = Recording.objects.get(pk=url.rsplit("/", 1)[-1])
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    return recording


def stored_copy(recording: Recording, target: Path) -> Path:
    """The stored file, decrypted, kept beyond recording_open's block."""
    with recording_open(recording=recording) as path:
        shutil.copyfile(path, target)
    return target


# --- reading the containers ------------------------------------------------------------------


def _vint(buf: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    length = 9 - buf[at].bit_length()
    value = int.from_bytes(buf[at : at + length], "big")
    return (value if keep_marker else value & ((1 << (7 * length)) - 1)), length


def ebml_children(buf: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, data start, data end) of the elements between start and end (a live WebM's
    Segment has an unknown size: the file's end bounds it)."""
    found, at, end = [], start, min(end, len(buf))
    while at < end:
        element, id_len = _vint(buf, at, keep_marker=True)
        size, size_len = _vint(buf, at + id_len, keep_marker=False)
        data = at + id_len + size_len
        found.append((element, data, data + size))
        at = data + size
    return found


def cue_points(buf: bytes) -> list[tuple[int, int]]:
    """(cue time, absolute byte position of the Cluster it names) per CuePoint."""
    [(_, seg_start, seg_end)] = [e for e in ebml_children(buf, 0, len(buf)) if e[0] == SEGMENT]
    cues = [e for e in ebml_children(buf, seg_start, seg_end) if e[0] == CUES]
    points = []
    for _, start, end in cues:
        for element, p_start, p_end in ebml_children(buf, start, end):
            assert element == CUE_POINT
            fields = {e: (s, t) for e, s, t in ebml_children(buf, p_start, p_end)}
            time = int.from_bytes(buf[slice(*fields[CUE_TIME])], "big")
            inner = dict((e, (s, t)) for e, s, t in ebml_children(buf, *fields[CUE_POSITIONS]))
            position = int.from_bytes(buf[slice(*inner[CUE_CLUSTER_POSITION])], "big")
            points.append((time, seg_start + position))
    return points


def mp4_boxes(buf: bytes) -> list[str]:
    """The top-level box types in file order."""
    names, at = [], 0
    while at + 8 <= len(buf):
        size, kind = struct.unpack(">I4s", buf[at : at + 8])
        if size == 1:
            size = struct.unpack(">Q", buf[at + 8 : at + 16])[0]
        names.append(kind.decode("latin-1"))
        at += size if size else len(buf)
    return names


def header_duration(path: Path) -> float | None:
    with av.open(str(path)) as container:
        return None if container.duration is None else container.duration / av.time_base


def first_frame_after_seek(path: Path, target_s: float) -> float:
    """Seek the video to target_s (back to a keyframe) and give the first decoded frame's time."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        container.seek(round(target_s / stream.time_base), stream=stream)
        frame = next(container.decode(stream))
        assert frame.time is not None
        return float(frame.time)


# --- through the upload ---------------------------------------------------------------------


def test_a_mediarecorder_webm_is_stored_with_a_duration_and_cues(
    take: uw.Take, live_webm: bytes, media_dir: Path, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    original = media_dir / "live.webm"
    # What the browser sends has neither (else this test proves nothing).
    assert header_duration(original) is None and cue_points(live_webm) == []
    recording = send(take, live_webm, django_capture_on_commit_callbacks)
    stored = stored_copy(recording, tmp_path / "stored.webm")
    data = stored.read_bytes()
    assert recording.media_info["remuxed"] is True
    assert (
        recording.sha256
        == hashlib.sha256(data).hexdigest()
        != hashlib.sha256(live_webm).hexdigest()
    )
    assert recording.media_info["upload_sha256"] == hashlib.sha256(live_webm).hexdigest()
    assert recording.media_info["bytes"] == len(data)
    assert abs((header_duration(stored) or 0) - 11.0) < 0.1
    # One cue per keyframe, each naming the byte where a Cluster starts.
    points = cue_points(data)
    assert [round(t / 1000, 2) for t, _ in points] == [0.0, 5.12, 10.24]
    assert all(_vint(data, at, keep_marker=True)[0] == CLUSTER for _, at in points)
    assert abs(first_frame_after_seek(stored, 5.5) - 5.5) < 1.0
    # The same pictures and sound, and the measured duration describes the stored file.
    before, after = media.probe(original), media.probe(stored)
    assert abs(after.video_frames - before.video_frames) <= 1 and after.video_frames == 275
    assert recording.duration_ms == round(after.duration_s * 1000)
    sound_before, sound_after = media.load_audio(original), media.load_audio(stored)
    assert abs(len(sound_after) - len(sound_before)) <= 320  # one 20 ms Opus frame at 16 kHz


def test_an_audio_answer_is_remuxed_too(
    take: uw.Take, live_webm: bytes, media_dir: Path, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    voice = uw.audio_webm(media_dir / "voice.webm", 5.0)
    # Question 1 first (questions go in order); its quality check is not run (not captured).
    first = send(take, live_webm, django_capture_on_commit_callbacks)
    report = ReportedRecording(id=first.pk, duration_ms=11_000)
    answer_finish(session=take.session, position=1, attempt=1, recordings=[report])
    uw.start_recording(take, 2)
    meta = {"position": 2, "filetype": "audio/webm;codecs=opus"}
    recording = send(take, voice, django_capture_on_commit_callbacks, **meta)
    stored = stored_copy(recording, tmp_path / "voice.webm")
    assert recording.media_info["remuxed"] is True and not recording.media_info["has_video"]
    assert abs((header_duration(stored) or 0) - 5.0) < 0.1
    assert cue_points(stored.read_bytes())  # audio-only: the cues index the audio
    assert abs(len(media.load_audio(stored)) - 5.0 * 16000) <= 640


def test_a_fragmented_safari_mp4_is_stored_as_one_faststart_mp4(
    take: uw.Take, safari_mp4: bytes, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    assert "moof" in mp4_boxes(safari_mp4)
    recording = send(take, safari_mp4, django_capture_on_commit_callbacks, filetype="video/mp4")
    stored = stored_copy(recording, tmp_path / "stored.mp4")
    boxes = mp4_boxes(stored.read_bytes())
    assert recording.media_info["remuxed"] is True and recording.media_info["container"] == "mp4"
    assert "moof" not in boxes and boxes.index("moov") < boxes.index("mdat")
    assert media.probe(stored).video_frames == 100
    assert abs((header_duration(stored) or 0) - 4.0) < 0.1


# --- a failed remux keeps the original --------------------------------------------------------


def _raise(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the muxer refused a timestamp")


def _plain_copy(source: Path, target: Path, **_kwargs: Any) -> dict[str, remux.Span]:
    shutil.copyfile(source, target)  # "succeeds" but the copy has no duration
    return remux.stream_spans(source)


@pytest.mark.parametrize("broken", [_raise, _plain_copy], ids=["raises", "unchecked_copy"])
def test_a_failed_remux_keeps_the_original(
    take: uw.Take, live_webm: bytes, tmp_path: Path, monkeypatch: Any, caplog: Any,
    django_capture_on_commit_callbacks: Any, broken: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr(remux, "stream_copy", broken)
    with caplog.at_level(logging.WARNING, logger="mianshi.interviews.services.remux"):
        recording = send(take, live_webm, django_capture_on_commit_callbacks)
    assert "not remuxed, the original is kept" in caplog.text
    stored = stored_copy(recording, tmp_path / "kept.webm")
    assert stored.read_bytes() == live_webm
    upload_sha = hashlib.sha256(live_webm).hexdigest()
    assert recording.sha256 == recording.media_info["upload_sha256"] == upload_sha
    assert recording.media_info["remuxed"] is False
    assert recording.media_info["bytes"] == recording.media_info["upload_bytes"] == len(live_webm)
    assert 10_900 <= (recording.duration_ms or 0) <= 11_100


# --- the checks themselves ------------------------------------------------------------------


def half_the_sound(source: Path, target: Path) -> None:
    """A faulty muxer: all the pictures, the sound only until the middle."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="webm") as out:
        mapping = {s.index: out.add_stream_from_template(s) for s in src.streams}
        for packet in src.demux():
            late = packet.pts is not None and packet.pts * (packet.time_base or 0) > 1.5
            if packet.dts is None or (packet.stream.type == "audio" and late):
                continue
            packet.stream = mapping[packet.stream.index]
            out.mux(packet)


def test_a_copy_that_loses_packets_lasts_differently_or_loses_a_stream_is_refused(
    media_dir: Path,
) -> None:
    full, voice = media_dir / "full.webm", media_dir / "short-voice.webm"
    uw.answer_webm(full, 3.0)
    uw.audio_webm(voice, 3.0)
    before = media.probe(full)
    copy, cut, voice_copy = (media_dir / f"{n}.webm" for n in ("copy", "cut", "voice-copy"))
    copied = remux.stream_copy(full, copy, fmt="webm", options={})
    assert copied["video"].packets == 75 and abs(copied["audio"].seconds - 3.0) < 0.05
    assert remux.checked_copy(copy, before, copied).video_frames == before.video_frames
    # The longest stream still lasts 3 s: only the per-stream count sees the lost sound.
    half_the_sound(full, cut)
    assert abs(media.probe(cut).duration_s - before.duration_s) < 0.1
    with pytest.raises(remux.RemuxError, match=r"audio: \d+ packets"):
        remux.checked_copy(cut, before, copied)
    with pytest.raises(remux.RemuxError, match="lasts"):
        remux.checked_copy(copy, replace(before, duration_s=before.duration_s + 0.5), copied)
    voice_spans = remux.stream_copy(voice, voice_copy, fmt="webm", options={})
    with pytest.raises(remux.RemuxError, match="lost a stream"):
        remux.checked_copy(voice_copy, replace(before, duration_s=3.0), voice_spans)
    with pytest.raises(remux.RemuxError, match="lost a stream"):
        remux.checked_copy(voice_copy, replace(before, has_video=False), copied)


def test_the_muxer_follows_the_container_and_codecs() -> None:
    vp8 = MediaInfo("webm", 1.0, True, True, audio_codec="opus", video_codec="vp8")
    assert remux.muxer_for(vp8) == ("webm", {"cues_to_front": "1"})
    # Chromium may record H.264 in Matroska: the WebM muxer would refuse it.
    assert remux.muxer_for(replace(vp8, video_codec="h264")) == ("matroska", {"cues_to_front": "1"})
    assert remux.muxer_for(replace(vp8, container="mp4")) == ("mp4", {"movflags": "+faststart"})
    # Ogg (Firefox's audio) is seekable as it is: stored unchanged.
    assert remux.muxer_for(replace(vp8, container="ogg", has_video=False)) is None


# --- recordings stored before verification remuxed ------------------------------------------


OLD_VERSION_LACKS = ("remuxed", "upload_sha256", "upload_bytes")


def stored_as_before(recording: Recording) -> Recording:
    """The recording as an earlier version left it: the upload itself, no remux keys."""
    info = {k: v for k, v in recording.media_info.items() if k not in OLD_VERSION_LACKS}
    Recording.objects.filter(pk=recording.pk).update(media_info=info)
    return Recording.objects.get(pk=recording.pk)


def remux_command() -> dict[str, int]:
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("remux_recordings", stdout=out)
    return dict(json.loads(out.getvalue()))


def test_the_command_makes_earlier_recordings_seekable_once(
    take: uw.Take, live_webm: bytes, tmp_path: Path, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr(remux, "stream_copy", _raise)
    before = stored_as_before(send(take, live_webm, django_capture_on_commit_callbacks))
    monkeypatch.undo()
    assert stored_copy(before, tmp_path / "before.webm").read_bytes() == live_webm
    assert remux_command() == {"remuxed": 1, "kept": 0, "changed": 0, "failed": 0}
    after = Recording.objects.get(pk=before.pk)
    stored = stored_copy(after, tmp_path / "after.webm")
    assert [round(t / 1000, 2) for t, _ in cue_points(stored.read_bytes())] == [0.0, 5.12, 10.24]
    assert after.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert after.media_info["upload_sha256"] == before.sha256
    assert after.media_info["remuxed"] is True and after.storage_path != before.storage_path
    assert not default_storage.exists(before.storage_path)  # the original object is gone
    assert AuditEvent.objects.filter(action="recording.remux", object_id=str(after.pk)).exists()
    assert remux_command() == {"remuxed": 0, "kept": 0, "changed": 0, "failed": 0}


def test_a_copy_that_fails_a_check_keeps_the_original_and_is_not_tried_again(
    take: uw.Take, live_webm: bytes, tmp_path: Path, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr(remux, "stream_copy", _raise)
    before = stored_as_before(send(take, live_webm, django_capture_on_commit_callbacks))
    assert remux_command() == {"remuxed": 0, "kept": 1, "changed": 0, "failed": 0}
    after = Recording.objects.get(pk=before.pk)
    assert (after.sha256, after.storage_path) == (before.sha256, before.storage_path)
    assert after.media_info["remuxed"] is False
    assert stored_copy(after, tmp_path / "kept.webm").read_bytes() == live_webm
    monkeypatch.undo()
    assert remux_command()["remuxed"] == 0


def test_a_copy_that_starts_elsewhere_is_refused(
    take: uw.Take,
    live_webm: bytes,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(remux, "stream_copy", _raise)
    before = stored_as_before(send(take, live_webm, django_capture_on_commit_callbacks))
    monkeypatch.undo()
    monkeypatch.setattr(remux_stored, "START_TOLERANCE_S", -1.0)  # no start is close enough
    assert remux_command()["kept"] == 1
    assert Recording.objects.get(pk=before.pk).sha256 == before.sha256
