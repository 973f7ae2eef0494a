"""The import/export page: check through htmx, import all or nothing, download, who may."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number, make_candidate, phone
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes

PAGE = "integrations:files_import"


def _upload(rows: list[list[str]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", csv_bytes(rows).getvalue(), content_type="text/csv")


def _people(n: int) -> list[list[str]]:
    return [["name", "id_number", "phone"]] + [[f"人{i}", id_number(), phone()] for i in range(n)]


def test_the_page_shows_import_and_export(files_world: Any, login: Any) -> None:
    page = login(files_world.hr_sh).get(reverse(PAGE))
    assert page.status_code == 200
    assert b"data-files-import" in page.content and b"data-files-export" in page.content
    assert b"data-built-in-layout" in page.content


def test_a_check_through_htmx_lists_the_bad_row_and_saves_nothing(
    org: Any, files_world: Any, login: Any
) -> None:
    rows = _people(6)
    rows[4][1] = "123"
    data = {"kind": "candidate", "unit": org.sh.pk, "action": "check", "file": _upload(rows)}
    answer = login(files_world.hr_sh).post(reverse(PAGE), data, HTTP_HX_REQUEST="true")
    assert answer.status_code == 422
    assert b"<html" not in answer.content  # the partial only: the chosen file stays selected
    assert b'data-row="5" data-level="error"' in answer.content
    assert Candidate.objects.count() == 0


def test_an_import_writes_every_row_and_redirects(
    org: Any, files_world: Any, login: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    data = {"kind": "candidate", "unit": org.sh.pk, "action": "import", "file": _upload(_people(4))}
    client = login(files_world.hr_sh)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse(PAGE), data)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse(PAGE) + "imports/")
    assert Candidate.objects.filter(org_unit=org.sh).count() == 4
    page = client.get(answer["Location"])
    assert b'data-status="done"' in page.content and b"data-import-done" in page.content


def test_an_import_with_a_bad_row_writes_nothing(
    org: Any, files_world: Any, login: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    rows = _people(4)
    rows[2][2] = "not a phone"
    data = {"kind": "candidate", "unit": org.sh.pk, "action": "import", "file": _upload(rows)}
    client = login(files_world.hr_sh)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse(PAGE), data)
    page = client.get(answer["Location"])
    assert b'data-status="refused"' in page.content
    assert b'data-row="3"' in page.content
    assert Candidate.objects.count() == 0


def test_a_malformed_template_is_shown_beside_the_form(
    org: Any, files_world: Any, login: Any
) -> None:
    data = {
        "kind": "candidate", "unit": org.sh.pk, "action": "import", "file": _upload(_people(1)),
        "template": '{"version": 1, "kind": "candidate", "fields": {"name": {"path": "nope"}}}',
    }  # fmt: skip
    answer = login(files_world.hr_sh).post(reverse(PAGE), data)
    assert answer.status_code == 200
    assert b"errorlist" in answer.content
    assert Candidate.objects.count() == 0


def test_another_branch_cannot_pick_this_unit(org: Any, files_world: Any, login: Any) -> None:
    data = {"kind": "candidate", "unit": org.sh.pk, "action": "import", "file": _upload(_people(1))}
    answer = login(files_world.hr_sz).post(reverse(PAGE), data)
    assert answer.status_code == 200 and b"errorlist" in answer.content
    assert Candidate.objects.count() == 0


def test_someone_without_candidate_rights_is_refused(
    files_world: Any, make_user: Any, login: Any
) -> None:
    nobody = make_user("nobody")
    assert login(nobody).get(reverse(PAGE)).status_code == 403


def test_the_export_button_downloads_an_audited_file(
    org: Any, files_world: Any, login: Any
) -> None:
    make_candidate(files_world.hr_sh, org.sh, "张三")
    make_candidate(files_world.hr_sz, org.sz, "王五")
    answer = login(files_world.hr_sh).get(
        reverse("integrations:files_export"), {"kind": "candidate", "format": "csv"}
    )
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "张三" in body and "王五" not in body
    assert AuditEvent.objects.filter(action="candidate.export").count() == 1
