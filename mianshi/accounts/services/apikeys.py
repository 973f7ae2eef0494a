"""API keys for integrations (F-04, F-90): created with scopes, shown once, revocable."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.api_auth import API_SCOPES, hash_key, new_raw_key
from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.services.users import home_unit, require_account
from mianshi.compliance.services import audit_record


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise ValidationError(
            {"scopes": _("Unknown or missing scopes: %(s)s") % {"s": ", ".join(unknown) or "-"}}
        )
    return sorted(set(scopes))


@transaction.atomic
def apikey_create(
    *, actor: Any, user: User, scopes: list[str], name: str = ""
) -> tuple[ApiKey, str]:
    """Create a key; returns (row, raw key). The raw key cannot be recovered later."""
    if actor is not None and actor.pk != user.pk:
        require_account(actor, user)
    clean_scopes = _check_scopes(scopes)
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    raw, prefix = new_raw_key()
    key = ApiKey.objects.create(
        user=user, name=name, prefix=prefix, key_hash=hash_key(raw), scopes=clean_scopes
    )
    audit_record(
        actor=actor,
        action="apikey.create",
        obj=key,
        changed_fields=["scopes"],
        org_unit_id=home_unit(user),
        detail={"user_id": user.pk},
    )
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: Any, key: ApiKey) -> None:
    """Revoke a key at once."""
    if actor is not None and actor.pk != key.user_id:
        require_account(actor, key.user)
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action="apikey.revoke",
            obj=key,
            changed_fields=["revoked_at"],
            org_unit_id=home_unit(key.user),
            detail={"user_id": key.user_id},
        )
