"""An answer's upload is opened only as a recorder's container (review L8): a concat list
or an HLS playlist sent through tus is refused, never followed to the files it names."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture
def elsewhere() -> Iterator[Path]:
    """A playable recording beside the server's temporary files, where a list could point."""
    path = Path(tempfile.gettempdir()) / f"elsewhere-{uuid.uuid4().hex}.webm"
    uw.answer_webm(path, 6.0)
    yield path
    path.unlink(missing_ok=True)


@pytest.mark.parametrize("kind", ["concat", "hls"])
def test_a_list_of_other_files_uploaded_as_an_answer_is_refused(
    take: uw.Take, elsewhere: Path, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    lists = {
        "concat": f"ffconcat version 1.0\nfile {elsewhere.name}\n",
        "hls": f"#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\n{elsewhere}\n#EXT-X-ENDLIST\n",
    }
    with django_capture_on_commit_callbacks(execute=True):
        uw.upload(Client(), take, lists[kind].encode())
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.FAILED
    assert recording.media_info["error_code"] == "not_media" and recording.error
