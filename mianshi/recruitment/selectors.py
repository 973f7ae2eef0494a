"""Reads of public recruitment: the working-day calendar, plans and posts a user may see,
the screening of a post, what a candidate is told, and the announcement (招聘公告)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.organisations.scoping import scope
from mianshi.recruitment.calendar import WorkCalendar
from mianshi.recruitment.idcard import region_name
from mianshi.recruitment.models import CalendarDay, DayKind, Plan, PlanStatus, Post, Screening
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.qualification import (
    Degree,
    EducationLevel,
    HouseholdSource,
    MajorCatalogue,
    PoliticalStatus,
    PostRules,
)


def work_calendar() -> WorkCalendar:
    """The organisation's working-day calendar, from its CalendarDay rows (one query)."""
    rows = list(CalendarDay.objects.values_list("day", "kind"))
    return WorkCalendar(
        holidays=frozenset(day for day, kind in rows if kind == DayKind.HOLIDAY),
        workdays=frozenset(day for day, kind in rows if kind == DayKind.WORKDAY),
    )


def major_catalogue() -> MajorCatalogue:
    """The catalogue the rules read: the file of settings.MAJOR_CATALOGUE, else the shipped
    one; ValueError (translated) for a configured file that cannot be used."""
    configured = settings.MAJOR_CATALOGUE
    return MajorCatalogue.from_file(Path(configured)) if configured else MajorCatalogue.default()


def plans_for(user: Actor) -> QuerySet[Plan]:
    """Plans of the units where `user` may see jobs."""
    return scope(Plan.objects.select_related("org_unit"), user, Cap.JOBS_VIEW)


def plan_get(*, user: Actor, pk: int) -> Plan:
    """One plan `user` may see, else 404."""
    return get_object_or_404(plans_for(user), pk=pk)


def posts_for(user: Actor, *, plan: Plan | None = None) -> QuerySet[Post]:
    """Posts whose job lies in a unit where `user` may see jobs, by plan and code."""
    posts = Post.objects.select_related("job", "plan")
    if plan is not None:
        posts = posts.filter(plan=plan)
    return scope(posts, user, Cap.JOBS_VIEW, field="job__org_unit")


def post_get(*, user: Actor, pk: int) -> Post:
    """One post `user` may see, else 404."""
    return get_object_or_404(posts_for(user), pk=pk)


class Phase(StrEnum):
    """Where a plan stands on a given day, as applicants see it."""

    DRAFT = "draft"
    ANNOUNCED = "announced"  # the announcement runs; applications not yet open
    OPEN = "open"
    CLOSED = "closed"


def plan_status_on(plan: Plan, day: dt.date) -> Phase:
    """The plan's phase on `day`; applications are accepted only in Phase.OPEN."""
    opens, closes = plan.applications_open_on, plan.applications_close_on
    if plan.status == PlanStatus.DRAFT or opens is None or closes is None:
        return Phase.DRAFT
    if plan.status not in (PlanStatus.ANNOUNCED, PlanStatus.OPEN) or day > closes:
        return Phase.CLOSED
    return Phase.OPEN if day >= opens else Phase.ANNOUNCED


def screenings_for_post(*, user: Actor, post: Post) -> QuerySet[Screening]:
    """The screening rows of `post` for applications `user` may see, with the candidate."""
    rows = Screening.objects.filter(post=post).select_related("application__candidate")
    return scope(rows, user, Cap.CANDIDATES_VIEW, field="application__org_unit").order_by(
        "application_id"
    )


@dataclass(frozen=True)
class RuleLine:
    """One rule's outcome as the candidate reads it."""

    passed: bool
    reason: str


@dataclass(frozen=True)
class CandidateScreening:
    """What the candidate's status page says about 资格审查."""

    screened: bool  # False: not checked yet
    qualified: bool
    lines: list[RuleLine]
    reviewed: bool  # HR's review decided the verdict
    note: str  # HR's reason for that decision: written for the candidate to read


def screening_for_candidate(application: Application) -> CandidateScreening:
    """The verdict that counts and every rule's reason (as recorded at the run)."""
    row = Screening.objects.filter(application=application).first()
    if row is None:
        return CandidateScreening(False, False, [], reviewed=False, note="")
    lines = [RuleLine(bool(r["passed"]), str(r["reason"])) for r in row.results]
    reviewed = row.override is not None
    return CandidateScreening(True, row.qualified, lines, reviewed=reviewed,
                              note=row.override_reason if reviewed else "")  # fmt: skip


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label)


def rules_in_words(rules: PostRules) -> list[str]:
    """The post's rules as an announcement's 资格条件 column says them, one line each."""
    lines = []
    if rules.education_min:
        level = _label(EducationLevel, rules.education_min)
        lines.append(_("%(level)s or above") % {"level": level})
    if rules.degree_min:
        degree = _label(Degree, rules.degree_min)
        lines.append(_("%(degree)s or above") % {"degree": degree})
    if rules.majors:
        lines.append(
            _("Majors: %(majors)s") % {"majors": get_text_list(list(rules.majors), _("or"))}
        )
    if rules.certificates:
        held = get_text_list(list(rules.certificates), _("and"))
        lines.append(_("Certificates: %(certificates)s") % {"certificates": held})
    return lines + _person_rules(rules)


def _person_rules(rules: PostRules) -> list[str]:
    lines = []
    if rules.experience_years_min is not None:
        years = f"{rules.experience_years_min.normalize():f}"
        lines.append(_("At least %(years)s years of work experience") % {"years": years})
    if rules.age_max is not None and rules.age_cutoff is not None:
        lines.append(_("Aged %(age)s or under on %(cutoff)s") % {
            "age": rules.age_max, "cutoff": rules.age_cutoff.isoformat()})  # fmt: skip
    if rules.household:
        places = get_text_list([region_name(p) for p in rules.household], _("or"))
        source = _label(HouseholdSource, rules.household_source)
        lines.append(_("Household registration in %(places)s (%(source)s)") % {
            "places": places, "source": source})  # fmt: skip
    if rules.political:
        statuses = get_text_list([_label(PoliticalStatus, s) for s in rules.political], _("or"))
        lines.append(_("Political status: %(statuses)s") % {"statuses": statuses})
    return lines


def _percent(weight: Decimal) -> str:
    return f"{(weight * 100).normalize():f}%"


def announcement_html(*, plan: Plan) -> str:
    """The 招聘公告 of `plan` as one self-contained HTML file Word opens (inline CSS, no
    scripts), in the active language."""
    params = Parameters.from_dict(plan.parameters)
    posts = [
        {"code": p.code, "title": p.job.title, "headcount": p.job.headcount,
         "unit": p.job.org_unit.name, "rules": rules_in_words(PostRules.from_dict(p.rules))}
        for p in plan.posts.select_related("job__org_unit").order_by("code")
    ]  # fmt: skip
    weights = {"written": _percent(params.weight_written),
               "interview": _percent(params.weight_interview),
               "extra": _percent(params.weight_extra) if params.weight_extra else ""}  # fmt: skip
    context = {"plan": plan, "unit": plan.org_unit.name, "posts": posts, "weights": weights,
               "params": params, "ratio": f"{params.opening_ratio.normalize():f}"}  # fmt: skip
    return render_to_string("recruitment/announcement.html", context)
