"""Invitation link secrets: 256 random bits in the URL, only their hash as the lookup key."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh (token, token_hash) pair."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The lookup key of a token (SHA-256 hex); the token itself is never a column."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
