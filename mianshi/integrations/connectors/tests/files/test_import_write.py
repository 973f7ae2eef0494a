"""The batch writer of candidate rows holds to candidate_create: the same stored record, the
same possible-duplicate link, tags, and outbox rows exactly as event_emit writes them."""

from __future__ import annotations

from typing import Any

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number, make_candidate, phone
from mianshi.events.models import Event, Handling
from mianshi.integrations.connectors.files.imports import ImportSpec, file_import_run
from mianshi.integrations.connectors.files.kinds.base import BATCH
from mianshi.integrations.connectors.files.kinds.candidate_rows import id_runs
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes

HEADER = ["name", "id_number", "phone", "email", "gender", "tags"]


def _import(user: Any, unit: Any, rows: list[list[str]]) -> Any:
    spec = ImportSpec(kind="candidate", fmt="csv")
    return file_import_run(actor=user, spec=spec, source=csv_bytes([HEADER, *rows]), unit=unit)


def _handlings(event: Event) -> list[tuple[str, str]]:
    rows = Handling.objects.filter(event=event).order_by("consumer")
    return [(h.consumer, h.status) for h in rows]


def test_imported_candidates_equal_those_the_service_creates(org: Any, files_world: Any) -> None:
    hr = files_world.hr_sh
    by_service = make_candidate(hr, org.sh_sales, "服务", id_number=id_number(), tags=["校招"])
    service_event = Event.objects.get(type="candidate.created")
    number, mobile = id_number(), phone()
    rows = [
        ["导入", number, mobile, "A@Example.CN ", "女", "校招, 潜力"],
        ["二号", "", phone(), "", "", ""],
    ]
    report = _import(hr, org.sh_sales, rows)
    assert report.committed and report.created == 2
    imported = Candidate.objects.get(name="导入")
    assert (imported.id_number, imported.phone, imported.email) == (number, mobile, "a@example.cn")
    assert imported.id_number_bidx and imported.email_bidx and imported.created_by == hr
    assert imported.gender == "female" and imported.source == "import"
    assert sorted(t.name for t in imported.tags.all()) == ["校招", "潜力"]
    assert Candidate.objects.get(name="二号").id_number_bidx == ""
    # The outbox rows: the same shape, path and consumers as event_emit's.
    for candidate in (imported, Candidate.objects.get(name="二号")):
        event = Event.objects.get(type="candidate.created", data__candidate_id=candidate.pk)
        assert event.org_path == service_event.org_path.replace(
            f"/{by_service.org_unit_id}/", f"/{candidate.org_unit_id}/"
        )
        assert event.org_unit_id == candidate.org_unit_id
        assert event.data == {"candidate_id": candidate.pk, "changed_fields": []}
        assert _handlings(event) == _handlings(service_event)


def test_a_known_phone_links_the_import_as_a_possible_duplicate(org: Any, files_world: Any) -> None:
    hr = files_world.hr_sh
    mobile = phone()
    first = make_candidate(hr, org.sh, "先", phone=mobile)
    second = make_candidate(hr, org.sh, "后", phone=mobile)
    assert second.duplicate_of_id == first.pk
    report = _import(hr, org.sh, [["再", id_number(), mobile, "", "", ""]])
    assert report.committed and report.warning_count == 1
    assert Candidate.objects.get(name="再").duplicate_of_id == first.pk


def test_rows_over_several_batches_each_get_one_event(org: Any, files_world: Any) -> None:
    rows = [
        [f"人{i}", id_number(birth=f"1991{1 + i // 500:02d}01"), phone(), "", "", "批量"]
        for i in range(BATCH + 3)
    ]
    report = _import(files_world.hr_sh, org.sh, rows)
    assert report.committed and report.created == BATCH + 3
    ids = set(Candidate.objects.values_list("pk", flat=True))
    events = Event.objects.filter(type="candidate.created")
    assert sorted(e.data["candidate_id"] for e in events) == sorted(ids)
    assert Candidate.tags.through.objects.count() == BATCH + 3


def test_id_runs_are_first_last_pairs() -> None:
    assert id_runs([7, 3, 4, 5, 9, 10]) == [3, 5, 7, 7, 9, 10]
    assert id_runs([]) == []
