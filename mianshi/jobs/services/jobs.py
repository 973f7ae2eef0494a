"""Job writes (F-10)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import CompetencyModel, InterviewTemplate, Job
from mianshi.jobs.services.common import (
    apply,
    full_clean_errors,
    guarded_delete,
    require_manage,
    require_readable_from,
)
from mianshi.organisations.models import OrgUnit

JOB_FIELDS = (
    "title",
    "description",
    "education",
    "majors",
    "certificates",
    "min_years",
    "headcount",
    "status",
    "competency_model",
    "interview_template",
    "invitation_hours",
    "invitation_instructions",
    "required_materials",
    "score_policy",
    "second_round_template",
)


@transaction.atomic
def job_create(*, actor: SystemActor, org_unit: OrgUnit, data: Mapping[str, Any]) -> Job:
    """Create a job in `org_unit` from the JOB_FIELDS present in `data`."""
    require_manage(actor, org_unit.pk)
    job = Job(org_unit=org_unit)
    changed = apply(job, dict(data), JOB_FIELDS)
    _validate(job)
    job.save()
    audit_record(actor=actor, action="job.create", obj=job, changed_fields=["org_unit", *changed])
    return job


@transaction.atomic
def job_update(*, actor: SystemActor, job: Job, data: Mapping[str, Any]) -> Job:
    """Change the JOB_FIELDS present in `data`; the owner unit cannot move."""
    require_manage(actor, job.org_unit_id)
    changed = apply(job, dict(data), JOB_FIELDS)
    if changed:
        _validate(job)
        job.save()
        audit_record(actor=actor, action="job.update", obj=job, changed_fields=changed)
    return job


@transaction.atomic
def job_delete(*, actor: Actor, job: Job) -> None:
    """Delete a job nothing depends on (applications keep a job alive)."""
    require_manage(actor, job.org_unit_id)
    job_id, unit_id = job.pk, job.org_unit_id
    guarded_delete(job, _("This job is in use and cannot be deleted; close it instead."))
    audit_record(
        actor=actor,
        action="job.delete",
        object_type="jobs.job",
        object_id=job_id,
        org_unit_id=unit_id,
    )


def _validate(job: Job) -> None:
    errors = full_clean_errors(job)
    if errors:
        raise ValidationError(errors)
    model: CompetencyModel | None = job.competency_model
    if model is not None:
        require_readable_from(
            model.org_unit,
            job.org_unit,
            "competency_model",
            _("The competency model must belong to the job's unit or one of its parent units."),
        )
    for field in ("interview_template", "second_round_template"):
        template: InterviewTemplate | None = getattr(job, field)
        if template is not None:
            require_readable_from(
                template.org_unit,
                job.org_unit,
                field,
                _(
                    "The interview template must belong to the job's unit or one of its "
                    "parent units."
                ),
            )


def job_set_public_recruitment(*, job: Job) -> None:
    """Mark the job as a public-recruitment post (the recruitment app's post_create): from
    then on it is hired only through that procedure (candidates' application_advance)."""
    Job.objects.filter(pk=job.pk).update(public_recruitment=True)
    job.public_recruitment = True
