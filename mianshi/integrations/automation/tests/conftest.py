"""Fixtures of the transition-action tests: two branches, a job each, real mail, eager tasks.

Mail reaches an aiosmtpd server on loopback through Django's real SMTP backend; Celery
tasks run their real code in-process; events go through the real outbox and dispatcher.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.tests.factories import make_application, make_candidate
from mianshi.common.tests.real_worker import real_workers  # noqa: F401 (fixture)
from mianshi.common.tests.support import (
    celery_eager,
    interview_job,
    interview_settings,  # noqa: F401 (autouse fixture)
    smtp,  # noqa: F401 (fixture)
)
from mianshi.integrations.automation.tests.flow import move  # noqa: F401 (fixture)
from mianshi.jobs.models import Job
from mianshi.jobs.tests.factories import make_question


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks in-process; errors stay in the task (a retry is then a real retry)."""
    with celery_eager(propagate=False):
        yield


def job_with_template(unit: Any, title: str, hr: User) -> Job:
    questions = [make_question(unit, hr, text="请做一个简短的自我介绍。")]
    return interview_job(unit, hr, questions, title, invitation_hours=72)


@dataclass
class World:
    """HR in 上海 and 深圳, a job in each sales department, an application in 上海."""

    org: Any
    hr_sh: User
    hr_sz: User
    job_sh: Job
    job_sz: Job
    app_sh: Application

    def application(self, name: str = "李四", email: str = "li.si@example.com") -> Application:
        candidate = make_candidate(self.hr_sh, self.job_sh.org_unit, name=name, email=email)
        return make_application(self.hr_sh, candidate, self.job_sh)


@pytest.fixture
def world(org: Any, make_user: Any) -> World:
    hr_sh = make_user("hr_sh", Role.HR, org.sh, email="hr.sh@example.com")
    hr_sz = make_user("hr_sz", Role.HR, org.sz)
    job_sh = job_with_template(org.sh_sales, "销售代表", hr_sh)
    job_sz = job_with_template(org.sz_sales, "销售经理", hr_sz)
    candidate = make_candidate(hr_sh, org.sh, name="张三", email="zhang.san@example.com")
    return World(
        org=org,
        hr_sh=hr_sh,
        hr_sz=hr_sz,
        job_sh=job_sh,
        job_sz=job_sz,
        app_sh=make_application(hr_sh, candidate, job_sh),
    )
