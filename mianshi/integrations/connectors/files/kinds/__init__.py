"""The kinds of record a file can import and export, keyed like the mapping templates'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mianshi.accounts.roles import Cap
from mianshi.integrations.connectors.files.kinds import applications, candidates, employees, exports
from mianshi.integrations.connectors.files.kinds.base import Kind

__all__ = ["KINDS", "Kind", "kind_get"]

KINDS: dict[str, Kind] = {
    "candidate": Kind(
        key="candidate",
        label=_("Candidates"),
        targets=candidates.TARGETS,
        manage_cap=Cap.CANDIDATES_MANAGE,
        view_cap=Cap.CANDIDATES_VIEW,
        read_scope="candidates:read",
        write_scope="candidates:write",
        importer=candidates.CandidateImporter,
        exporter=exports.candidate_export,
        export_columns=exports.CANDIDATE_COLUMNS,
    ),
    "application": Kind(
        key="application",
        label=_("Applications"),
        targets=applications.TARGETS,
        manage_cap=Cap.CANDIDATES_MANAGE,
        view_cap=Cap.CANDIDATES_VIEW,
        read_scope="candidates:read",
        write_scope="candidates:write",
        importer=applications.ApplicationImporter,
        exporter=exports.application_export,
        export_columns=exports.APPLICATION_COLUMNS,
    ),
    "employee": Kind(
        key="employee",
        label=_("Employees"),
        targets=employees.EMPLOYEE_TARGETS,
        manage_cap=Cap.EMPLOYEES_MANAGE,
        view_cap=Cap.EMPLOYEES_VIEW,
        read_scope="employees:read",
        write_scope="employees:write",
        importer=employees.EmployeeImporter,
        exporter=employees.employee_export,
        export_columns=employees.EMPLOYEE_COLUMNS,
    ),
    "post_hire": Kind(
        key="post_hire",
        label=_("Post-hire records"),
        targets=employees.POST_HIRE_TARGETS,
        manage_cap=Cap.EMPLOYEES_MANAGE,
        view_cap=Cap.EMPLOYEES_VIEW,
        read_scope="employees:read",
        write_scope="employees:write",
        importer=employees.PostHireImporter,
        exporter=employees.post_hire_export,
        export_columns=employees.POST_HIRE_COLUMNS,
    ),
}


def kind_get(key: str) -> Kind | None:
    """The kind `key`, or None when files cannot carry it (yet)."""
    return KINDS.get(key)
