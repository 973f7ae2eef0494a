"""Template helpers of the HR interview pages: the application's interview panel, clocks.

The candidate page lists every application: `{% interview_sessions applications as
sessions %}` reads all their sessions at once, then `{% interview_panel a sessions %}`
renders each application's panel from them (no query per application)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse

from mianshi.accounts.roles import Cap
from mianshi.interviews import selectors_board
from mianshi.interviews.models import InterviewSession
from mianshi.organisations.scoping import units_for

register = template.Library()


@register.filter
def ms_clock(value: Any) -> str:
    """Milliseconds as m:ss (1:05), the way a player shows a position; '' when unknown."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return ""
    minutes, seconds = divmod(value // 1000, 60)
    return f"{minutes}:{seconds:02d}"


@register.simple_tag(takes_context=True)
def interview_sessions(
    context: template.Context, applications: Iterable[Any]
) -> dict[int, list[InterviewSession]]:
    """The sessions the user may see of each application, by application id."""
    user = context["request"].user
    return selectors_board.sessions_by_application(user=user, applications=applications)


@register.inclusion_tag("interviews/_interview_panel.html", takes_context=True)
def interview_panel(
    context: template.Context,
    application: Any,
    sessions_by_application: dict[int, list[InterviewSession]],
) -> dict[str, Any]:
    """The interview sessions of one (already visible) application, newest first, read by
    `interview_sessions`."""
    request = context["request"]
    sessions = sessions_by_application.get(application.pk, [])
    return {
        "panels": [selectors_board.session_panel(s) for s in sessions],
        "application": application,
        "request": request,
    }


@register.simple_tag(takes_context=True)
def board_url(context: template.Context, job: Any) -> str:
    """The job's live board URL when the user may see its candidates, else ''."""
    user = context["request"].user
    if job.org_unit_id not in units_for(user, Cap.CANDIDATES_VIEW):
        return ""
    return reverse("interviews:board", args=[job.pk])
