"""The deadline reads the same, with its zone, in the e-mail and on the candidate's pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from mianshi.common.zoned import utc_offset_label, zoned
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import delivery_attempt, invitation_create, invitation_send

pytestmark = pytest.mark.django_db
# 00:34 UTC: the browser of a candidate in UTC showed 00:34 without a label.
DEADLINE = datetime(2026, 12, 10, 0, 34, tzinfo=UTC)


def test_a_time_names_its_zone_and_offset() -> None:
    with translation.override("en"):
        assert zoned(DEADLINE) == "2026-12-10 08:34 Beijing time (UTC+8)"
        kolkata = zoned(DEADLINE, ZoneInfo("Asia/Kolkata"))
        assert kolkata == "2026-12-10 06:04 Asia/Kolkata (UTC+5:30)"
    assert utc_offset_label(timedelta(hours=-3)) == "UTC-3"
    assert utc_offset_label(None) == "UTC±0"


def _page(path: str, language: str) -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return str(response.content.decode())


def _welcome_deadline(html: str) -> str:
    found = re.search(r"<dd data-deadline>(.*?)</dd>", html)
    assert found, html[:300]
    return found.group(1)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_welcome_page_status_page_and_email_show_the_same_deadline(
    world: Any, settings: Any, language: str
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TIME_ZONE = "UTC"  # the server's zone must not leak into what candidates read
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=DEADLINE)
    invitation.refresh_from_db()
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert delivery_attempt(delivery_id=delivery.pk) == "sent"
    with translation.override(language):
        expected = zoned(DEADLINE)
    assert expected.startswith("2026-12-10 08:34 ")
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    html_body = str(message.alternatives[0][0])
    assert expected in message.body and expected in html_body
    assert _welcome_deadline(_page(f"/i/{token}/", language)) == expected
    assert expected in _page(f"/i/{token}/status/", language)


def test_hr_reads_the_deadline_as_the_candidate_will(world: Any, settings: Any, login: Any) -> None:
    settings.TIME_ZONE = "UTC"  # a server elsewhere still tells HR the candidate's time
    response = login(world.hr_sh).post(
        f"/invitations/applications/{world.app_sh.pk}/invite/",
        {"expires_hours": 24, "channels": ["email"]},
    )
    invitation = Invitation.objects.get()
    page = response.content.decode()
    assert f"<dd data-deadline>{zoned(invitation.expires_at)}</dd>" in page
