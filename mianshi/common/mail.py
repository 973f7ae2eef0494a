"""Outgoing e-mail, one home for invitations (F-31) and decision feedback (F-72).

Both build one multipart message with the same sender, Message-ID domain and optional
Reply-To, and send it through Django's mail backend: SMTP when MIANSHI_EMAIL_HOST is set,
else one file per message in DATA_DIR/outbox (config/settings.py), so the demo shows exactly
what was sent. A failure is classified here once: 4xx replies and network trouble are
temporary (worth a retry), the rest permanent. Its text is safe to store and show: server
replies often quote the recipient, so addresses are stripped.
"""

from __future__ import annotations

import re
import smtplib
import socket
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


class DeliveryError(Exception):
    """Sending failed; `message` is safe to store and show, `temporary` invites a retry."""

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.temporary = temporary


def mail_build(
    *, to: str, subject: str, text: str, html: str, reply_to: str = ""
) -> EmailMultiAlternatives:
    """One message from the configured sender, with a Message-ID of the sender's domain."""
    mail = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": make_msgid(domain=_domain())},
    )
    mail.attach_alternative(html, "text/html")
    return mail


def mail_send(mail: EmailMultiAlternatives) -> str:
    """Send through the configured backend; the Message-ID, or a classified DeliveryError."""
    try:
        mail.send(fail_silently=False)
    except Exception as exc:
        raise delivery_error(exc) from exc
    return str(mail.extra_headers["Message-ID"])


def delivery_error(exc: Exception) -> DeliveryError:
    """Classify a mail failure: 4xx replies and network trouble are worth a retry; anything
    that is not a mail failure (a bug) is raised as it is."""
    reply: bytes | str
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (550, b""))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, exc.smtp_error
    elif isinstance(exc, (OSError, socket.timeout, smtplib.SMTPException)):
        return DeliveryError(_("The mail server could not be reached."), temporary=True)
    else:
        raise exc
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return DeliveryError(f"SMTP {code}: {_safe(text)}", temporary=400 <= int(code) < 500)


def _safe(text: str) -> str:
    return _ADDRESS.sub("<address>", text)[:300]


def _domain() -> str:
    """The Message-ID's domain: the sender's, else a local name."""
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)
    return sender[1].strip(" >") if len(sender) == 2 else "mianshi.local"
