"""Imports as background jobs: store the upload sealed, check and write it in a worker.

`import_job_create` refuses at once what can be refused without reading rows (the kind,
the rights, the unit, the template), seals the upload and queues the job; the task runs
`import_job_run`, which claims the job (queued → checking, one conditional UPDATE), checks
every row with its progress committed between batches, then (checking → writing) writes
every row in one transaction whose last statement settles the job as done — conditional on
the claim, so a worker that lost its claim to the sweep rolls its whole write back. A crash
anywhere leaves the upload in place: the sweep gives the claim back (or gives the job up
after MAX_CLAIMS) and the re-run starts over from the check. The upload is deleted only
after the job's end is committed, and its name cleared after that: a crash in between
leaves a name the sweep deletes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.common.claims import claim, claims_sweep
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors.adapters.files.readers import ReadOptions
from mianshi.integrations.connectors.files.imports import (
    ImportSpec,
    check_kind,
    file_import_check,
    file_import_write,
)
from mianshi.integrations.connectors.files.models import ACTIVE, CLAIMED, ImportJob, ImportStatus
from mianshi.integrations.connectors.files.report import ImportReport, RowProblem
from mianshi.integrations.connectors.files.stored import upload_delete, upload_open, upload_seal
from mianshi.integrations.connectors.files.templates import import_compiled
from mianshi.organisations.models import OrgUnit

S = ImportStatus
# Longer than the check and write of the largest file (100,000 rows: minutes, bench/files.py).
STALE_AFTER = timedelta(minutes=30)
MAX_CLAIMS = 3  # a job that crashed its worker this often is given up, not run forever
LOST_AFTER = timedelta(minutes=5)  # queued this long: its message was lost, send it again


class LostClaim(Exception):
    """The sweep gave this worker's claim away: whatever it wrote is rolled back."""


def _snapshot(template: object | None) -> Any:
    """The template as JSON data (text is parsed; import_compiled has refused bad JSON)."""
    return json.loads(template) if isinstance(template, str) else template


def _enqueue_on_commit(job_id: int) -> None:
    from mianshi.integrations.connectors.files.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job_id), robust=True)


def import_job_create(
    *, actor: Actor, spec: ImportSpec, upload: IO[bytes], unit: OrgUnit | None = None
) -> ImportJob:
    """Queue the import of `upload`: refused at once (PermissionDenied, TemplateRefused)
    when it cannot run at all, else stored sealed with its settings and sent to a worker."""
    check_kind(actor, spec, unit)
    import_compiled(spec.kind, spec.template)
    name, token, size = upload_seal(upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=spec.kind, fmt=spec.fmt, template=_snapshot(spec.template),
                options=asdict(spec.options), created_by=actor, org_unit=unit,
                file_name=name, file_token=token, file_size=size,
            )  # fmt: skip
            _enqueue_on_commit(job.pk)
    except BaseException:
        upload_delete(name)  # nothing half-saved: no row, no file
        raise
    return job


def _claim(job_id: int) -> datetime | None:
    """queued → checking in one conditional UPDATE: the claim's time, or None (not ours)."""
    now = timezone.now()
    checking = {"status": S.CHECKING, "claimed_at": now, "started_at": now, "progress": 0}
    won = claim(
        ImportJob.objects, pk=job_id, expect={"status": S.QUEUED}, to=checking, count="claims"
    )
    return now if won else None


def _claimed(job_id: int, claimed_at: datetime) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(pk=job_id, status__in=CLAIMED, claimed_at=claimed_at)


def import_job_run(*, job_id: int) -> str:
    """Check and write job `job_id` (idempotent: claims first); what happened, as a code."""
    claimed_at = _claim(job_id)
    if claimed_at is None:
        return "not_claimed"
    job = ImportJob.objects.select_related("created_by", "org_unit").get(pk=job_id)
    try:
        with upload_open(job.file_name, job.file_token) as source:
            return _run(job, claimed_at, source)
    except LostClaim:
        return "lost_claim"
    except (DomainError, PermissionDenied, ValidationError) as exc:
        # The whole job refused at run time (rights revoked meanwhile): no retry helps.
        return _end(job, claimed_at, S.FAILED, _problem_report(job, _message(exc)))
    except Exception:
        # Give the claim back so the sweep's re-send can take it again; a job that failed
        # like this MAX_CLAIMS times (an unreadable upload) is given up, not re-run forever.
        if job.claims >= MAX_CLAIMS:
            _end(job, claimed_at, S.FAILED, _problem_report(job, _given_up()["message"]))
        else:
            _claimed(job_id, claimed_at).update(status=S.QUEUED, claimed_at=None)
        raise


