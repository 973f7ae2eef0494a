"""The Chinese catalogue is complete; the demo's default mail backend writes to the outbox."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mianshi.invitations.services import delivery_attempt, invitation_create, invitation_send

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_catalogue_is_complete_and_compiled() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e]
    assert len(entries) > 100
    assert all('msgstr ""' not in e.splitlines()[-1] for e in entries)
    assert "#, fuzzy" not in po
    # The .mo is what Django reads: it must match the .po.
    compiled = subprocess.run(
        ["msgfmt", "--check", "-o", "-", str(LOCALE / "django.po")],
        capture_output=True,
        check=True,
    ).stdout
    assert compiled == (LOCALE / "django.mo").read_bytes()


@pytest.mark.django_db
def test_link_pages_are_chinese_by_default(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    page = Client().get("/i/" + "z" * 43 + "/status/").content.decode()
    assert "此链接无效" in page and "请检查是否完整复制了邀请邮件中的链接" in page


@pytest.mark.django_db
def test_demo_backend_writes_the_mail_into_the_outbox(
    world: Any, settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    (delivery,) = invitation_send(actor=world.hr_sh, invitation=invitation)
    assert delivery_attempt(delivery_id=delivery.pk) == "sent"
    (mail,) = (tmp_path / "outbox").iterdir()
    assert token in mail.read_text(encoding="utf-8", errors="replace")
