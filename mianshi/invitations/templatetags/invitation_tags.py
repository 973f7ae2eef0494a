"""The invite panel on the candidate page: `{% latest_invitations applications as latest %}`
reads every application's latest invitation at once, then `{% invitation_panel a latest %}`
renders each application's panel from it (no query per application)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import gettext as _

from mianshi.accounts.roles import Cap
from mianshi.candidates.pipeline import Stage, can_move
from mianshi.invitations import selectors
from mianshi.invitations.channels import channel_label as channel_name
from mianshi.invitations.forms import InviteForm
from mianshi.invitations.models import Invitation
from mianshi.organisations.scoping import units_for

register = template.Library()


@register.filter
def channel_label(name: str) -> str:
    """`{{ delivery.channel|channel_label }}`: the channel's name in the user's language."""
    return channel_name(name)


def _invitable(application: Any) -> tuple[bool, str]:
    stage_ok = application.stage == Stage.INVITED or can_move(application.stage, Stage.INVITED)
    if not stage_ok:
        return False, _("Applications in this stage cannot be invited.")
    if application.job.interview_template_id is None:
        return False, _("Choose an interview template in the job's settings before inviting.")
    return True, ""


@register.simple_tag
def latest_invitations(applications: Iterable[Any]) -> dict[int, Invitation]:
    """The latest invitation of each (visible) application, by application id."""
    return selectors.latest_invitations(application_ids=[a.pk for a in applications])


@register.inclusion_tag("invitations/_invite_panel.html", takes_context=True)
def invitation_panel(
    context: Any, application: Any, latest_by_application: dict[int, Invitation]
) -> dict[str, Any]:
    """The application's latest invitation (read by `latest_invitations`) with its
    tracking, and the invite form."""
    request = context["request"]
    latest = latest_by_application.get(application.pk)
    can_invite, why_not = _invitable(application)
    job = application.job
    form = InviteForm(
        initial={
            "expires_hours": job.invitation_hours,
            "instructions": job.invitation_instructions,
        },
        auto_id=f"id_inv{application.pk}_%s",
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "latest": latest,
        "latest_status": selectors.display_status(latest) if latest else None,
        "can_manage": application.org_unit_id in units_for(request.user, Cap.CANDIDATES_MANAGE),
        "can_invite": can_invite,
        "can_reinvite": can_invite and latest is not None,
        "not_invitable": why_not,
        "form": form,
    }
