"""Employees and post-hire records through files: the employees app's services and scope."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from mianshi.employees.models import Employee, PerformanceScale, PostHireRecord
from mianshi.employees.services.scales import DEFAULT_GRADES
from mianshi.events.models import Event
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions, read_records
from mianshi.integrations.connectors.files.exports import file_export
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_run
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes, xlsx_bytes

HEADER = ["employee_number", "kind", "period", "value", "training_name", "record_id"]


@pytest.fixture
def staff(org: Any, files_world: Any) -> dict[str, Employee]:
    """Employees as the hire leaves them (the hire flow itself is the employees app's test)."""
    PerformanceScale.objects.create(org_unit=org.hq, name="绩效", grades=DEFAULT_GRADES)
    make = Employee.objects.create
    today = dt.date(2026, 3, 1)
    return {
        "sh": make(org_unit=org.sh_sales, employee_number="E001", position="销售", hire_date=today),
        "sz": make(org_unit=org.sz_sales, employee_number="E002", position="销售", hire_date=today),
    }


def test_post_hire_records_from_excel_reach_the_employee(
    org: Any, files_world: Any, staff: dict[str, Employee]
) -> None:
    rows = [HEADER, ["E001", "performance", "2026H1", "A", "", "p-1"]]
    rows.append(["E001", "training", "2026H1", "", "销售技巧", "t-1"])
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="post_hire", fmt="xlsx"),
        source=xlsx_bytes(rows),
    )
    assert report.committed and report.created == 2, report.problems
    rating = PostHireRecord.objects.get(kind="performance")
    assert rating.employee == staff["sh"] and rating.score == 0.75 and rating.source == "excel"
    assert Event.objects.filter(type="post_hire.recorded").count() == 2
    # The same file again: each record id is known, so nothing is recorded twice.
    again = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="post_hire", fmt="xlsx"),
        source=xlsx_bytes(rows),
    )
    assert again.committed and again.created == 0 and again.warning_count == 2
    assert PostHireRecord.objects.count() == 2


def test_a_bad_post_hire_row_or_another_branch_imports_nothing(
    org: Any, files_world: Any, staff: dict[str, Employee]
) -> None:
    rows = [HEADER, ["E001", "performance", "2026H1", "A", "", "p-1"]]
    rows.append(["E001", "training", "2026H1", "", "", "t-1"])  # a training needs its name
    rows.append(["E002", "performance", "2026H1", "B", "", "p-2"])  # 深圳's employee
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="post_hire", fmt="csv"),
        source=csv_bytes(rows),
    )
    assert [(p.row, p.field) for p in report.errors] == [
        (3, "training_name"),
        (4, "employee_number"),
    ]
    assert PostHireRecord.objects.count() == 0


def test_employee_changes_through_a_file(
    org: Any, files_world: Any, staff: dict[str, Employee]
) -> None:
    rows = [["employee_number", "position", "status"], ["E001", "销售主管", "active"]]
    report = file_import_run(
        actor=files_world.hr_sh, spec=ImportSpec(kind="employee", fmt="csv"), source=csv_bytes(rows)
    )
    assert report.committed
    staff["sh"].refresh_from_db()
    assert (staff["sh"].position, staff["sh"].status) == ("销售主管", "active")
    bad = [rows[0], ["E001", "", "retired"]]
    report = file_import_run(
        actor=files_world.hr_sh, spec=ImportSpec(kind="employee", fmt="csv"), source=csv_bytes(bad)
    )
    assert [(p.row, p.field) for p in report.errors] == [(2, "status")]


def test_employee_exports_are_scoped(
    org: Any, files_world: Any, staff: dict[str, Employee]
) -> None:
    PostHireRecord.objects.create(
        employee=staff["sz"], org_unit=org.sz_sales, kind="performance", raw_value="B",
        score=0.5, period="2026H1", source="api",
    )  # fmt: skip
    export = file_export(actor=files_world.hr_sh, kind="employee", fmt="xml")
    body = io.BytesIO("".join(export.chunks or []).encode())
    rows = [r.data for r in read_records("xml", body, ReadOptions(record="employee"))]
    assert [r["employee_number"] for r in rows] == ["E001"]
    export = file_export(actor=files_world.hr_sz, kind="post_hire", fmt="csv")
    rows = [r.data for r in read_records("csv", io.BytesIO("".join(export.chunks or []).encode()))]
    assert [(r["employee_number"], r["score"]) for r in rows] == [("E002", "0.5")]
    export = file_export(actor=files_world.hr_sh, kind="post_hire", fmt="csv")
    assert list(read_records("csv", io.BytesIO("".join(export.chunks or []).encode()))) == []