def _spec(job: ImportJob) -> ImportSpec:
    return ImportSpec(
        kind=job.kind, fmt=job.fmt, template=job.template, options=ReadOptions(**job.options)
    )


def _run(job: ImportJob, claimed_at: datetime, source: IO[bytes]) -> str:
    actor, spec, unit = job.created_by, _spec(job), job.org_unit
    progress = _progress(job.pk, claimed_at)
    report = file_import_check(actor=actor, spec=spec, source=source, unit=unit, progress=progress)
    if not report.ok:
        return _end(job, claimed_at, S.REFUSED, report)
    if not _claimed(job.pk, claimed_at).update(status=S.WRITING, progress=report.rows):
        return "lost_claim"
    file_import_write(
        actor=actor, spec=spec, source=source, unit=unit, report=report,
        settle=lambda done: _settle(job, claimed_at, S.DONE, done),
    )  # fmt: skip
    if not report.committed:  # a service refused a row: all rolled back
        return _end(job, claimed_at, S.REFUSED, report)
    _discard(job.pk, job.file_name)
    return str(S.DONE)


def _progress(job_id: int, claimed_at: datetime) -> Callable[[int], None]:
    """Rows checked so far, committed at once (the check holds no transaction open)."""

    def update(rows: int) -> None:
        if not _claimed(job_id, claimed_at).update(progress=rows):
            raise LostClaim

    return update


def _fields(status: str, report: ImportReport) -> dict[str, Any]:
    return {
        "status": status, "rows": report.rows, "progress": report.rows,
        "created": report.created if status == S.DONE else 0,
        "error_count": report.error_count, "warning_count": report.warning_count,
        "report": {"truncated": report.truncated,
                   "problems": [asdict(p) for p in report.problems]},
        "claimed_at": None, "finished_at": timezone.now(),
    }  # fmt: skip


def _settle(job: ImportJob, claimed_at: datetime, status: str, report: ImportReport) -> None:
    """The job's end, conditional on its claim; LostClaim undoes the caller's transaction."""
    if not _claimed(job.pk, claimed_at).update(**_fields(status, report)):
        raise LostClaim


def _end(job: ImportJob, claimed_at: datetime, status: str, report: ImportReport) -> str:
    """A job ended without writing: settled, then its upload deleted."""
    _settle(job, claimed_at, status, report)
    _discard(job.pk, job.file_name)
    return str(status)


def _discard(job_id: int, name: str) -> None:
    """Delete the upload of an ended job, then forget its name."""
    upload_delete(name)
    ImportJob.objects.filter(pk=job_id, file_name=name).update(file_name="")


def _message(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or _("You may not import this kind of record.")


def _problem_report(job: ImportJob, message: str) -> ImportReport:
    report = ImportReport(kind=job.kind, error_count=1)
    report.problems.append(RowProblem(0, "", message))
    return report


def import_jobs_sweep(*, stale_after: timedelta = STALE_AFTER) -> dict[str, int]:
    """Give back the claims of killed workers and re-send queued jobs whose message was lost
    (the claim makes a duplicate harmless); a job claimed MAX_CLAIMS times is given up and
    its upload deleted."""
    now = timezone.now()
    stale = ImportJob.objects.filter(status__in=CLAIMED, claimed_at__lt=now - stale_after)
    given_up, given_back = claims_sweep(
        stale, count="claims", limit=MAX_CLAIMS,
        give_up={"status": S.FAILED, "claimed_at": None, "finished_at": now,
                 "error_count": 1, "report": {"truncated": False, "problems": [_given_up()]}},
        give_back={"status": S.QUEUED, "claimed_at": None},
    )  # fmt: skip
    ended = ImportJob.objects.exclude(status__in=ACTIVE).exclude(file_name="")
    for job_id, name in ended.values_list("pk", "file_name"):
        _discard(job_id, name)
    lost = ImportJob.objects.filter(status=S.QUEUED, created_at__lt=now - LOST_AFTER)
    resent = list(lost.values_list("pk", flat=True))
    for job_id in resent:
        _enqueue_on_commit(job_id)
    return {"given_up": given_up, "given_back": given_back, "resent": len(resent)}


def _given_up() -> dict[str, Any]:
    message = _("The import stopped several times without finishing; nothing was imported.")
    return asdict(RowProblem(0, "", message))
