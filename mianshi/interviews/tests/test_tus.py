"""The tus 1.0.0 endpoint through Django's test client: the protocol, and its abuse.

Each refusal is checked for its status AND for what it left behind: the offset, the
Chunk rows and the objects in storage must be exactly as before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from mianshi.interviews.models import AnswerStatus, Chunk, Recording, RecordingStatus
from mianshi.interviews.tests import upload_world as uw
from mianshi.invitations.models import InvitationStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_settings")]

WEBM_MAGIC = bytes.fromhex("1A45DFA3")


def stored_objects() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def created(client: Client, take: uw.Take, **kw: Any) -> str:
    response = uw.create(client, take, **kw)
    assert response.status_code == 201, response.content
    return str(response["Location"])


def head(client: Client, url: str, **headers: str) -> Any:
    return client.head(url, headers=uw.tus_headers(**headers))


def offset_of(url: str) -> int:
    return Recording.objects.get(pk=url.rstrip("/").rsplit("/", 1)[-1]).offset


def test_options_lists_the_capabilities_without_a_version_header() -> None:
    response = Client().options("/i/anything/tus/")
    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0" and response["Tus-Version"] == "1.0.0"
    extensions = set(response["Tus-Extension"].split(","))
    assert extensions == {
        "creation",
        "creation-defer-length",
        "checksum",
        "termination",
        "expiration",
    }
    assert response["Tus-Max-Size"] == str(2 * 1024**3)
    assert set(response["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "sha256", "md5"}


def test_creation_head_and_a_chunked_upload(take: uw.Take) -> None:
    client = Client()
    response = uw.create(client, take)
    assert response.status_code == 201 and response["Tus-Resumable"] == "1.0.0"
    url = response["Location"]
    assert url.startswith(f"/i/{take.token}/tus/")
    expires = dt.datetime.strptime(response["Upload-Expires"], "%a, %d %b %Y %H:%M:%S GMT")
    assert dt.timedelta(hours=71) < expires.replace(tzinfo=dt.UTC) - timezone.now()
    first = head(client, url)
    assert first.status_code == 200 and first["Upload-Offset"] == "0"
    assert first["Upload-Defer-Length"] == "1" and first["Cache-Control"] == "no-store"
    data = bytes(range(256)) * 1000
    parts = uw.pieces(data, 100_000)
    offset = 0
    for part in parts[:-1]:
        sent = uw.patch(client, url, offset, part)
        offset += len(part)
        assert sent.status_code == 204 and sent["Upload-Offset"] == str(offset)
        assert "Upload-Expires" in sent
    last = uw.patch(client, url, offset, parts[-1], final_length=len(data))
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(data))
    done = head(client, url)
    assert done["Upload-Offset"] == done["Upload-Length"] == str(len(data))
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.COMPLETE and recording.chunk_count == len(parts)
    # The live board's "last data received" moved with the chunks.
    take.session.refresh_from_db()
    assert take.session.last_data_at is not None
    assert recording.last_chunk_at is not None
    assert (recording.answer.position, recording.attempt, recording.segment) == (1, 1, 0)
    assert recording.content_type == "video/webm"
    assert list(Chunk.objects.values_list("offset", flat=True)) == [
        i * 100_000 for i in range(len(parts))
    ]


def test_chunks_are_encrypted_at_rest(take: uw.Take, tmp_path: Path) -> None:
    data = uw.answer_webm(tmp_path / "a.webm", 2.0)
    uw.upload(Client(), take, data, size=16 * 1024)
    objects = stored_objects()
    assert len(objects) == Chunk.objects.count() > 3
    for path in objects:
        raw = path.read_bytes()
        assert raw.startswith(b"v1:k1:") and WEBM_MAGIC not in raw
        assert not any(raw.find(data[i : i + 64]) >= 0 for i in range(0, 4096, 512))


def test_requests_without_tus_resumable_get_412(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    refused = [
        client.post(take.collection, headers={"Upload-Defer-Length": "1"}),
        client.head(url),
        client.generic("PATCH", url, b"x", content_type=uw.CHUNK, headers={"Upload-Offset": "0"}),
        client.delete(url, headers={"Tus-Resumable": "0.2.2"}),
    ]
    for response in refused:
        assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
        assert response["Tus-Resumable"] == "1.0.0"
    assert Recording.objects.count() == 1 and offset_of(url) == 0


def test_wrong_offset_is_409_and_stores_nothing(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"a" * 1000).status_code == 204
    before = stored_objects()
    for wrong in (0, 999, 1001, 5000):
        response = uw.patch(client, url, wrong, b"b" * 10)
        assert response.status_code == 409, wrong
        assert response.json()["code"] == "offset_mismatch" and response.json()["detail"]
    assert offset_of(url) == 1000 and Chunk.objects.count() == 1
    assert stored_objects() == before


def test_checksums_verified(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    for algorithm in ("sha1", "sha256", "md5"):
        offset = offset_of(url)
        assert uw.patch(client, url, offset, b"x" * 10, checksum=algorithm).status_code == 204
    bad = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()
    response = uw.patch(
        client, url, 30, b"y" * 10, checksum=None, extra={"Upload-Checksum": f"sha1 {bad}"}
    )
    assert response.status_code == 460 and response.reason_phrase == "Checksum Mismatch"
    unknown = uw.patch(
        client, url, 30, b"y" * 10, checksum=None, extra={"Upload-Checksum": "crc32 AAAA"}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "bad_checksum_algorithm"
    broken = {"Upload-Checksum": "sha1 !!"}
    garbage = uw.patch(client, url, 30, b"y" * 10, checksum=None, extra=broken)
    assert garbage.status_code == 400
    assert offset_of(url) == 30 and Chunk.objects.count() == 3 and len(stored_objects()) == 3


def test_huge_upload_length_is_413(take: uw.Take) -> None:
    client = Client()
    response = uw.create(client, take, length=settings.UPLOAD_MAX_BYTES + 1)
    assert response.status_code == 413 and not Recording.objects.exists()
    url = created(client, take)
    final = uw.patch(client, url, 0, b"z", final_length=settings.UPLOAD_MAX_BYTES + 1)
    assert final.status_code == 413 and offset_of(url) == 0


def test_oversize_chunk_is_413(take: uw.Take, settings: Any) -> None:
    settings.UPLOAD_CHUNK_MAX = 1000
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"q" * 1001).status_code == 413
    assert uw.patch(client, url, 0, b"q" * 1000).status_code == 204
    assert offset_of(url) == 1000 and len(stored_objects()) == 1


def test_data_past_the_declared_length_is_refused(take: uw.Take) -> None:
    client = Client()
    url = created(client, take, length=100)
    assert head(client, url)["Upload-Length"] == "100"
    assert uw.patch(client, url, 0, b"p" * 101).status_code == 413
    assert uw.patch(client, url, 0, b"p" * 60).status_code == 204
    changed = uw.patch(client, url, 60, b"p" * 10, final_length=90)
    assert changed.status_code == 400 and changed.json()["code"] == "length_changed"
    assert uw.patch(client, url, 60, b"p" * 40).status_code == 204
    after = uw.patch(client, url, 100, b"p")
    assert after.status_code == 403 and after.json()["code"] == "upload_finished"
    assert Recording.objects.get().status == RecordingStatus.COMPLETE


def test_deferred_length_set_once_and_not_below_the_data(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"d" * 50).status_code == 204
    short = uw.patch(client, url, 50, b"d" * 50, final_length=80)
    assert short.status_code == 413 and offset_of(url) == 50
    assert uw.patch(client, url, 50, b"d" * 10, final_length=200).status_code == 204
    assert head(client, url)["Upload-Length"] == "200"
    again = uw.patch(client, url, 60, b"d" * 10, final_length=300)
    assert again.status_code == 400


def test_wrong_content_type_is_415(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    response = uw.patch(client, url, 0, b"x", content_type="application/octet-stream")
    assert response.status_code == 415 and offset_of(url) == 0
    other = uw.create(client, take, filetype="application/x-msdownload")
    assert other.status_code == 415


def test_another_candidates_upload_is_not_found(world: uw.World, take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"mine").status_code == 204
    other = uw.invite(world, "李四")
    stolen = url.replace(take.token, other.token)
    assert head(client, stolen).status_code == 404
    assert uw.patch(client, stolen, 4, b"theirs").status_code == 404
    assert client.delete(stolen, headers=uw.tus_headers()).status_code == 404
    assert uw.patch(client, url.replace(take.token, "no-such-token"), 4, b"x").status_code == 404
    assert offset_of(url) == 4 and Chunk.objects.count() == 1


def test_unknown_link_and_unknown_upload(take: uw.Take) -> None:
    client = Client()
    response = client.post(
        "/i/unknown-token/tus/",
        headers=uw.tus_headers(**{"Upload-Defer-Length": "1", "Upload-Metadata": "position MQ=="}),
    )
    assert response.status_code == 404
    missing = f"{take.collection}00000000-0000-4000-8000-000000000000"
    assert head(client, missing).status_code == 404


def test_expired_upload_is_410(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"e" * 10).status_code == 204
    Recording.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert head(client, url).status_code == 410
    response = uw.patch(client, url, 10, b"e")
    assert response.status_code == 410 and response.json()["code"] == "upload_gone"
    assert offset_of(url) == 10


def test_revoked_link_is_410(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    take.invitation.__class__.objects.filter(pk=take.invitation.pk).update(
        status=InvitationStatus.REVOKED
    )
    assert uw.patch(client, url, 0, b"r").status_code == 410
    assert head(client, url).status_code == 410
    assert uw.create(client, take).status_code == 410
    assert offset_of(url) == 0 and not Chunk.objects.exists()


def test_a_superseded_link_finishes_its_uploads_but_starts_no_new_recording(
    take: uw.Take,
) -> None:
    """A re-invite must not throw away what was recorded (review M6); new takes go to the
    new link."""
    client = Client()
    url = created(client, take)
    take.invitation.__class__.objects.filter(pk=take.invitation.pk).update(
        status=InvitationStatus.SUPERSEDED
    )
    assert uw.create(client, take).status_code == 410
    assert uw.patch(client, url, 0, b"r").status_code == 204
    assert head(client, url).status_code == 200 and offset_of(url) == 1


def test_expired_link_refuses_new_uploads_but_finishes_started_ones(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    take.invitation.__class__.objects.filter(pk=take.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert uw.create(client, take).status_code == 410
    # The deadline passed mid-answer: what was recorded in time must still arrive.
    assert uw.patch(client, url, 0, b"late", final_length=4).status_code == 204


def test_a_replayed_link_after_the_interview_records_nothing_new(take: uw.Take) -> None:
    """The interview is over: reusing its link may finish uploads on their way, not start one."""
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"tail").status_code == 204
    take.invitation.__class__.objects.filter(pk=take.invitation.pk).update(
        status=InvitationStatus.COMPLETED
    )
    take.session.answers.update(status=AnswerStatus.UPLOADING)
    before = Recording.objects.count()
    assert uw.create(client, take).status_code in (409, 410)
    assert Recording.objects.count() == before
    # The upload already on its way still finishes.
    assert uw.patch(client, url, 4, b"more", final_length=8).status_code == 204


def test_termination_removes_the_chunks(
    take: uw.Take, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"t" * 100).status_code == 204
    assert len(stored_objects()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        with_override = client.post(
            url, headers=uw.tus_headers(**{"X-HTTP-Method-Override": "DELETE"})
        )
    assert with_override.status_code == 204
    assert head(client, url).status_code == 404
    assert uw.patch(client, url, 100, b"t").status_code == 404
    assert not Chunk.objects.exists() and stored_objects() == []
    assert Recording.objects.get().status == RecordingStatus.TERMINATED


def test_a_complete_upload_cannot_be_deleted(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    assert uw.patch(client, url, 0, b"c" * 5, final_length=5).status_code == 204
    assert client.delete(url, headers=uw.tus_headers()).status_code == 403
    assert Recording.objects.get().status == RecordingStatus.COMPLETE


def test_method_override_patch_and_head(take: uw.Take) -> None:
    client = Client()
    url = created(client, take)
    sent = client.post(
        url, b"over", content_type=uw.CHUNK,
        headers=uw.tus_headers(**{"Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"}),
    )  # fmt: skip
    assert sent.status_code == 204 and sent["Upload-Offset"] == "4"
    asked = client.get(url, headers=uw.tus_headers(**{"X-HTTP-Method-Override": "HEAD"}))
    assert asked.status_code == 200 and asked["Upload-Offset"] == "4"
    assert client.get(url, headers=uw.tus_headers()).status_code == 405


@pytest.mark.parametrize(
    "headers",
    [
        {"Upload-Metadata": "position MQ==,attempt MQ=="},  # no length at all
        {"Upload-Length": "10", "Upload-Defer-Length": "1", "Upload-Metadata": "position MQ=="},
        {"Upload-Defer-Length": "2", "Upload-Metadata": "position MQ==,attempt MQ=="},
        {"Upload-Length": "-5", "Upload-Metadata": "position MQ==,attempt MQ=="},
        {"Upload-Length": "0", "Upload-Metadata": "position MQ==,attempt MQ=="},
        {"Upload-Defer-Length": "1", "Upload-Metadata": "attempt MQ=="},  # no position
        {"Upload-Defer-Length": "1", "Upload-Metadata": "position MQ==,position MQ==,attempt MQ=="},
        {"Upload-Defer-Length": "1", "Upload-Metadata": "position not*base64,attempt MQ=="},
        {"Upload-Defer-Length": "1", "Upload-Metadata": "position MQ== extra,attempt MQ=="},
        {"Upload-Defer-Length": "1", "Upload-Metadata": "position LTE=,attempt MQ=="},  # -1
        {"Upload-Defer-Length": "1", "Upload-Metadata": "position MQ==,attempt MQ==,mode eA=="},
    ],
)
def test_malformed_creation_is_400(take: uw.Take, headers: dict[str, str]) -> None:
    response = Client().post(take.collection, headers=uw.tus_headers(**headers))
    assert response.status_code == 400, response.content
    assert response.json()["detail"] and not Recording.objects.exists()


def test_creation_with_a_body_is_refused(take: uw.Take) -> None:
    response = Client().post(
        take.collection, b"data", content_type=uw.CHUNK,
        headers=uw.tus_headers(**{"Upload-Defer-Length": "1",
                                  "Upload-Metadata": uw.metadata(position=1, attempt=1)}),
    )  # fmt: skip
    assert response.status_code == 400 and not Recording.objects.exists()


def test_only_the_answer_being_recorded_takes_uploads(take: uw.Take) -> None:
    client = Client()
    not_now = uw.create(client, take, position=2)
    assert not_now.status_code == 409 and not_now.json()["detail"]
    stale = uw.create(client, take, attempt=2)
    assert stale.status_code == 409
    assert uw.create(client, take, position=9).status_code == 404
    assert not Recording.objects.exists()
    assert take.answer(1).status == AnswerStatus.RECORDING


def test_a_second_creation_replaces_an_untouched_twin_only(take: uw.Take) -> None:
    client = Client()
    first = created(client, take)
    second = created(client, take)
    assert head(client, first).status_code == 404  # the empty one gave way
    assert uw.patch(client, second, 0, b"s").status_code == 204
    third = uw.create(client, take)
    assert third.status_code == 409 and third.json()["code"] == "offset_mismatch"
    assert created(client, take, segment=1) != second
    assert Recording.objects.filter(is_current=True).count() == 2


def test_refusals_say_what_to_do_in_the_chosen_language(take: uw.Take) -> None:
    # The zh-Hans catalogue of this app is compiled by the lead at the end of the issue;
    # the message must come through gettext in the candidate's language either way.
    client = Client()
    url = created(client, take)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = uw.patch(client, url, 7, b"x").json()["detail"]
    assert english == "The upload is at byte 0; send from there."
