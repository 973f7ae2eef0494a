"""Real mail through a real SMTP server: content, tracking, idempotence, failures, bulk."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mianshi.candidates.models import Application, ApplicationTransition
from mianshi.candidates.pipeline import Stage
from mianshi.compliance.models import AuditEvent
from mianshi.invitations.models import Delivery, DeliveryStatus, Invitation, InvitationStatus
from mianshi.invitations.services import (
    delivery_attempt,
    invitation_create,
    invitation_revoke,
    invitation_send,
)
from mianshi.invitations.tasks import deliver

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https://jobs\.example\.cn/i/([A-Za-z0-9_-]{40,})/")


def _invite_via_ui(client: Any, application: Application, **extra: Any) -> Any:
    data = {"expires_hours": 24, "instructions": "请准备好身份证。", "channels": ["email"], **extra}
    return client.post(f"/invitations/applications/{application.pk}/invite/", data)


def test_invite_panel_sends_real_mail_with_link_job_deadline_materials(
    world: Any, smtp: Any, eager: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_via_ui(login(world.hr_sh), world.app_sh)
    assert response.status_code == 200
    page = response.content.decode()
    token = LINK.search(page).group(1)  # type: ignore[union-attr]
    invitation = Invitation.objects.get(application=world.app_sh)
    assert smtp.recipients == [["zhang.san@example.com"]]
    mail = smtp.messages[0]
    assert str(mail["Subject"]).strip() == (
        "面试邀请：销售代表 — 上海分公司 · 销售部 / "
        "Interview invitation: 销售代表 — 上海分公司 · 销售部"
    )
    assert mail["From"] == "招聘 <hr@jobs.example.cn>"
    text, html = smtp.bodies()
    deadline = invitation.expires_at.astimezone(ZoneInfo("Asia/Shanghai"))
    stamp = deadline.strftime("%Y-%m-%d %H:%M")
    for body in (text, html):
        assert f"https://jobs.example.cn/i/{token}/" in body
        assert f"https://jobs.example.cn/i/{token}/status/" in body
        assert "销售代表" in body and "上海分公司 · 销售部" in body
        assert stamp in body and "UTC+8" in body
        assert "身份证复印件" in body and "学历证书" in body and "请准备好身份证。" in body
    # zh-Hans first, then English.
    assert text.index("面试") < text.index("You are invited to a one-way video interview")
    assert "请在" in text and "北京时间" in text
    # Tracked: delivered, invitation sent.
    delivery = Delivery.objects.get(invitation=invitation)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.provider_id == mail["Message-ID"]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.sent_at is not None
    assert invitation.expires_at > invitation.created_at
    assert AuditEvent.objects.filter(action="delivery.sent").count() == 1


def test_deliver_task_is_idempotent(world: Any, smtp: Any, eager: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert deliver.delay(delivery.pk).get() == "sent"
    assert deliver.delay(delivery.pk).get() == "skipped"
    assert delivery_attempt(delivery_id=delivery.pk) == "skipped"
    delivery.refresh_from_db()
    assert len(smtp.messages) == 1 and delivery.attempts == 1


def test_permanent_refusal_fails_with_a_reason_without_the_address(
    world: Any, smtp: Any, eager: Any
) -> None:
    smtp.refuse = "550 5.1.1 <zhang.san@example.com>: Recipient address rejected"
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert deliver.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.error.startswith("SMTP 550") and "Recipient address rejected" in delivery.error
    assert "zhang.san" not in delivery.error
    assert smtp.messages == [] and smtp.rcpt_calls == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CREATED and invitation.sent_at is None


def test_temporary_refusal_is_retried_three_times_then_fails(
    world: Any, smtp: Any, eager: Any
) -> None:
    smtp.refuse = "451 4.3.0 Mailbox busy, try again later"
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert deliver.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert smtp.rcpt_calls == 4 and delivery.attempts == 4
    assert delivery.status == DeliveryStatus.FAILED and "SMTP 451" in delivery.error


def test_temporary_refusal_then_success(world: Any, smtp: Any) -> None:
    smtp.refuse = "421 4.7.0 Try again later"
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert delivery_attempt(delivery_id=delivery.pk, final=False) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED and "SMTP 421" in delivery.error
    smtp.refuse = ""
    assert delivery_attempt(delivery_id=delivery.pk, final=False) == "sent"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.error == "" and len(smtp.messages) == 1


def test_unreachable_server_fails_cleanly(world: Any, settings: Any, eager: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert deliver.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 4
    assert delivery.error == "The mail server could not be reached."


def test_revoked_before_sending_sends_nothing(world: Any, smtp: Any, eager: Any) -> None:
    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    assert deliver.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "no longer valid" in delivery.error
    assert smtp.messages == []


def test_resend_mails_the_same_link_again(
    world: Any, smtp: Any, eager: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.hr_sh)
    with django_capture_on_commit_callbacks(execute=True):
        _invite_via_ui(client, world.app_sh)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/invitations/{invitation.pk}/resend/", {"channels": ["email"]})
    assert response.status_code == 200
    links = [LINK.search(smtp.bodies(i)[0]).group(0) for i in (0, 1)]  # type: ignore[union-attr]
    assert links[0] == links[1] and links[0] in response.content.decode()
    assert invitation.deliveries.filter(status=DeliveryStatus.SENT).count() == 2


def test_bulk_invite_from_candidate_list_sends_one_mail_each(
    world: Any, smtp: Any, eager: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    apps = [world.app_sh, world.application("李四", "li.si@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.hr_sh).post(
            "/candidates/bulk/",
            {"action": "invite", "application": [a.pk for a in apps]},
            follow=True,
        )
    assert response.status_code == 200
    assert sorted(r[0] for r in smtp.recipients) == ["li.si@example.com", "zhang.san@example.com"]
    tokens = {LINK.search(smtp.bodies(i)[0]).group(1) for i in (0, 1)}  # type: ignore[union-attr]
    assert len(tokens) == 2
    for app in apps:
        app.refresh_from_db()
        assert app.stage == Stage.INVITED
        assert app.invitations.get().deliveries.get().status == DeliveryStatus.SENT


def test_bulk_with_one_bad_application_saves_nothing(
    world: Any, smtp: Any, eager: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    no_mail = world.application("赵六", "")
    apps = [world.app_sh, no_mail, world.application("李四", "li.si@example.com")]
    # Nothing written; the list shown after the refusal is a read, recorded as one (F-100).
    changes = AuditEvent.objects.exclude(action="candidate.list")
    before = (changes.count(), ApplicationTransition.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.hr_sh).post(
            "/candidates/bulk/",
            {"action": "invite", "application": [a.pk for a in apps]},
            follow=True,
        )
    page = response.content.decode()
    assert f"#{no_mail.pk} 赵六" in page and "no address" in page
    assert not Invitation.objects.exists() and not Delivery.objects.exists()
    assert smtp.messages == []
    assert (changes.count(), ApplicationTransition.objects.count()) == before
    assert {a.stage for a in Application.objects.filter(pk__in=[a.pk for a in apps])} == {
        Stage.APPLIED
    }


def test_bulk_refuses_other_branch_application(
    world: Any, smtp: Any, eager: Any, login: Any
) -> None:
    response = login(world.hr_sh).post(
        "/candidates/bulk/",
        {"action": "invite", "application": [world.app_sh.pk, world.app_sz.pk]},
        follow=True,
    )
    assert f"#{world.app_sz.pk}" in response.content.decode()
    assert not Invitation.objects.exists() and smtp.messages == []


def test_maintenance_resends_what_a_dead_worker_or_a_lost_message_left(
    world: Any, smtp: Any, eager: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mianshi.invitations.tasks import maintain_deliveries

    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    long_ago = timezone.now() - timedelta(hours=1)
    # A worker claimed it an hour ago and died mid-send: the row still says SENDING.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=long_ago, created_at=long_ago
    )
    assert maintain_deliveries.delay().get() == {"released": 1, "requeued": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(smtp.messages) == 1
    # Nothing left to do: a second sweep sends nothing more.
    assert maintain_deliveries.delay().get() == {"released": 0, "requeued": 0}
    assert len(smtp.messages) == 1


def test_maintenance_leaves_fresh_and_retrying_deliveries_alone(world: Any, smtp: Any) -> None:
    from mianshi.invitations.services import deliveries_maintain

    invitation, _ = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_send(actor=world.hr_sh, invitation=invitation)
    assert deliveries_maintain() == {"released": 0, "requeued": 0}
    assert smtp.messages == []
