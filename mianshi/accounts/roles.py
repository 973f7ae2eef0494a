"""Roles and the capabilities each grants (F-02, F-03).

The mapping is deliberately data, not code paths: auditors read only the trail, system
admins configure but cannot read candidate data (three-role separation).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", _("HR admin")
    HR = "hr", _("HR recruiter")
    DEPT_MANAGER = "dept_manager", _("Department manager")
    INTERVIEWER = "interviewer", _("Interviewer")
    AUDITOR = "auditor", _("Auditor")
    SECURITY_ADMIN = "security_admin", _("Security admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")


class Cap(StrEnum):
    """What a grant allows inside its subtree."""

    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"  # units, users, role grants
    JOBS_VIEW = "jobs.view"
    JOBS_MANAGE = "jobs.manage"  # jobs, competency models, question bank, templates
    CANDIDATES_VIEW = "candidates.view"
    CANDIDATES_MANAGE = "candidates.manage"
    AUDIT_VIEW = "audit.view"
    INTEGRATIONS_MANAGE = "integrations.manage"  # webhooks, connectors, transition actions
    EMPLOYEES_VIEW = "employees.view"
    EMPLOYEES_MANAGE = "employees.manage"  # the archive and post-hire data
    OFFERS_APPROVE = "offers.approve"  # a named approver signs an offer off (F-72)


ROLE_CAPS: dict[Role, frozenset[Cap]] = {
    Role.HR_ADMIN: frozenset(
        {Cap.ORG_VIEW, Cap.ORG_MANAGE, Cap.JOBS_VIEW, Cap.JOBS_MANAGE}
        | {Cap.CANDIDATES_VIEW, Cap.CANDIDATES_MANAGE, Cap.INTEGRATIONS_MANAGE}
        | {Cap.EMPLOYEES_VIEW, Cap.EMPLOYEES_MANAGE, Cap.OFFERS_APPROVE}
    ),
    Role.HR: frozenset(
        {Cap.ORG_VIEW, Cap.JOBS_VIEW, Cap.JOBS_MANAGE}
        | {Cap.CANDIDATES_VIEW, Cap.CANDIDATES_MANAGE}
        | {Cap.EMPLOYEES_VIEW, Cap.EMPLOYEES_MANAGE}
    ),
    Role.DEPT_MANAGER: frozenset(
        {Cap.ORG_VIEW, Cap.JOBS_VIEW, Cap.CANDIDATES_VIEW, Cap.EMPLOYEES_VIEW, Cap.OFFERS_APPROVE}
    ),
    # Interviewers see candidates only through their assignments (see candidates.selectors).
    Role.INTERVIEWER: frozenset({Cap.JOBS_VIEW, Cap.CANDIDATES_VIEW}),
    Role.AUDITOR: frozenset({Cap.AUDIT_VIEW}),
    Role.SECURITY_ADMIN: frozenset({Cap.ORG_VIEW, Cap.ORG_MANAGE, Cap.AUDIT_VIEW}),
    # No integrations: connector previews, sync payloads and mapping records carry candidate
    # data, which the system admin never reads (三员分立); the HR admin configures them.
    Role.SYSTEM_ADMIN: frozenset({Cap.ORG_VIEW, Cap.ORG_MANAGE}),
}


def roles_with(cap: Cap) -> set[Role]:
    """The roles whose grants carry `cap`."""
    return {role for role, caps in ROLE_CAPS.items() if cap in caps}
