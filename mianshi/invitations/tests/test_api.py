"""/api/invitations: happy paths, refusals, scoping; the link only in create/resend answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from mianshi.candidates.pipeline import Stage
from mianshi.invitations.models import Delivery, DeliveryStatus, Invitation
from mianshi.invitations.services import invitation_create, invitation_token
from mianshi.jobs.services import job_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """POST /api/invitations/ for the Shanghai application, callbacks run."""
    with django_capture_on_commit_callbacks(execute=True):
        return _api(world).post(
            "/invitations/", {"application_id": world.app_sh.pk, "expires_hours": 6}
        )


def _api(world: Any, user: Any = None, **kw: Any) -> Any:
    from conftest import ApiClient
    from mianshi.accounts.services import apikey_create

    scopes = kw.get("scopes", ["candidates:read", "candidates:write"])
    _, raw = apikey_create(actor=None, user=user or world.hr_sh, scopes=scopes)
    return ApiClient(raw)


def test_create_returns_link_once_and_sends(world: Any, sent: Any, smtp: Any) -> None:
    assert sent.status_code == 201
    body = sent.json()
    link = body["link"]
    assert link.startswith("https://jobs.example.cn/i/") and link in smtp.bodies()[0]
    inv = body["invitation"]
    assert inv["application_id"] == world.app_sh.pk and inv["candidate_name"] == "张三"
    assert inv["job_title"] == "销售代表" and inv["kind"] == "first" and inv["usable"] is True
    assert inv["required_materials"] == ["身份证复印件", "学历证书"]
    assert inv["deliveries"][0]["channel"] == "email"
    detail = _api(world).get(f"/invitations/{inv['id']}")
    assert detail.status_code == 200 and detail.json()["status"] == "sent"
    assert detail.json()["deliveries"][0]["status"] == "sent"
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in detail.content.decode() and "link" not in detail.json()


def test_list_filters_by_job_and_status(world: Any, sent: Any) -> None:
    other = world.application("李四", "li.si@example.com")
    old, _ = invitation_create(actor=world.hr_sh, application=other)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    api = _api(world)
    everything = api.get("/invitations/").json()
    assert everything["count"] == 2
    assert [
        i["display_status"] for i in api.get("/invitations/", status="expired").json()["items"]
    ] == ["expired"]
    sent_only = api.get("/invitations/", status="sent").json()["items"]
    assert [i["application_id"] for i in sent_only] == [world.app_sh.pk]
    assert api.get("/invitations/", job=world.job_sz.pk).json()["count"] == 0
    assert api.get("/invitations/", status="nonsense").status_code == 422


def test_other_branch_sees_nothing_and_gets_404(world: Any, sent: Any) -> None:
    pk = sent.json()["invitation"]["id"]
    sz = _api(world, world.hr_sz)
    assert sz.get("/invitations/").json()["count"] == 0
    assert sz.get(f"/invitations/{pk}").status_code == 404
    assert sz.post(f"/invitations/{pk}/revoke", {}).status_code == 404
    assert sz.post(f"/invitations/{pk}/resend", {}).status_code == 404
    assert sz.post("/invitations/reinvite", {"application_id": world.app_sh.pk}).status_code == 404
    assert sz.post("/invitations/", {"application_id": world.app_sh.pk}).status_code == 404
    bulk = sz.post("/invitations/bulk", {"application_ids": [world.app_sh.pk]})
    assert bulk.status_code == 409 and bulk.json()["code"] == "bulk_refused"
    assert Invitation.objects.count() == 1 and Invitation.objects.get().is_usable


def test_view_only_users_cannot_write(world: Any, sent: Any) -> None:
    pk = sent.json()["invitation"]["id"]
    viewer = _api(world, world.viewer_sh)
    assert viewer.get(f"/invitations/{pk}").status_code == 200
    assert viewer.post(f"/invitations/{pk}/revoke", {}).status_code == 403
    read_only = _api(world, scopes=["candidates:read"])
    assert read_only.post(f"/invitations/{pk}/revoke", {}).status_code == 403
    assert Invitation.objects.get(pk=pk).is_usable


def test_revoke_then_resend_is_gone(world: Any, sent: Any) -> None:
    pk = sent.json()["invitation"]["id"]
    api = _api(world)
    revoked = api.post(f"/invitations/{pk}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = api.post(f"/invitations/{pk}/resend", {})
    assert again.status_code == 410 and again.json()["code"] == "gone"
    assert Delivery.objects.filter(invitation_id=pk).count() == 1


def test_resend_returns_the_same_link(
    world: Any, sent: Any, smtp: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pk = sent.json()["invitation"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        again = _api(world).post(f"/invitations/{pk}/resend", {"channels": ["email"]})
    assert again.status_code == 200 and again.json()["link"] == sent.json()["link"]
    assert len(smtp.messages) == 2


def test_create_refusals_are_4xx_and_save_nothing(world: Any, smtp: Any, eager: Any) -> None:
    api = _api(world)
    app = world.app_sh
    assert (
        api.post("/invitations/", {"application_id": app.pk, "expires_hours": 0}).status_code == 422
    )
    assert (
        api.post("/invitations/", {"application_id": app.pk, "expires_hours": 99999}).status_code
        == 422
    )
    assert (
        api.post("/invitations/", {"application_id": app.pk, "channels": ["sms"]}).status_code
        == 422
    )
    assert api.post("/invitations/", {"application_id": 2**62}).status_code == 404
    assert api.post("/invitations/", {"application_id": 2**70}).status_code == 422
    assert api.post("/invitations/", {"application_id": app.pk, "junk": 1}).status_code == 422
    no_mail = world.application("赵六", "")
    refused = api.post("/invitations/", {"application_id": no_mail.pk})
    assert refused.status_code == 422 and "no address" in str(refused.json()["detail"])
    job_update(actor=world.hr_sh, job=world.job_sh, data={"interview_template": None})
    missing = api.post("/invitations/", {"application_id": app.pk})
    assert missing.status_code == 409 and missing.json()["code"] == "not_invitable"
    assert "no interview template" in missing.json()["detail"]
    assert not Invitation.objects.exists() and smtp.messages == []
    app.refresh_from_db()
    assert app.stage == Stage.APPLIED


def test_bulk_happy_and_all_or_nothing(
    world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = _api(world)
    good = [world.app_sh, world.application("李四", "li.si@example.com")]
    bad = world.application("赵六", "")
    refused = api.post("/invitations/bulk", {"application_ids": [a.pk for a in [*good, bad]]})
    assert refused.status_code == 409 and f"#{bad.pk} 赵六" in refused.json()["detail"]
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = api.post("/invitations/bulk", {"application_ids": [a.pk for a in good]})
    assert ok.status_code == 201 and ok.json()["count"] == 2
    links = {i["link"] for i in ok.json()["invitations"]}
    assert len(links) == 2 and len(smtp.messages) == 2
    assert api.post("/invitations/bulk", {"application_ids": []}).status_code == 422


def test_reinvite_via_api(
    world: Any, sent: Any, smtp: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(world).post(
            "/invitations/reinvite", {"application_id": world.app_sh.pk, "positions": [2]}
        )
    assert response.status_code == 201
    body = response.json()
    assert body["invitation"]["kind"] == "re_record" and body["invitation"]["positions"] == [2]
    assert body["invitation"]["replaces_id"] == first.pk
    first.refresh_from_db()
    assert first.status == "superseded"
    again = Invitation.objects.get(pk=body["invitation"]["id"])
    assert body["link"].endswith(f"/i/{invitation_token(again)}/")
    assert len(smtp.messages) == 2 and again.deliveries.get().status == DeliveryStatus.SENT
    bad = _api(world).post(
        "/invitations/reinvite", {"application_id": world.app_sh.pk, "positions": [9]}
    )
    assert bad.status_code == 422
