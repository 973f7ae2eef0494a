"""Import jobs in one process: the sealed upload, check → write, the report, the claim and
the sweep, who may follow a job, the API's 202 and status, the progress page."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.models import RoleGrant
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number, phone
from mianshi.compliance.models import AuditEvent
from mianshi.events.models import Event
from mianshi.integrations.connectors.files import jobs
from mianshi.integrations.connectors.files.imports import ImportSpec
from mianshi.integrations.connectors.files.kinds import candidate_rows
from mianshi.integrations.connectors.files.models import ImportJob, ImportStatus
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes
from mianshi.organisations.scoping import forget_scopes

SPEC = ImportSpec(kind="candidate", fmt="csv")


def _people(n: int) -> list[list[str]]:
    """n rows with distinct ID numbers: a new birth date every 500 rows (the factories'
    serial has 3 digits and each row takes two of it)."""
    return [["name", "id_number", "phone"]] + [
        [f"人{i}", id_number(birth=f"1990{1 + i // 14000:02d}{1 + i // 500 % 28:02d}"), phone()]
        for i in range(n)
    ]


def _queue(user: Any, unit: Any, rows: list[list[str]]) -> ImportJob:
    return jobs.import_job_create(actor=user, spec=SPEC, upload=csv_bytes(rows), unit=unit)


def _job(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def test_a_job_checks_and_writes_every_row_then_deletes_its_upload(
    org: Any, files_world: Any
) -> None:
    rows = _people(7)
    job = _queue(files_world.hr_sh, org.sh, rows)
    stored = default_storage.open(job.file_name, "rb").read()
    assert rows[1][2].encode() not in stored and rows[1][1].encode() not in stored  # sealed
    assert job.status == ImportStatus.QUEUED and Candidate.objects.count() == 0

    assert jobs.import_job_run(job_id=job.pk) == "done"

    done = _job(job.pk)
    assert (done.status, done.rows, done.created, done.progress) == ("done", 7, 7, 7)
    assert done.finished_at is not None and done.claimed_at is None
    assert Candidate.objects.filter(org_unit=org.sh, created_by=files_world.hr_sh).count() == 7
    assert Event.objects.filter(type="candidate.created").count() == 7
    assert AuditEvent.objects.filter(action="candidate.import").count() == 1
    assert done.file_name == "" and not default_storage.exists(job.file_name)


def test_a_refused_file_keeps_its_report_and_writes_nothing(org: Any, files_world: Any) -> None:
    rows = _people(5)
    rows[3][1] = "110105199003071234"  # wrong checksum
    rows[5][2] = "12"
    job = _queue(files_world.hr_sh, org.sh, rows)

    assert jobs.import_job_run(job_id=job.pk) == "refused"

    refused = _job(job.pk)
    assert refused.status == ImportStatus.REFUSED and refused.error_count == 2
    problems = [(p["row"], p["field"]) for p in refused.report["problems"]]
    assert problems == [(4, "id_number"), (6, "phone")]  # file lines: the header is line 1
    assert "110105199003071234" not in json.dumps(refused.report)  # messages, never values
    assert Candidate.objects.count() == 0 and not Event.objects.exists()
    assert not default_storage.exists(job.file_name)


def test_a_crash_mid_write_loses_nothing_and_the_rerun_finishes(
    org: Any, files_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(1200))  # three write batches
    calls = {"n": 0}
    real_emit = candidate_rows.event_emit_many

    def emit_then_crash(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch's: the first batch is already inserted
            raise RuntimeError("the worker's machine lost power")
        return real_emit(**kwargs)

    monkeypatch.setattr(candidate_rows, "event_emit_many", emit_then_crash)
    with pytest.raises(RuntimeError):
        jobs.import_job_run(job_id=job.pk)
    crashed = _job(job.pk)
    assert crashed.status == ImportStatus.QUEUED and crashed.claims == 1  # claim given back
    assert Candidate.objects.count() == 0 and not Event.objects.exists()
    assert not AuditEvent.objects.filter(action="candidate.import").exists()
    assert default_storage.exists(job.file_name)  # the upload is still there

    monkeypatch.setattr(candidate_rows, "event_emit_many", real_emit)
    assert jobs.import_job_run(job_id=job.pk) == "done"
    assert Candidate.objects.count() == 1200 and _job(job.pk).claims == 2


def test_a_second_run_of_a_claimed_or_ended_job_does_nothing(org: Any, files_world: Any) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(2))
    assert jobs.import_job_run(job_id=job.pk) == "done"
    assert jobs.import_job_run(job_id=job.pk) == "not_claimed"
    assert Candidate.objects.count() == 2


def test_a_worker_that_lost_its_claim_rolls_its_write_back(
    org: Any, files_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(3))
    real_write = jobs.file_import_write

    def swept_meanwhile(**kwargs: Any) -> Any:
        # The sweep thought this worker dead and gave its claim back (committed elsewhere).
        ImportJob.objects.filter(pk=job.pk).update(status="queued", claimed_at=None)
        return real_write(**kwargs)

    monkeypatch.setattr(jobs, "file_import_write", swept_meanwhile)
    assert jobs.import_job_run(job_id=job.pk) == "lost_claim"
    assert Candidate.objects.count() == 0 and _job(job.pk).status == ImportStatus.QUEUED


def test_the_sweep_gives_stale_claims_back_then_gives_up(org: Any, files_world: Any) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(2))
    long_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(status="writing", claimed_at=long_ago, claims=1)
    assert jobs.import_jobs_sweep()["given_back"] == 1
    assert _job(job.pk).status == ImportStatus.QUEUED
    ImportJob.objects.filter(pk=job.pk).update(
        status="checking", claimed_at=long_ago, claims=jobs.MAX_CLAIMS
    )
    assert jobs.import_jobs_sweep()["given_up"] == 1
    failed = _job(job.pk)
    assert failed.status == ImportStatus.FAILED and failed.report["problems"][0]["row"] == 0
    assert failed.file_name == "" and not default_storage.exists(job.file_name)


def test_a_job_that_keeps_crashing_is_given_up(
    org: Any, files_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(2))

    def unreadable(name: str, token: str) -> Any:
        raise OSError("the storage is unreachable")

    monkeypatch.setattr(jobs, "upload_open", unreadable)
    for _attempt in range(jobs.MAX_CLAIMS):
        assert _job(job.pk).status == ImportStatus.QUEUED
        with pytest.raises(OSError):
            jobs.import_job_run(job_id=job.pk)
    failed = _job(job.pk)
    assert failed.status == ImportStatus.FAILED and failed.error_count == 1
    assert jobs.import_job_run(job_id=job.pk) == "not_claimed"


def test_who_may_not_import_stores_nothing(
    org: Any, files_world: Any, make_user: Any, settings: Any
) -> None:
    nobody = make_user("nobody")
    with pytest.raises(PermissionDenied):
        _queue(nobody, None, _people(1))
    with pytest.raises(PermissionDenied):
        _queue(files_world.hr_sz, org.sh, _people(1))
    assert not ImportJob.objects.exists()
    uploads = Path(settings.MEDIA_ROOT) / "imports"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_rights_revoked_before_the_worker_runs_fail_the_job(
    org: Any, files_world: Any, make_user: Any
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(2))
    RoleGrant.objects.filter(user=files_world.hr_sh).delete()
    forget_scopes(files_world.hr_sh)
    assert jobs.import_job_run(job_id=job.pk) == "failed"
    assert Candidate.objects.count() == 0 and _job(job.pk).error_count == 1


# --- the page ------------------------------------------------------------------------------


def test_the_progress_page_polls_until_the_job_ends(
    org: Any, files_world: Any, make_user: Any, login: Any
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(2))
    url = reverse("integrations:files_import_job", args=[job.pk])
    client = login(files_world.hr_sh)
    waiting = client.get(url)
    assert waiting.status_code == 200 and b'hx-trigger="every 1s"' in waiting.content
    jobs.import_job_run(job_id=job.pk)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b'data-status="done"' in partial.content
    assert b"hx-trigger" not in partial.content
    # A colleague managing 上海 follows it too; 深圳 sees nothing of it.
    colleague = make_user("hr_sh2", Role.HR, org.sh)
    assert login(colleague).get(url).status_code == 200
    assert login(files_world.hr_sz).get(url).status_code == 404


def test_the_report_downloads_as_csv(org: Any, files_world: Any, login: Any) -> None:
    rows = _people(3)
    rows[2][2] = "12"
    job = _queue(files_world.hr_sh, org.sh, rows)
    jobs.import_job_run(job_id=job.pk)
    url = reverse("integrations:files_import_job_report", args=[job.pk])
    answer = login(files_world.hr_sh).get(url)
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "row,field,message,level"
    assert body.splitlines()[1].startswith("3,phone,")
    assert login(files_world.hr_sz).get(url).status_code == 404


# --- the API -------------------------------------------------------------------------------


def _upload(rows: list[list[str]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", csv_bytes(rows).getvalue(), content_type="text/csv")


def test_the_api_answers_202_then_the_status(org: Any, files_world: Any, api_for: Any) -> None:
    api = api_for(files_world.hr_sh, ["candidates:write"])
    data = {"kind": "candidate", "unit_id": org.sh.pk, "file": _upload(_people(4))}
    answer = api.client.post("/api/integrations/files/import", data)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "queued" and body["report"] is None and body["unit_id"] == org.sh.pk
    assert body["links"]["page"] == reverse("integrations:files_import_job", args=[body["id"]])
    jobs.import_job_run(job_id=body["id"])
    status = api.get(f"/integrations/files/imports/{body['id']}")
    assert status.status_code == 200
    assert status.json()["status"] == "done" and status.json()["created"] == 4
    assert status.json()["report"]["committed"] is True
    other = api_for(files_world.hr_sz, ["candidates:write"])
    assert other.get(f"/integrations/files/imports/{body['id']}").status_code == 404
    reader = api_for(files_world.hr_sh, ["candidates:read"])
    assert reader.get(f"/integrations/files/imports/{body['id']}").status_code == 403


def test_an_idempotency_key_replays_the_same_job(org: Any, files_world: Any, api_for: Any) -> None:
    api = api_for(files_world.hr_sh, ["candidates:write"])
    content = csv_bytes(_people(2)).getvalue()

    def post() -> Any:
        upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")
        return api.client.post(
            "/api/integrations/files/import",
            {"kind": "candidate", "unit_id": org.sh.pk, "file": upload},
            HTTP_IDEMPOTENCY_KEY="import-7f3a",
        )

    first, second = post(), post()
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


def test_a_malformed_template_makes_no_job(org: Any, files_world: Any, api_for: Any) -> None:
    api = api_for(files_world.hr_sh, ["candidates:write"])
    template = json.dumps({"version": 1, "kind": "candidate", "fields": {"nme": {"path": "$.n"}}})
    data = {"kind": "candidate", "unit_id": org.sh.pk, "template": template}
    answer = api.client.post(
        "/api/integrations/files/import", {**data, "file": _upload(_people(1))}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "template_refused"
    assert not ImportJob.objects.exists()


def test_the_template_is_a_snapshot(org: Any, files_world: Any) -> None:
    template = json.dumps(
        {"version": 1, "kind": "candidate",
         "fields": {"name": {"path": "$['姓名']", "required": True},
                    "phone": {"path": "$['手机']"}}}
    )  # fmt: skip
    spec = ImportSpec(kind="candidate", fmt="csv", template=template)
    source = io.BytesIO(csv_bytes([["姓名", "手机"], ["韩梅梅", phone()]]).getvalue())
    job = jobs.import_job_create(actor=files_world.hr_sh, spec=spec, upload=source, unit=org.sh)
    snapshot = _job(job.pk).template
    assert snapshot is not None and snapshot["fields"]["name"]["path"] == "$['姓名']"
    assert jobs.import_job_run(job_id=job.pk) == "done"
    assert Candidate.objects.get().name == "韩梅梅"


def test_key_rotation_reseals_a_waiting_upload(org: Any, files_world: Any, settings: Any) -> None:
    from mianshi.integrations.connectors.files.sealed_kind import IMPORT_UPLOADS
    from mianshi.integrations.connectors.files.stored import upload_key_id

    job = _queue(files_world.hr_sh, org.sh, _people(2))
    old = settings.ENCRYPTION_KEYS[0]
    settings.ENCRYPTION_KEYS = ["r2:" + base64.b64encode(b"r" * 32).decode(), old]
    assert IMPORT_UPLOADS.remaining() == 1
    assert IMPORT_UPLOADS.rotate(100) == 1 and IMPORT_UPLOADS.remaining() == 0
    resealed = _job(job.pk)
    assert upload_key_id(resealed.file_name) == "r2" and not default_storage.exists(job.file_name)
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key is gone
    assert jobs.import_job_run(job_id=job.pk) == "done"
    assert Candidate.objects.count() == 2


def test_the_import_page_lists_the_recent_jobs_one_may_follow(
    org: Any, files_world: Any, login: Any
) -> None:
    job = _queue(files_world.hr_sh, org.sh, _people(1))
    marker = f'data-import-job="{job.pk}"'.encode()
    assert marker in login(files_world.hr_sh).get(reverse("integrations:files_import")).content
    assert marker not in login(files_world.hr_sz).get(reverse("integrations:files_import")).content
