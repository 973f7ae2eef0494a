"""Refusals of the candidate flow, each with the HTTP status the candidate API answers.

The candidate has no account, so every refusal must say in plain words what happened and
what to do; `code` lets the browser choose its own screen (e.g. "expired" → closed page).
"""

from __future__ import annotations

from mianshi.common.errors import DomainError


class LinkUnknown(DomainError):
    """No invitation behind this token (or a position that does not exist)."""

    status = 404
    code = "not_found"


class LinkClosed(DomainError):
    """The invitation expired, was revoked, replaced or already completed."""

    status = 410
    code = "closed"


class OutOfOrder(DomainError):
    """The step is not allowed now: wrong question, wrong phase, no retakes left…"""

    status = 409
    code = "out_of_order"


class Unacceptable(DomainError):
    """Well-formed input this question cannot take (wrong answer type, unknown choice…)."""

    status = 422
    code = "invalid"


class TooLarge(DomainError):
    """A body or file above the limit."""

    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    """A file whose content is not one of the accepted types."""

    status = 415
    code = "unsupported_type"
