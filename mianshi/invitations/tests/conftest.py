"""Fixtures of the invitations tests: a real SMTP server, eager Celery, a small world.

Mail is received by aiosmtpd on a free loopback port through Django's real SMTP backend
(`mianshi.common.tests.support`); tasks run in-process through Celery's eager mode (the
real task and service code).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.tests.factories import make_application, make_candidate, phone
from mianshi.common.tests.support import (
    celery_eager,
    interview_job,
    interview_settings,  # noqa: F401 (autouse fixture)
    smtp,  # noqa: F401 (fixture)
)
from mianshi.jobs.models import Job
from mianshi.jobs.tests.factories import make_question


@pytest.fixture
def eager() -> Iterator[None]:
    """Run Celery tasks in-process (the real task code, no broker); `.get()` re-raises errors.

    Propagation stays off: with it on, an eager task's retry surfaces as an exception
    instead of running the next attempt."""
    with celery_eager(propagate=False):
        yield


@dataclass
class World:
    """Two branches with HR each, a job per branch with a 2-question template."""

    hr_sh: User
    hr_sz: User
    viewer_sh: User
    job_sh: Job
    job_sz: Job
    app_sh: Application
    app_sz: Application

    def application(self, name: str = "李四", email: str = "li.si@example.com") -> Application:
        candidate = make_candidate(
            self.hr_sh, self.job_sh.org_unit, name=name, email=email, phone=phone()
        )
        return make_application(self.hr_sh, candidate, self.job_sh)


def job_with_template(unit: Any, title: str, hr: User) -> Job:
    questions = [
        make_question(unit, hr, text="请做一个简短的自我介绍。"),
        make_question(unit, hr, text="请讲述一次你说服客户的经历。"),
    ]
    return interview_job(
        unit,
        hr,
        questions,
        title,
        invitation_hours=72,
        invitation_instructions="请在安静的环境中完成面试。",
        required_materials="身份证复印件，学历证书",
    )


@pytest.fixture
def world(org: Any, make_user: Any) -> World:
    hr_sh = make_user("hr_sh", Role.HR, org.sh, email="hr.sh@example.com")
    hr_sz = make_user("hr_sz", Role.HR, org.sz)
    job_sh = job_with_template(org.sh_sales, "销售代表", hr_sh)
    job_sz = job_with_template(org.sz_sales, "销售经理", hr_sz)
    cand_sh = make_candidate(hr_sh, org.sh, name="张三", email="zhang.san@example.com")
    cand_sz = make_candidate(hr_sz, org.sz, name="王五", email="wang.wu@example.com")
    return World(
        hr_sh=hr_sh,
        hr_sz=hr_sz,
        viewer_sh=make_user("mgr_sh", Role.DEPT_MANAGER, org.sh),
        job_sh=job_sh,
        job_sz=job_sz,
        app_sh=make_application(hr_sh, cand_sh, job_sh),
        app_sz=make_application(hr_sz, cand_sz, job_sz),
    )
