"""The invitation list shows candidates' names and e-mail: each read is audited (F-100)."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.compliance.tests.support import only, recorded
from mianshi.invitations.services import invitation_create

pytestmark = pytest.mark.django_db


def test_invitation_list_records_the_invitations_shown(world: Any, login: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    with recorded() as events:
        assert login(world.hr_sh).get("/invitations/").status_code == 200
    event = only(events, "invitation.list")
    assert event.actor == world.hr_sh
    assert event.detail == {"ids": [invitation.pk], "page": 1}


def test_invitation_api_list_records_the_ids_returned(world: Any, api_for: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    api = api_for(world.hr_sh)
    with recorded() as events:
        body = api.get("/invitations/").json()
    assert [i["id"] for i in body["items"]] == [invitation.pk]
    assert only(events, "invitation.list").detail == {"ids": [invitation.pk], "page": 1}


def test_invitation_api_detail_records_a_view(world: Any, api_for: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    api = api_for(world.hr_sh)
    with recorded() as events:
        assert api.get(f"/invitations/{invitation.pk}").status_code == 200
    event = only(events, "invitation.view")
    assert (event.object_type, event.object_id) == ("invitations.invitation", str(invitation.pk))
    assert event.detail == {"page": "api"}


def test_a_refused_invitation_read_records_nothing(world: Any, api_for: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    api = api_for(world.hr_sz)
    with recorded() as events:
        assert api.get(f"/invitations/{invitation.pk}").status_code == 404
    assert events == []
