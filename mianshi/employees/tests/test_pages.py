"""The archive pages: the list, the employee's page with the baseline and the timeline,
the audited report download, a record by hand, the Excel upload; another branch 404."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.employees.models import PerformanceScale, PostHireRecord
from mianshi.employees.services.scales import DEFAULT_GRADES
from mianshi.employees.tests.test_excel import workbook
from mianshi.employees.tests.world import hire
from mianshi.reviews.tests.factories import ReviewWorld


def test_the_employee_page_shows_the_baseline_and_timeline(world: ReviewWorld, login: Any) -> None:
    employee = hire(world, scores={"communication": 8.0})
    hr = login(world.hr)
    listed = hr.get("/employees/")
    assert listed.status_code == 200 and f'data-employee="{employee.pk}"'.encode() in listed.content
    page = hr.get(f"/employees/{employee.pk}/")
    assert page.status_code == 200
    assert page.content.count(b"data-dimension=") == 3 and b"data-growth" in page.content
    assert b'data-entry="hire"' in page.content and b"data-record-form" in page.content
    report = hr.get(f"/employees/{employee.pk}/report.pdf")
    assert report.status_code == 200 and b"".join(report).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="employee.baseline_report_download").exists()
    assert AuditEvent.objects.filter(action="employee.view", actor=world.hr).exists()


def test_a_record_by_hand_and_its_refusal(world: ReviewWorld, login: Any) -> None:
    employee = hire(world)
    hr = login(world.hr)
    url = f"/employees/{employee.pk}/records/"
    assert hr.post(url, {"kind": "training"}).status_code == 400  # no training name
    assert not PostHireRecord.objects.exists()
    done = hr.post(url, {"kind": "training", "training_name": "入职培训", "training_hours": "8"})
    assert done.status_code == 302
    assert PostHireRecord.objects.get().source == "ui"
    assert b'data-entry="training"' in hr.get(f"/employees/{employee.pk}/").content
    viewer = login(world.manager)
    assert b"data-record-form" not in viewer.get(f"/employees/{employee.pk}/").content
    assert viewer.post(url, {"kind": "training", "training_name": "x"}).status_code == 403


def test_the_excel_upload_page(world: ReviewWorld, login: Any) -> None:
    PerformanceScale.objects.create(org_unit=world.org.sh, name="绩效", grades=DEFAULT_GRADES)
    hire(world)
    hr = login(world.hr)
    assert hr.get("/employees/import/").status_code == 200
    bad = workbook([["E0001", "performance", "2027-H1", "2027-06-30", "Z", None, "r1"]])
    answer = hr.post("/employees/import/", {"file": bad})
    assert answer.status_code == 400 and b'data-row="2"' in answer.content
    good = workbook([["E0001", "performance", "2027-H1", "2027-06-30", "A", None, "r1"]])
    answer = hr.post("/employees/import/", {"file": good})
    assert answer.status_code == 200 and b"data-import-done" in answer.content
    junk = hr.post("/employees/import/", {"file": SimpleUploadedFile("a.xlsx", b"junk")})
    assert junk.status_code == 400
    assert login(world.manager).get("/employees/import/").status_code == 403


def test_another_branch_gets_404(world: ReviewWorld, login: Any, make_user: Any) -> None:
    employee = hire(world)
    stranger = login(make_user("sz_hr", Role.HR, world.org.sz))
    for path in ("", "report.pdf"):
        assert stranger.get(f"/employees/{employee.pk}/{path}").status_code == 404
    body = {"kind": "training", "training_name": "x"}
    assert stranger.post(f"/employees/{employee.pk}/records/", body).status_code == 404
    assert f'data-employee="{employee.pk}"'.encode() not in stranger.get("/employees/").content


def test_the_settings_page_saves_a_scale_and_shows_a_new_secret_once(
    world: ReviewWorld, login: Any
) -> None:
    hr = login(world.hr)
    assert hr.get("/employees/settings/").status_code == 200
    scale = {
        "form": "scale",
        "unit": world.org.sh.pk,
        "name": "绩效",
        "grades": '{"S": 1, "A": 0.7}',
    }
    assert hr.post("/employees/settings/", scale).status_code == 200
    assert PerformanceScale.objects.get(org_unit=world.org.sh).grades == {"S": 1.0, "A": 0.7}
    for bad in ('{"S": 2}', "not json", "{}"):
        answer = hr.post("/employees/settings/", {**scale, "grades": bad})
        assert answer.status_code == 400
    other = hr.post("/employees/settings/", {**scale, "unit": world.org.sz.pk})
    assert other.status_code == 400  # not a unit the reader manages
    created = hr.post(
        "/employees/settings/", {"form": "source", "unit": world.org.sh.pk, "name": "beisen"}
    )
    assert created.status_code == 200 and b"whsec_" in created.content
    assert b"whsec_" not in hr.get("/employees/settings/").content
    again = hr.post(
        "/employees/settings/", {"form": "source", "unit": world.org.sh.pk, "name": "beisen"}
    )
    assert again.status_code == 400
    assert login(world.manager).get("/employees/settings/").status_code == 403


def test_the_pages_render_in_chinese(world: ReviewWorld, login: Any, settings: Any) -> None:
    employee = hire(world)
    settings.LANGUAGE_CODE = "zh-hans"
    hr = login(world.hr)
    hr.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    offer = f"/reviews/applications/{employee.application_id}/offer/"
    pages = ["/employees/", f"/employees/{employee.pk}/", "/employees/import/", offer]
    for path in [*pages, "/employees/settings/", "/reviews/offers/"]:
        page = hr.get(path)
        assert page.status_code == 200 and b'lang="zh-hans"' in page.content.lower(), path
