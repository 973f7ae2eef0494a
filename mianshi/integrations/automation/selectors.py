"""Reads of transition rules and their runs: which rules apply, and who may see what.

Which rules apply to a move is answered in one place (`effective_rules`) for the consumer,
the job page and the API alike: the job's own rules for the stage if it has any, else the
nearest unit up the tree that has some. Everything a person reads is scoped to the units
where they manage jobs (ARCHITECTURE rule 3): another branch's rules answer 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import ActionRun, NoticeTemplate, TransitionRule
from mianshi.jobs.models import Job
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import scope
from mianshi.organisations.selectors import orgunit_resolve

CAP = Cap.JOBS_MANAGE


def ancestor_ids(path: str) -> list[int]:
    """The unit ids of a materialised path, nearest (the unit itself) first."""
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


def stage_rules(job: Job, to_stage: str) -> tuple[list[TransitionRule], str]:
    """Every rule (enabled or not) that governs entering `to_stage` in `job`, and where
    they come from: "job", "unit" (a default up the tree) or "" (none)."""
    own = list(TransitionRule.objects.filter(job=job, to_stage=to_stage).order_by("order", "id"))
    if own:
        return own, "job"
    chain = ancestor_ids(job.org_unit.path)
    defaults = TransitionRule.objects.filter(
        job__isnull=True, org_unit_id__in=chain, to_stage=to_stage
    ).order_by("order", "id")
    by_unit: dict[int, list[TransitionRule]] = {}
    for rule in defaults:
        by_unit.setdefault(rule.org_unit_id, []).append(rule)
    nearest = next((unit for unit in chain if unit in by_unit), None)
    return (by_unit[nearest], "unit") if nearest is not None else ([], "")


def effective_rules(job: Job, *, to_stage: str, from_stage: str) -> list[TransitionRule]:
    """The enabled rules that act when an application of `job` moves from → to."""
    rules, _source = stage_rules(job, to_stage)
    return [r for r in rules if r.enabled and r.from_stage in ("", from_stage)]


def rule_list(*, user: Actor) -> QuerySet[TransitionRule]:
    """The rules of the units where `user` manages jobs."""
    qs = TransitionRule.objects.select_related("org_unit", "job", "notice", "interview_template")
    return scope(qs, user, CAP)


def rule_get(*, user: Actor, pk: int) -> TransitionRule:
    """One rule `user` may manage, else 404."""
    return get_object_or_404(rule_list(user=user), pk=pk)


def notice_list(*, user: Actor) -> QuerySet[NoticeTemplate]:
    """The notice templates of the units where `user` manages jobs."""
    return scope(NoticeTemplate.objects.select_related("org_unit"), user, CAP)


def notice_get(*, user: Actor, pk: int) -> NoticeTemplate:
    return get_object_or_404(notice_list(user=user), pk=pk)


def run_list(
    *,
    user: Actor,
    application_id: int | None = None,
    job_id: int | None = None,
    rule_id: int | None = None,
    status: str = "",
) -> QuerySet[ActionRun]:
    """Action runs on the applications of the units where `user` manages jobs."""
    qs = scope(ActionRun.objects.select_related("rule", "transition"), user, CAP)
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    if job_id is not None:
        qs = qs.filter(application__job_id=job_id)
    if rule_id is not None:
        qs = qs.filter(rule_id=rule_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def run_get(*, user: Actor, pk: int) -> ActionRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def job_for_rules(*, user: Actor, pk: int) -> Job:
    """A job whose rules `user` may configure, named in input; else a field error (the
    same for a job that does not exist and one of another branch)."""
    job = scope(Job.objects.select_related("org_unit"), user, CAP).filter(pk=pk).first()
    if job is None:
        raise ValidationError({"job_id": _("Unknown job.")})
    return job


def unit_for_rules(*, user: Actor, pk: int) -> OrgUnit:
    """An active unit whose jobs `user` manages, named in input; else a field error."""
    return orgunit_resolve(user=user, pk=pk, cap=CAP, field="org_unit_id")


def job_for_page(*, user: Actor, pk: int) -> Job:
    """A job whose transition actions `user` may configure, else 404."""
    return get_object_or_404(scope(Job.objects.select_related("org_unit"), user, CAP), pk=pk)


def job_overview(job: Job) -> list[tuple[str, str, list[TransitionRule]]]:
    """Per stage that has rules for `job`: (stage, where they come from, the rules)."""
    rows = []
    for stage in Stage:
        rules, source = stage_rules(job, stage)
        if rules:
            rows.append((str(stage.label), source, rules))
    return rows


def application_for_page(*, user: Actor, pk: int) -> Application:
    """An application of the units where `user` manages jobs (its actions' history), else 404."""
    qs = scope(Application.objects.select_related("job"), user, CAP)
    return get_object_or_404(qs, pk=pk)
