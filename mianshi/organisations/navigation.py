"""Template context shared by every page: the navigation the user may use."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import has_cap

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


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "name": name}
        for name, label, cap in NAV
        if cap is None or has_cap(user, cap)
    ]
    return {"nav_items": items}
