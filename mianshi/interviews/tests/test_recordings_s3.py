"""Chunks and verified recordings on S3-compatible storage (moto's S3 server on loopback)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer

from config import settings as config_settings
from mianshi.interviews.models import Chunk, Recording, RecordingStatus
from mianshi.interviews.services import recording_open
from mianshi.interviews.tests import upload_world as uw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]
BUCKET = "mianshi-recordings-test"


@pytest.fixture
def bucket(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    values = {"S3_ENDPOINT_URL": f"http://{host}:{port}", "S3_BUCKET": BUCKET,
              "S3_ACCESS_KEY": "test-access", "S3_SECRET_KEY": "test-secret",
              "S3_REGION": "us-east-1"}  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(f"MIANSHI_{name}", value)
    client = boto3.client(
        "s3", endpoint_url=values["S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id="test-access", aws_secret_access_key="test-secret",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": config_settings.s3_storage()}
    yield client
    server.stop()


def keys(bucket: Any) -> list[str]:
    return [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_upload_verify_and_play_back_through_s3(
    bucket: Any, org: Any, make_user: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    take = uw.invite(uw.make_world(org, make_user))
    uw.start_recording(take, 1)
    data = uw.answer_webm(tmp_path / "answer.webm", 4.0)
    client = Client()
    url = uw.create(client, take)["Location"]
    half = len(data) // 2
    assert uw.patch(client, url, 0, data[:half]).status_code == 204
    [chunk_key] = keys(bucket)
    assert chunk_key.startswith("uploads/") and chunk_key == Chunk.objects.get().storage_name
    sealed = bucket.get_object(Bucket=BUCKET, Key=chunk_key)["Body"].read()
    assert sealed.startswith(b"v1:k1:") and data[:4] not in sealed
    with django_capture_on_commit_callbacks(execute=True):
        last = uw.patch(client, url, half, data[half:], final_length=len(data))
    assert last.status_code == 204
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.VERIFIED, recording.error
    # The chunks are gone from the bucket; the sealed recording is all that is left.
    assert keys(bucket) == [recording.storage_path]
    with recording_open(recording=recording) as path:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recording.sha256
