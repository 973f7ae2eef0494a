"""One S3 protocol server for the storage tests: moto's server on loopback, empty per test.

moto keeps ONE state per process whatever the number of servers, so a test that lists the
bucket would see objects another test left behind: every test starts from a reset. The
default storage is switched to S3 the way MIANSHI_STORAGE=s3 does it (config.settings).
"""

from collections.abc import Iterator
from typing import Any
from urllib.request import Request, urlopen

import boto3
import pytest
from moto.server import ThreadedMotoServer

from config import settings as config_settings

BUCKET = "mianshi-test"


def keys(client: Any, prefix: str = "") -> list[str]:
    """Every object key in the test bucket (under `prefix`), in S3's order."""
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]


@pytest.fixture
def bucket(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A boto3 client of an empty bucket that the default storage now writes to."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    values = {"S3_ENDPOINT_URL": endpoint, "S3_BUCKET": BUCKET, "S3_ACCESS_KEY": "test-access",
              "S3_SECRET_KEY": "test-secret", "S3_REGION": "us-east-1"}  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(f"MIANSHI_{name}", value)
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test-access", aws_secret_access_key="test-secret",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": config_settings.s3_storage()}
    yield client
    server.stop()
