"""The demo's public recruitment (事业单位公开招聘): one plan of the Shanghai branch walked from
the announcement to the publication list (公示), every step through the recruitment services.

HR 王敏 (hr_sh) runs the procedure; the demo admin, a named approver, upholds the 回避
conflict; the admin also loads the official 2026 calendar (the whole organisation's). Ten
applicants: two fail 资格审查 with the rules' reasons, the exam centre's sheet (the product's
own template, filled in) has a tie at the shortlist cutoff, and the first-ranked candidate
is on a 公示 that started on the demo day, so the hire is refused until the window ends.

The panel is drawn once, by lot, from a fresh seed: nothing is tried until a draw suits.
The set-up makes a 回避 certain whatever the draw: seven seats from a pool of eight leave one
examiner off, and two examiners (周建国, 王国栋) each share surname and native place with a
different shortlisted candidate, so at least one of them sits and the one left off is free
to substitute. Every mark is given by seat, not by examiner, so the ranking is the same
whoever sits. Loading twice adds nothing (the plan's title is the key).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from mianshi.accounts.models import User
from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.demo.data import id_number
from mianshi.jobs.services import job_create
from mianshi.organisations.models import OrgUnit
from mianshi.recruitment.models import (
    Conflict,
    Examiner,
    Lot,
    Panel,
    Plan,
    Post,
    Result,
    Substitute,
)
from mianshi.recruitment.scoresheet import template_xlsx
from mianshi.recruitment.services.exams import qualified_ids, shortlist_make, written_import
from mianshi.recruitment.services.hiring import result_pass, results_advance
from mianshi.recruitment.services.marks import conflict_resolve, conflicts_detect, mark_enter
from mianshi.recruitment.services.panels import examiner_create, lots_draw, panel_draw
from mianshi.recruitment.services.plans import (
    calendar_load_official,
    plan_announce,
    plan_create,
    post_create,
)
from mianshi.recruitment.services.publication import publication_open
from mianshi.recruitment.services.results import results_compute
from mianshi.recruitment.services.screening import facts_save, post_opening_check, screening_run

TITLE = "2026年上海分公司公开招聘工作人员"
JOB_TITLE = "信息技术岗（专业技术岗位）"
CODE = "2026001"
RULES = {"education_min": "bachelor", "majors": ["计算机类"], "age_max": 35,
         "age_cutoff": "2026-12-31"}  # fmt: skip
PARAMETERS = {"weight_written": "0.6", "weight_interview": "0.4"}
ROOM = "第一面试室"
SEQ = 60  # ID-number sequences above the pipeline candidates' (data.PIPELINE)

# (name, female, region, birth, education (the degree goes with it), major, school,
# graduated). 吴静 studied 汉语言文学 and 郑明 is 37 on 2026-12-31: screening rejects them.
APPLICANTS = [
    ("陈思远", False, "310104", "19960315", "master", "计算机科学与技术", "复旦大学", 2021),
    ("李雨桐", True, "320102", "19980722", "bachelor", "软件工程", "南京大学", 2020),
    ("周子涵", True, "310115", "19990908", "bachelor", "信息安全", "上海交通大学", 2021),
    ("王浩然", False, "330106", "19970211", "master", "数据科学与大数据技术", "浙江大学", 2022),
    ("刘佳怡", True, "310110", "20000419", "bachelor", "网络工程", "同济大学", 2022),
    ("张伟", False, "410105", "19950630", "bachelor", "计算机科学与技术", "郑州大学", 2017),
    ("赵敏", True, "340104", "19981103", "bachelor", "物联网工程", "合肥工业大学", 2020),
    ("孙杰", False, "310107", "19960127", "bachelor", "软件工程", "华东师范大学", 2018),
    ("吴静", True, "310106", "19990514", "bachelor", "汉语言文学", "华东师范大学", 2021),
    ("郑明", False, "310105", "19890820", "master", "计算机科学与技术", "上海大学", 2014),
]  # fmt: skip

# What the exam centre writes on the sheet of the qualified (孙杰 was absent: 缺考): 周子涵
# and 王浩然 tie at the shortlist's cutoff (1 place × 3), 赵敏 is below the pass line (60).
WRITTEN = {"陈思远": "86.5", "李雨桐": "82", "周子涵": "78", "王浩然": "78", "刘佳怡": "75.5",
           "张伟": "71", "赵敏": "58.5", "孙杰": None}  # fmt: skip

# The examiner pool (考官库), one more than the panel's seven: (name, female, region, birth,
# employer). 周建国 shares surname and native place (浦东新区, 310115) with 周子涵, 王国栋
# (西湖区, 330106) with 王浩然: whichever examiner the draw leaves off, one pair is flagged.
EXAMINERS = [
    ("周建国", False, "310115", "19680412", "上海市浦东新区科技和经济委员会"),
    ("王国栋", False, "330106", "19710516", "上海市信息安全测评认证中心"),
    ("马建华", False, "310101", "19700903", "上海市大数据中心"),
    ("胡国平", False, "310104", "19660218", "上海市信息化发展研究协会"),
    ("郭丽萍", True, "310105", "19751126", "上海市人才服务中心"),
    ("何志勇", False, "310106", "19720607", "上海电子信息职业技术学院"),
    ("高文静", True, "310107", "19780315", "上海市计算技术研究所"),
    ("罗振宇", False, "310110", "19690721", "上海市软件行业协会"),
]  # fmt: skip
# (examiner, candidate) → the approver's reason for upholding the conflict.
UPHOLD = {
    ("周建国", "周子涵"): "周建国与考生周子涵同姓且籍贯同为浦东新区，经核实为远房亲属，"
    "予以回避，另行抽取考官。",
    ("王国栋", "王浩然"): "王国栋与考生王浩然同姓且籍贯同为杭州市西湖区，经核实为同宗亲属，"
    "予以回避，另行抽取考官。",
}

# Each candidate's marks by seat, in the order the panel stands for them (a substitute takes
# the place of the examiner who stands aside): the same marks whoever the draw seated, so
# the ranking is too. The highest and the lowest are dropped.
MARKS = {
    "陈思远": ("80", "82.5", "85", "78", "84", "90", "76"),
    "李雨桐": ("88", "90", "87", "92", "85", "89", "91"),
    "周子涵": ("75", "80", "78", "82", "79", "77", "81"),
    "王浩然": ("85", "83", "86", "84", "88", "82", "87"),
}


def load(*, today: dt.date | None = None) -> Plan | None:
    """The demo plan at 公示 on `today` (default: the local date); None when already there."""
    if Plan.objects.filter(title=TITLE).exists():
        return None
    day = today or timezone.localdate()
    hr, approver = User.objects.get(username="hr_sh"), User.objects.get(username="admin")
    calendar_load_official(actor=approver, year=2026)
    plan, post = _plan(hr, day)
    people = _applicants(hr, post)
    screening_run(actor=hr, post=post, today=day - dt.timedelta(days=40))
    post_opening_check(actor=hr, post=post)
    _written(hr, post, people)
    shortlist_make(actor=hr, post=post)
    panel = _panel(hr, post, day - dt.timedelta(days=14))
    _avoidance(hr, approver, panel)
    _marks(hr, panel)
    _publish(hr, post, day)
    return plan


def _plan(hr: User, day: dt.date) -> tuple[Plan, Post]:
    """The plan, its one post (a new job of the branch) and the announcement."""
    branch = OrgUnit.objects.get(code="sh")
    plan = plan_create(actor=hr, org_unit=branch, title=TITLE, year=2026, parameters=PARAMETERS)
    job = job_create(actor=hr, org_unit=branch, data={
        "title": JOB_TITLE, "status": "open", "headcount": 1, "education": "bachelor",
        "description": "负责本单位信息系统的开发、运维与网络安全管理。",
    })  # fmt: skip
    post = post_create(actor=hr, plan=plan, job=job, code=CODE, rules=RULES)
    plan = plan_announce(actor=hr, plan=plan, on=day - dt.timedelta(days=60))
    return plan, post


def _applicants(hr: User, post: Post) -> dict[str, Application]:
    """HR enters each applicant (no public portal yet) with the facts the rules read."""
    people = {}
    for n, row in enumerate(APPLICANTS, 1):
        name, female, region, birth, education, major, school, year = row
        candidate = candidate_create(
            actor=hr, org_unit=post.job.org_unit, name=name,
            id_number=id_number(region, birth, SEQ + n, female),
            gender="female" if female else "male", phone=f"1376{SEQ + n:03d}{n:04d}",
        )  # fmt: skip
        application = application_create(actor=hr, candidate=candidate, job=post.job)
        facts_save(actor=hr, application=application, education=education, degree=education,
                   major=major, school=school, graduation_year=year,
                   ticket=f"{CODE}{n:03d}")  # fmt: skip
        people[name] = application
    return people


def _written(hr: User, post: Post, people: dict[str, Application]) -> None:
    """The exam centre fills in the sheet HR gave it (the qualified only); HR imports it."""
    qualified = qualified_ids(post)
    listed = [(n, row[0]) for n, row in enumerate(APPLICANTS, 1) if people[row[0]].pk in qualified]
    sheet = template_xlsx(rows=[(f"{CODE}{n:03d}", name) for n, name in listed])
    book = load_workbook(io.BytesIO(sheet))
    page = book.active
    assert page is not None  # the template has its one sheet
    for line, (_n, name) in enumerate(listed, 2):
        score = WRITTEN[name]  # the 缺考 column says 是 for an absentee
        page.cell(line, 3 if score else 4, Decimal(score) if score else "是")
    filled = io.BytesIO()
    book.save(filled)
    written_import(actor=hr, post=post, data=filled.getvalue(), filename="笔试成绩.xlsx")


def _examiners(hr: User) -> None:
    branch = OrgUnit.objects.get(code="sh")
    for n, (name, female, region, birth, employer) in enumerate(EXAMINERS, 1):
        examiner_create(actor=hr, org_unit=branch, name=name, employer=employer,
                        id_number=id_number(region, birth, n, female),
                        expertise=["计算机"])  # fmt: skip


def _panel(hr: User, post: Post, day: dt.date) -> Panel:
    """The pool, one panel drawn by lot and the candidates' interview order."""
    _examiners(hr)
    panel = panel_draw(actor=hr, post=post, room=ROOM, interview_on=day)
    lots_draw(actor=hr, panel=panel)
    return panel


