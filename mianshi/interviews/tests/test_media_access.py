"""HR playback of recordings: audited whatever the Range header (review M1), served block by
block from the sealed file, and with no database lock held while decrypting (review M12).

Recordings are sealed exactly as verification seals them (3 blocks of the 4 MiB format);
requests go through the real views and the API with Django's test client.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections

from mianshi.common.crypto import DecryptionError
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import Recording
from mianshi.interviews.services import storage
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import BoardWorld
from mianshi.interviews.tests.test_key_rotation import MEDIA, verified_recording

pytestmark = pytest.mark.django_db
SIZE = len(MEDIA)
BLOCK = storage.BLOCK_BYTES
# A header, and what RFC 9110 makes of it: (status, first byte, last byte).
HEADERS = {
    "garbage": (200, 0, SIZE - 1),  # not a byte range: ignored, the whole file
    "bytes=00-": (206, 0, SIZE - 1),
    "bytes=-999999999": (206, 0, SIZE - 1),  # a suffix longer than the file: all of it
    "bytes=1-": (206, 1, SIZE - 1),
    "bytes=0-5,9-12": (200, 0, SIZE - 1),  # several ranges: we may serve the whole file
    "": (200, 0, SIZE - 1),
}


def played(bw: BoardWorld) -> Recording:
    started = bw.invite()
    bw.recording_video(started)
    return verified_recording(started)


def events(recording: Recording, action: str) -> Any:
    return AuditEvent.objects.filter(action=action, object_id=str(recording.pk))


def get(client: Any, url: str, header: str) -> Any:
    return client.get(url, HTTP_RANGE=header) if header else client.get(url)


@pytest.mark.parametrize("header", list(HEADERS))
def test_a_viewing_is_audited_once_whatever_its_range_header(
    bw: BoardWorld, login: Any, header: str
) -> None:
    recording = played(bw)
    client = login(bw.hr_sh)
    url = f"/interviews/recordings/{recording.pk}/"
    response = get(client, url, header)
    status, first, last = HEADERS[header]
    assert response.status_code == status
    assert b"".join(response.streaming_content) == MEDIA[first : last + 1]
    assert events(recording, "recording.view").count() == 1
    for other in HEADERS:  # seeking on within the window is the same viewing
        b"".join(get(client, url, other).streaming_content)
    assert events(recording, "recording.view").count() == 1
    [event] = events(recording, "recording.view")
    assert event.actor_id == bw.hr_sh.pk and event.org_unit_id == bw.job.org_unit_id


@pytest.mark.parametrize("header", list(HEADERS))
def test_an_api_download_is_audited_whatever_its_range_header(
    bw: BoardWorld, api_for: Any, header: str
) -> None:
    recording = played(bw)
    api = api_for(bw.hr_sh)
    url = f"/api/interviews/recordings/{recording.pk}/media"
    response = get(api.client, url, header)
    status, first, last = HEADERS[header]
    assert response.status_code == status
    assert b"".join(response.streaming_content) == MEDIA[first : last + 1]
    assert events(recording, "recording.download").count() == 1


def test_an_unsatisfiable_range_gets_416_and_is_audited(bw: BoardWorld, login: Any) -> None:
    recording = played(bw)
    response = login(bw.hr_sh).get(
        f"/interviews/recordings/{recording.pk}/", HTTP_RANGE=f"bytes={SIZE}-"
    )
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{SIZE}"
    assert events(recording, "recording.view").count() == 1


def test_every_download_is_audited_and_a_new_window_is_a_new_viewing(
    bw: BoardWorld, login: Any
) -> None:
    recording = played(bw)
    client = login(bw.hr_sh)
    url = f"/interviews/recordings/{recording.pk}/"
    for header in ("", "bytes=1-", "garbage"):
        b"".join(get(client, url + "?download=1", header).streaming_content)
    assert events(recording, "recording.download").count() == 3
    b"".join(client.get(url, HTTP_RANGE="bytes=5-9").streaming_content)
    assert events(recording, "recording.view").count() == 1
    # Another user's viewing is theirs; an hour later the same user's is a new one.
    b"".join(login(bw.manager_sales).get(url, HTTP_RANGE="bytes=5-9").streaming_content)
    assert events(recording, "recording.view").count() == 2
    events(recording, "recording.view").update(
        at=AuditEvent.objects.latest("at").at - timedelta(hours=1)
    )
    b"".join(client.get(url, HTTP_RANGE="bytes=5-9").streaming_content)
    assert events(recording, "recording.view").count() == 3


@pytest.fixture
def decryptions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The contexts of every block decrypted (a spy on the real decryption)."""
    seen: list[str] = []
    real = storage.decrypt_bytes

    def spy(blob: bytes, *, context: str = "") -> bytes:
        seen.append(context)
        return real(blob, context=context)

    monkeypatch.setattr(storage, "decrypt_bytes", spy)
    return seen


