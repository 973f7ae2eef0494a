"""The id of the request being served, for audit events and logs."""

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The current request's id, or '' outside a request (commands, tasks)."""
    return _request_id.get()


def bind_request_id(value: str | None = None) -> str:
    """Set the id for this context; a fresh one when none is given."""
    value = (value or uuid.uuid4().hex)[:64]
    _request_id.set(value)
    return value
