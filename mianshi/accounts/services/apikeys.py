"""API keys for integrations (F-04, F-90): created with scopes, shown once, revocable.

A key acts as its owner, so only the owner mints one (三员分立, review H3): minting for
someone else would be taking their account over. A request made with a key mints keys
only within that key's scopes (review M10), and every key expires (review L7).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.accounts.api_auth import API_SCOPES, hash_key, new_raw_key
from mianshi.accounts.models import ApiKey, User
from mianshi.accounts.services.users import home_unit, require_account
from mianshi.common.errors import DomainError
from mianshi.compliance.services import audit_record


class KeyRefused(DomainError):
    status = 403
    code = "key_refused"


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise ValidationError(
            {"scopes": _("Unknown or missing scopes: %(s)s") % {"s": ", ".join(unknown) or "-"}}
        )
    return sorted(set(scopes))


def _check_owner(actor: SystemActor, user: User) -> None:
    if actor is not None and actor.pk != user.pk:
        raise KeyRefused(
            _("Only its owner can create an API key: ask them to create it while signed in.")
        )


def _check_within(scopes: list[str], within: Collection[str] | None) -> None:
    wider = sorted(set(scopes) - set(within)) if within is not None else []
    if wider:
        raise KeyRefused(
            _("A key can only create keys within its own scopes; this one lacks: %(s)s")
            % {"s": ", ".join(wider)}
        )


def _expiry(days: int | None) -> Any:
    longest = settings.API_KEY_DAYS
    if days is not None and not 1 <= days <= longest:
        raise ValidationError({"expires_in_days": _("Between 1 and %(n)s days.") % {"n": longest}})
    return timezone.now() + timedelta(days=days or longest)


@transaction.atomic
def apikey_create(
    *,
    actor: SystemActor,
    user: User,
    scopes: list[str],
    name: str = "",
    expires_in_days: int | None = None,
    within_scopes: Collection[str] | None = None,
) -> tuple[ApiKey, str]:
    """Create the actor's own key; returns (row, raw key), the raw key is not kept.

    `within_scopes` are the scopes of the key making the request, when one is.
    """
    _check_owner(actor, user)
    clean_scopes = _check_scopes(scopes)
    _check_within(clean_scopes, within_scopes)
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    raw, prefix = new_raw_key()
    key = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=clean_scopes,
        expires_at=_expiry(expires_in_days),
    )
    audit_record(
        actor=actor,
        action="apikey.create",
        obj=key,
        changed_fields=["scopes", "expires_at"],
        org_unit_id=home_unit(user),
        detail={"user_id": user.pk},
    )
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: SystemActor, key: ApiKey) -> None:
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
