"""Reads for the file import/export pages and API: units, templates, the report's shape,
and the import jobs a user may follow."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mianshi.accounts.actor import Actor
from mianshi.integrations.connectors.files.kinds import KINDS, Kind, kind_get
from mianshi.integrations.connectors.files.models import ImportJob, ImportStatus
from mianshi.integrations.connectors.files.report import ImportReport, RowProblem
from mianshi.integrations.connectors.files.templates import stored_template
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import units_for
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


# --- import jobs ---------------------------------------------------------------------------


def import_jobs_visible(user: Actor) -> QuerySet[ImportJob]:
    """The jobs a user may follow: their own, and those into units where they manage the
    job's kind (a colleague's import into one's own branch); never another branch's."""
    mine = Q(created_by=user)
    for key, kind in KINDS.items():
        mine |= Q(kind=key, org_unit_id__in=units_for(user, kind.manage_cap))
    return ImportJob.objects.filter(mine)


def import_jobs_recent(user: Actor, kind: str, limit: int = 10) -> list[ImportJob]:
    """The latest jobs of `kind` the user may follow, newest first (the import page lists
    them, so a job is found again after leaving its page)."""
    jobs = import_jobs_visible(user).filter(kind=kind).select_related("created_by")
    return list(jobs.order_by("-pk")[:limit])


def import_job_get(user: Actor, pk: int) -> ImportJob:
    """Job `pk` if the user may follow it, else 404 (missing and hidden alike)."""
    found = import_jobs_visible(user).select_related("org_unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def job_report(job: ImportJob) -> ImportReport:
    """The job's report in the shape the import page renders."""
    report = ImportReport(
        kind=job.kind, rows=job.rows, error_count=job.error_count,
        warning_count=job.warning_count, created=job.created,
        committed=job.status == ImportStatus.DONE,
    )  # fmt: skip
    report.problems = [RowProblem(**p) for p in (job.report or {}).get("problems", [])]
    return report


def job_dict(job: ImportJob, links: dict[str, str]) -> dict[str, Any]:
    """The job as the API answers it: status, counts, the report once checked, links."""
    report = report_dict(job_report(job)) if job.finished else None
    return {
        "id": job.pk, "kind": job.kind, "format": job.fmt, "status": job.status,
        "unit_id": job.org_unit.pk if job.org_unit else None, "rows": job.rows,
        "progress": job.progress, "created": job.created, "error_count": job.error_count,
        "warning_count": job.warning_count, "created_at": job.created_at,
        "finished_at": job.finished_at, "report": report, "links": links,
    }  # fmt: skip
