"""The files API: multipart import with a dry run, streamed exports, scopes and scoping."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number, make_candidate, phone
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.adapters.files.readers import read_records
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes

URL = "/api/integrations/files"
SCOPES = ["candidates:read", "candidates:write"]


def _csv(rows: list[list[str]], name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows).getvalue(), content_type="text/csv")


def _people(n: int) -> list[list[str]]:
    return [["name", "id_number", "phone"]] + [[f"人{i}", id_number(), phone()] for i in range(n)]


def _post(api: Any, **data: Any) -> Any:
    return api.client.post(f"{URL}/import", data)


def test_a_dry_run_then_the_import(
    org: Any, files_world: Any, api_for: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(files_world.hr_sh, SCOPES)
    rows = _people(3)
    answer = _post(api, kind="candidate", unit_id=org.sh.pk, dry_run="true", file=_csv(rows))
    assert answer.status_code == 200, answer.content
    assert answer.json()["rows"] == 3 and answer.json()["committed"] is False
    assert Candidate.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post(api, kind="candidate", unit_id=org.sh.pk, file=_csv(rows))
    assert answer.status_code == 202
    status = api.get(answer.json()["links"]["self"].removeprefix("/api")).json()
    assert status["status"] == "done" and status["report"]["created"] == 3
    assert Candidate.objects.count() == 3


def test_a_bad_row_refuses_the_job_with_the_report_and_writes_nothing(
    org: Any, files_world: Any, api_for: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(files_world.hr_sh, SCOPES)
    rows = _people(10)
    rows[6][2] = "12345"
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post(api, kind="candidate", unit_id=org.sh.pk, file=_csv(rows))
    assert answer.status_code == 202
    body = api.get(f"/integrations/files/imports/{answer.json()['id']}").json()
    assert body["status"] == "refused"
    assert body["report"]["error_count"] == 1 and body["report"]["committed"] is False
    assert [(p["row"], p["field"]) for p in body["report"]["problems"]] == [(7, "phone")]
    assert Candidate.objects.count() == 0


def test_a_malformed_template_answers_422(org: Any, files_world: Any, api_for: Any) -> None:
    api = api_for(files_world.hr_sh, SCOPES)
    template = json.dumps({"version": 2, "kind": "candidate", "fields": {"name": {"pth": "$.n"}}})
    answer = _post(
        api, kind="candidate", unit_id=org.sh.pk, template=template, file=_csv(_people(1))
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "template_refused"
    assert {p["field"] for p in answer.json()["problems"]} >= {"version", "name"}
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "candidate", "file": "wrong.xls"}, 422),
        ({"kind": "candidate", "file": "empty.csv"}, 422),
        ({"kind": "spaceship", "file": "people.csv"}, 404),
    ],
)
def test_bad_uploads_are_refused_clearly(
    org: Any, files_world: Any, api_for: Any, data: dict[str, Any], status: int
) -> None:
    api = api_for(files_world.hr_sh, SCOPES)
    name = data.pop("file")
    content = b"" if name == "empty.csv" else csv_bytes(_people(1)).getvalue()
    answer = _post(api, unit_id=org.sh.pk, file=SimpleUploadedFile(name, content), **data)
    assert answer.status_code == status


def test_scopes_and_another_branch(org: Any, files_world: Any, api_for: Any) -> None:
    reader = api_for(files_world.hr_sh, ["candidates:read"])
    assert (
        _post(reader, kind="candidate", unit_id=org.sh.pk, file=_csv(_people(1))).status_code == 403
    )
    other = api_for(files_world.hr_sz, SCOPES)
    assert (
        _post(other, kind="candidate", unit_id=org.sh.pk, file=_csv(_people(1))).status_code == 404
    )
    assert (
        other.get("/integrations/files/export", kind="candidate", unit_id=org.sh.pk).status_code
        == 404
    )
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xml"])
def test_an_export_downloads_scoped_and_masked(
    org: Any, files_world: Any, api_for: Any, fmt: str
) -> None:
    mine = make_candidate(files_world.hr_sh, org.sh, "张三", id_number=id_number())
    make_candidate(files_world.hr_sz, org.sz, "王五")
    api = api_for(files_world.hr_sh, ["candidates:read"])
    answer = api.get("/integrations/files/export", kind="candidate", format=fmt)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    body = b"".join(answer.streaming_content)
    from mianshi.integrations.connectors.adapters.files.readers import ReadOptions

    rows = [r.data for r in read_records(fmt, io.BytesIO(body), ReadOptions(record="candidate"))]
    assert [(r["name"], r["id_number"]) for r in rows] == [("张三", mine.id_number)]
    assert (
        AuditEvent.objects.filter(action="candidate.export", actor=files_world.hr_sh).count() == 1
    )


def test_the_built_in_templates_are_published(files_world: Any, api_for: Any) -> None:
    answer = api_for(files_world.hr_sh, SCOPES).get("/integrations/files/templates/candidate")
    assert answer.status_code == 200
    assert answer.json()["import"]["fields"]["name"]["required"] is True
