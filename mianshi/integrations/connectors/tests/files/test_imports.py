"""File imports: all or nothing, a per-row report, the services' rules, three formats."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.tests.factories import id_number, make_candidate, phone
from mianshi.compliance.models import AuditEvent
from mianshi.events.models import Event
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions
from mianshi.integrations.connectors.files.imports import (
    ImportSpec,
    file_import_check,
    file_import_run,
)
from mianshi.integrations.connectors.files.templates import TemplateRefused
from mianshi.integrations.connectors.tests.files.conftest import (
    csv_bytes,
    xlsx_bytes,
    xml_bytes,
)

HEADER = ["name", "id_number", "phone", "email", "gender", "birth_date", "tags"]


def _rows(n: int) -> list[list[str]]:
    return [HEADER] + [
        [f"候选人{i}", id_number(), phone(), f"c{i}@example.com", "女", "1995-03-07", "校招,潜力"]
        for i in range(n)
    ]


def _file(fmt: str, rows: list[list[str]]) -> io.BytesIO:
    return {"csv": csv_bytes, "xlsx": xlsx_bytes, "xml": xml_bytes}[fmt](rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xml"])
def test_candidates_import_from_each_format(org: Any, files_world: Any, fmt: str) -> None:
    rows = _rows(3)
    spec = ImportSpec(kind="candidate", fmt=fmt)
    report = file_import_run(
        actor=files_world.hr_sh, spec=spec, source=_file(fmt, rows), unit=org.sh_sales
    )
    assert report.committed and report.created == 3 and report.problems == []
    stored = Candidate.objects.get(name="候选人1")
    assert stored.org_unit == org.sh_sales
    assert stored.id_number == rows[2][1] and stored.phone == rows[2][2]
    assert stored.gender == "female" and str(stored.birth_date) == "1995-03-07"
    assert sorted(t.name for t in stored.tags.all()) == ["校招", "潜力"]
    assert stored.source == "import"
    # One outbox event per candidate; one audit event for the import, naming the ids.
    assert not AuditEvent.objects.filter(action="candidate.create").exists()
    ids = sorted(Candidate.objects.values_list("pk", flat=True))
    events = Event.objects.filter(type="candidate.created")
    assert sorted(e.data["candidate_id"] for e in events) == ids
    done = AuditEvent.objects.get(action="candidate.import")
    assert done.detail == {
        "rows": 3, "created": 3, "format": fmt, "candidate_id_runs": [ids[0], ids[-1]]
    }  # fmt: skip


def test_one_bad_row_among_many_writes_nothing_and_is_reported(org: Any, files_world: Any) -> None:
    rows = _rows(40)
    rows[17][1] = "110105199003071234"  # wrong checksum
    rows[30][3] = "not-an-email"
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sh,
    )
    assert not report.committed and report.created == 0
    assert [(p.row, p.field) for p in report.errors] == [(18, "id_number"), (31, "email")]
    assert Candidate.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=["candidate.create", "candidate.import"])
    assert not Event.objects.exists()


def test_the_dry_run_reports_and_writes_nothing(org: Any, files_world: Any) -> None:
    report = file_import_check(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(_rows(5)),
        unit=org.sh,
    )
    assert report.ok and report.rows == 5 and report.created == 0
    assert Candidate.objects.count() == 0


def test_a_gbk_csv_from_chinese_excel_with_its_own_headers(org: Any, files_world: Any) -> None:
    template = {
        "version": 1,
        "kind": "candidate",
        "fields": {
            "name": {"path": "$['姓名']", "required": True},
            "phone": {"path": "$['手机号']"},
            "gender": {"path": "$['性别']", "transform": "map:g"},
        },
        "maps": {"g": {"男": "male", "女": "female"}},
    }
    rows = [["姓名", "手机号", "性别"], ["王小明", phone(), "男"], ["李华", phone(), "女"]]
    source = csv_bytes(rows, encoding="gbk")
    spec = ImportSpec(kind="candidate", fmt="csv", template=template)
    report = file_import_run(actor=files_world.hr_sh, spec=spec, source=source, unit=org.sh)
    assert report.committed and report.created == 2
    assert Candidate.objects.get(name="王小明").gender == "male"


def test_duplicates_in_the_file_and_on_record_are_reported(org: Any, files_world: Any) -> None:
    known = make_candidate(files_world.hr_sh, org.sh, id_number=id_number())
    rows = _rows(4)
    rows[3][1] = rows[1][1]  # the same ID number twice in the file
    rows[4][1] = known.id_number  # an ID number on record (visible: named)
    rows[2][2] = known.phone  # a phone on record: a warning, linked as a possible duplicate
    report = file_import_check(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sh,
    )
    assert [(p.row, p.field) for p in report.errors] == [(4, "id_number"), (5, "id_number")]
    assert [(p.row, p.field) for p in report.warnings] == [(3, "phone")]
    assert f"#{known.pk}" in report.errors[1].message


def test_an_id_number_held_in_another_branch_is_refused_neutrally_and_audited(
    org: Any, files_world: Any
) -> None:
    theirs = make_candidate(files_world.hr_sz, org.sz, id_number=id_number())
    rows = _rows(1)
    rows[1][1] = theirs.id_number
    report = file_import_check(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sh,
    )
    assert [(p.row, p.field) for p in report.errors] == [(2, "id_number")]
    assert str(theirs.pk) not in report.errors[0].message
    clash = AuditEvent.objects.get(action="candidate.id_number_clash")
    assert clash.object_id == str(theirs.pk) and clash.org_unit_id == org.hq.pk


def test_a_phone_on_record_does_not_block(org: Any, files_world: Any) -> None:
    known = make_candidate(files_world.hr_sh, org.sh)
    rows = _rows(1)
    rows[1][2] = known.phone
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sh,
    )
    assert report.committed and report.warning_count == 1
    assert Candidate.objects.get(name="候选人0").duplicate_of == known


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ('{"version": 1, "kind": "candidate", "fields": {', ""),
        ({"version": 1, "kind": "candidate", "fields": {"nme": {"path": "$.name"}}}, "nme"),
        ({"version": 1, "kind": "candidate", "fields": {"phone": {"path": "$.p"}}}, "name"),
        (
            {
                "version": 1,
                "kind": "candidate",
                "fields": {"name": {"path": "$.n", "transform": "shout"}},
            },
            "name",
        ),
        ({"version": 1, "kind": "application", "fields": {"job_id": {"path": "$.j"}}}, "kind"),
    ],
)
def test_a_malformed_template_is_refused_before_reading(
    org: Any, files_world: Any, template: Any, field: str
) -> None:
    with pytest.raises(TemplateRefused) as refused:
        file_import_run(
            actor=files_world.hr_sh,
            spec=ImportSpec(kind="candidate", fmt="csv", template=template),
            source=csv_bytes(_rows(2)),
            unit=org.sh,
        )
    assert field in [p.field for p in refused.value.problems]
    assert Candidate.objects.count() == 0


def test_xml_with_an_external_entity_is_refused_and_reads_no_file(
    org: Any, files_world: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<candidates><candidate><name>&x;</name><phone>13912345678</phone></candidate>"
        "</candidates>"
    )
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="xml"),
        source=io.BytesIO(body.encode()),
        unit=org.sh,
    )
    assert not report.committed and [p.row for p in report.errors] == [0]
    assert "TOP-SECRET" not in repr(report)
    assert Candidate.objects.count() == 0


def test_a_billion_laughs_file_is_refused(org: Any, files_world: Any) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY l0 "lol">{lol}]>'
        "<c><candidate><name>&l8;</name></candidate></c>"
    )
    report = file_import_check(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="xml"),
        source=io.BytesIO(body.encode()),
        unit=org.sh,
    )
    assert [p.row for p in report.errors] == [0]


def test_an_xml_record_element_of_another_name(org: Any, files_world: Any) -> None:
    source = xml_bytes([["name", "phone"], ["赵六", phone()]], record="person")
    spec = ImportSpec(kind="candidate", fmt="xml", options=ReadOptions(record="person"))
    report = file_import_run(actor=files_world.hr_sh, spec=spec, source=source, unit=org.sh)
    assert report.created == 1


def test_applications_are_imported_for_visible_candidates_only(org: Any, files_world: Any) -> None:
    mine = make_candidate(files_world.hr_sh, org.sh, id_number=id_number())
    theirs = make_candidate(files_world.hr_sz, org.sz)
    job = str(files_world.job_sh.pk)
    rows = [["candidate_id", "candidate_id_number", "job_id"], ["", mine.id_number, job]]
    spec = ImportSpec(kind="application", fmt="csv")
    bad = [*rows, [str(theirs.pk), "", job], ["", mine.id_number, job]]
    report = file_import_run(actor=files_world.hr_sh, spec=spec, source=csv_bytes(bad))
    assert [(p.row, p.field) for p in report.errors] == [(3, "candidate_id"), (4, "job_id")]
    assert Application.objects.count() == 0
    report = file_import_run(actor=files_world.hr_sh, spec=spec, source=csv_bytes(rows))
    assert report.committed
    assert Application.objects.get().candidate == mine


def test_a_candidate_row_may_apply_to_a_job(org: Any, files_world: Any) -> None:
    rows = [["name", "phone", "job_id"], ["钱七", phone(), str(files_world.job_sh.pk)]]
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sh,
    )
    assert report.created == 1
    assert Application.objects.get().job == files_world.job_sh


def test_another_branch_cannot_import_into_this_one(org: Any, files_world: Any) -> None:
    with pytest.raises(PermissionDenied):
        file_import_run(
            actor=files_world.hr_sz,
            spec=ImportSpec(kind="candidate", fmt="csv"),
            source=csv_bytes(_rows(1)),
            unit=org.sh,
        )
    rows = [["name", "phone", "org_unit", "job_id"], ["孙八", phone(), "sh", ""]]
    rows.append(["周九", phone(), "", str(files_world.job_sh.pk)])
    report = file_import_run(
        actor=files_world.hr_sz,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes(rows),
        unit=org.sz,
    )
    assert [(p.row, p.field) for p in report.errors] == [(2, "org_unit"), (3, "job_id")]
    assert Candidate.objects.count() == 0


def test_a_file_with_a_header_only_is_refused(org: Any, files_world: Any) -> None:
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=csv_bytes([HEADER]),
        unit=org.sh,
    )
    assert not report.committed and [p.row for p in report.errors] == [0]
