"""Channels that bring an invitation to a candidate (F-31), as plug-ins.

A channel is any class with the `Channel` shape below. The setting CHANNELS (env
MIANSHI_CHANNELS, default "email") lists the enabled ones: a built-in name ("email") or the
dotted path of a class. Adding SMS or WeCom later means writing one class, e.g.

    class SmsChannel:
        name = "sms"
        label = _("SMS")
        def available_for(self, candidate): return bool(candidate.phone)
        def send(self, message): ...call the provider...; return provider_message_id

and listing "email,myproject.sms.SmsChannel" in MIANSHI_CHANNELS. `send` receives the facts
of the message (not a rendered e-mail), so each channel words it for its own medium, and
raises `ChannelError` with a message safe to store and show (no addresses, no tokens).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from mianshi.common.mail import DeliveryError

BUILT_IN = {"email": "mianshi.invitations.channels.email.EmailChannel"}


@dataclass(frozen=True)
class Message:
    """What a channel needs to tell the candidate; channels render it their own way."""

    invitation_id: int
    candidate: Any  # candidates.Candidate: channels read the address they need from it
    kind: str  # InvitationKind value
    purpose: str  # "invitation", later "reminder"
    job_title: str
    org_name: str
    expires_at: dt.datetime
    link: str
    status_link: str
    instructions: str = ""
    materials: list[str] = field(default_factory=list)
    question_count: int = 0
    # A re-recording limited to these question positions (empty: the whole interview).
    positions: list[int] = field(default_factory=list)


class ChannelError(DeliveryError):
    """Sending failed; `message` is safe to store and show, `temporary` invites a retry
    (the same contract as mail's DeliveryError, so one handler serves every channel)."""


@runtime_checkable
class Channel(Protocol):
    """The plug-in interface every channel implements."""

    name: str
    label: Any  # a (lazily) translated display name

    def available_for(self, candidate: Any) -> bool:
        """Whether this channel can reach `candidate` (e.g. an e-mail address is on file)."""
        ...

    def send(self, message: Message) -> str:
        """Deliver `message`; return the provider's message id or raise ChannelError."""
        ...


@lru_cache(maxsize=8)
def _load(entries: tuple[str, ...]) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    for entry in entries:
        cls = import_string(BUILT_IN.get(entry, entry))
        channel = cls()
        if not isinstance(channel, Channel):
            raise ImproperlyConfigured(f"CHANNELS: {entry!r} does not implement Channel")
        channels[channel.name] = channel
    return channels


def registry() -> dict[str, Channel]:
    """The enabled channels by name, in the order of the setting."""
    return _load(tuple(settings.CHANNELS))


def channel_label(name: str) -> str:
    """A channel's display name ("email" → 电子邮箱); a channel no longer enabled keeps its name."""
    channel = registry().get(name)
    return str(channel.label) if channel is not None else name


def channel_choices() -> list[tuple[str, str]]:
    """(name, label) of every enabled channel, for forms."""
    return [(name, str(ch.label)) for name, ch in registry().items()]