def _avoidance(hr: User, approver: User, panel: Panel) -> None:
    """HR runs the 回避 check; the approver upholds each finding with its reason and a
    substitute is drawn for each."""
    conflicts_detect(actor=hr, panel=panel)
    found = Conflict.objects.filter(panel=panel).select_related(
        "examiner", "application__candidate"
    )
    for conflict in found.order_by("pk"):
        pair = (conflict.examiner.name, conflict.application.candidate.name)
        conflict_resolve(actor=approver, conflict=conflict, upheld=True, reason=UPHOLD[pair])


def standing(panel: Panel, application: Application) -> list[Examiner]:
    """The examiners who judge `application`, in seat order, substitutes in their place."""
    seated = Examiner.objects.filter(seats__panel=panel, seats__replaced=False)
    subs = Substitute.objects.filter(panel=panel, application=application)
    instead = {s.replaces_id: s.examiner for s in subs.select_related("examiner")}
    return [instead.get(e.pk, e) for e in seated.order_by("seats__pk")]


def _marks(hr: User, panel: Panel) -> None:
    """HR enters the panel's score sheets, one mark per sitting examiner and candidate."""
    for lot in Lot.objects.filter(panel=panel).select_related("application__candidate"):
        application = lot.application
        marks = MARKS[application.candidate.name]
        for examiner, score in zip(standing(panel, application), marks, strict=True):
            mark_enter(actor=hr, panel=panel, examiner=examiner, application=application,
                       score=Decimal(score))  # fmt: skip


def _publish(hr: User, post: Post, day: dt.date) -> None:
    """Results, 体检 and 考察 passed for the first, and a 公示 that starts on `day`."""
    results_compute(actor=hr, post=post)
    results_advance(actor=hr, post=post)
    first = Result.objects.get(post=post, rank=1)
    result_pass(actor=hr, result=first, step="medical")
    result_pass(actor=hr, result=first, step="background")
    publication_open(actor=hr, post=post, starts_on=day)


def summary_lines(base_url: str) -> list[str]:
    """The demo plan's link for `make demo`'s summary (nothing when it is not loaded)."""
    plan = Plan.objects.filter(title=TITLE).first()
    if plan is None:
        return []
    try:
        path = reverse("recruitment:plan_detail", args=[plan.pk])
    except NoReverseMatch:  # the plan pages are not mounted: the post's API document
        post = Post.objects.filter(plan=plan).first()
        path = f"/api/recruitment/posts/{post.pk if post else ''}"
    base = (base_url or settings.PUBLIC_URL).rstrip("/")
    return [f"Public recruitment plan at 公示 (log in as hr_sh): {base}{path}"]
