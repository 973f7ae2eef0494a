"""Idempotency-Key on API POSTs: one effect per key, replays, refusals, keys per API key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create, apikey_revoke
from mianshi.candidates.models import Candidate
from mianshi.common.idempotency import LEASE
from mianshi.common.models import IdempotencyRecord
from mianshi.common.sealed import sealed_kinds, sealed_rotate
from mianshi.common.tasks import idempotency_purge
from mianshi.compliance.models import AuditEvent

pytestmark = pytest.mark.django_db
KEY_1 = "k1:" + base64.b64encode(b"1" * 32).decode()
KEY_2 = "k2:" + base64.b64encode(b"2" * 32).decode()
SCOPES = ["candidates:read", "candidates:write"]
PDF = b"%PDF-1.4\n% resume one\n%%EOF\n"


@pytest.fixture(autouse=True)
def _keys(settings: Any, tmp_path: Any) -> None:
    settings.ENCRYPTION_KEYS = [KEY_1]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")


class Api:
    """A client with its own API key; `post(body, key)` sends an Idempotency-Key."""

    def __init__(self, user: User) -> None:
        self.key, self.raw = apikey_create(actor=None, user=user, scopes=SCOPES)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def post(self, body: dict[str, Any], key: str | None = None, path: str = "/") -> Any:
        headers = {} if key is None else {"Idempotency-Key": key}
        url = f"/api/candidates{path}"
        return self.client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def hr_sh(org: Any, make_user: Any) -> User:
    return make_user("hr_sh", Role.HR, org.sh)


def person(org: Any, name: str = "王五", phone: str = "13900000001") -> dict[str, Any]:
    return {"org_unit_id": org.sh.pk, "name": name, "phone": phone}


def test_a_retried_post_creates_one_candidate_and_replays_the_first_answer(
    org: Any, hr_sh: User
) -> None:
    api = Api(hr_sh)
    first = api.post(person(org), key="order-1")
    again = api.post(person(org), key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Candidate.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    org: Any, hr_sh: User
) -> None:
    api = Api(hr_sh)
    first = api.post(person(org), key="order-1")
    other = api.post(person(org, name="李四", phone="13900000002"), key="order-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert list(Candidate.objects.values_list("name", flat=True)) == ["王五"]
    elsewhere = api.post(person(org), key="order-1", path=f"/{first.json()['id']}/notes")
    assert elsewhere.status_code == 422  # the path is part of the request too


def test_a_key_still_in_flight_answers_409_until_its_lease_is_over(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    api.post(person(org), key="order-1")
    # As the row stands while its first request runs (claimed, no answer yet):
    IdempotencyRecord.objects.update(state=IdempotencyRecord.State.IN_FLIGHT, body_enc="")
    in_flight = api.post(person(org), key="order-1")
    assert in_flight.status_code == 409 and in_flight.json()["code"] == "idempotency_key_in_flight"
    assert Candidate.objects.count() == 1
    # The claim's process died: after the lease a retry takes the key over and runs.
    IdempotencyRecord.objects.update(claimed_at=timezone.now() - LEASE)
    taken_over = api.post(person(org), key="order-1")
    assert taken_over.status_code == 201 and "Idempotent-Replayed" not in taken_over
    assert api.post(person(org), key="order-1")["Idempotent-Replayed"] == "true"


def test_keys_belong_to_their_api_key(org: Any, hr_sh: User, make_user: Any) -> None:
    mine, second = Api(hr_sh), Api(hr_sh)
    theirs = Api(make_user("hr_sz", Role.HR, org.sz))
    assert mine.post(person(org), key="k").status_code == 201
    assert second.post(person(org, "李四", "13900000002"), key="k").status_code == 201
    sz_body = {"org_unit_id": org.sz.pk, "name": "赵六", "phone": "13900000003"}
    answer = theirs.post(sz_body, key="k")
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer
    assert answer.json()["name"] == "赵六" and Candidate.objects.count() == 3
    same_body = theirs.post(person(org), key="k")  # never the first key's stored answer
    assert same_body.status_code == 422


def test_a_post_without_a_key_behaves_as_before(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    assert api.post(person(org)).status_code == 201
    assert api.post(person(org)).status_code == 201
    assert Candidate.objects.count() == 2 and not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "bell\x07", '""'])
def test_malformed_keys_are_refused_with_400(org: Any, hr_sh: User, key: str) -> None:
    answer = Api(hr_sh).post(person(org), key=key)
    assert answer.status_code == 400 and answer.json()["code"] == "idempotency_key_invalid"
    assert not Candidate.objects.exists() and not IdempotencyRecord.objects.exists()


def test_the_quoted_form_of_the_draft_and_a_255_character_key_are_accepted(
    org: Any, hr_sh: User
) -> None:
    api = Api(hr_sh)
    assert api.post(person(org), key='"abc"').status_code == 201
    assert api.post(person(org), key="abc")["Idempotent-Replayed"] == "true"
    assert api.post(person(org, phone="13900000002"), key="y" * 255).status_code == 201


def test_expired_keys_run_again_and_are_purged(org: Any, hr_sh: User, settings: Any) -> None:
    settings.IDEMPOTENCY_TTL_HOURS = 2
    api = Api(hr_sh)
    api.post(person(org), key="order-1")
    row = IdempotencyRecord.objects.get()
    assert dt.timedelta(hours=1.9) < row.expires_at - row.claimed_at <= dt.timedelta(hours=2)
    IdempotencyRecord.objects.update(expires_at=row.claimed_at - dt.timedelta(seconds=1))
    again = api.post(person(org), key="order-1")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Candidate.objects.count() == 2
    api.post(person(org, phone="13900000009"), key="order-2")
    IdempotencyRecord.objects.filter(key="order-2").update(expires_at=row.claimed_at)
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["order-1"]


def test_a_refusal_is_replayed_too(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    missing = api.post({"body": "note"}, key="n-1", path="/999999/notes")
    assert missing.status_code == 404
    assert api.post({"body": "note"}, key="n-1", path="/999999/notes")["Idempotent-Replayed"]


def test_a_server_error_is_not_stored_so_a_retry_can_succeed(
    org: Any, hr_sh: User, settings: Any
) -> None:
    api = Api(hr_sh)
    api.client.raise_request_exception = False
    settings.ENCRYPTION_KEYS = []  # a misconfigured deployment: every seal fails
    assert api.post(person(org), key="order-1").status_code == 500
    assert not IdempotencyRecord.objects.exists() and not Candidate.objects.exists()
    settings.ENCRYPTION_KEYS = [KEY_1]
    assert api.post(person(org), key="order-1").status_code == 201
    assert Candidate.objects.count() == 1


def test_a_revoked_api_key_gets_401_not_the_stored_answer(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    api.post(person(org), key="order-1")
    apikey_revoke(actor=None, key=ApiKey.objects.get(pk=api.key.pk))
    assert api.post(person(org), key="order-1").status_code == 401


def test_stored_bodies_are_sealed_and_follow_key_rotation(
    org: Any, hr_sh: User, settings: Any
) -> None:
    api = Api(hr_sh)
    first = api.post(person(org), key="order-1")
    row = IdempotencyRecord.objects.get()
    assert row.body_enc.startswith("v1:k1:") and "13900000001" not in row.body_enc
    assert "common.idempotency" in {kind.name for kind in sealed_kinds()}
    settings.ENCRYPTION_KEYS = [KEY_2, KEY_1]
    report = {k.name: k for k in sealed_rotate().kinds}["common.idempotency"]
    assert report.resealed == 1 and report.remaining == 0
    settings.ENCRYPTION_KEYS = [KEY_2]
    assert api.post(person(org), key="order-1").json() == first.json()


def test_the_openapi_document_lists_the_header_on_every_post(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    posts = [item["post"] for item in paths.values() if "post" in item]
    assert len(posts) > 10
    for operation in posts:
        names = [(p["in"], p["name"]) for p in operation.get("parameters", [])]
        assert ("header", "Idempotency-Key") in names, operation["operationId"]
    assert all(
        p["name"] != "Idempotency-Key"
        for item in paths.values()
        for method, op in item.items()
        if method != "post"
        for p in op.get("parameters", [])
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_have_one_effect(org: Any, hr_sh: User) -> None:
    api, workers = Api(hr_sh), 4
    start = threading.Barrier(workers)

    def send(_: int) -> tuple[int, dict[str, Any]]:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api.raw}")
        start.wait()
        try:
            answer = client.post(
                "/api/candidates/", person(org), content_type="application/json",
                headers={"Idempotency-Key": "burst"},
            )  # fmt: skip
            return answer.status_code, answer.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(send, range(workers)))
    assert {status for status, _ in answers} <= {201, 409}
    created = {body["id"] for status, body in answers if status == 201}
    assert len(created) == 1 and Candidate.objects.count() == 1


def test_a_multipart_upload_is_fingerprinted_by_its_fields_and_files(org: Any, hr_sh: User) -> None:
    api = Api(hr_sh)
    pk = api.post(person(org)).json()["id"]
    url, headers = f"/api/candidates/{pk}/resume", {"Idempotency-Key": "cv-1"}

    def upload(data: bytes) -> Any:
        file = SimpleUploadedFile("cv.pdf", data)
        return api.client.post(url, {"file": file}, headers=headers)

    first = upload(PDF)
    assert first.status_code == 201 and upload(PDF)["Idempotent-Replayed"] == "true"
    assert upload(PDF.replace(b"one", b"two")).status_code == 422
    assert AuditEvent.objects.filter(action__startswith="candidate.resume").count() == 1


@pytest.mark.django_db(transaction=True)
def test_over_real_http_an_ehr_retrying_a_lost_answer_creates_one_candidate(
    org: Any, hr_sh: User, live_server: Any
) -> None:
    api = Api(hr_sh)
    body = json.dumps(person(org)).encode()
    headers = {
        "Authorization": f"Bearer {api.raw}",
        "Content-Type": "application/json",
        "Idempotency-Key": "ehr-sync-42",
    }

    def send() -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            f"{live_server.url}/api/candidates/", data=body, headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()

    first, retry = send(), send()
    assert first[0] == retry[0] == 201 and first[2] == retry[2]
    assert retry[1]["Idempotent-Replayed"] == "true" and Candidate.objects.count() == 1
