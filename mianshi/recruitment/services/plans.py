"""Plans, posts and the calendar they are counted on (招聘计划, 岗位, 工作日).

A plan is configured while it is a draft; announcing it publishes its parameters and its
posts' rules (招聘公告), so from then on its parameters are frozen, and a post's rules are
frozen once applications open: a candidate applies against the rules that were published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.compliance.services import audit_record
from mianshi.jobs.models import Job
from mianshi.jobs.services.jobs import job_set_public_recruitment
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import has_cap, require_cap, subtree_ids
from mianshi.recruitment.calendar import OFFICIAL_YEARS, china
from mianshi.recruitment.models import CalendarDay, DayKind, Plan, PlanStatus, Post
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.qualification import PostRules
from mianshi.recruitment.selectors import work_calendar

_SATURDAY = 5
MAX_APPLICATION_DAYS = 60


def _require_calendar(actor: Actor) -> None:
    # The calendar is the whole organisation's: whoever manages any unit keeps it.
    if not has_cap(actor, Cap.ORG_MANAGE):
        raise PermissionDenied(_("You may not change the working-day calendar."))


def _require_plan(actor: Actor, plan: Plan) -> None:
    require_cap(actor, Cap.JOBS_MANAGE, plan.org_unit_id, _("You may not manage this plan."))


@transaction.atomic
def calendar_day_set(*, actor: Actor, day: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Mark `day` as a day off or as a 调休 working day (replacing what it was)."""
    _require_calendar(actor)
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Unknown kind of day.")})
    if kind == DayKind.WORKDAY and day.weekday() < _SATURDAY:
        raise ValidationError({"kind": _("A weekday is a working day already.")})
    before = CalendarDay.objects.filter(day=day).values_list("kind", flat=True).first()
    row, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name.strip()[:60]}
    )
    audit_record(actor=actor, action="recruitment.calendar.set", obj=row,
                 detail={"day": day.isoformat(), "kind": kind, "before": before})  # fmt: skip
    return row


@transaction.atomic
def calendar_day_remove(*, actor: Actor, day: dt.date) -> bool:
    """Let `day` follow the weekly rule again; False when it was not listed."""
    _require_calendar(actor)
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        return False
    audit_record(actor=actor, action="recruitment.calendar.remove", obj=row,
                 detail={"day": day.isoformat(), "kind": row.kind})  # fmt: skip
    row.delete()
    return True


@transaction.atomic
def calendar_load_official(*, actor: Actor, year: int = 2026) -> int:
    """Write the State Council's calendar of `year` (one of calendar.OFFICIAL_YEARS); rows
    already right stay, others are set. Returns how many rows changed (0 on a second load)."""
    _require_calendar(actor)
    if year not in OFFICIAL_YEARS:
        raise ValidationError({"year": _("No official calendar for %(year)s.") % {"year": year}})
    official = china(year)
    wanted = {d: DayKind.HOLIDAY for d in official.holidays}
    wanted |= {d: DayKind.WORKDAY for d in official.workdays}
    have = dict(CalendarDay.objects.filter(day__in=wanted).values_list("day", "kind"))
    changed = [d for d, kind in wanted.items() if have.get(d) != kind]
    CalendarDay.objects.filter(day__in=changed).delete()
    CalendarDay.objects.bulk_create(CalendarDay(day=d, kind=wanted[d]) for d in changed)
    audit_record(
        actor=actor, action="recruitment.calendar.load", object_type="recruitment.calendarday",
        detail={"year": year, "changed": len(changed)},
    )  # fmt: skip
    return len(changed)


def _title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 160:
        raise ValidationError({"title": _("A title of 1 to 160 characters is required.")})
    return title


@transaction.atomic
def plan_create(
    *, actor: Actor, org_unit: OrgUnit, title: str, year: int, parameters: dict[str, Any]
) -> Plan:
    """A draft plan of `org_unit`; the parameters are validated and stored with defaults."""
    require_cap(actor, Cap.JOBS_MANAGE, org_unit.pk, _("You may not manage this plan."))
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Not a valid year.")})
    plan = Plan.objects.create(
        org_unit=org_unit, title=_title(title), year=year, created_by=actor,
        parameters=Parameters.from_dict(parameters).to_dict(),
    )  # fmt: skip
    audit_record(actor=actor, action="recruitment.plan.create", obj=plan, detail={"year": year})
    return plan


