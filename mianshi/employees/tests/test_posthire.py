"""Post-hire data (F-93) through the API: scales map ratings to 0–1, a record re-sent by
its source is not duplicated, probation/promotion/leave change the employee, every record
is on the timeline; bad input is a 422 with nothing saved; another branch gets 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mianshi.accounts.roles import Role
from mianshi.employees.models import PerformanceScale, PostHireRecord, StatusChange
from mianshi.employees.services.scales import DEFAULT_GRADES, scale_for, scale_map
from mianshi.employees.tests.world import hire
from mianshi.events.models import Event
from mianshi.reviews.tests.factories import ReviewWorld

SCOPES = ["employees:read", "employees:write"]
RANGES = [{"min": 90, "max": 100, "value": 1.0}, {"min": 60, "max": 89.99, "value": 0.5}]


def _scale(world: ReviewWorld, unit: Any = None) -> PerformanceScale:
    return PerformanceScale.objects.create(
        org_unit=unit or world.org.sh, name="年度绩效", grades=DEFAULT_GRADES, ranges=RANGES
    )


@pytest.mark.parametrize(
    ("raw", "score"), [("S", 1.0), ("b", 0.5), (" D ", 0.0), ("95", 1.0), ("60", 0.5)]
)
def test_the_scale_maps_grades_and_numeric_ranges(
    world: ReviewWorld, raw: str, score: float
) -> None:
    scale = _scale(world)
    assert scale_for(world.org.sh_sales) == scale  # inherited from the branch
    assert scale_map(scale, raw) == score


@pytest.mark.parametrize("raw", ["E", "59", "nan", ""])
def test_a_value_off_the_scale_is_refused(world: ReviewWorld, raw: str) -> None:
    with pytest.raises(ValidationError):
        scale_map(_scale(world), raw)


def test_the_nearest_scale_wins(world: ReviewWorld) -> None:
    _scale(world)
    own = PerformanceScale.objects.create(
        org_unit=world.org.sh_sales, name="销售", grades={"优": 1}
    )
    assert scale_for(world.org.sh_sales) == own and scale_for(world.org.sh_tech) != own


def test_a_rating_through_the_api_is_mapped_and_on_the_timeline(
    world: ReviewWorld, api_for: Any
) -> None:
    _scale(world)
    employee = hire(world)
    api = api_for(world.hr, SCOPES)
    body = {"kind": "performance", "period": "2027-H1", "date": "2027-06-30", "value": "A",
            "record_id": "perf-1"}  # fmt: skip
    first = api.post(f"/employees/{employee.pk}/post-hire", body)
    assert first.status_code == 201 and first.json()["score"] == 0.75
    again = api.post(f"/employees/{employee.pk}/post-hire", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PostHireRecord.objects.count() == 1
    assert Event.objects.filter(type="post_hire.recorded").count() == 1
    timeline = api.get(f"/employees/{employee.pk}/timeline").json()
    assert [e["kind"] for e in timeline] == ["performance", "hire"]


def test_probation_promotion_and_leave_change_the_employee(
    world: ReviewWorld, api_for: Any
) -> None:
    employee = hire(world)
    api = api_for(world.hr, SCOPES)
    url = f"/employees/{employee.pk}/post-hire"
    assert api.post(url, {"kind": "probation", "probation_result": "pass"}).status_code == 201
    assert api.post(url, {"kind": "promotion", "new_position": "销售主管"}).status_code == 201
    body = {"kind": "leave", "date": "2028-03-31", "leave_type": "voluntary"}
    assert api.post(url, body).status_code == 201
    employee.refresh_from_db()
    assert (employee.status, employee.position) == ("left", "销售主管")
    fields = list(StatusChange.objects.values_list("field", "new"))
    assert fields == [("status", "active"), ("position", "销售主管"), ("status", "left")]
    kinds = [e["kind"] for e in api.get(f"/employees/{employee.pk}/timeline").json()]
    assert {"probation", "promotion", "leave", "status", "position", "hire"} == set(kinds)
    assert Event.objects.filter(type="employee.updated").count() == 3


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "performance", "period": "2027", "value": "A"},  # no scale configured
        {"kind": "performance", "value": "A"},
        {"kind": "probation", "probation_result": "maybe"},
        {"kind": "training"},
        {"kind": "leave", "leave_type": "voluntary"},
        {"kind": "vacation"},
        {"kind": "training", "training_name": "x", "training_hours": "-1"},
    ],
)
def test_bad_records_are_422_and_nothing_is_saved(
    world: ReviewWorld, api_for: Any, body: dict[str, Any]
) -> None:
    employee = hire(world)
    events = Event.objects.count()
    answer = api_for(world.hr, SCOPES).post(f"/employees/{employee.pk}/post-hire", body)
    assert answer.status_code == 422, answer.content
    assert not PostHireRecord.objects.exists() and Event.objects.count() == events


def test_another_branch_gets_404_and_a_viewer_403(
    world: ReviewWorld, api_for: Any, make_user: Any
) -> None:
    employee = hire(world)
    stranger = api_for(make_user("sz_hr", Role.HR, world.org.sz), SCOPES)
    for path in ("", "/baseline", "/timeline", "/baseline/report.pdf"):
        assert stranger.get(f"/employees/{employee.pk}{path}").status_code == 404
    body = {"kind": "training", "training_name": "新员工培训"}
    assert stranger.post(f"/employees/{employee.pk}/post-hire", body).status_code == 404
    assert stranger.get("/employees/").json()["count"] == 0
    viewer = api_for(world.manager, SCOPES)  # sees employees, manages none
    assert viewer.get(f"/employees/{employee.pk}").status_code == 200
    assert viewer.post(f"/employees/{employee.pk}/post-hire", body).status_code == 403
    assert viewer.patch(f"/employees/{employee.pk}", {"status": "active"}).status_code == 403


def test_the_api_lists_patches_and_shows_the_baseline(world: ReviewWorld, api_for: Any) -> None:
    employee = hire(world)
    api = api_for(world.hr, SCOPES)
    listed = api.get("/employees/", q="E00").json()
    assert [e["id"] for e in listed["items"]] == [employee.pk]
    patched = api.patch(f"/employees/{employee.pk}", {"status": "active", "position": "资深销售"})
    assert patched.status_code == 200 and patched.json()["status"] == "active"
    assert api.patch(f"/employees/{employee.pk}", {"status": "fired"}).status_code == 422
    baseline = api.get(f"/employees/{employee.pk}/baseline").json()
    assert baseline["has_report"] and len(baseline["dimensions"]) == 3
    report = api.get(f"/employees/{employee.pk}/baseline/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert api_for(world.hr, ["candidates:read"]).get("/employees/").status_code == 403


def test_external_refs_are_set_found_and_unique(
    world: ReviewWorld, api_for: Any, make_user: Any
) -> None:
    first, second = hire(world), hire(world, "韩梅梅", number="E0002")
    api = api_for(world.hr, SCOPES)
    done = api.patch(f"/employees/{first.pk}", {"external_refs": {"sap_sf": "80001"}})
    assert done.status_code == 200 and done.json()["external_refs"] == {"sap_sf": "80001"}
    found = api.get("/employees/", external_ref="sap_sf:80001").json()
    assert [e["id"] for e in found["items"]] == [first.pk]
    taken = api.patch(
        f"/employees/{second.pk}", {"external_refs": {"sap_sf": "80001"}, "status": "active"}
    )
    assert taken.status_code == 409
    second.refresh_from_db()
    assert second.status == "probation"  # nothing saved
    stranger = api_for(make_user("sz_hr", Role.HR, world.org.sz), SCOPES)
    assert stranger.get("/employees/", external_ref="sap_sf:80001").json()["count"] == 0
    cleared = api.patch(f"/employees/{first.pk}", {"external_refs": {"sap_sf": None}})
    assert cleared.json()["external_refs"] == {}
