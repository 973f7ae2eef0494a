"""Deleting a candidate with interviews (review M5): a plain delete is refused (UI, API), and
the erasure path — an HR admin's, audited with ids — deletes the rows AND every stored
object of the candidate (recordings, chunks, answer files, résumé) after commit, on a local
folder and on an S3 protocol server, leaving every other candidate's objects alone."""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import candidate_delete
from mianshi.candidates.services.erasure import candidate_erase
from mianshi.candidates.services.resumes import candidate_resume_upload
from mianshi.candidates.tests.factories import make_candidate
from mianshi.common.tests.s3 import BUCKET
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Answer, Chunk, InterviewSession, Recording
from mianshi.interviews.services import storage
from mianshi.reviews.models import Rating
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.tests.factories import CODES, analysed_interview, review_world

pytestmark = pytest.mark.django_db
RESUME = "%PDF-1.4\n简历\n%%EOF\n".encode()


def _store_media(session: InterviewSession) -> None:
    """Real objects for every recording (sealed file and a chunk), an answer file, and an
    orphan chunk object with no row (a PATCH that died between write and insert)."""
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "take.webm"
        plain.write_bytes(b"\x1aE\xdf\xa3" + b"0" * 100)
        for rec in Recording.objects.filter(session=session):
            name = storage.recording_name(session.pk, rec.answer_id, rec.pk)
            rec.storage_path = storage.seal_file(rec.pk, plain, name)[0]
            rec.save(update_fields=["storage_path"])
            Chunk.objects.create(
                recording=rec,
                offset=0,
                length=4,
                storage_name=storage.chunk_store(rec.pk, 0, b"abcd"),
            )
            storage.chunk_store(rec.pk, 4, b"orphan")
    answer = Answer.objects.filter(session=session).first()
    assert answer is not None
    answer.file_path = default_storage.save("answer-files/a.enc", ContentFile(b"sealed"))
    answer.save(update_fields=["file_path"])


def _interviewed(world: Any, name: str) -> Candidate:
    session = analysed_interview(world, name, scores={c: 7.0 for c in CODES})
    _store_media(session)
    rating_save(
        actor=world.manager, session=session, scores={c: 7 for c in CODES}, reasons={},
        submit=True,
    )  # fmt: skip
    candidate = session.application.candidate
    candidate_resume_upload(
        actor=None, candidate=candidate, upload=BytesIO(RESUME), filename="cv.pdf"
    )
    candidate.refresh_from_db()
    return candidate


def _objects_of(candidate_id: int) -> set[str]:
    """The stored objects the rows of one candidate name, plus those under its prefixes."""
    sessions = InterviewSession.objects.filter(application__candidate_id=candidate_id)
    recs = Recording.objects.filter(session__in=sessions)
    names = set(recs.exclude(storage_path="").values_list("storage_path", flat=True))
    names |= set(Chunk.objects.filter(recording__in=recs).values_list("storage_name", flat=True))
    names |= set(
        Answer.objects.filter(session__in=sessions)
        .exclude(file_path="")
        .values_list("file_path", flat=True)
    )
    names |= {c.resume_path for c in Candidate.objects.filter(pk=candidate_id) if c.resume_path}
    return names


def _all_objects() -> set[str]:
    found: set[str] = set()
    stack = [""]
    while stack:
        prefix = stack.pop()
        try:
            dirs, files = default_storage.listdir(prefix)
        except FileNotFoundError:
            continue
        found |= {f"{prefix}{f}" for f in files}
        stack += [f"{prefix}{d}/" for d in dirs]
    return found


def _two(org: Any, make_user: Any) -> Any:
    """Two interviewed candidates of 上海 with stored media, and 上海's HR admin."""
    world: Any = review_world(org, make_user)
    world.admin = make_user("hr_admin_sh", Role.HR_ADMIN, org.sh)
    world.gone = _interviewed(world, "要删除的人")
    world.kept = _interviewed(world, "留下的人")
    world.gone_pk = world.gone.pk  # the instance loses its pk once deleted
    world.kept_objects = _objects_of(world.kept.pk)
    recordings = Recording.objects.filter(session__application__candidate=world.gone)
    prefixes = tuple(f"uploads/{pk}/" for pk in recordings.values_list("pk", flat=True))
    orphans = {n for n in _all_objects() if n.startswith(prefixes)}
    world.gone_objects = _objects_of(world.gone.pk) | orphans
    assert len(world.gone_objects) >= 6 and world.gone_objects <= _all_objects()
    return world


@pytest.fixture
def two(org: Any, make_user: Any) -> Any:
    return _two(org, make_user)


def _erase_and_check(two: Any, capture: Any) -> None:
    before = _all_objects()
    with capture(execute=True):
        candidate_erase(actor=two.admin, candidate=two.gone, reason="个人信息删除请求 #42")
    assert not Candidate.objects.filter(pk=two.gone_pk).exists()
    assert not Application.objects.filter(candidate_id=two.gone_pk).exists()
    after = _all_objects()
    assert not two.gone_objects & after  # 0 objects of that candidate remain
    assert two.kept_objects <= after  # the other candidate's are untouched
    assert after == before - two.gone_objects
    event = AuditEvent.objects.get(action="candidate.erase")
    assert event.object_id == str(two.gone_pk) and event.detail["objects"] >= 5
    assert "要删除的人" not in str(event.detail)


