"""The tus endpoint over real HTTP (pytest-django's live server): an independent client
(tuspy) uploads and resumes, and two threads race PATCHes at the same offset.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from tusclient.client import TusClient
from tusclient.storage.filestorage import FileStorage

from mianshi.interviews.models import Chunk, Recording, RecordingStatus
from mianshi.interviews.services import recording_open
from mianshi.interviews.services.storage import chunk_read
from mianshi.interviews.tests import upload_world as uw

# Uploads racing over the live server, timed: one at a time (conftest.py).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("upload_env"),
    pytest.mark.processes,
]


@pytest.fixture
def webm(tmp_path: Path) -> Path:
    path = tmp_path / "answer.webm"
    uw.answer_webm(path, 6.0)
    return path


META = {"position": "1", "attempt": "1", "filetype": "video/webm;codecs=vp8,opus"}


def test_tuspy_uploads_in_small_chunks_with_checksums(
    live_server: Any, take: uw.Take, webm: Path
) -> None:
    client = TusClient(f"{live_server.url}{take.collection}")
    uploader = client.uploader(
        file_path=str(webm), chunk_size=16 * 1024, metadata=META, upload_checksum=True
    )
    uploader.upload()
    recording = Recording.objects.get()
    size = webm.stat().st_size
    assert uploader.offset == size == recording.length
    assert recording.chunk_count == -(-size // (16 * 1024))
    # The last PATCH queued verification on commit; eager mode ran it in the server.
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    # The bytes arrived intact (what is stored is their seekable remux: test_remux.py).
    assert recording.media_info["upload_sha256"] == hashlib.sha256(webm.read_bytes()).hexdigest()
    with recording_open(recording=recording) as path:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recording.sha256


def test_tuspy_resumes_where_it_stopped(
    live_server: Any, take: uw.Take, webm: Path, tmp_path: Path
) -> None:
    urls = FileStorage(str(tmp_path / "tus-urls.json"))
    client = TusClient(f"{live_server.url}{take.collection}")

    def uploader() -> Any:
        return client.uploader(
            file_path=str(webm), chunk_size=10_000, metadata=META, upload_checksum=True,
            store_url=True, url_storage=urls,
        )  # fmt: skip

    first = uploader()
    first.upload(stop_at=35_000)  # the tab closes here
    assert Recording.objects.get().offset == 35_000
    second = uploader()  # a new page: the URL comes from storage, the offset from HEAD
    assert second.url == first.url and second.offset == 35_000
    second.upload()
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.VERIFIED
    assert recording.media_info["upload_sha256"] == hashlib.sha256(webm.read_bytes()).hexdigest()


def _patch(target: str, offset: int, body: bytes, barrier: threading.Barrier) -> int:
    parts = urlsplit(target)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    headers = {
        "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
        "Content-Type": uw.CHUNK, "Content-Length": str(len(body)),
        "Upload-Checksum": f"sha256 {digest}",
    }  # fmt: skip
    conn.connect()
    barrier.wait()
    conn.request("PATCH", parts.path, body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_two_patches_at_one_offset_exactly_one_wins(live_server: Any, take: uw.Take) -> None:
    url = live_server.url + _create(live_server.url, take)
    offset = 0
    for round_ in range(8):
        bodies = [bytes([65 + round_]) * 200_000, bytes([97 + round_]) * 200_000]
        barrier = threading.Barrier(2)
        results: list[int] = [0, 0]

        def run(i: int, body: bytes, barrier: threading.Barrier = barrier) -> None:
            results[i] = _patch(url, offset, body, barrier)

        threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bodies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == [204, 409], results
        winner = bodies[results.index(204)]
        chunk = Chunk.objects.get(recording__pk=url.rsplit("/", 1)[-1], offset=offset)
        assert chunk_read(chunk.recording_id, offset, chunk.storage_name) == winner
        offset += len(winner)
    recording = Recording.objects.get()
    assert recording.offset == offset and recording.chunk_count == 8
    assert Chunk.objects.count() == 8
    # The losers' objects were removed: one object per acknowledged chunk.
    stored = list((Path(settings.MEDIA_ROOT) / "uploads").rglob("*.part"))
    assert len(stored) == 8


def _create(base: str, take: uw.Take) -> str:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"Tus-Resumable": "1.0.0", "Upload-Defer-Length": "1",
               "Upload-Metadata": uw.metadata(position=1, attempt=1)}  # fmt: skip
    conn.request("POST", take.collection, headers=headers)
    response = conn.getresponse()
    assert response.status == 201
    location = response.getheader("Location") or ""
    conn.close()
    return location
