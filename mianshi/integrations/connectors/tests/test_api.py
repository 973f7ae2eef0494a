"""The connectors API: CRUD, templates as versions, preview, test connection, syncs, retry;
malformed input is a 4xx with nothing saved; another branch sees nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import TestCase

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.adapters.successfactors.example import EXAMPLE_TEMPLATE
from mianshi.integrations.connectors.models import Connector, MappingTemplate, Sync
from mianshi.integrations.connectors.tests.conftest import KEY, sf_data
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, approved, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]
SCOPES = ["integrations:read", "integrations:write"]
BASE = "/integrations/connectors"


@pytest.fixture
def api(api_for: Any, admin: User) -> Any:
    return api_for(admin, scopes=SCOPES)


def _create(api: Any, sf: FakeSF, org: Any, **over: Any) -> Any:
    body = {"org_unit_id": org.sh.pk, "adapter": "successfactors", **sf_data(sf), **over}
    return api.post(f"{BASE}/", body)


def test_create_read_patch_delete_never_shows_credentials(api: Any, sf: FakeSF, org: Any) -> None:
    created = _create(api, sf, org)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["credentials_set"] == ["client_id", "private_key"]
    assert KEY not in created.content.decode() and "api-key-1" not in created.content.decode()
    cid = body["id"]
    patched = api.patch(f"{BASE}/{cid}", {"name": "SF", "credentials": {"client_id": ""}})
    assert patched.status_code == 200 and patched.json()["name"] == "SF"
    assert Connector.objects.get(pk=cid).credentials["client_id"] == "api-key-1"  # empty keeps
    assert api.get(f"{BASE}/").json()["items"][0]["id"] == cid
    assert api.delete(f"{BASE}/{cid}").status_code == 204
    assert not Connector.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"connector.create", "connector.update", "connector.delete"} <= actions


@pytest.mark.parametrize(
    "over",
    [
        {"adapter": "nope"},
        {"settings": {"base_url": "", "company_id": "ACME", "user_id": "sfapi"}},
        {"credentials": {"client_id": "x"}},
        {"triggers": [{"event": "no.such", "kind": "assessment"}]},
        {"triggers": [{"event": "offer.approved", "kind": "employee"}]},
        {"triggers": [{"event": "offer.approved", "kind": "assessment", "to_stage": "hired"}]},
        {"name": ""},
        {"unexpected": 1},
    ],
)
def test_bad_input_is_422_and_nothing_is_saved(api: Any, sf: FakeSF, org: Any, over: dict) -> None:
    answer = _create(api, sf, org, **over)
    assert answer.status_code == 422, answer.content
    assert not Connector.objects.exists()


def test_a_template_is_a_new_version_and_a_malformed_one_is_422(
    api: Any, sf: FakeSF, org: Any
) -> None:
    cid = _create(api, sf, org).json()["id"]
    url = f"{BASE}/{cid}/templates"
    assert api.post(url, {"kind": "assessment", "body": EXAMPLE_TEMPLATE}).json()["version"] == 1
    as_text = api.post(
        url, {"kind": "assessment", "body": json.dumps(EXAMPLE_TEMPLATE), "note": "2"}
    )
    assert as_text.status_code == 201 and as_text.json()["version"] == 2
    for bad in ("{not json", {"version": 1, "kind": "assessment", "fields": {"a": {"path": "x"}}}):
        refused = api.post(url, {"kind": "assessment", "body": bad})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body"]
    assert api.post(url, {"kind": "candidate", "body": EXAMPLE_TEMPLATE}).status_code == 422
    assert [t["version"] for t in api.get(url).json()] == [2, 1]
    assert MappingTemplate.objects.count() == 2


def test_test_connection_reports_the_ehrs_answer(api: Any, sf: FakeSF, org: Any) -> None:
    cid = _create(api, sf, org).json()["id"]
    assert api.post(f"{BASE}/{cid}/test", {}).json()["ok"] is True
    api.patch(
        f"{BASE}/{cid}", {"settings": {"base_url": sf.url, "company_id": "X", "user_id": "sfapi"}}
    )
    answer = api.post(f"{BASE}/{cid}/test", {}).json()
    assert answer["ok"] is False and "401" in answer["message"]


def test_preview_maps_a_real_record_with_identifiers_masked(
    api: Any, sf: FakeSF, org: Any, world: ReviewWorld
) -> None:
    offer = offered(world)
    cid = _create(api, sf, org).json()["id"]
    body = {"kind": "assessment", "object_id": offer.application_id, "body": EXAMPLE_TEMPLATE}
    shown = api.post(f"{BASE}/{cid}/preview", body).json()
    assert shown["problems"] == []
    assert shown["payload"]["candidate"]["value"] == "l***@example.com"
    assert shown["payload"]["report"]["id"] == offer.application_id
    bad = {**body, "body": {"version": 1, "kind": "assessment", "fields": {"x": {"path": "y"}}}}
    assert api.post(f"{BASE}/{cid}/preview", bad).json()["problems"][0]["field"] == "x"
    assert AuditEvent.objects.filter(action="connector.preview").exists()


def test_syncs_list_detail_and_retry(api: Any, sf: FakeSF, org: Any, world: ReviewWorld) -> None:
    cid = _create(api, sf, org).json()["id"]
    api.post(f"{BASE}/{cid}/templates", {"kind": "assessment", "body": EXAMPLE_TEMPLATE})
    approved(world, offered(world))  # SuccessFactors does not know the candidate: attention
    rows = api.get(f"{BASE}/syncs", status="needs_attention").json()["items"]
    assert len(rows) == 1 and rows[0]["error_code"] == "candidate_not_found"
    detail = api.get(f"{BASE}/syncs/{rows[0]['id']}").json()
    assert detail["payload"]["candidate"]["value"] == "l***@example.com"
    sf.add_candidate(501, EMAIL, 9001)
    with TestCase.captureOnCommitCallbacks(execute=True):
        retried = api.post(f"{BASE}/syncs/{rows[0]['id']}/retry", {})
    assert retried.status_code == 200
    assert Sync.objects.get().status == "succeeded"
    assert api.post(f"{BASE}/syncs/{rows[0]['id']}/retry", {}).status_code == 409


def test_sync_now_sends_one_record(api: Any, sf: FakeSF, org: Any, world: ReviewWorld) -> None:
    cid = _create(api, sf, org, triggers=[]).json()["id"]
    api.post(f"{BASE}/{cid}/templates", {"kind": "assessment", "body": EXAMPLE_TEMPLATE})
    offer = offered(world)
    sf.add_candidate(501, EMAIL, 9001)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = api.post(
            f"{BASE}/{cid}/syncs", {"kind": "assessment", "object_id": offer.application_id}
        )
    assert answer.status_code == 201
    assert Sync.objects.get().external_id == "9001"


def test_another_branch_sees_nothing(
    api: Any, api_for: Any, make_user: Any, sf: FakeSF, org: Any, world: ReviewWorld
) -> None:
    cid = _create(api, sf, org).json()["id"]
    api.post(f"{BASE}/{cid}/templates", {"kind": "assessment", "body": EXAMPLE_TEMPLATE})
    approved(world, offered(world))
    sid = Sync.objects.get().pk
    other = api_for(make_user("sz_admin", Role.HR_ADMIN, org.sz), scopes=SCOPES)
    assert other.get(f"{BASE}/").json()["items"] == []
    assert other.get(f"{BASE}/syncs").json()["items"] == []
    for path in (f"{BASE}/{cid}", f"{BASE}/syncs/{sid}", f"{BASE}/{cid}/templates"):
        assert other.get(path).status_code == 404
    assert other.post(f"{BASE}/{cid}/test", {}).status_code == 404
    assert other.post(f"{BASE}/syncs/{sid}/retry", {}).status_code == 404
    assert other.patch(f"{BASE}/{cid}", {"name": "mine"}).status_code == 404
    assert _create(other, sf, org).status_code == 404  # 上海 is not theirs to configure
    assert Connector.objects.get().name == "SuccessFactors 上海"


def test_a_key_without_the_scope_is_refused(
    api_for: Any, admin: User, sf: FakeSF, org: Any
) -> None:
    reader = api_for(admin, scopes=["integrations:read"])
    assert _create(reader, sf, org).status_code == 403


def test_an_edit_audits_only_what_changed_and_new_credentials_drop_the_token(
    api: Any, sf: FakeSF, org: Any
) -> None:
    cid = _create(api, sf, org).json()["id"]
    assert api.post(f"{BASE}/{cid}/test", {}).json()["ok"] is True
    assert Connector.objects.get(pk=cid).state["access_token"]
    api.patch(f"{BASE}/{cid}", {"name": "SF", "credentials": {"client_id": ""}})
    event = AuditEvent.objects.filter(action="connector.update").latest("pk")
    assert event.changed_fields == ["name"]
    assert Connector.objects.get(pk=cid).state["access_token"]  # same credentials: kept
    api.patch(f"{BASE}/{cid}", {"credentials": {"private_key": KEY + "\n"}})
    assert Connector.objects.get(pk=cid).state == {}


@pytest.mark.parametrize("query", ["limit=42855966292389637149163520", "offset=-1", "limit=0"])
def test_list_bounds_refuse_what_would_overflow_the_query(api: Any, query: str) -> None:
    assert api.get(f"{BASE}/?{query}").status_code == 422
    assert api.get(f"{BASE}/syncs?{query}").status_code == 422
