"""Template context shared by every page: the navigation the user may use.

Most entries follow a capability (`NAV`). A higher app may add an entry for the users it
concerns, which no capability names (public recruitment's examiners: a row in its pool, not
a role grant). Organisations may not import it (ARCHITECTURE rule 5b), so it registers a
`NavEntry` in its AppConfig.ready(), with a predicate saying whom the entry concerns; the
same shape as `invitations.status_sections`. The navigation is on every page: a predicate
costs one cheap query at most, and one that fails is logged and its entry left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import has_cap

logger = logging.getLogger(__name__)

# (url name, label, capability needed)
NAV: list[tuple[str, Any, Cap | None]] = [
    ("insights:dashboard", _("Dashboard"), None),
    ("jobs:job_list", _("Jobs"), Cap.JOBS_VIEW),
    ("jobs:model_list", _("Competency models"), Cap.JOBS_VIEW),
    ("jobs:question_list", _("Question bank"), Cap.JOBS_VIEW),
    ("jobs:template_list", _("Interview templates"), Cap.JOBS_VIEW),
    ("recruitment:plan_list", _("Public recruitment"), Cap.JOBS_VIEW),
    ("candidates:candidate_list", _("Candidates"), Cap.CANDIDATES_VIEW),
    ("invitations:invitation_list", _("Invitations"), Cap.CANDIDATES_VIEW),
    ("interviews:board_index", _("Interviews"), Cap.CANDIDATES_VIEW),
    ("reviews:queue", _("Reviews"), Cap.CANDIDATES_VIEW),
    ("reviews:offers_to_approve", _("Offers to approve"), Cap.OFFERS_APPROVE),
    ("employees:employee_list", _("Employees"), Cap.EMPLOYEES_VIEW),
    ("integrations:automation_index", _("Transition actions"), Cap.JOBS_MANAGE),
    ("integrations:health", _("Integrations"), Cap.INTEGRATIONS_MANAGE),
    ("organisations:unit_list", _("Organisation"), Cap.ORG_MANAGE),
    ("accounts:user_list", _("Users"), Cap.ORG_MANAGE),
    ("compliance:event_list", _("Audit trail"), Cap.AUDIT_VIEW),
]


@dataclass(frozen=True)
class NavEntry:
    """An entry a higher app adds after `NAV`: its url name, label, and whom it concerns."""

    name: str
    label: Any
    shown_to: Callable[[Actor], bool]


_EXTRA: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> NavEntry:
    """Add an entry (registering the same url name again replaces it: reloads are harmless)."""
    _EXTRA[entry.name] = entry
    return entry


def unregister(name: str) -> None:
    """Take the entry for url `name` off the navigation (nothing happens if it is not there)."""
    _EXTRA.pop(name, None)


def registered() -> tuple[NavEntry, ...]:
    """The registered entries, in the order they were first registered."""
    return tuple(_EXTRA.values())


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    shown = [(name, label) for name, label, cap in NAV if cap is None or has_cap(user, cap)]
    shown += [(e.name, e.label) for e in _EXTRA.values() if _shown(e, user)]
    return {"nav_items": [{"url": reverse(n), "label": label, "name": n} for n, label in shown]}


def _shown(entry: NavEntry, user: Actor) -> bool:
    # One app's bug must not cost the user every page; a DB error here would still abort a
    # request's transaction on PostgreSQL, which is why a predicate stays one plain read.
    try:
        return bool(entry.shown_to(user))
    except Exception:
        logger.exception("Navigation entry %s failed for user %s", entry.name, user.pk)
        return False
