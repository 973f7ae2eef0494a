"""Refusals a higher app adds to rating an interview, without being imported (rule 5b).

Public recruitment knows that an examiner with an open or upheld 回避 conflict may not judge
a candidate; the rating form lives here, below it. So recruitment registers, in its
AppConfig.ready(), a guard saying why the actor may not rate the interview (a translated
sentence for the form) or None; rating_save asks every guard, so the form and the API meet
the same refusal. The same shape as invitations.status_sections, with one difference: a
guard that fails is not skipped but fails the save — skipping it would let through the
very rating it exists to stop. Declining to rate is never guarded: it is how one steps aside.
"""

from __future__ import annotations

from collections.abc import Callable

from mianshi.accounts.actor import Actor
from mianshi.interviews.models import InterviewSession

Guard = Callable[[Actor, InterviewSession], str | None]
_GUARDS: dict[str, Guard] = {}


def _name(guard: Guard) -> str:
    return f"{guard.__module__}.{getattr(guard, '__qualname__', repr(guard))}"


def register(guard: Guard) -> Guard:
    """Add a guard (registering the same function again replaces it: reloads are harmless)."""
    _GUARDS[_name(guard)] = guard
    return guard


def unregister(guard: Guard) -> None:
    """Take a guard away (nothing happens if it was not registered)."""
    _GUARDS.pop(_name(guard), None)


def registered() -> tuple[Guard, ...]:
    """The registered guards, in the order they were first registered."""
    return tuple(_GUARDS.values())


def refusal(actor: Actor, session: InterviewSession) -> str | None:
    """The first registered guard's reason to refuse the actor's rating of `session`, or None."""
    for guard in _GUARDS.values():
        reason = guard(actor, session)
        if reason:
            return reason
    return None
