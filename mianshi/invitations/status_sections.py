"""Sections a higher app adds to the candidate's status page (F-33) without being imported.

The status page lives here, below the apps whose steps a candidate may also wait on (public
recruitment's 资格审查, exams and 公示). Invitations may not import them (ARCHITECTURE rule
5b), so each registers, in its AppConfig.ready(), a function saying what it has to tell
about an application: a `StatusSection`, or None when it has nothing to say. The same shape
as `common.erasure`. A section that fails is logged and left out: one app's bug must not
cost the candidate the page that tells them where they stand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.models import Application

logger = logging.getLogger(__name__)


class Verdict(models.TextChoices):
    """An outcome as the candidate reads it: the page says it in words, never in colour alone."""

    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    PENDING = "pending", _("In progress")


@dataclass(frozen=True)
class StatusLine:
    """One line of a section; `verdict` where the line is itself a pass or a fail."""

    text: str
    verdict: Verdict | None = None


@dataclass(frozen=True)
class StatusSection:
    """A titled part of the status page: an outcome (None: information only), its lines,
    and a note the organisation wrote for the candidate ("" when there is none)."""

    title: str
    verdict: Verdict | None
    lines: tuple[StatusLine, ...] = ()
    note: str = ""


Section = Callable[[Application], StatusSection | None]
_SECTIONS: dict[str, Section] = {}


def _name(section: Section) -> str:
    return f"{section.__module__}.{getattr(section, '__qualname__', repr(section))}"


def register(section: Section) -> Section:
    """Add a section (registering the same function again replaces it: reloads are harmless)."""
    _SECTIONS[_name(section)] = section
    return section


def unregister(section: Section) -> None:
    """Take a section off the page (nothing happens if it was not registered)."""
    _SECTIONS.pop(_name(section), None)


def registered() -> tuple[Section, ...]:
    """The registered sections, in the order they were first registered."""
    return tuple(_SECTIONS.values())


def sections_for(application: Application) -> list[StatusSection]:
    """What every registered app has to say about `application`, in registration order."""
    found = (_safely(name, section, application) for name, section in _SECTIONS.items())
    return [s for s in found if s is not None]


def _safely(name: str, section: Section, application: Application) -> StatusSection | None:
    try:
        # Its own (sub)transaction: on PostgreSQL a failed query would otherwise poison an
        # enclosing transaction (a test, ATOMIC_REQUESTS) and with it the rest of the page.
        with transaction.atomic():
            return section(application)
    except Exception:
        logger.exception("Status section %s failed for application %s", name, application.pk)
        return None
