"""File layouts kept as a "files" connector's versioned templates, picked by id and scoped;
and a file that changes between the check and the write imports nothing."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import phone
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.adapters.files.readers import read_records
from mianshi.integrations.connectors.files.exports import file_export
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_run
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes

LAYOUT = {
    "version": 1,
    "kind": "candidate",
    "fields": {
        "name": {"path": "$['姓名']", "required": True},
        "phone": {"path": "$['手机']"},
        "tags": {"path": "$['标签']", "default": "导入"},
    },
}


def _layout(org: Any, make_user: Any) -> Any:
    admin = make_user("admin_hq", Role.HR_ADMIN, org.hq)
    connector = connector_create(
        actor=admin, org_unit_id=org.hq.pk, adapter="files", data={"name": "文件导入"}
    )
    return template_create(actor=admin, connector=connector, kind="candidate", body=LAYOUT)


def test_a_layout_kept_at_headquarters_serves_a_branch(
    org: Any,
    files_world: Any,
    make_user: Any,
    api_for: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    template = _layout(org, make_user)
    rows = [["姓名", "手机"], ["韩梅梅", phone()]]
    upload = SimpleUploadedFile("名单.csv", csv_bytes(rows).getvalue())
    api = api_for(files_world.hr_sh, ["candidates:write"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.client.post(
            "/api/integrations/files/import",
            {"kind": "candidate", "unit_id": org.sh.pk, "template_id": template.pk, "file": upload},
        )
    assert answer.status_code == 202, answer.content
    created = Candidate.objects.get(name="韩梅梅")
    assert [t.name for t in created.tags.all()] == ["导入"]


def test_a_layout_of_another_branch_cannot_be_picked(
    org: Any, files_world: Any, make_user: Any, api_for: Any
) -> None:
    admin = make_user("admin_sz", Role.HR_ADMIN, org.sz)
    connector = connector_create(
        actor=admin, org_unit_id=org.sz.pk, adapter="files", data={"name": "深圳文件"}
    )
    theirs = template_create(actor=admin, connector=connector, kind="candidate", body=LAYOUT)
    upload = SimpleUploadedFile("名单.csv", csv_bytes([["姓名"], ["某人"]]).getvalue())
    api = api_for(files_world.hr_sh, ["candidates:write"])
    answer = api.client.post(
        "/api/integrations/files/import",
        {"kind": "candidate", "unit_id": org.sh.pk, "template_id": theirs.pk, "file": upload},
    )
    assert answer.status_code == 404
    assert Candidate.objects.count() == 0


class _ChangesAfterTheCheck(io.BytesIO):
    """A file still being written by another program: its second read differs."""

    def __init__(self, first: bytes, second: bytes) -> None:
        super().__init__(first)
        self.second, self.rewinds = second, 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0:
            self.rewinds += 1
            if self.rewinds == 3:  # the check's start, its encoding sniff, then the write
                self.__init__(self.second, self.second)  # type: ignore[misc]
                self.rewinds = 3
        return super().seek(offset, whence)


def test_a_row_refused_while_writing_rolls_back_the_rows_before_it(
    org: Any, files_world: Any
) -> None:
    good = [["name", "phone"], ["甲", phone()], ["乙", phone()], ["丙", phone()]]
    changed = [*good[:3], ["丙", "not a phone"]]
    source = _ChangesAfterTheCheck(csv_bytes(good).getvalue(), csv_bytes(changed).getvalue())
    report = file_import_run(
        actor=files_world.hr_sh,
        spec=ImportSpec(kind="candidate", fmt="csv"),
        source=source,
        unit=org.sh,
    )
    assert not report.committed and [(p.row, p.field) for p in report.errors] == [(4, "phone")]
    assert source.rewinds >= 3  # the check passed; the write read the changed file
    assert Candidate.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=["candidate.create", "candidate.import"])


def test_an_import_layout_exports_the_same_layout(org: Any, files_world: Any) -> None:
    layout = {
        "version": 1,
        "kind": "candidate",
        "fields": {
            "name": {"path": "$['姓名']", "required": True},
            "phone": {"path": "$['手机']"},
            "gender": {"path": "$['性别']", "transform": "map:g"},
        },
        "maps": {"g": {"男": "male", "女": "female"}},
    }
    rows = [["姓名", "手机", "性别"], ["韩梅梅", phone(), "女"]]
    spec = ImportSpec(kind="candidate", fmt="csv", template=layout)
    assert file_import_run(
        actor=files_world.hr_sh, spec=spec, source=csv_bytes(rows), unit=org.sh
    ).committed
    export = file_export(actor=files_world.hr_sh, kind="candidate", fmt="csv", template=layout)
    back = [r.data for r in read_records("csv", io.BytesIO("".join(export.chunks or []).encode()))]
    assert back == [{"姓名": "韩梅梅", "手机": rows[1][1], "性别": "女"}]
