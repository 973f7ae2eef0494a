"""The e-mail channel: Django's mail backend, one multipart message, zh-Hans then English."""

from __future__ import annotations

import logging
import re
import smtplib
import socket
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.invitations.channels import ChannelError, Message

log = logging.getLogger(__name__)
# Deadlines are stated in China Standard Time whatever the server's zone.
DEADLINE_ZONE = ZoneInfo("Asia/Shanghai")
LANGUAGES = ("zh-hans", "en")
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def _safe(text: str) -> str:
    """Server replies often quote the recipient: strip addresses before storing the text."""
    return _ADDRESS.sub("<address>", text)[:300]


def _smtp_error(exc: Exception) -> ChannelError:
    """Classify a mail failure: 4xx replies and network trouble are worth a retry."""
    reply: bytes | str
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (550, b""))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, exc.smtp_error
    elif isinstance(exc, (OSError, socket.timeout, smtplib.SMTPException)):
        return ChannelError(_("The mail server could not be reached."), temporary=True)
    else:
        raise exc
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return ChannelError(f"SMTP {code}: {_safe(text)}", temporary=400 <= int(code) < 500)


class EmailChannel:
    """Invitations by e-mail (SMTP in production, files in DATA_DIR/outbox in the demo)."""

    name = "email"
    label = gettext_lazy("E-mail")

    def available_for(self, candidate: Any) -> bool:
        return bool(candidate.email)

    def send(self, message: Message) -> str:
        address = message.candidate.email
        if not address:
            raise ChannelError(_("The candidate has no e-mail address."))
        mail = self._build(message, address)
        try:
            mail.send(fail_silently=False)
        except Exception as exc:
            raise _smtp_error(exc) from exc
        log.info("invitation %s e-mailed", message.invitation_id)
        return str(mail.extra_headers["Message-ID"])

    def _build(self, message: Message, address: str) -> EmailMultiAlternatives:
        parts = {lang: self._render(message, lang) for lang in LANGUAGES}
        subject = " / ".join(parts[lang]["subject"] for lang in LANGUAGES)
        mail = EmailMultiAlternatives(
            subject=subject,
            body="\n\n".join(parts[lang]["text"] for lang in LANGUAGES),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": make_msgid(domain=_domain())},
        )
        html = render_to_string(
            "invitations/email/invitation_wrapper.html",
            {"sections": [parts[lang]["html"] for lang in LANGUAGES], "subject": subject},
        )
        mail.attach_alternative(html, "text/html")
        return mail

    def _render(self, message: Message, language: str) -> dict[str, str]:
        # Deadlines read in Beijing time for every candidate, whatever the server's zone.
        with translation.override(language), timezone.override(DEADLINE_ZONE):
            context = {
                "m": message,
                "deadline": message.expires_at,
                "language": language,
            }
            return {
                "subject": render_to_string("invitations/email/subject.txt", context).strip(),
                "text": render_to_string("invitations/email/invitation.txt", context).strip(),
                "html": render_to_string("invitations/email/invitation.html", context),
            }


def _domain() -> str:
    """The Message-ID's domain: the sender's, else the public host."""
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)
    return sender[1].strip(" >") if len(sender) == 2 else "mianshi.local"
