"""HR pages: the invite panel on the candidate, the invitation list, scoping, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from mianshi.invitations.models import Delivery, DeliveryStatus, Invitation, InvitationStatus
from mianshi.invitations.services import invitation_create
from mianshi.jobs.services import job_update

pytestmark = pytest.mark.django_db


def _detail(client: Any, application: Any) -> str:
    response = client.get(f"/candidates/{application.candidate_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_panel_offers_the_invite_form_with_job_defaults(world: Any, login: Any) -> None:
    page = _detail(login(world.hr_sh), world.app_sh)
    assert f'data-invite-panel="{world.app_sh.pk}"' in page
    assert f'action="/invitations/applications/{world.app_sh.pk}/invite/"' in page
    assert 'name="expires_hours"' in page and 'value="72"' in page
    assert "请在安静的环境中完成面试。" in page and 'value="email"' in page


def test_panel_shows_tracking_and_actions_after_inviting(world: Any, login: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    Delivery.objects.create(
        invitation=invitation, channel="email", status=DeliveryStatus.FAILED, error="SMTP 550: x"
    )
    page = _detail(login(world.hr_sh), world.app_sh)
    assert f'data-latest-invitation="{invitation.pk}"' in page and 'data-status="created"' in page
    assert f"/invitations/{invitation.pk}/resend/" in page
    assert f"/invitations/{invitation.pk}/revoke/" in page and "SMTP 550: x" in page
    assert f"/invitations/applications/{world.app_sh.pk}/reinvite/" in page


def test_panel_explains_a_missing_template_and_hides_forms_from_viewers(
    world: Any, login: Any
) -> None:
    job_update(actor=world.hr_sh, job=world.job_sh, data={"interview_template": None})
    page = _detail(login(world.hr_sh), world.app_sh)
    assert "Choose an interview template" in page and "/invite/" not in page
    viewer_page = _detail(login(world.viewer_sh), world.app_sh)
    assert "/invite/" not in viewer_page and "/revoke/" not in viewer_page


def test_invalid_hours_are_refused_and_nothing_saved(world: Any, login: Any) -> None:
    response = login(world.hr_sh).post(
        f"/invitations/applications/{world.app_sh.pk}/invite/",
        {"expires_hours": 5000, "channels": ["email"]},
        follow=True,
    )
    assert response.status_code == 200 and "less than or equal to 1440" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_without_email_shows_the_reason(world: Any, login: Any) -> None:
    app = world.application("赵六", "")
    response = login(world.hr_sh).post(
        f"/invitations/applications/{app.pk}/invite/",
        {"expires_hours": 24, "channels": ["email"]},
        follow=True,
    )
    assert "cannot be reached by E-mail" in response.content.decode()
    assert not Invitation.objects.exists()


def test_other_branch_gets_404_and_viewers_403(world: Any, login: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    sz = login(world.hr_sz)
    data = {"expires_hours": 24, "channels": ["email"]}
    assert sz.post(f"/invitations/applications/{world.app_sh.pk}/invite/", data).status_code == 404
    assert sz.post(f"/invitations/applications/{world.app_sh.pk}/reinvite/").status_code == 404
    assert sz.post(f"/invitations/{invitation.pk}/revoke/").status_code == 404
    assert sz.post(f"/invitations/{invitation.pk}/resend/").status_code == 404
    assert f'data-invitation="{invitation.pk}"' not in sz.get("/invitations/").content.decode()
    viewer = login(world.viewer_sh)
    assert viewer.post(f"/invitations/{invitation.pk}/revoke/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CREATED
    assert Invitation.objects.count() == 1


def test_list_filters_and_row_actions(world: Any, login: Any) -> None:
    current, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    other = world.application("李四", "li.si@example.com")
    expired, _ = invitation_create(actor=world.hr_sh, application=other)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    client = login(world.hr_sh)
    page = client.get("/invitations/").content.decode()
    assert f'data-invitation="{current.pk}" data-status="created"' in page
    assert f'data-invitation="{expired.pk}" data-status="expired"' in page
    assert f"/invitations/{current.pk}/revoke/" in page
    assert f"/invitations/{expired.pk}/revoke/" not in page  # nothing to withdraw any more
    only_expired = client.get("/invitations/", {"status": "expired"}).content.decode()
    assert f'data-invitation="{expired.pk}"' in only_expired
    assert f'data-invitation="{current.pk}"' not in only_expired
    none = client.get("/invitations/", {"job": world.job_sz.pk}).content.decode()
    assert "No invitations match." in none
    assert client.get("/invitations/", {"job": "x", "status": "y"}).status_code == 200


def test_revoke_from_the_list(world: Any, login: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    response = login(world.hr_sh).post(
        f"/invitations/{invitation.pk}/revoke/", {"next": "/invitations/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/invitations/"
    assert "Invitation withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_revoke_refuses_foreign_next_url(world: Any, login: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    response = login(world.hr_sh).post(
        f"/invitations/{invitation.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/invitations/"


def test_bulk_bar_offers_invite(world: Any, login: Any) -> None:
    page = login(world.hr_sh).get("/candidates/").content.decode()
    assert '<option value="invite">Invite to the video interview</option>' in page


def test_one_click_reinvite_from_the_panel(
    world: Any, login: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    back = f"/candidates/{world.app_sh.candidate_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.hr_sh).post(
            f"/invitations/applications/{world.app_sh.pk}/reinvite/",
            {"next": back, "reason": "网络中断"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == back
    assert "Re-record invitation sent." in response.content.decode()
    latest = Invitation.objects.filter(application=world.app_sh).first()
    assert latest is not None and latest.kind == "re_record" and latest.replaces == first
    # Nothing was recorded before, so the mail offers a new link to the whole interview.
    assert len(smtp.messages) == 1 and "New interview link" in str(smtp.messages[0]["Subject"])
