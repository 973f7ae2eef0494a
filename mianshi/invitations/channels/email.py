"""The e-mail channel: Django's mail backend, one multipart message, zh-Hans then English."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.common.mail import DeliveryError, mail_build, mail_send
from mianshi.common.zoned import CANDIDATE_ZONE
from mianshi.invitations.channels import ChannelError, Message

log = logging.getLogger(__name__)
LANGUAGES = ("zh-hans", "en")


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
        try:
            message_id = mail_send(self._build(message, address))
        except DeliveryError as exc:
            raise ChannelError(exc.message, temporary=exc.temporary) from exc
        log.info("invitation %s e-mailed", message.invitation_id)
        return message_id

    def _build(self, message: Message, address: str) -> EmailMultiAlternatives:
        parts = {lang: self._render(message, lang) for lang in LANGUAGES}
        subject = " / ".join(parts[lang]["subject"] for lang in LANGUAGES)
        html = render_to_string(
            "invitations/email/invitation_wrapper.html",
            {"sections": [parts[lang]["html"] for lang in LANGUAGES], "subject": subject},
        )
        text = "\n\n".join(parts[lang]["text"] for lang in LANGUAGES)
        return mail_build(to=address, subject=subject, text=text, html=html)

    def _render(self, message: Message, language: str) -> dict[str, str]:
        # Deadlines read in Beijing time for every candidate, whatever the server's zone.
        with translation.override(language), timezone.override(CANDIDATE_ZONE):
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
