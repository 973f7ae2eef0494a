"""Untrusted uploads are opened only as the containers a recorder writes (review L8).

FFmpeg probes every demuxer it has when no format is named; an HLS playlist or a concat
list makes it open OTHER files (local paths, URLs). The engine names the container from
the file's first bytes (WebM/Matroska, MP4/MOV, Ogg, WAV) and allows the file protocol only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_analysis import media
from interview_analysis.errors import MediaError
from interview_analysis.tests import mediagen


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A real recording the hostile list points at."""
    return mediagen.write_wav(tmp_path / "elsewhere.wav", mediagen.speech_like(3.0))


def test_an_hls_playlist_pointing_at_another_file_is_not_opened(
    tmp_path: Path, elsewhere: Path
) -> None:
    playlist = tmp_path / "answer.m3u8"
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\nfile://{elsewhere}\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(MediaError, match="not WebM, MP4, Ogg or WAV"):
        media.probe(playlist)
    with pytest.raises(MediaError, match="not WebM, MP4, Ogg or WAV"):
        media.load_audio(playlist)


def test_a_concat_list_pointing_at_another_file_is_not_opened(
    tmp_path: Path, elsewhere: Path
) -> None:
    listing = tmp_path / "answer.ffconcat"
    listing.write_text(f"ffconcat version 1.0\nfile {elsewhere.name}\n")
    with pytest.raises(MediaError, match="not WebM, MP4, Ogg or WAV"):
        media.probe(listing)


def test_the_recorders_containers_still_open(tmp_path: Path) -> None:
    wav = mediagen.write_wav(tmp_path / "voice.bin", mediagen.speech_like(2.0))
    assert media.probe(wav).container == "wav"  # by its bytes, whatever its name
    webm = tmp_path / "face.webm"
    mediagen.face_video(webm, seconds=2.0, fps=25, audio=mediagen.speech_like(2.0), live=True)
    info = media.probe(webm)
    assert info.container == "webm" and info.has_video and info.has_audio
