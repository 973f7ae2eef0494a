"""The one home of outgoing mail (common/mail.py), used by invitations and feedback: the
message's sender, Reply-To and Message-ID, the file outbox when no SMTP server is set, and
SMTP failures classified as temporary (retry) or permanent — against a real SMTP server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mianshi.common.mail import DeliveryError, mail_build, mail_send
from mianshi.common.tests.support import Mailbox, smtp  # noqa: F401 (fixture)

TO = "zhao@example.com"


def _mail(**extra: Any) -> Any:
    return mail_build(to=TO, subject="面试邀请", text="你好", html="<p>你好</p>", **extra)


def test_a_message_carries_sender_reply_to_and_a_message_id_of_the_senders_domain(
    smtp: Mailbox,  # noqa: F811
) -> None:
    message_id = mail_send(_mail(reply_to="hr@branch.example.cn"))
    received = smtp.messages[-1]
    assert smtp.recipients[-1] == [TO]
    assert received["From"] == "招聘 <hr@jobs.example.cn>"
    assert received["Reply-To"] == "hr@branch.example.cn"
    assert received["Message-ID"] == message_id and message_id.endswith("@jobs.example.cn>")
    assert smtp.bodies() == ("你好", "<p>你好</p>")


def test_without_a_reply_to_the_header_is_absent(smtp: Mailbox) -> None:  # noqa: F811
    mail_send(_mail())
    assert smtp.messages[-1]["Reply-To"] is None


@pytest.mark.parametrize(
    ("reply", "temporary"),
    [("450 mailbox busy", True), ("550 no such user zhao@example.com", False)],
)
def test_smtp_refusals_are_classified_and_stripped_of_addresses(
    smtp: Mailbox,  # noqa: F811
    reply: str,
    temporary: bool,
) -> None:
    smtp.refuse = reply
    with pytest.raises(DeliveryError) as failed:
        mail_send(_mail())
    assert failed.value.temporary is temporary
    assert failed.value.message.startswith(f"SMTP {reply[:3]}")
    assert TO not in failed.value.message


def test_an_unreachable_server_is_a_temporary_failure(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(DeliveryError) as failed:
        mail_send(_mail())
    assert failed.value.temporary is True


def test_without_an_smtp_server_the_message_is_a_file_in_the_outbox(
    settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    message_id = mail_send(_mail())
    [written] = list((tmp_path / "outbox").iterdir())
    assert message_id in written.read_text()