def test_erasure_deletes_rows_and_every_stored_object_on_local_storage(
    two: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert type(default_storage._wrapped).__name__ == "FileSystemStorage"  # type: ignore[attr-defined]
    _erase_and_check(two, django_capture_on_commit_callbacks)


@pytest.fixture
def two_on_s3(bucket: Any, org: Any, make_user: Any) -> Any:
    return _two(org, make_user)


def test_erasure_deletes_every_stored_object_on_the_s3_protocol_server(
    two_on_s3: Any, bucket: Any, django_capture_on_commit_callbacks: Any
) -> None:
    keys_before = {o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert two_on_s3.gone_objects <= keys_before
    _erase_and_check(two_on_s3, django_capture_on_commit_callbacks)
    listed = bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    keys = {o["Key"] for o in listed}
    assert not keys & two_on_s3.gone_objects and two_on_s3.kept_objects <= keys
    assert keys == keys_before - two_on_s3.gone_objects


def test_plain_delete_of_a_candidate_with_interviews_is_refused_everywhere(
    two: Any, api_for: Any
) -> None:
    from mianshi.common.errors import Conflict

    # zh-Hans is the default language: the refusal points to erasure (彻底删除).
    with pytest.raises(Conflict, match="彻底删除"):
        candidate_delete(actor=two.admin, candidate=two.gone)
    response = api_for(two.admin).delete(f"/candidates/{two.gone.pk}")
    assert response.status_code == 409 and "彻底删除" in response.json()["detail"]
    client = Client()
    client.force_login(two.admin)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(reverse("candidates:candidate_delete", args=[two.gone.pk]), follow=True)
    assert "erase" in page.content.decode()
    assert Candidate.objects.filter(pk=two.gone_pk).exists()
    assert Rating.objects.filter(session__application__candidate=two.gone).exists()
    assert two.gone_objects <= _all_objects()


def test_erasure_needs_an_hr_admin_over_every_unit_and_a_reason(two: Any, make_user: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        candidate_erase(actor=two.hr, candidate=two.gone, reason="请求")
    sz_admin = make_user("hr_admin_sz", Role.HR_ADMIN, two.org.sz)
    with pytest.raises(PermissionDenied):
        candidate_erase(actor=sz_admin, candidate=two.gone, reason="请求")
    with pytest.raises(ValidationError):
        candidate_erase(actor=two.admin, candidate=two.gone, reason="  ")
    assert Candidate.objects.filter(pk=two.gone_pk).exists()
    assert not AuditEvent.objects.filter(action="candidate.erase").exists()


def test_erasure_from_the_ui_asks_for_confirmation_and_is_for_hr_admins(
    two: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("candidates:candidate_erase", args=[two.gone.pk])
    hr = Client()
    hr.force_login(two.hr)
    assert hr.get(url).status_code == 403
    admin = Client()
    admin.force_login(two.admin)
    admin.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "data-erase-confirm" in admin.get(url).content.decode()
    unconfirmed = admin.post(url, {"reason": "请求"})
    assert unconfirmed.status_code == 200 and Candidate.objects.filter(pk=two.gone_pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = admin.post(url, {"reason": "个人信息删除请求", "confirm": "on"})
    assert done.status_code == 302
    assert not Candidate.objects.filter(pk=two.gone_pk).exists()
    assert not two.gone_objects & _all_objects()


def test_erasure_management_command(two: Any, django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(CommandError):
        call_command("candidate_erase", str(two.gone_pk))  # no reason
    with django_capture_on_commit_callbacks(execute=True):
        call_command("candidate_erase", str(two.gone_pk), reason="数据主体请求")
    assert not Candidate.objects.filter(pk=two.gone_pk).exists()
    assert not two.gone_objects & _all_objects() and two.kept_objects <= _all_objects()


def test_deleting_a_candidate_without_interviews_still_works_and_deletes_the_resume(
    world: Any, org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    candidate = make_candidate(world.hr_sh, org.sh, name="新人")
    candidate_resume_upload(
        actor=None, candidate=candidate, upload=BytesIO(RESUME), filename="cv.pdf"
    )
    candidate.refresh_from_db()
    path, pk = candidate.resume_path, candidate.pk
    assert default_storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_delete(actor=world.hr_sh, candidate=candidate)
    assert not Candidate.objects.filter(pk=pk).exists()
    assert not default_storage.exists(path)


def test_erasure_reason_is_kept_in_the_audit_and_capped_to_what_the_audit_holds(
    two: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="80"):
        candidate_erase(actor=two.admin, candidate=two.gone, reason="请求" * 41)  # 82 characters
    assert Candidate.objects.filter(pk=two.gone_pk).exists()
    assert not AuditEvent.objects.filter(action="candidate.erase").exists()
    reason = "DSR-2026-0042 " + "x" * 66  # exactly 80
    with django_capture_on_commit_callbacks(execute=True):
        candidate_erase(actor=two.admin, candidate=two.gone, reason=reason)
    assert AuditEvent.objects.get(action="candidate.erase").detail["reason"] == reason


def test_the_interviews_app_registers_what_it_stores_for_a_candidate(two: Any) -> None:
    from mianshi.common.erasure import holdings_of

    held = holdings_of(two.gone_pk)
    objects = {name for h in held for name in h.objects}
    prefixes = {p for h in held for p in h.prefixes}
    sessions = InterviewSession.objects.filter(application__candidate_id=two.gone_pk)
    assert {f"recordings/{pk}/" for pk in sessions.values_list("pk", flat=True)} <= prefixes
    assert objects | {two.gone.resume_path} == _objects_of(two.gone_pk)
    assert not objects & two.kept_objects
    assert [ids for h in held for ids in h.ids.get("sessions", [])] == list(
        sessions.values_list("pk", flat=True)
    )
