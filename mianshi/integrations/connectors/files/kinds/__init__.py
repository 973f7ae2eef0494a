"""The kinds of record a file can import and export, keyed like the mapping templates'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mianshi.accounts.roles import Cap
from mianshi.integrations.connectors.files.kinds import applications, candidates, exports
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
}


def kind_get(key: str) -> Kind | None:
    """The kind `key`, or None when files cannot carry it (yet)."""
    return KINDS.get(key)
