"""File exports: scoped, identifiers masked by the candidates' rule, audited, three formats."""

from __future__ import annotations

import io
from typing import Any

import pytest

from mianshi.accounts.roles import Role
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions, read_records
from mianshi.integrations.connectors.files.exports import ExportFile, file_export
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_run
from mianshi.integrations.connectors.files.templates import TemplateRefused


def _body(export: ExportFile) -> io.BytesIO:
    if export.file is not None:
        return io.BytesIO(export.file.read())
    return io.BytesIO("".join(export.chunks or []).encode())


def _rows(export: ExportFile, fmt: str) -> list[dict[str, Any]]:
    options = ReadOptions(record=export.filename.split("s-")[0])  # <candidate>…</candidate>
    return [r.data for r in read_records(fmt, _body(export), options)]


@pytest.fixture
def people(org: Any, files_world: Any) -> dict[str, Any]:
    hr_sh, hr_sz = files_world.hr_sh, files_world.hr_sz
    mine = make_candidate(hr_sh, org.sh_sales, "张三", id_number=id_number())
    # Owned by 深圳, applying in 上海: HR of 上海 sees them, identifiers masked.
    visiting = make_candidate(hr_sz, org.sz, "李四", id_number=id_number())
    make_application(None, visiting, files_world.job_sh)  # e.g. applied online
    hidden = make_candidate(hr_sz, org.sz, "王五")
    return {"mine": mine, "visiting": visiting, "hidden": hidden}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xml"])
def test_an_export_is_scoped_masked_and_audited(
    org: Any, files_world: Any, people: dict[str, Any], fmt: str
) -> None:
    export = file_export(actor=files_world.hr_sh, kind="candidate", fmt=fmt)
    rows = {r["name"]: r for r in _rows(export, fmt)}
    assert set(rows) == {"张三", "李四"}
    mine, visiting = people["mine"], people["visiting"]
    assert rows["张三"]["id_number"] == mine.id_number
    assert rows["张三"]["phone"] == mine.phone
    assert rows["李四"]["id_number"] != visiting.id_number
    assert "*" in rows["李四"]["id_number"] and "*" in rows["李四"]["phone"]
    event = AuditEvent.objects.get(action="candidate.export")
    assert event.actor == files_world.hr_sh
    assert event.detail == {"count": 2, "format": fmt, "template": "default"}


def test_another_branch_exports_none_of_this_one(
    org: Any, files_world: Any, people: dict[str, Any]
) -> None:
    export = file_export(actor=files_world.hr_sz, kind="application", fmt="csv")
    rows = _rows(export, "csv")
    assert rows == []  # the only application is in 上海
    names = {
        r["name"]
        for r in _rows(file_export(actor=files_world.hr_sz, kind="candidate", fmt="csv"), "csv")
    }
    assert names == {"李四", "王五"}


def test_an_export_of_one_unit(org: Any, files_world: Any, people: dict[str, Any]) -> None:
    export = file_export(actor=files_world.hr_sh, kind="candidate", fmt="csv", unit=org.sh_tech)
    assert _rows(export, "csv") == []
    export = file_export(actor=files_world.hr_sh, kind="candidate", fmt="csv", unit=org.sh)
    assert [r["name"] for r in _rows(export, "csv")] == ["张三"]


def test_an_export_through_a_template(org: Any, files_world: Any, people: dict[str, Any]) -> None:
    template = {
        "version": 1,
        "kind": "application",
        "fields": {
            "姓名": {"path": "$.candidate_name"},
            "岗位": {"path": "$.job_title"},
            "阶段": {"path": "$.stage", "transform": "map:s"},
            "分数": {"path": "$.overall_score", "transform": "float"},
        },
        "maps": {"s": {"applied": "已投递", "*": "其他"}},
    }
    export = file_export(actor=files_world.hr_sh, kind="application", fmt="xlsx", template=template)
    assert _rows(export, "xlsx") == [
        {"姓名": "李四", "岗位": "销售代表", "阶段": "已投递", "分数": ""}
    ]


def test_a_value_a_transform_cannot_convert_is_marked_in_its_cell(
    org: Any, files_world: Any, people: dict[str, Any]
) -> None:
    template = {
        "version": 1,
        "kind": "candidate",
        "fields": {"name": {"path": "$.name"}, "n": {"path": "$.name", "transform": "int"}},
    }
    export = file_export(actor=files_world.hr_sh, kind="candidate", fmt="csv", template=template)
    assert _rows(export, "csv")[0] == {"name": "张三", "n": "#VALUE!"}


def test_a_malformed_export_template_is_refused(org: Any, files_world: Any) -> None:
    with pytest.raises(TemplateRefused):
        file_export(actor=files_world.hr_sh, kind="candidate", fmt="csv", template="{not json")
    assert not AuditEvent.objects.filter(action="candidate.export").exists()


def test_an_export_imports_back(org: Any, files_world: Any, make_user: Any) -> None:
    source = make_user("hr_src", Role.HR, org.sh)
    for i in range(3):
        make_candidate(source, org.sh_tech, f"候选人{i}", id_number=id_number(), email=f"x{i}@e.cn")
    data = _body(file_export(actor=source, kind="candidate", fmt="xml"))
    # Into a fresh deployment's unit: the same people may not be created twice here, so
    # the import is checked against an emptied archive.
    from mianshi.candidates.models import Candidate

    Candidate.objects.all().delete()
    report = file_import_run(
        actor=source, spec=ImportSpec(kind="candidate", fmt="xml"), source=data, unit=org.sh
    )
    assert report.committed and report.created == 3
    assert Candidate.objects.get(name="候选人1").org_unit == org.sh_tech