def test_a_range_in_the_middle_decrypts_only_the_blocks_that_cover_it(
    bw: BoardWorld, login: Any, decryptions: list[str]
) -> None:
    recording = played(bw)
    client = login(bw.hr_sh)
    url = f"/interviews/recordings/{recording.pk}/"
    first, last = BLOCK - 1000, BLOCK + 999  # across the end of block 0 into block 1
    response = client.get(url, HTTP_RANGE=f"bytes={first}-{last}")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == MEDIA[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert [c.rsplit(":", 2)[1] for c in decryptions] == ["0", "1"]
    decryptions.clear()
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == MEDIA[-10:]
    last = storage.SealedRecording(recording.pk, recording.storage_path).layout.blocks - 1
    assert decryptions == [f"interviews.recording:{recording.pk}:{last}:end"]


def test_a_recording_sealed_in_4_mib_blocks_still_plays_by_range(
    bw: BoardWorld, login: Any, monkeypatch: pytest.MonkeyPatch, decryptions: list[str]
) -> None:
    now = storage.BLOCK_BYTES
    monkeypatch.setattr(storage, "BLOCK_BYTES", 4 * 1024 * 1024)  # the earlier format
    recording = played(bw)
    monkeypatch.setattr(storage, "BLOCK_BYTES", now)
    assert storage.SealedRecording(recording.pk, recording.storage_path).layout.blocks == 3
    first, last = 4 * 1024 * 1024 - 10, 4 * 1024 * 1024 + 9
    response = login(bw.hr_sh).get(
        f"/interviews/recordings/{recording.pk}/", HTTP_RANGE=f"bytes={first}-{last}"
    )
    assert b"".join(response.streaming_content) == MEDIA[first : last + 1]
    assert len(decryptions) == 2


def test_tampering_with_one_block_is_still_detected(
    bw: BoardWorld, login: Any, settings: Any
) -> None:
    recording = played(bw)
    path = Path(settings.MEDIA_ROOT) / recording.storage_path
    sealed = bytearray(path.read_bytes())
    stride = storage.SealedRecording(recording.pk, recording.storage_path).layout.stride
    sealed[len(storage.MAGIC) + stride + 4 + 500] ^= 0x01  # inside block 1
    path.write_bytes(bytes(sealed))
    opened = storage.SealedRecording(recording.pk, recording.storage_path)
    assert b"".join(opened.iter_range(10, 20)) == MEDIA[10:21]  # block 0 is intact
    with pytest.raises(DecryptionError):
        b"".join(opened.iter_range(BLOCK + 10, BLOCK + 20))
    opened.close()
    # Cut off after block 1: the last block seen is not marked as the end.
    path.write_bytes(bytes(sealed[: len(storage.MAGIC) + 2 * stride]))
    response = login(bw.hr_sh).get(f"/interviews/recordings/{recording.pk}/", HTTP_RANGE="bytes=-5")
    assert response.status_code == 409


@pytest.mark.django_db(transaction=True)
def test_no_database_lock_is_held_while_a_recording_is_decrypted(
    bw: BoardWorld, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = played(bw)
    client = login(bw.hr_sh)
    real, finished = storage.decrypt_bytes, []

    def another_audited_write() -> None:
        try:
            audit_record(actor="system", action="test.write", object_type="test")
            finished.append(True)
        finally:
            close_old_connections()

    def slow_decryption(blob: bytes, *, context: str = "") -> bytes:
        if not finished:  # while this block is being decrypted, someone else writes
            writer = threading.Thread(target=another_audited_write)
            writer.start()
            writer.join(timeout=8)
            assert finished, "an audited write waited for the decryption of a recording"
        return real(blob, context=context)

    monkeypatch.setattr(storage, "decrypt_bytes", slow_decryption)
    response = client.get(f"/interviews/recordings/{recording.pk}/", HTTP_RANGE="bytes=0-99")
    assert b"".join(response.streaming_content) == MEDIA[:100]
    assert AuditEvent.objects.filter(action="test.write").count() == 1
    assert events(recording, "recording.view").count() == 1
