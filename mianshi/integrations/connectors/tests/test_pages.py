"""The connector pages: configure in the UI, the template editor refuses a malformed template
with 422 and saves nothing, preview masks identifiers, the health page shows the clear
error of wrong credentials, another branch sees nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.integrations.connectors.adapters.successfactors.example import EXAMPLE_TEMPLATE
from mianshi.integrations.connectors.models import Connector, MappingTemplate, Sync
from mianshi.integrations.connectors.tests.conftest import KEY, make_connector
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import approved, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _form(sf: FakeSF, org: Any, **over: str) -> dict[str, Any]:
    data = {
        "name": "SF 上海", "org_unit": org.sh.pk, "enabled": "on",
        "settings.base_url": sf.url, "settings.company_id": "ACME", "settings.user_id": "sfapi",
        "credentials.client_id": "api-key-1", "credentials.private_key": KEY,
        "trigger0.event": "offer.approved", "trigger0.kind": "assessment",
    }  # fmt: skip
    return {**data, **over}


def test_hr_admin_configures_a_connector_and_its_template(
    login: Any, admin: User, sf: FakeSF, org: Any
) -> None:
    client = login(admin)
    assert client.get(reverse("integrations:connector_list")).status_code == 200
    url = reverse("integrations:connector_create") + "?adapter=successfactors"
    assert client.get(url).status_code == 200
    answer = client.post(url, _form(sf, org))
    connector = Connector.objects.get()
    assert answer.status_code == 302 and connector.triggers[0]["event"] == "offer.approved"
    assert connector.credentials["private_key"] == KEY
    editor = reverse("integrations:connector_template", args=[connector.pk, "assessment"])
    page = client.get(editor)
    assert page.status_code == 200 and "JobApplicationAssessment" in page.content.decode()
    saved = client.post(editor, {"body": json.dumps(EXAMPLE_TEMPLATE), "note": "first"})
    assert saved.status_code == 302 and MappingTemplate.objects.get().version == 1
    detail = client.get(reverse("integrations:connector_detail", args=[connector.pk]))
    assert KEY not in detail.content.decode()


def test_a_bad_connector_form_saves_nothing(login: Any, admin: User, sf: FakeSF, org: Any) -> None:
    url = reverse("integrations:connector_create") + "?adapter=successfactors"
    answer = login(admin).post(url, _form(sf, org, **{"settings.base_url": ""}))
    assert answer.status_code == 200 and not Connector.objects.exists()


def test_editing_keeps_credentials_left_empty(
    login: Any, admin: User, sf: FakeSF, org: Any, connector: Connector
) -> None:
    url = reverse("integrations:connector_edit", args=[connector.pk])
    form = _form(
        sf, org, name="renamed", **{"credentials.client_id": "", "credentials.private_key": ""}
    )
    assert login(admin).post(url, form).status_code == 302
    connector.refresh_from_db()
    assert connector.name == "renamed" and connector.credentials["client_id"] == "api-key-1"


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps(
            {
                "version": 1,
                "kind": "assessment",
                "fields": {"a": {"path": "$.x", "transform": "zap"}},
            }
        ),
    ],
)
def test_a_malformed_template_is_422_and_saves_nothing(
    login: Any, admin: User, connector: Connector, body: str
) -> None:
    url = reverse("integrations:connector_template", args=[connector.pk, "assessment"])
    answer = login(admin).post(url, {"body": body})
    assert answer.status_code == 422
    assert b"errorlist" in answer.content
    assert MappingTemplate.objects.filter(connector=connector).count() == 1  # the fixture's


def test_preview_shows_the_mapped_record_with_identifiers_masked(
    login: Any, admin: User, connector: Connector, world: ReviewWorld
) -> None:
    offer = offered(world)
    url = reverse("integrations:connector_preview", args=[connector.pk, "assessment"])
    answer = login(admin).post(url, {"object_id": offer.application_id}, HTTP_HX_REQUEST="true")
    text = answer.content.decode()
    assert answer.status_code == 200 and "l***@example.com" in text and "li.lei@" not in text
    broken = json.dumps({"version": 1, "kind": "assessment", "fields": {"x": {"path": "nope"}}})
    problems = login(admin).post(url, {"object_id": offer.application_id, "body": broken})
    assert b"<code>x</code>" in problems.content


def test_wrong_credentials_show_a_clear_error_on_the_health_page(
    login: Any, admin: User, org: Any, sf: FakeSF, world: ReviewWorld
) -> None:
    make_connector(
        admin, org.sh, sf, credentials={"client_id": "api-key-1", "private_key": new_private_key()}
    )
    approved(world, offered(world))
    sync = Sync.objects.get()
    page = login(admin).get(reverse("integrations:health"))
    text = page.content.decode()
    assert page.status_code == 200 and "data-attention" in text
    assert (
        f'data-sync="{sync.pk}"' in text
        and "401" in text
        and "Invalid client or private key" in text
    )
    sf.register_client("api-key-1", sync.connector.credentials["private_key"])  # the fix
    with TestCase.captureOnCommitCallbacks(execute=True):
        retried = login(admin).post(
            reverse("integrations:sync_retry", args=[sync.pk]), {"next": "health"}
        )
    assert retried.status_code == 302
    sync.refresh_from_db()
    assert sync.status == "needs_attention" and sync.error_code == "candidate_not_found"


def test_the_test_connection_button(login: Any, admin: User, connector: Connector) -> None:
    answer = login(admin).post(
        reverse("integrations:connector_test", args=[connector.pk]), follow=True
    )
    assert answer.status_code == 200


def test_another_branch_and_other_roles_see_nothing(
    login: Any, make_user: Any, org: Any, connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    approved(world, offered(world))
    sync = Sync.objects.get()
    other = login(make_user("sz_admin", Role.HR_ADMIN, org.sz))
    pages: list[tuple[str, list[Any]]] = [
        ("connector_detail", [connector.pk]), ("connector_edit", [connector.pk]),
        ("connector_template", [connector.pk, "assessment"]), ("sync_detail", [sync.pk]),
    ]  # fmt: skip
    for name, args in pages:
        assert other.get(reverse(f"integrations:{name}", args=args)).status_code == 404
    assert other.post(reverse("integrations:sync_retry", args=[sync.pk])).status_code == 404
    assert connector.name not in other.get(reverse("integrations:health")).content.decode()
    interviewer = login(make_user("iv", Role.INTERVIEWER, org.sh))
    assert interviewer.get(reverse("integrations:connector_list")).status_code == 403
    assert interviewer.get(reverse("integrations:health")).status_code == 403


def test_the_sync_page_masks_the_payload(
    login: Any, admin: User, connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    approved(world, offered(world))
    page = login(admin).get(reverse("integrations:sync_detail", args=[Sync.objects.get().pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "l***@example.com" in text and "li.lei@" not in text
