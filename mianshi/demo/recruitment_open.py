"""The demo's second public-recruitment plan, open for applications on the day the demo is
loaded: its public 报名 page takes applications in `make demo` (the first plan, at 公示, is
long past its own). One applicant has already applied through the same service as the
form, and the interviewer 赵磊 (`int_sh_1`) is in the branch's examiner pool with his user
account, so "My panels" is in his navigation.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.demo.data import id_number
from mianshi.jobs.services import job_create
from mianshi.organisations.models import OrgUnit
from mianshi.recruitment.models import Examiner, Plan
from mianshi.recruitment.services.applying import Applicant, application_submit
from mianshi.recruitment.services.panels import examiner_create
from mianshi.recruitment.services.plans import plan_announce, plan_create, post_create

TITLE = "2027年上海分公司公开招聘工作人员（第一批）"
JOB_TITLE = "综合管理岗（管理岗位）"
CODE = "2027001"
RULES = {"education_min": "bachelor", "age_max": 35, "age_cutoff": "2027-06-30"}
# Announced a month before the load, open 30 working days after its 7-day announcement
# period: the load day falls inside the window even across 春节 or 国庆.
ANNOUNCED_DAYS_AGO = 30
OPEN_WORKING_DAYS = 30
SEQ = 80  # ID-number sequences above the first plan's applicants (recruitment.SEQ + 10)
EXAMINER = ("赵磊", "310104", "19800612")  # int_sh_1, 面试官 of the branch


def load(*, today: dt.date | None = None) -> Plan | None:
    """The open plan with its post and one application; None when already there."""
    if Plan.objects.filter(title=TITLE).exists():
        return None
    day = today or timezone.localdate()
    hr = User.objects.get(username="hr_sh")
    plan = _plan(hr, day)
    _applied(plan, day)
    _examiner(hr)
    return plan


def _plan(hr: User, day: dt.date) -> Plan:
    branch = OrgUnit.objects.get(code="sh")
    plan = plan_create(actor=hr, org_unit=branch, title=TITLE, year=day.year + 1, parameters={})
    job = job_create(actor=hr, org_unit=branch, data={
        "title": JOB_TITLE, "status": "open", "headcount": 2, "education": "bachelor",
        "description": "负责本单位综合文字、会务组织与行政事务管理。",
    })  # fmt: skip
    post_create(actor=hr, plan=plan, job=job, code=CODE, rules=RULES)
    on = day - dt.timedelta(days=ANNOUNCED_DAYS_AGO)
    return plan_announce(actor=hr, plan=plan, on=on, close_after_days=OPEN_WORKING_DAYS)


def _applied(plan: Plan, day: dt.date) -> None:
    """林雪 applied through the public form's service, consent given in Chinese."""
    post = plan.posts.get()
    applicant = Applicant(name="林雪", id_number=id_number("310112", "19980302", SEQ, True),
                          phone="13900000880", email="linxue@example.com")  # fmt: skip
    facts = {"education": "master", "degree": "master", "major": "行政管理",
             "school": "华东政法大学", "graduation_year": 2023}  # fmt: skip
    application_submit(plan=plan, post_id=post.pk, applicant=applicant, facts=facts,
                       consent=True, language="zh-hans", today=day)  # fmt: skip


def _examiner(hr: User) -> None:
    name, region, birth = EXAMINER
    user = User.objects.get(username="int_sh_1")
    if not Examiner.objects.filter(user=user).exists():
        examiner_create(actor=hr, org_unit=OrgUnit.objects.get(code="sh"), name=name,
                        id_number=id_number(region, birth, SEQ + 1, False), user=user,
                        expertise=["综合管理"], employer="上海分公司")  # fmt: skip


def summary_lines(base_url: str) -> list[str]:
    """The public 报名 page for `make demo`'s summary (nothing when it is not loaded)."""
    plan = Plan.objects.filter(title=TITLE).first()
    if plan is None:
        return []
    try:
        path = reverse("recruitment:apply", args=[plan.pk])
    except NoReverseMatch:  # the recruitment pages are not mounted
        return []
    base = (base_url or settings.PUBLIC_URL).rstrip("/")
    return [f"Public application form (报名, no login) of a plan open today: {base}{path}"]