def _locked_draft(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError(_("The plan is announced: its rules are published and fixed."))
    return locked


@transaction.atomic
def plan_update_parameters(*, actor: Actor, plan: Plan, parameters: dict[str, Any]) -> Plan:
    """Replace a draft plan's parameters (missing keys take the default)."""
    _require_plan(actor, plan)
    locked = _locked_draft(plan)
    old = Parameters.from_dict(locked.parameters).to_dict()
    new = Parameters.from_dict(parameters).to_dict()
    changed = [key for key, value in new.items() if old[key] != value]
    locked.parameters = new
    locked.save(update_fields=["parameters", "updated_at"])
    audit_record(actor=actor, action="recruitment.plan.parameters", obj=locked,
                 changed_fields=changed)  # fmt: skip
    plan.parameters = new
    return locked


def _code(plan: Plan, code: str) -> str:
    code = code.strip()
    if not code or len(code) > 30:
        raise ValidationError({"code": _("A post code of 1 to 30 characters is required.")})
    if Post.objects.filter(plan=plan, code=code).exists():
        raise ValidationError({"code": _("This post code is already used in the plan.")})
    return code


def _check_job(plan: Plan, job: Job) -> None:
    if job.org_unit_id not in subtree_ids(plan.org_unit_id):
        raise ValidationError({"job": _("The job must belong to the plan's unit or below it.")})
    if Post.objects.filter(job=job).exists():
        raise ValidationError({"job": _("This job is already a post of a plan.")})


@transaction.atomic
def post_create(*, actor: Actor, plan: Plan, job: Job, code: str, rules: dict[str, Any]) -> Post:
    """Switch `job` into public mode as post `code` of a draft plan, with its rules."""
    _require_plan(actor, plan)
    require_cap(actor, Cap.JOBS_MANAGE, job.org_unit_id, _("You may not manage this job."))
    locked = _locked_draft(plan)
    _check_job(locked, job)
    post = Post.objects.create(
        plan=locked, job=job, code=_code(locked, code), rules=PostRules.from_dict(rules).to_dict()
    )
    job_set_public_recruitment(job=job)
    audit_record(actor=actor, action="recruitment.post.create", obj=post,
                 org_unit_id=job.org_unit_id,
                 detail={"plan": plan.pk, "job": job.pk, "code": post.code})  # fmt: skip
    return post


def _opened(plan: Plan, today: dt.date) -> bool:
    if plan.status == PlanStatus.DRAFT:
        return False  # a draft's dates are not published: only the announcement sets them
    if plan.status == PlanStatus.ANNOUNCED:
        return plan.applications_open_on is not None and plan.applications_open_on <= today
    return True


@transaction.atomic
def post_update_rules(
    *, actor: Actor, post: Post, rules: dict[str, Any], today: dt.date | None = None
) -> Post:
    """Replace a post's rules until applications open (a correction during the
    announcement is audited like any change)."""
    require_cap(actor, Cap.JOBS_MANAGE, post.job.org_unit_id, _("You may not manage this job."))
    rows = Post.objects.select_for_update(of=("self", "plan")).select_related("plan")
    locked = rows.get(pk=post.pk)
    if _opened(locked.plan, today or dt.date.today()):
        raise ValidationError(_("Applications have opened: the post's rules are fixed."))
    old, new = PostRules.from_dict(locked.rules).to_dict(), PostRules.from_dict(rules).to_dict()
    changed = [key for key, value in new.items() if old[key] != value]
    locked.rules = new
    locked.save(update_fields=["rules"])
    audit_record(actor=actor, action="recruitment.post.rules", obj=locked,
                 org_unit_id=post.job.org_unit_id, changed_fields=changed)  # fmt: skip
    post.rules = new
    return locked


def has_rules(rules: dict[str, Any]) -> bool:
    """Whether a post's stored rules apply at least one rule."""
    return PostRules.from_dict(rules) != PostRules()


def _check_posts(plan: Plan) -> int:
    posts = list(plan.posts.only("code", "rules"))
    if not posts:
        raise ValidationError(_("A plan without posts cannot be announced."))
    bare = [p.code for p in posts if not has_rules(p.rules)]
    if bare:
        raise ValidationError(
            _("Posts without qualification rules: %(codes)s.") % {"codes": ", ".join(bare)}
        )
    return len(posts)


@transaction.atomic
def plan_announce(*, actor: Actor, plan: Plan, on: dt.date, close_after_days: int = 5) -> Plan:
    """Publish the plan on `on`: applications open on the first working day after the
    announcement period (Parameters.announcement_days working days from `on`) and stay open
    `close_after_days` working days."""
    _require_plan(actor, plan)
    if not 1 <= close_after_days <= MAX_APPLICATION_DAYS:
        raise ValidationError({"close_after_days": _("Between 1 and 60 working days.")})
    locked = _locked_draft(plan)
    count = _check_posts(locked)
    calendar, params = work_calendar(), Parameters.from_dict(locked.parameters)
    # A period ending on a Friday opens on Monday: the day after, if people work then.
    opens = calendar.add_working_days(calendar.period_end(on, params.announcement_days), 1)
    locked.announced_on, locked.applications_open_on = on, opens
    locked.applications_close_on = calendar.period_end(opens, close_after_days)
    locked.status = PlanStatus.ANNOUNCED
    locked.save()
    audit_record(actor=actor, action="recruitment.plan.announce", obj=locked, detail={
        "on": on.isoformat(), "open": opens.isoformat(), "posts": count,
        "close": locked.applications_close_on.isoformat()})  # fmt: skip
    return locked
