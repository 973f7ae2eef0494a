"""Reads for the file import/export pages and API: units, templates, the report's shape."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import Http404

from mianshi.accounts.actor import Actor
from mianshi.integrations.connectors.files.kinds import Kind, kind_get
from mianshi.integrations.connectors.files.report import ImportReport
from mianshi.integrations.connectors.files.templates import stored_template
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.selectors import orgunit_resolve, orgunits_usable


def kind_or_404(key: str) -> Kind:
    found = kind_get(key)
    if found is None:
        raise Http404
    return found


def template_choice(
    user: Actor, kind: str, text: str, template_id: int | None, *, view: bool = False
) -> object | None:
    """A stored template (by id, 404 unless the user may pick it), typed JSON, or None for
    the built-in layout."""
    found = kind_or_404(kind)
    if template_id is not None:
        cap = found.view_cap if view else found.manage_cap
        return stored_template(actor=user, kind=kind, cap=cap, pk=template_id)
    return text if text.strip() else None


def import_unit(user: Actor, kind: str, unit_id: int | None) -> OrgUnit | None:
    """The unit rows go to by default: one where the user manages `kind` (else 404)."""
    if unit_id is None:
        return None
    return orgunit_resolve(user=user, pk=unit_id, cap=kind_or_404(kind).manage_cap)


def export_unit(user: Actor, kind: str, unit_id: int | None) -> OrgUnit | None:
    """The unit an export is narrowed to: one where the user sees `kind` (else 404)."""
    if unit_id is None:
        return None
    return orgunit_resolve(user=user, pk=unit_id, cap=kind_or_404(kind).view_cap)


def import_units(user: Actor, kind: str) -> list[OrgUnit]:
    return list(orgunits_usable(user=user, cap=kind_or_404(kind).manage_cap))


def export_units(user: Actor, kind: str) -> list[OrgUnit]:
    return list(orgunits_usable(user=user, cap=kind_or_404(kind).view_cap))


def report_dict(report: ImportReport) -> dict[str, Any]:
    """The report as the API answers it."""
    return {
        "kind": report.kind, "rows": report.rows, "error_count": report.error_count,
        "warning_count": report.warning_count, "created": report.created,
        "committed": report.committed, "truncated": report.truncated,
        "problems": [asdict(p) for p in report.problems],
    }  # fmt: skip
