"""external_refs on candidates and applications: set, read, look up, unique per source,
cleared, refused when malformed, audited, invisible to another branch, shown on the page."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.urls import reverse

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.tests.factories import make_job
from mianshi.common.models import ExternalRef
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Job

pytestmark = pytest.mark.django_db
KEY_1 = "k1:" + base64.b64encode(b"1" * 32).decode()
SAP = {"sap_sf": "12345", "moka": "m-77"}


@pytest.fixture(autouse=True)
def _keys(settings: Any, tmp_path: Any) -> None:
    settings.ENCRYPTION_KEYS = [KEY_1]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def hr_sh(org: Any, make_user: Any) -> User:
    return make_user("hr_sh", Role.HR, org.sh)


@pytest.fixture
def hr_sz(org: Any, make_user: Any) -> User:
    return make_user("hr_sz", Role.HR, org.sz)


@pytest.fixture
def job(org: Any) -> Job:
    return make_job(org.sh_sales, "销售代表")


def create(api: Any, org: Any, refs: dict[str, Any], phone: str = "13900000001") -> Any:
    body = {"org_unit_id": org.sh.pk, "name": "王五", "phone": phone, "external_refs": refs}
    return api.post("/candidates/", body)


def test_refs_given_on_create_are_returned_listed_and_audited(
    org: Any, hr_sh: User, api_for: Any
) -> None:
    api = api_for(hr_sh)
    created = create(api, org, SAP)
    assert created.status_code == 201 and created.json()["external_refs"] == SAP
    pk = created.json()["id"]
    assert api.get(f"/candidates/{pk}").json()["external_refs"] == SAP
    assert api.get("/candidates/").json()["items"][0]["external_refs"] == SAP
    event = AuditEvent.objects.get(action="candidate.create")
    assert "external_refs" in event.changed_fields and "12345" not in str(event.detail)


def test_lookup_by_external_ref_finds_the_one_candidate(
    org: Any, hr_sh: User, api_for: Any
) -> None:
    api = api_for(hr_sh)
    pk = create(api, org, SAP).json()["id"]
    create(api, org, {"sap_sf": "99"}, phone="13900000002")
    found = api.get("/candidates/", external_ref="sap_sf:12345").json()
    assert found["count"] == 1 and found["items"][0]["id"] == pk
    assert api.get("/candidates/", external_ref="moka:12345").json()["count"] == 0
    for malformed in ("sap_sf", "SAP:1", "sap_sf:", ":1"):
        assert api.get("/candidates/", external_ref=malformed).status_code == 422, malformed


def test_another_branch_neither_sees_nor_finds_them(
    org: Any, hr_sh: User, hr_sz: User, api_for: Any
) -> None:
    pk = create(api_for(hr_sh), org, SAP).json()["id"]
    theirs = api_for(hr_sz)
    assert theirs.get("/candidates/", external_ref="sap_sf:12345").json()["count"] == 0
    assert theirs.get(f"/candidates/{pk}").status_code == 404
    assert theirs.patch(f"/candidates/{pk}", {"external_refs": {"sap_sf": "1"}}).status_code == 404
    assert ExternalRef.objects.get(source="sap_sf").external_id == "12345"


def test_an_id_another_candidate_holds_is_refused_with_409_and_nothing_saved(
    org: Any, hr_sh: User, hr_sz: User, api_for: Any
) -> None:
    api = api_for(hr_sh)
    first = create(api, org, SAP).json()["id"]
    again = create(api, org, {"sap_sf": "12345"}, phone="13900000002")
    assert again.status_code == 409 and again.json()["code"] == "external_ref_taken"
    assert Candidate.objects.count() == 1 and ExternalRef.objects.count() == 2
    other = create(api, org, {}, phone="13900000003").json()["id"]
    patch = {"name": "改名", "external_refs": {"moka": "new", "sap_sf": "12345"}}
    assert api.patch(f"/candidates/{other}", patch).status_code == 409
    assert Candidate.objects.get(pk=other).name == "王五"
    assert not ExternalRef.objects.filter(object_id=other).exists()
    sz = {"org_unit_id": org.sz.pk, "name": "赵六", "phone": "13900000004", "external_refs": SAP}
    elsewhere = api_for(hr_sz).post("/candidates/", sz)
    assert elsewhere.status_code == 409 and set(elsewhere.json()) == {"detail", "code"}
    assert str(first) not in elsewhere.json()["detail"].replace("12345", "")


def test_the_same_id_from_another_source_or_on_another_kind_is_fine(
    org: Any, hr_sh: User, job: Job, api_for: Any
) -> None:
    api = api_for(hr_sh)
    pk = create(api, org, {"sap_sf": "7"}).json()["id"]
    assert create(api, org, {"moka": "7"}, phone="13900000002").status_code == 201
    body = {"candidate_id": pk, "job_id": job.pk, "external_refs": {"sap_sf": "7"}}
    created = api.post("/candidates/applications", body)
    assert created.status_code == 201 and created.json()["external_refs"] == {"sap_sf": "7"}


def test_patch_sets_changes_and_clears_a_source(org: Any, hr_sh: User, api_for: Any) -> None:
    api = api_for(hr_sh)
    pk = create(api, org, SAP).json()["id"]
    changed = api.patch(f"/candidates/{pk}", {"external_refs": {"sap_sf": "999", "wd": "w1"}})
    assert changed.json()["external_refs"] == {"sap_sf": "999", "moka": "m-77", "wd": "w1"}
    cleared = api.patch(f"/candidates/{pk}", {"external_refs": {"moka": None}})
    assert cleared.json()["external_refs"] == {"sap_sf": "999", "wd": "w1"}
    assert api.get("/candidates/", external_ref="sap_sf:12345").json()["count"] == 0
    updates = AuditEvent.objects.filter(action="candidate.update").order_by("pk")
    assert [e.changed_fields for e in updates] == [["external_refs"], ["external_refs"]]
    api.patch(f"/candidates/{pk}", {"external_refs": {"moka": None}})  # nothing to clear
    assert updates.last().changed_fields == []  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "refs",
    [
        {"SAP": "1"},
        {"sap-sf": "1"},
        {"s" * 33: "1"},
        {"1sap": "1"},
        {"sap_sf": ""},
        {"sap_sf": "x" * 129},
        {"sap_sf": "a\nb"},
        {f"s{i}": "1" for i in range(21)},
    ],
)
def test_malformed_sources_and_ids_are_refused_with_422(
    org: Any, hr_sh: User, api_for: Any, refs: dict[str, str]
) -> None:
    assert create(api_for(hr_sh), org, refs).status_code == 422
    assert not Candidate.objects.exists() and not ExternalRef.objects.exists()


def test_applications_carry_refs_found_and_patched_without_touching_the_score(
    org: Any, hr_sh: User, hr_sz: User, job: Job, api_for: Any
) -> None:
    api = api_for(hr_sh)
    pk = create(api, org, {}).json()["id"]
    body = {"candidate_id": pk, "job_id": job.pk, "external_refs": {"sap_sf": "app-1"}}
    app = api.post("/candidates/applications", body).json()["id"]
    api.patch(f"/candidates/applications/{app}", {"overall_score": "80.00"})
    patched = api.patch(f"/candidates/applications/{app}", {"external_refs": {"moka": "a9"}})
    assert patched.json()["overall_score"] == "80.00"
    assert patched.json()["external_refs"] == {"sap_sf": "app-1", "moka": "a9"}
    found = api.get("/candidates/applications", external_ref="moka:a9").json()
    assert [item["id"] for item in found["items"]] == [app]
    assert api_for(hr_sz).get("/candidates/applications", external_ref="moka:a9").json() == {
        "items": [],
        "count": 0,
    }
    other = create(api, org, {}, phone="13900000002").json()["id"]
    dup = {"candidate_id": other, "job_id": job.pk, "external_refs": {"sap_sf": "app-1"}}
    assert api.post("/candidates/applications", dup).status_code == 409
    assert Application.objects.count() == 1
    event = AuditEvent.objects.filter(action="application.update").order_by("pk").last()
    assert event is not None and event.changed_fields == ["external_refs"]


def test_refs_go_with_their_candidate(org: Any, hr_sh: User, job: Job, api_for: Any) -> None:
    api = api_for(hr_sh)
    pk = create(api, org, SAP).json()["id"]
    body = {"candidate_id": pk, "job_id": job.pk, "external_refs": {"sap_sf": "a1"}}
    api.post("/candidates/applications", body)
    assert api.delete(f"/candidates/{pk}").status_code == 204
    assert not ExternalRef.objects.exists()
    assert create(api, org, SAP).status_code == 201  # the EHR may send the person again


def test_the_candidate_page_lists_the_refs(org: Any, hr_sh: User, api_for: Any, login: Any) -> None:
    pk = create(api_for(hr_sh), org, SAP).json()["id"]
    html = login(hr_sh).get(reverse("candidates:candidate_detail", args=[pk])).content.decode()
    assert 'data-field="external_refs"' in html
    assert "moka: m-77" in html and "sap_sf: 12345" in html
    bare = create(api_for(hr_sh), org, {}, phone="13900000002").json()["id"]
    page = login(hr_sh).get(reverse("candidates:candidate_detail", args=[bare]))
    assert 'data-field="external_refs"' not in page.content.decode()


def test_only_the_owner_units_hr_changes_a_candidates_refs(
    org: Any, hr_sh: User, hr_sz: User, make_user: Any, api_for: Any
) -> None:
    pk = create(api_for(hr_sh), org, SAP).json()["id"]
    hq = api_for(make_user("hr_hq", Role.HR, org.hq))
    sz_job = make_job(org.sz_sales, "销售经理")
    assert (
        hq.post("/candidates/applications", {"candidate_id": pk, "job_id": sz_job.pk}).status_code
        == 201
    )
    # HR of 深圳 manages the application now, never who the person is.
    sz = api_for(hr_sz)
    assert sz.patch(f"/candidates/{pk}", {"tags": ["深圳"]}).status_code == 200
    refused = sz.patch(f"/candidates/{pk}", {"external_refs": {"sap_sf": "1"}})
    assert refused.status_code == 403
    assert ExternalRef.objects.get(source="sap_sf").external_id == "12345"
