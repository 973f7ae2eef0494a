"""Bearer API keys for the REST API (F-04, F-90)."""

from __future__ import annotations

import hashlib
import secrets

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from mianshi.accounts.models import ApiKey, User

KEY_PREFIX = "ms_"

API_SCOPES: dict[str, str] = {
    "org:read": "Read organisation units, users and grants",
    "org:write": "Manage organisation units, users and grants",
    "jobs:read": "Read jobs, competency models, questions and templates",
    "jobs:write": "Manage jobs, competency models, questions and templates",
    "candidates:read": "Read candidates and applications",
    "candidates:write": "Manage candidates and move applications",
    "audit:read": "Read the audit trail",
    "integrations:read": "Read webhooks, connectors and their deliveries",
    "integrations:write": "Manage webhooks and connectors",
    "employees:read": "Read employees, their interview baseline and post-hire data",
    "employees:write": "Manage employees and record post-hire data",
}


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_key() -> tuple[str, str]:
    """A fresh key and its public prefix; the raw key is shown once and never stored."""
    body = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}{body}", body[:8]


def apikey_lookup(raw: str) -> ApiKey | None:
    """The live key matching `raw`, or None."""
    try:
        key = ApiKey.objects.select_related("user").get(key_hash=hash_key(raw))
    except ApiKey.DoesNotExist:
        return None
    if key.revoked_at is not None or key.is_expired or not key.user.is_active:
        return None
    return key


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer ms_…`; sets request.user and request.api_scopes."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        key = apikey_lookup(token)
        if key is None:
            return None
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        request.user = key.user
        request.api_scopes = frozenset(key.scopes)  # type: ignore[attr-defined]
        request.api_key_id = key.pk  # type: ignore[attr-defined]
        return key.user


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse with 403 when the key lacks `scope`."""
    if scope not in getattr(request, "api_scopes", frozenset()):
        raise HttpError(403, _("This API key lacks the scope %(scope)s.") % {"scope": scope})
