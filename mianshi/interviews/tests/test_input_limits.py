"""An unauthenticated candidate request cannot make the server parse a large body before
its size is checked (review L5): the input guard leaves candidate multipart bodies to the
endpoint, which refuses an oversize file from its Content-Length alone."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.files.uploadhandler import FileUploadHandler

from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.test_candidate_flow import PDF, _upload, with_file  # noqa: F401

pytestmark = pytest.mark.django_db


class SeenHandler(FileUploadHandler):
    """A real upload handler that notes each file part the server started to read."""

    seen: ClassVar[list[str]] = []

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        SeenHandler.seen.append(file_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def test_an_oversize_candidate_file_is_refused_before_its_body_is_parsed(
    with_file: Any,  # noqa: F811  (the fixture imported above)
    settings: Any,
) -> None:
    settings.INTERVIEW_FILE_MAX_BYTES = 1000
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.SeenHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
    ]
    SeenHandler.seen = []
    large = _upload(with_file, "big.pdf", PDF + b"0" * 200_000)
    assert large.status_code == 413 and large.json()["detail"]
    assert SeenHandler.seen == []
    small = _upload(with_file, "small.pdf", PDF)
    assert small.status_code == 200 and SeenHandler.seen == ["small.pdf"]
