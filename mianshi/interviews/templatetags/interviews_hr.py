"""Template helpers of the HR interview pages: the application's interview panel, clocks."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from mianshi.accounts.roles import Cap
from mianshi.interviews.selectors_board import application_sessions, session_panel
from mianshi.organisations.scoping import units_for

register = template.Library()


@register.filter
def ms_clock(value: Any) -> str:
    """Milliseconds as m:ss (1:05), the way a player shows a position; '' when unknown."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return ""
    minutes, seconds = divmod(value // 1000, 60)
    return f"{minutes}:{seconds:02d}"


@register.inclusion_tag("interviews/_interview_panel.html", takes_context=True)
def interview_panel(context: template.Context, application: Any) -> dict[str, Any]:
    """The interview sessions of one (already visible) application, newest first."""
    request = context["request"]
    sessions = application_sessions(user=request.user, application=application)
    return {
        "panels": [session_panel(s) for s in sessions],
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
