"""Helpers shared by the jobs services: permission checks, list parsing, guarded deletes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from mianshi.accounts.actor import SystemActor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import Conflict
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import require_cap

# Users type lists with either the ASCII or the full-width separators of a Chinese IME.
_SPLIT = re.compile(r"[;；,，、\n]")


def split_list(raw: str | Iterable[str] | None) -> list[str]:
    """'a；b, c' or ['a', ' b '] → ['a', 'b', 'c'], blanks and duplicates dropped, order kept."""
    items = _SPLIT.split(raw) if isinstance(raw, str) else list(raw or [])
    seen: dict[str, None] = {}
    for item in items:
        cleaned = str(item).strip()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def require_manage(actor: SystemActor, unit_id: int) -> None:
    """Refuse (403) unless `actor` holds JOBS_MANAGE on the unit; None is trusted system code."""
    require_cap(
        actor,
        Cap.JOBS_MANAGE,
        unit_id,
        _("You may not manage jobs and question banks of this unit."),
    )


def require_readable_from(owner: OrgUnit, user_unit: OrgUnit, field: str, message: str) -> None:
    """A shared object must be owned by `user_unit` itself or one of its ancestors."""
    if not user_unit.path.startswith(owner.path):
        raise ValidationError({field: message})


def guarded_delete(obj: models.Model, message: str) -> None:
    """Delete, turning a PROTECT refusal into a 409 the user can understand."""
    try:
        obj.delete()
    except ProtectedError as exc:
        raise Conflict(message, code="in_use") from exc


def full_clean_errors(
    instance: models.Model, exclude: list[str] | None = None
) -> dict[str, list[str]]:
    """Field errors of `instance.full_clean()` as a plain dict (empty when valid)."""
    try:
        # Constraints are re-checked by the services with messages users can act on.
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {}


def apply(instance: models.Model, data: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed keys of `data` on `instance`; return the names that changed."""
    changed = []
    for name in allowed:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed
