"""Acceptance test of issue 15 (public recruitment): one post from the plan to the hire,
every HR step in a real Chromium in zh-Hans (the steps: recruitment_procedure_steps.py).

HR (王敏, role HR) writes the plan's parameters on the plan page (weights 60/40, opening ratio
3 per place, shortlist 1:3, pass line 60) and adds the post (the job's headcount: 2 places,
bachelor, 计算机类). Nine applicants; 吴静 studied 汉语言文学 and is refused with the rule's
reason; eight qualified open the post (8 ≥ 2 × 3). The exam centre's CSV is uploaded: the
shortlist has 2 × 3 = 6 places, 周子涵 and 王浩然 tie at the sixth and both go through (seven),
刘佳怡 is below the pass line. A panel of seven is drawn from a pool of eight and the test
re-runs the draw from the recorded seed. Two examiners share surname and native place (the
ID number's first six digits) with a different shortlisted candidate (周建国/周子涵,
王国栋/王浩然): seven seats from eight always seat at least one of them, and the one left off
is free to substitute. The marks sheet blocks those cells; the supervisor (a named approver,
role DEPT_MANAGER) upholds each conflict and the substitute's cell is marked. Marks are
given by seat, so the ranking does not depend on the draw. Totals and ranks are computed
here by hand and compared with the page and the API. Ranks 1 and 2 pass 体检 and 考察 and go
on the 公示 (page and PDF masked: 李*桐, 陈*远); a hire inside the window is refused; the
window is moved into the past; the supervisor cuts the quota from 2 to 1 (编制核减) on the
progress page; rank 1 is hired and the post is filled; the hire asked for rank 2 puts them
in the reserve pool (后备人才库) with the reason, not hired, and the pipeline API refuses to
move them to hired.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.candidates.models import Application
from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.services import job_create
from mianshi.recruitment import draw
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
    Lot,
    Mark,
    Panel,
    Plan,
    Post,
    PostStatus,
    Publication,
    QuotaChange,
    Result,
    ResultStatus,
    Seat,
    Substitute,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.services.panels import examiner_create
from mianshi.recruitment.tests.scores import sheet
from mianshi.recruitment.tests.world import id_number
from tests.e2e import recruitment_procedure_steps as steps
from tests.e2e.axe import Axe
from tests.e2e.conftest import NewPage
from tests.e2e.pdf_check import embedded_cjk_fonts, glyph_problems, run
from tests.e2e.test_login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

PLAN = "2026年上海分公司公开招聘工作人员"
CODE = "2026001"
ROOM = "第一面试室"
PARAMETERS = {"weight_written": "0.6", "weight_interview": "0.4", "opening_ratio": "3",
              "shortlist_ratio": "3", "pass_line": "60"}  # fmt: skip
# (name, region = the ID number's first six digits, major, exam ticket)
APPLICANTS = [
    ("陈思远", "310104", "计算机科学与技术", "2026001001"),
    ("李雨桐", "320102", "软件工程", "2026001002"),
    ("周子涵", "310115", "信息安全", "2026001003"),
    ("王浩然", "330106", "数据科学与大数据技术", "2026001004"),
    ("刘佳怡", "310110", "网络工程", "2026001005"),
    ("吴静", "310106", "汉语言文学", "2026001006"),
    ("林晓东", "310112", "物联网工程", "2026001007"),
    ("孙雅琪", "310117", "计算机科学与技术", "2026001008"),
    ("徐子墨", "310118", "软件工程", "2026001009"),
]
# Eight qualified; six places (2 × 3) before ties: the sixth is shared at 78.
WRITTEN = {"陈思远": "86.5", "林晓东": "84", "李雨桐": "82", "孙雅琪": "80.5", "徐子墨": "79.5",
           "周子涵": "78", "王浩然": "78", "刘佳怡": "58.5"}  # fmt: skip
# The pool: 周建国 shares 周 and 310115 with 周子涵, 王国栋 shares 王 and 330106 with 王浩然.
EXAMINERS = [("周建国", "310115"), ("王国栋", "330106"), ("马建华", "310101"),
             ("胡国平", "310105"), ("郭丽萍", "310107"), ("何志勇", "310109"),
             ("高文静", "310112"), ("罗振宇", "310113")]  # fmt: skip
# Each shortlisted candidate's marks in seat order (a substitute marks in the seat's place).
MARKS = {
    "李雨桐": ("88", "90", "87", "92", "85", "89", "91"),
    "陈思远": ("80", "82.5", "85", "78", "84.33", "90", "76"),
    "林晓东": ("80", "83", "79", "81", "84", "82", "78"),
    "孙雅琪": ("84.5", "86", "83", "88", "85.17", "87", "90"),
    "王浩然": ("85", "83", "86", "84", "88", "82", "87"),
    "周子涵": ("75", "80", "78", "82", "79", "77", "81"),
    "徐子墨": ("70", "74", "72.5", "76", "71", "73", "75"),
}
# Worked out on paper: (interview = mean of the five middle marks, total = 0.6 × written +
# 0.4 × interview, both rounded half up to cents; rank by total).
# 李雨桐: 87 + 88 + 89 + 90 + 91 = 445, / 5 = 89.00; 82 × 0.6 + 89 × 0.4 = 49.2 + 35.6 = 84.80.
# 陈思远: 78 + 80 + 82.5 + 84.33 + 85 = 409.83, / 5 = 81.966 → 81.97;
#         86.5 × 0.6 + 81.97 × 0.4 = 51.9 + 32.788 = 84.688 → 84.69.
# 林晓东: 79 + 80 + 81 + 82 + 83 = 405, / 5 = 81.00; 84 × 0.6 + 81 × 0.4 = 50.4 + 32.4 = 82.80.
# 孙雅琪: 84.5 + 85.17 + 86 + 87 + 88 = 430.67, / 5 = 86.134 → 86.13;
#         80.5 × 0.6 + 86.13 × 0.4 = 48.3 + 34.452 = 82.752 → 82.75.
# 王浩然: 83 + 84 + 85 + 86 + 87 = 425, / 5 = 85.00; 78 × 0.6 + 85 × 0.4 = 46.8 + 34 = 80.80.
# 周子涵: 77 + 78 + 79 + 80 + 81 = 395, / 5 = 79.00; 78 × 0.6 + 79 × 0.4 = 46.8 + 31.6 = 78.40.
# 徐子墨: 71 + 72.5 + 73 + 74 + 75 = 365.5, / 5 = 73.10;
#         79.5 × 0.6 + 73.1 × 0.4 = 47.7 + 29.24 = 76.94.
EXPECTED = {
    "李雨桐": (Decimal("89.00"), Decimal("84.80"), 1),
    "陈思远": (Decimal("81.97"), Decimal("84.69"), 2),
    "林晓东": (Decimal("81.00"), Decimal("82.80"), 3),
    "孙雅琪": (Decimal("86.13"), Decimal("82.75"), 4),
    "王浩然": (Decimal("85.00"), Decimal("80.80"), 5),
    "周子涵": (Decimal("79.00"), Decimal("78.40"), 6),
    "徐子墨": (Decimal("73.10"), Decimal("76.94"), 7),
}
HEADCOUNT = 2
# The two on the 公示 as the list shows them (first and last character kept).
LISTED = {"李雨桐": "李*桐", "陈思远": "陈*远"}
CUT = "编制核减：上级批复本岗位编制由2名核减为1名。"
CENT = Decimal("0.01")


def by_hand() -> dict[str, tuple[Decimal, Decimal, int]]:
    """The synthesis as a clerk does it with a calculator, from the sheets above."""
    figures = {}
    for name, marks in MARKS.items():
        middle = sorted(Decimal(m) for m in marks)[1:-1]  # highest and lowest dropped
        interview = (sum(middle, Decimal(0)) / len(middle)).quantize(CENT, rounding=ROUND_HALF_UP)
        written = Decimal(WRITTEN[name])
        total = written * Decimal("0.6") + interview * Decimal("0.4")
        figures[name] = (interview, total.quantize(CENT, rounding=ROUND_HALF_UP))
    order = sorted(figures, key=lambda n: figures[n][1], reverse=True)  # no equal totals
    return {n: (*figures[n], order.index(n) + 1) for n in figures}


@pytest.fixture
def people(org: Any, make_user: Any) -> dict[str, Any]:
    """HR, the supervisor, the job (two places) with its nine applicants and the pool."""
    hr = make_user("hr_wangmin", Role.HR, org.sh, first_name="敏", last_name="王")
    boss = make_user("zg_zhao", Role.DEPT_MANAGER, org.sh, first_name="建平", last_name="赵")
    post_job = {"title": "软件开发", "status": JobStatus.OPEN, "headcount": HEADCOUNT}
    job = job_create(actor=hr, org_unit=org.sh_tech, data=post_job)
    apps = {row[0]: steps.applicant(hr, org.sh, job, row, n)
            for n, row in enumerate(APPLICANTS, 1)}  # fmt: skip
    for n, (name, region) in enumerate(EXAMINERS, 1):
        examiner_create(actor=hr, org_unit=org.sh, name=name,
                        id_number=id_number(region, "19700101", n))  # fmt: skip
    return {"hr": hr, "boss": boss, "job": job, "apps": apps}


# --- checks the test makes between the browser steps --------------------------------------


def plan_and_post(page: Page, axe: Axe, org: Any, job: Job) -> Post:
    """The parameters typed on the plan page are the plan's; the post has the rule."""
    steps.create_plan(page, axe, PLAN, org.sh.pk, PARAMETERS)
    params = Parameters.from_dict(Plan.objects.get(title=PLAN).parameters)
    assert (params.weight_written, params.weight_interview) == (Decimal("0.6"), Decimal("0.4"))
    assert (params.opening_ratio, params.shortlist_ratio, params.pass_line) == (3, 3, 60)
    steps.add_post(page, axe, job, CODE, "计算机类")
    return Post.objects.select_related("job", "plan").get(code=CODE)


def written_sheet(folder: Path) -> Path:
    """The exam centre's CSV (the template's header), the qualified applicants only."""
    tickets = {name: ticket for name, _region, _major, ticket in APPLICANTS}
    lines = [f"{tickets[name]},{name},{score},," for name, score in WRITTEN.items()]
    path = folder / "笔试成绩.csv"
    path.write_bytes(sheet(*lines))
    return path


def shortlist_has_the_tie(page: Page, axe: Axe, post: Post) -> None:
    """Quota 2 × 3 = 6; 周子涵 and 王浩然 share the sixth place: seven go through."""
    rows = steps.make_shortlist(page, axe, post)
    expect(rows).to_have_count(7)
    expect(rows.filter(has_text="刘佳怡")).to_have_count(0)  # 58.5 < the pass line 60
    tied = page.locator("[data-shortlist] tr[data-tied]")
    expect(tied).to_have_count(2)
    for name in ("周子涵", "王浩然"):
        expect(tied.filter(has_text=name)).to_have_count(1)


def seed_event(panel: Panel, purpose: str) -> AuditEvent:
    events = AuditEvent.objects.filter(action="recruitment.panel.seed", object_id=str(panel.pk))
    return next(e for e in events if e.detail["purpose"] == purpose)


def same_seed_same_draw(page: Page, panel: Panel) -> None:
    """The seed on the page is the one the trail recorded before the draw; draw.py run again
    from it over the pool gives the same seats and the same interview order."""
    seed = page.locator("[data-seed]").inner_text().strip()
    event = seed_event(panel, f"panel:{panel.pk}")
    assert event.detail["seed"] == seed == panel.seed
    pool = [draw.Examiner(str(e.pk), e.region, frozenset(e.expertise))
            for e in Examiner.objects.filter(active=True)]  # fmt: skip
    keys = ",".join(sorted(e.key for e in pool))
    assert hashlib.sha256(keys.encode()).hexdigest() == event.detail["pool_hash"]
    again = draw.draw_panel(seed, pool, size=7, purpose=f"panel:{panel.pk}")
    seats = Seat.objects.filter(panel=panel).order_by("pk").values_list("examiner_id", flat=True)
    assert again == [str(pk) for pk in seats]
    names = dict(Examiner.objects.values_list("pk", "name"))
    shown = page.locator("[data-seats] tbody tr td:nth-of-type(1)").all_inner_texts()
    assert shown == [names[int(key)] for key in again]
    same_order(page, panel, seed)


def same_order(page: Page, panel: Panel, seed: str) -> None:
    """The candidates' order by lot, re-run from the same seed."""
    lots = Lot.objects.filter(panel=panel).select_related("application__candidate")
    names = {str(lot.application_id): lot.application.candidate.name for lot in lots}
    assert seed_event(panel, f"order:{panel.pk}").detail["seed"] == seed
    again = draw.draw_order(seed, list(names), purpose=f"order:{panel.pk}")
    shown = page.locator("[data-order] tbody tr td:nth-of-type(2)").all_inner_texts()
    assert shown == [names[key] for key in again]


def conflicts_block_cells(page: Page, panel: Panel) -> list[Conflict]:
    """回避 found from the ID numbers; the sheet has no input in those cells, only why."""
    found = list(Conflict.objects.filter(panel=panel)
                 .select_related("examiner", "application__candidate"))  # fmt: skip
    pairs = {(c.examiner.name, c.application.candidate.name) for c in found}
    assert pairs and pairs <= {("周建国", "周子涵"), ("王国栋", "王浩然")}, pairs
    with translation.override("zh-hans"):
        kind = str(ConflictKind.SURNAME_PLACE.label)
    why = steps.zh("Conflict open (%(kind)s): an approver must resolve it first.", kind=kind)
    steps.marks_page(page, panel)
    for conflict in found:
        assert conflict.kind == ConflictKind.SURNAME_PLACE
        blocked = steps.cell(page, conflict.application_id, conflict.examiner_id)
        expect(blocked.locator("[data-why]")).to_have_text(why)
        expect(blocked.locator("input")).to_have_count(0)
    return found


def supervisor_upholds(page: Page, axe: Axe, panel: Panel, found: list[Conflict]) -> None:
    """The supervisor, a named approver, upholds each conflict on the panel's page."""
    page.goto(f"/recruitment/posts/{panel.post_id}/panels/{panel.pk}/")
    for conflict in found:
        steps.uphold(page, conflict, "同姓且籍贯相同，经核实为亲属，予以回避。")
    steps.checked(page, axe, "panel after the supervisor's decisions")
    for conflict in found:
        conflict.refresh_from_db()
        assert conflict.status == ConflictStatus.AVOIDED
        assert conflict.resolved_by is not None and conflict.resolved_by.username == "zg_zhao"


def substitutes_mark(page: Page, panel: Panel, found: list[Conflict]) -> None:
    """HR types every row in seat order; the substitute's cell takes the mark; each row's
    interview score (trimmed mean) shows as worked out by hand."""
    steps.marks_page(page, panel)
    for conflict in found:
        sub = Substitute.objects.select_related("examiner").get(conflict=conflict)
        expect(steps.cell(page, conflict.application_id, sub.examiner_id).locator("input")
               ).to_have_count(1)  # fmt: skip
    lots = Lot.objects.filter(panel=panel).select_related("application__candidate")
    for lot in lots.order_by("position"):
        name = lot.application.candidate.name
        row = steps.type_marks(page, lot.application_id, MARKS[name])
        assert steps.decimals(row, "[data-interview]") == EXPECTED[name][0]
    for conflict in found:
        assert not Mark.objects.filter(examiner=conflict.examiner,
                                       application=conflict.application).exists()  # fmt: skip
        assert Mark.objects.filter(examiner=conflict.substitute.examiner,
                                   application=conflict.application).exists()  # fmt: skip


def results_agree(page: Page, axe: Axe, post: Post, hr: Any, live_url: str) -> None:
    """The page and GET /api/recruitment/posts/{id}/results show the totals and ranks the
    test worked out by hand."""
    rows = steps.compute_results(page, axe, post)
    expect(rows).to_have_count(len(EXPECTED))
    for name, (_interview, total, rank) in EXPECTED.items():
        row = rows.nth(rank - 1)
        expect(row.locator("th")).to_have_text(name)
        assert steps.decimals(row, "[data-total]") == total
        assert int(row.locator("[data-rank]").inner_text()) == rank
    _key, raw = apikey_create(actor=None, user=hr, scopes=["candidates:read"])
    answer = page.request.get(f"{live_url}/api/recruitment/posts/{post.pk}/results",
                              headers={"Authorization": f"Bearer {raw}"})  # fmt: skip
    assert answer.status == 200, answer.text()
    tickets = {ticket: name for name, _r, _m, ticket in APPLICANTS}
    got = {tickets[r["ticket"]]: (Decimal(r["interview"]), Decimal(r["total"]), r["rank"])
           for r in answer.json()}  # fmt: skip
    assert got == EXPECTED
    assert [Decimal(r["written"]) for r in answer.json()] == [
        Decimal(WRITTEN[n]) for n in sorted(EXPECTED, key=lambda n: EXPECTED[n][2])
    ]


def publication_pdf_is_masked(page: Page, folder: Path) -> None:
    """The downloaded 公示 PDF shows 李*桐 and 陈*远, never the full names, in real CJK
    glyphs."""
    pdf = steps.download_pdf(page, folder)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = run("pdftotext", "-layout", str(pdf), "-")
    for name, masked in LISTED.items():
        assert masked in text and name not in text, text[:2000]
    assert embedded_cjk_fonts(pdf), run("pdffonts", str(pdf))
    raster = folder / "raster"
    raster.mkdir()
    assert glyph_problems(pdf, "软件开发", raster) == []


def publication_masked(page: Page, listed: dict[str, Result]) -> None:
    """Both on the 公示 page, masked; neither full name anywhere on the list."""
    table = page.locator("[data-publication]")
    expect(table.locator("tbody tr")).to_have_count(len(listed))
    for name, result in listed.items():
        expect(table.locator(f"tr[data-result='{result.pk}']")).to_contain_text(LISTED[name])
        expect(table).not_to_contain_text(name)


def hire_refused_in_window(page: Page, post: Post, first: Result) -> None:
    """Inside the window the hire is refused and nothing changes; then the window is moved
    into the past."""
    publication = Publication.objects.get(post=post)
    stage = Application.objects.get(pk=first.application_id).stage
    steps.hire(page, post, first.pk)
    refusal = "The publication window runs until %(ends_on)s: hire after it ends."
    expect(steps.message(page)).to_contain_text(
        steps.zh(refusal, ends_on=publication.ends_on.isoformat())
    )
    assert Result.objects.get(pk=first.pk).status == ResultStatus.PUBLISHED
    assert Application.objects.get(pk=first.application_id).stage == stage
    # Time passes, honestly: the 公示 ran its full course, only earlier. Both dates move
    # back by the same span, so the window keeps its length and ended yesterday.
    shift = publication.ends_on - timezone.localdate() + dt.timedelta(days=1)
    Publication.objects.filter(pk=publication.pk).update(
        starts_on=publication.starts_on - shift, ends_on=publication.ends_on - shift
    )


def places_are(page: Page, post: Post, headcount: int, held: int, hires: int, free: int) -> None:
    """The progress page's count of the places, as the product words it."""
    page.goto(f"/recruitment/posts/{post.pk}/progress/")
    places = "Headcount %(headcount)s: %(held)s places held, %(hires)s hired, %(free)s free."
    expect(page.locator("[data-places]")).to_contain_text(
        steps.zh(places, headcount=headcount, held=held, hires=hires, free=free)
    )


def supervisor_cuts_quota(page: Page, axe: Axe, post: Post, boss: Any) -> None:
    """The supervisor (a named approver) cuts the headcount from 2 to 1 with the reason: the
    job's headcount is 1, the change is listed with who made it; both listed candidates
    still hold their places until the hire."""
    steps.change_quota(page, axe, post, 1, CUT)
    cells = page.locator("[data-quota-history] tbody tr td")
    for n, text in enumerate((str(HEADCOUNT), "1", CUT, str(boss)), 1):
        expect(cells.nth(n)).to_have_text(text)
    steps.checked(page, axe, "quota of places, after the cut")
    change = QuotaChange.objects.get(post=post)
    assert (change.before, change.after, change.reason) == (HEADCOUNT, 1, CUT)
    assert change.changed_by == boss
    assert Job.objects.get(pk=post.job_id).headcount == 1
    places_are(page, post, headcount=1, held=2, hires=0, free=0)


def hire_done(page: Page, post: Post, first: Result) -> None:
    """After the window, within the one place left: hired, and the post is filled."""
    steps.hire(page, post, first.pk)
    expect(steps.message(page)).to_contain_text(steps.zh("The candidate was hired."))
    assert Result.objects.get(pk=first.pk).status == ResultStatus.HIRED
    assert Application.objects.get(pk=first.application_id).stage == "hired"
    assert Post.objects.get(pk=post.pk).status == PostStatus.FILLED


def second_goes_to_reserve(page: Page, axe: Axe, post: Post, second: Result) -> None:
    """Rank 2 is on the 公示 and the window is over, but the one place is taken: the hire
    asked for puts them in the reserve pool (后备人才库) with the reason; not hired."""
    stage = Application.objects.get(pk=second.application_id).stage
    steps.hire(page, post, second.pk)
    with translation.override("zh-hans"):
        reserve = str(ResultStatus.RESERVE.label)
    why = steps.zh(
        "The post's %(headcount)s places are filled: kept in the reserve pool (后备人才库).",
        headcount=1,
    )
    expect(steps.message(page)).to_contain_text(why)
    row = page.locator(f"[data-publication] tr[data-result='{second.pk}']")
    expect(row).to_contain_text(reserve)
    expect(row).to_contain_text(why)
    expect(row.locator("[data-hire]")).to_have_count(0)
    steps.checked(page, axe, "publication after the hire and the reserve")
    reserved = Result.objects.get(pk=second.pk)
    assert (reserved.status, reserved.status_reason) == (ResultStatus.RESERVE, why)
    application = Application.objects.get(pk=second.application_id)
    assert application.stage == stage != "hired"
    assert Result.objects.filter(post=post, status=ResultStatus.HIRED).count() == 1
    places_are(page, post, headcount=1, held=1, hires=1, free=0)
    expect(page.locator(f"[data-progress] tr[data-result='{second.pk}']")).to_have_attribute(
        "data-status", "reserve"
    )
    steps.checked(page, axe, "progress after the hire and the reserve")


def no_hire_by_the_api(page: Page, hr: Any, live_url: str, second: Result) -> None:
    """The pipeline API refuses to move the reserve candidate's application to hired.
    The refusal met first is the pipeline table's (the application never left its first
    stage); the public-recruitment rule behind it is recruitment/tests/test_hiring.py's."""
    application = Application.objects.get(pk=second.application_id)
    _key, raw = apikey_create(actor=None, user=hr, scopes=["candidates:write"])
    answer = page.request.post(
        f"{live_url}/api/candidates/applications/{application.pk}/transitions",
        data={"to_stage": "hired", "reason": "后备人才库递补"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status == 409, answer.text()
    assert answer.json()["code"] == "transition_refused"
    assert Application.objects.get(pk=application.pk).stage == application.stage
    assert Result.objects.get(pk=second.pk).status == ResultStatus.RESERVE


# --- the test ------------------------------------------------------------------------------


def test_one_post_from_plan_to_hire(
    org: Any, people: dict[str, Any], new_page: NewPage, live_server: Any, tmp_path: Path
) -> None:
    assert by_hand() == EXPECTED  # the literal figures are the calculator's
    apps, today = people["apps"], timezone.localdate()
    page, axe = new_page(), Axe()
    log_in(page, people["hr"].username, PASSWORD)
    post = plan_and_post(page, axe, org, people["job"])
    # 1. rules: the unqualified applicant is refused with the reason on the post's page
    steps.run_screening(page, axe, apps["吴静"], "专业：汉语言文学 ✗ 不在 计算机类")
    # 2. opening ratio: 8 qualified ≥ 2 places × 3
    steps.check_opening_ratio(page, qualified=8, required=6)
    # 3. written scores from the exam centre's file, uploaded
    steps.upload_written(page, axe, post, written_sheet(tmp_path), rows=8)
    # 4. the shortlist, both tied at the cutoff through
    shortlist_has_the_tie(page, axe, post)
    # 5. a panel drawn by lot; the same seed gives the same draw
    panel = steps.draw_panel(page, axe, post, ROOM, today)
    same_seed_same_draw(page, panel)
    # 6. 回避 from the ID numbers, blocked, upheld by the supervisor, substitute marks
    found = conflicts_block_cells(page, panel)
    supervisor = new_page()
    log_in(supervisor, people["boss"].username, PASSWORD)
    supervisor_upholds(supervisor, axe, panel, found)
    # 7. marks typed; interview scores (trimmed means) shown
    substitutes_mark(page, panel, found)
    steps.checked(page, axe, "panel-scoring sheet, complete")
    # 8. synthesis: page and API agree with the hand computation
    results_agree(page, axe, post, people["hr"], live_server.url)
    first, second = (Result.objects.get(post=post, rank=rank) for rank in (1, 2))
    # 9. 体检 and 考察 passed by both; the 公示 opened, masked on the page and in the PDF
    steps.pass_checks(page, axe, post, [first.pk, second.pk])
    steps.open_publication(page, axe, post, today)
    publication_masked(page, {"李雨桐": first, "陈思远": second})
    publication_pdf_is_masked(page, tmp_path)
    # 10. the hire refused inside the window; the window then ended (moved into the past)
    hire_refused_in_window(page, post, first)
    # 11. the supervisor cuts the quota to 1; rank 1 hired, rank 2 to the reserve pool
    supervisor_cuts_quota(supervisor, axe, post, people["boss"])
    hire_done(page, post, first)
    second_goes_to_reserve(page, axe, post, second)
    no_hire_by_the_api(page, people["hr"], live_server.url, second)
    assert not axe.found, axe.report()
