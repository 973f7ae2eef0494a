"""The demo's integrations (mianshi/demo/integrations.py) with the real demo receiver
(scripts/demo_receiver.py) running as its own process on a free loopback port: loading
twice makes one endpoint and one connector; an approved offer reaches the receiver as
verified webhooks and as an HR-JSON push; the receiver refuses what a real one would."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.common import stdwebhooks
from mianshi.common.tests.support import eager  # noqa: F401  (a fixture)
from mianshi.demo import integrations as demo
from mianshi.integrations.connectors.models import Connector, MappingTemplate, Sync, SyncStatus
from mianshi.integrations.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mianshi.integrations.webhooks.services import signing_secrets
from mianshi.reviews.tests.factories import ReviewWorld, review_world
from mianshi.reviews.tests.offer_world import approved, offered

SCRIPT = Path(django_settings.BASE_DIR) / "scripts" / "demo_receiver.py"


@dataclass
class Receiver:
    url: str
    log: Path

    def entries(self, channel: str) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        lines = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [e for e in lines if e["channel"] == channel]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        assert process.poll() is None, "the demo receiver exited"
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the demo receiver did not start")


@pytest.fixture(autouse=True)
def demo_settings(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]  # what demo.sh exports for the demo only


@pytest.fixture
def receiver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    port = str(_free_port())
    monkeypatch.setenv("DEMO_RECEIVER_PORT", port)
    env = {**os.environ, "MIANSHI_DATA_DIR": str(tmp_path), "DEMO_RECEIVER_PORT": port}
    process = subprocess.Popen([sys.executable, str(SCRIPT)], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_up(url, process)
        yield Receiver(url=url, log=tmp_path / demo.LOG_FILE)
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def admin(org: Any, make_user: Any) -> User:
    return make_user("admin", Role.HR_ADMIN, org.hq)


@pytest.fixture
def world(org: Any, make_user: Any) -> ReviewWorld:
    return review_world(org, make_user)


@pytest.mark.django_db
def test_loading_twice_makes_one_endpoint_and_one_connector(admin: User, tmp_path: Path) -> None:
    first = demo.load()
    second = demo.load()
    assert first is not None and second == first
    assert WebhookEndpoint.objects.count() == 1 and Connector.objects.count() == 1
    assert first.endpoint.org_unit.parent_id is None and first.endpoint.event_types == []
    assert list(MappingTemplate.objects.values_list("kind", "version")) == [("assessment", 1)]
    path = tmp_path / demo.SECRETS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["webhook_secret"] == signing_secrets(first.endpoint)[0]
    assert stored["ehr_token"] == first.connector.credentials["token"]


@pytest.mark.django_db
def test_without_loopback_allowed_nothing_is_made(
    admin: User, settings: Any, tmp_path: Path
) -> None:
    settings.WEBHOOK_ALLOW = []
    assert demo.load() is None
    assert not WebhookEndpoint.objects.exists() and not Connector.objects.exists()
    assert not (tmp_path / demo.SECRETS_FILE).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("eager")
def test_an_approved_offer_reaches_the_receiver(
    admin: User, world: ReviewWorld, receiver: Receiver
) -> None:
    made = demo.load()
    assert made is not None and made.endpoint.url == receiver.url + "/webhooks"
    offer = approved(world, offered(world))
    sync = Sync.objects.get()
    assert sync.status == SyncStatus.SUCCEEDED, sync.last_error
    assert sync.external_id == f"EHR-{offer.application_id}"
    [push] = receiver.entries("ehr")
    assert push["path"] == f"/ehr/assessment-results/{offer.application_id}"
    assert push["body"]["assessmentResults"]
    hooks = receiver.entries("webhook")
    assert all(h["verified"] for h in hooks) and "offer.approved" in [h["type"] for h in hooks]
    deliveries = WebhookDelivery.objects.all()
    assert {d.status for d in deliveries} == {DeliveryStatus.SUCCEEDED}
    assert sorted(h["webhook_id"] for h in hooks) == sorted(d.event.message_id for d in deliveries)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_the_receiver_refuses_bad_signatures_and_tokens(receiver: Receiver, tmp_path: Path) -> None:
    secret, other = stdwebhooks.secret_new(), stdwebhooks.secret_new()
    (tmp_path / demo.SECRETS_FILE).write_text(
        json.dumps({"webhook_secret": secret, "ehr_token": "tok"})
    )
    body = json.dumps({"type": "candidate.created", "timestamp": "t", "data": {}}).encode()
    hook = receiver.url + "/webhooks"
    assert _post(hook, body, stdwebhooks.headers([other], "msg_1", body))[0] == 401
    old = stdwebhooks.headers([secret], "msg_1", body, now=int(time.time()) - 3600)
    assert _post(hook, body, old)[0] == 401
    assert _post(hook, body + b" ", stdwebhooks.headers([secret], "msg_1", body))[0] == 401
    assert receiver.entries("webhook") == []
    for _ in range(2):  # a redelivery is answered 200 and processed once
        assert _post(hook, body, stdwebhooks.headers([secret], "msg_1", body))[0] == 200
    assert [e["webhook_id"] for e in receiver.entries("webhook")] == ["msg_1"]
    ehr = receiver.url + "/ehr/assessment-results/9"
    status, headers = _post(ehr, b"{}", {"Authorization": "Bearer wrong"})
    assert status == 401 and "invalid_token" in headers["WWW-Authenticate"]
    assert _post(ehr, b"{}", {})[0] == 401
    assert _post(ehr, b"not json", {"Authorization": "Bearer tok"})[0] == 400
    assert receiver.entries("ehr") == []
    assert _post(ehr, b"{}", {"Authorization": "Bearer tok"})[0] == 200
    assert [e["id"] for e in receiver.entries("ehr")] == ["EHR-9"]


@pytest.mark.django_db
def test_load_demo_wires_the_integrations_and_says_where_to_look(tmp_path: Path) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner is not None and endpoint.owner.username == "admin"
    assert Connector.objects.get().triggers[0]["event"] == "offer.approved"
    printed = out.getvalue()
    assert "/events/" in printed and "/integrations/connectors/health/" in printed
    assert str(tmp_path / demo.LOG_FILE) in printed
