"""Reads the HR pages of plans, posts and screening need beyond selectors.py: list rows
with their counts, the applicants of a post with facts and verdicts, the jobs that can
still become posts, the calendar of a year. Scoped like every read; each a fixed number
of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.jobs.models import Job, JobStatus
from mianshi.organisations.scoping import has_cap, scope, subtree_ids
from mianshi.recruitment.arithmetic import meets_opening_ratio
from mianshi.recruitment.models import QUALIFIED, CalendarDay, Plan, Post, Screening
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.selectors import plans_for, posts_for

# What counts as qualified: HR's override where there is one, else the rules' verdict
# (the same test services.screening counts the opening ratio with).


def plan_rows(user: Actor) -> QuerySet[Plan]:
    """The plans `user` may see, each with `posts_count` (one query)."""
    return plans_for(user).annotate(posts_count=Count("posts")).order_by("-year", "title", "pk")


@dataclass(frozen=True)
class PostRow:
    """A post on its plan's page with its applicants and qualified counts."""

    post: Post
    applicants: int
    qualified: int


def post_rows(*, user: Actor, plan: Plan) -> list[PostRow]:
    """The plan's posts `user` may see, with counts (three queries)."""
    posts = list(posts_for(user, plan=plan).order_by("code"))
    jobs = [p.job_id for p in posts]
    applied = dict(
        Application.objects.filter(job_id__in=jobs)
        .values("job_id")
        .annotate(n=Count("id"))
        .values_list("job_id", "n")
    )
    passed = dict(
        Screening.objects.filter(QUALIFIED, post__in=posts)
        .values("post_id")
        .annotate(n=Count("id"))
        .values_list("post_id", "n")
    )
    return [PostRow(p, applied.get(p.job_id, 0), passed.get(p.pk, 0)) for p in posts]


def jobs_for_posts(*, user: Actor, plan: Plan) -> QuerySet[Job]:
    """Open jobs of the plan's unit subtree that `user` manages and no plan posts yet."""
    jobs = Job.objects.filter(
        org_unit_id__in=subtree_ids(plan.org_unit_id), status=JobStatus.OPEN, post__isnull=True
    )
    return scope(jobs, user, Cap.JOBS_MANAGE).select_related("org_unit").order_by("title")


def applicants_of(*, user: Actor, post: Post) -> QuerySet[Application]:
    """The post's applications `user` may see, with the candidate, facts and verdict."""
    apps = Application.objects.filter(job_id=post.job_id)
    apps = scope(apps, user, Cap.CANDIDATES_VIEW)
    return apps.select_related("candidate", "facts", "screening").order_by("id")


@dataclass(frozen=True)
class RatioFigures:
    """开考比例 as it stands: qualified applicants against places × ratio."""

    qualified: int
    headcount: int
    ratio: Decimal
    required: Decimal
    met: bool


def ratio_figures(post: Post) -> RatioFigures:
    """The opening-ratio figures of `post` now (one query; nothing changes)."""
    ratio = Parameters.from_dict(post.plan.parameters).opening_ratio
    qualified = Screening.objects.filter(QUALIFIED, post=post).count()
    headcount = post.job.headcount
    met = headcount >= 1 and meets_opening_ratio(
        qualified=qualified, headcount=headcount, ratio=ratio
    )
    return RatioFigures(qualified, headcount, ratio, headcount * ratio, met)


def merge_targets(*, user: Actor, post: Post) -> QuerySet[Post]:
    """Other posts of the post's plan `user` may see (what it may be merged into)."""
    return posts_for(user, plan=post.plan).exclude(pk=post.pk).order_by("code")


def screening_get(*, user: Actor, post: Post, application_id: int) -> Screening:
    """The screening row of one of the post's applications `user` may see, else 404."""
    rows = Screening.objects.filter(post=post).select_related("application__candidate")
    rows = scope(rows, user, Cap.CANDIDATES_VIEW, field="application__org_unit")
    return get_object_or_404(rows, application_id=application_id)


def application_for_facts(*, user: Actor, pk: int) -> Application:
    """An application of a post that `user` may see (404 otherwise), with its post."""
    apps = scope(Application.objects.filter(job__post__isnull=False), user, Cap.CANDIDATES_VIEW)
    return get_object_or_404(apps.select_related("candidate", "facts"), pk=pk)


def can(user: Actor, cap: Cap, unit_id: int) -> bool:
    """Whether `user` holds `cap` on the unit (what a page offers)."""
    return has_cap(user, cap, unit_id=unit_id)


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The configured days of `year` (holidays and 调休 working days), in order."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return CalendarDay.objects.filter(day__range=(start, end)).order_by("day")
