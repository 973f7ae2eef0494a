"""What every protocol adapter offers (one folder per protocol under `adapters/`).

A connector is configured, not coded: an adapter that speaks one EHR's protocol, a
versioned mapping template that turns Mianshi's record into that EHR's payload, encrypted
credentials and a trigger. The adapter sees only the mapped payload and its context; it
never reads the database, so it can be tested alone against a fake server on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise

# The trigger of a hire push, whatever the protocol: on entering 待入职 (F-72).
HIRE_TRIGGER = {
    "event": "application.stage_changed",
    "to_stage": "pending_onboarding",
    "kind": "hire",
}


@dataclass(frozen=True)
class Field:
    """One setting or credential an adapter asks for in the UI."""

    name: str
    label: str | Promise
    secret: bool = False
    required: bool = True


@dataclass
class Context:
    """What one call runs with: plain settings (base URL, company id…), decrypted
    credentials, and state the adapter keeps between calls (tokens, cursors), which the
    framework stores sealed after the call."""

    settings: dict[str, Any]
    credentials: dict[str, str]
    state: dict[str, Any] = field(default_factory=dict)
    timeout: float = 15.0


@dataclass(frozen=True)
class PushResult:
    """What the EHR answered: its id for the record (kept in external_refs) and an excerpt."""

    external_id: str = ""
    excerpt: str = ""


@dataclass(frozen=True)
class Page:
    """One page of pulled records and the cursor of the next (empty: the last page)."""

    records: list[dict[str, Any]]
    next_cursor: str = ""


class AdapterError(Exception):
    """A failed call. `retryable` (timeouts, 429, 5xx) is retried with backoff, honouring
    `retry_after` seconds when the EHR said so; the rest (wrong credentials, a refused
    payload) needs a person and is shown on the health page with `message`."""

    def __init__(
        self, message: str, *, retryable: bool, retry_after: float | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.message, self.retryable, self.retry_after, self.code = (
            message,
            retryable,
            retry_after,
            code,
        )


class Adapter(Protocol):
    """A protocol adapter. `kinds` are the records it can push ("assessment", "candidate",
    "employee", "application", "post_hire") or pull."""

    key: str
    label: str | Promise
    settings_fields: list[Field]
    credential_fields: list[Field]
    push_kinds: frozenset[str]
    pull_kinds: frozenset[str]

    def check(self, ctx: Context) -> None:
        """Authenticate (the real handshake); AdapterError when refused."""

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        """Send one mapped record; idempotent on the EHR side (upsert by our id)."""

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        """One page of records from the EHR, from `cursor` ("" = the start)."""


_ADAPTERS: dict[str, Adapter] = {}


def register_adapter(adapter: Adapter) -> Adapter:
    """Called by each adapter module at import (adapters/__init__.py imports them all)."""
    _ADAPTERS[adapter.key] = adapter
    return adapter


def adapter_get(key: str) -> Adapter:
    """The adapter `key`; KeyError when none is installed."""
    return _ADAPTERS[key]


def adapters_all() -> list[Adapter]:
    return sorted(_ADAPTERS.values(), key=lambda a: a.key)
