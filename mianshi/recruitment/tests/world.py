"""Test data for public recruitment: a plan with one post (a job in public mode) and its
applicants, each with an ID number and the résumé facts the rules read.

Built with the candidates and jobs apps' real services; the plan and post rows directly,
so each step's tests start where that step starts. `recruitment_world(org, make_user)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.services import job_create
from mianshi.jobs.services.jobs import job_set_public_recruitment
from mianshi.recruitment.models import ApplicantFacts, Plan, Post
from mianshi.recruitment.parameters import Parameters

RULES = {
    "education_min": "bachelor",
    "majors": ["计算机类"],
    "age_max": 35,
    "age_cutoff": "2026-12-31",
}


def id_number(region: str, birth: str, seq: int) -> str:
    """A valid ID number (GB 11643 checksum) for region + birth (YYYYMMDD) + sequence."""
    body = f"{region}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


@dataclass
class RecruitmentWorld:
    org: Any
    hr: User
    plan: Plan
    post: Post
    job: Job
    applications: list[Application] = field(default_factory=list)

    def apply(self, name: str, *, region: str = "330106", birth: str = "19950101",
              major: str = "计算机科学与技术", education: str = "bachelor", **facts: Any
              ) -> Application:  # fmt: skip
        """One more applicant to the post, with facts (ApplicantFacts fields)."""
        seq = len(self.applications) + 1
        candidate = candidate_create(
            actor=self.hr, org_unit=self.org.sh, name=name,
            id_number=id_number(region, birth, seq), phone=f"139{seq:08d}",
        )  # fmt: skip
        app = application_create(actor=self.hr, candidate=candidate, job=self.job)
        ApplicantFacts.objects.create(
            application=app, education=education, major=major,
            ticket=facts.pop("ticket", f"2026{seq:05d}"), **facts,
        )  # fmt: skip
        self.applications.append(app)
        return app


def recruitment_world(
    org: Any, make_user: Any, *, headcount: int = 1, **params: Any
) -> RecruitmentWorld:
    """A plan of the Shanghai branch with post 2026001 (软件开发, `headcount` places)."""
    hr = make_user("hr_gk", Role.HR_ADMIN, org.sh)
    plan = Plan.objects.create(
        org_unit=org.sh, title="2026年上海分公司公开招聘", year=2026, created_by=hr,
        parameters=Parameters.from_dict(params).to_dict(),
        applications_open_on=dt.date(2026, 11, 2), applications_close_on=dt.date(2026, 11, 6),
    )  # fmt: skip
    job = job_create(
        actor=hr, org_unit=org.sh_tech,
        data={"title": "软件开发", "status": JobStatus.OPEN, "headcount": headcount},
    )  # fmt: skip
    post = Post.objects.create(plan=plan, job=job, code="2026001", rules=RULES)
    job_set_public_recruitment(job=job)  # as services/plans.py post_create does
    return RecruitmentWorld(org=org, hr=hr, plan=plan, post=post, job=job)


MARKS = [Decimal(m) for m in ("85", "88", "90", "79", "86", "92", "84")]
