"""Post-hire data from Excel (F-93): all or nothing — one bad row and nothing is imported,
each bad row listed with its column; a good workbook lands on the timeline."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mianshi.employees.models import PerformanceScale, PostHireRecord
from mianshi.employees.services.scales import DEFAULT_GRADES
from mianshi.employees.tests.world import hire
from mianshi.events.models import Event
from mianshi.reviews.tests.factories import ReviewWorld

SCOPES = ["employees:read", "employees:write"]
HEADER = ["employee_number", "kind", "period", "date", "value", "training_name", "record_id"]


def workbook(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("绩效.xlsx", buffer.getvalue())


def _upload(api: Any, file: SimpleUploadedFile) -> Any:
    return api.client.post("/api/employees/post-hire/import", {"file": file})


def test_one_bad_row_imports_nothing_and_lists_the_row(world: ReviewWorld, api_for: Any) -> None:
    PerformanceScale.objects.create(org_unit=world.org.sh, name="绩效", grades=DEFAULT_GRADES)
    employee = hire(world)
    events = Event.objects.count()
    rows: list[list[Any]] = [
        ["E0001", "performance", "2027-H1", "2027-06-30", "A", None, "r1"],
        ["E0001", "performance", "2027-H2", "2027-12-31", "Z", None, "r2"],  # off the scale
        ["E9999", "training", None, "2027-03-01", None, "销售技巧", "r3"],  # nobody
        [None, None, None, None, None, None, None],  # blank lines are skipped
        ["E0001", "training", None, "2027-03-01", None, None, "r4"],  # no training name
    ]
    answer = _upload(api_for(world.hr, SCOPES), workbook(rows))
    assert answer.status_code == 422
    report = answer.json()
    assert report["rows"] == 4 and report["created"] == 0
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "value"), (4, "employee_number"), (6, "training_name"),
    ]  # fmt: skip
    assert not PostHireRecord.objects.exists() and Event.objects.count() == events
    assert employee.records.count() == 0


def test_a_good_workbook_is_imported_and_shown_on_the_timeline(
    world: ReviewWorld, api_for: Any
) -> None:
    PerformanceScale.objects.create(org_unit=world.org.sh, name="绩效", grades=DEFAULT_GRADES)
    employee = hire(world)
    api = api_for(world.hr, SCOPES)
    rows = [
        ["E0001", "performance", "2027-H1", "2027-06-30", "S", None, "r1"],
        ["E0001", "training", None, "2027-03-01", None, "销售技巧", "r2"],
    ]
    answer = _upload(api, workbook(rows))
    assert answer.status_code == 200 and answer.json()["created"] == 2
    again = _upload(api, workbook(rows))  # the same records re-sent: found, not duplicated
    assert again.json()["created"] == 0 and again.json()["duplicates"] == 2
    assert PostHireRecord.objects.filter(source="excel").count() == 2
    kinds = [e["kind"] for e in api.get(f"/employees/{employee.pk}/timeline").json()]
    assert kinds[:2] == ["performance", "training"]


def test_not_a_workbook_or_no_header_is_422(world: ReviewWorld, api_for: Any) -> None:
    api = api_for(world.hr, SCOPES)
    assert _upload(api, SimpleUploadedFile("x.xlsx", b"not excel")).status_code == 422
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["foo", "bar"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = _upload(api, SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert answer.status_code == 422


def test_rows_of_another_branch_are_unknown(
    world: ReviewWorld, api_for: Any, make_user: Any
) -> None:
    from mianshi.accounts.roles import Role

    hire(world)
    stranger = api_for(make_user("sz_hr", Role.HR, world.org.sz), SCOPES)
    rows = [["E0001", "training", None, "2027-03-01", None, "销售技巧", "r1"]]
    answer = _upload(stranger, workbook(rows))
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "employee_number"
    assert not PostHireRecord.objects.exists()
