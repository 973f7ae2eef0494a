"""Reads of the public application pages (报名, issue 15): an announced plan and its open
posts as the announcement describes them, and the signed link to an applicant's status.

No user: what is read here is what the announcement already publishes, and an applicant's
own application only through the signed token the confirmation page gave them. The status
token is a signature of the application's id (django.core.signing, without expiry: the
procedure runs for months), since the candidate status page of invitations is keyed to an
invitation, which a self-made application does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.http import Http404

from mianshi.candidates.models import Application
from mianshi.jobs.models import JobStatus
from mianshi.recruitment.models import Plan, PlanStatus, Post, PostStatus
from mianshi.recruitment.qualification import PostRules
from mianshi.recruitment.selectors import rules_in_words

STATUS_SALT = "mianshi.recruitment.apply.status"


@dataclass(frozen=True)
class PublicPost:
    """A post as the public page lists it: code, job title, places, requirements in words."""

    pk: int
    code: str
    title: str
    headcount: int
    requirements: list[str]


def public_plan(*, pk: int) -> Plan:
    """An announced plan (whatever its phase), else 404: a draft is not public."""
    plan = Plan.objects.select_related("org_unit").filter(pk=pk).first()
    if plan is None or plan.status == PlanStatus.DRAFT or plan.applications_open_on is None:
        raise Http404
    return plan


def open_posts(*, plan: Plan) -> list[PublicPost]:
    """The posts of `plan` that take applications, by code (one query)."""
    posts = (
        Post.objects.filter(plan=plan, status=PostStatus.RECRUITING, job__status=JobStatus.OPEN)
        .select_related("job")
        .order_by("code")
    )
    return [
        PublicPost(post.pk, post.code, post.job.title, post.job.headcount,
                   rules_in_words(PostRules.from_dict(post.rules)))
        for post in posts
    ]  # fmt: skip


def status_token(*, application_id: int) -> str:
    """The key of an applicant's status link: the application's id, signed."""
    return signing.dumps(application_id, salt=STATUS_SALT)


def application_by_token(token: str) -> Application | None:
    """The application a status token names; None for a forged, mangled or stale token."""
    try:
        pk = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return Application.objects.filter(pk=pk, job__post__isnull=False).first()


def post_of(application: Application) -> Post:
    """The post (with its plan and job) an application was made to."""
    return Post.objects.select_related("plan__org_unit", "job").get(job_id=application.job_id)
