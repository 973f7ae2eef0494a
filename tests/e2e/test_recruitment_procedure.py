"""Acceptance test of issue 15 (public recruitment): one post from the plan to the hire,
every HR step in a real Chromium in zh-Hans (the steps: recruitment_procedure_steps.py).

HR (王敏, role HR) writes the plan's parameters on the plan page (weights 60/40, opening ratio
3 per place, shortlist 1:3, pass line 60) and adds the post (1 place, bachelor, 计算机类).
Six applicants; 吴静 studied 汉语言文学 and is refused with the rule's reason; five qualified
open the post (5 ≥ 1 × 3). The exam centre's CSV is uploaded: 周子涵 and 王浩然 tie at the
cutoff and both go through, 刘佳怡 is below the pass line. A panel of seven is drawn from a
pool of eight and the test re-runs the draw from the recorded seed. Two examiners share
surname and native place (the ID number's first six digits) with a different shortlisted
candidate (周建国/周子涵, 王国栋/王浩然): seven seats from eight always seat at least one of
them, and the one left off is free to substitute. The marks sheet blocks those cells; the
supervisor (a named approver, role DEPT_MANAGER) upholds each conflict and the substitute's
cell is marked. Marks are given by seat, so the ranking does not depend on the draw. Totals
and ranks are computed here by hand and compared with the page and the API; then 体检, 考察,
公示 (page and PDF masked: 李*桐), a hire refused inside the window, the window moved into
the past, the hire, and a second hire beyond the one place refused.
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
]
WRITTEN = {"陈思远": "86.5", "李雨桐": "82", "周子涵": "78", "王浩然": "78", "刘佳怡": "58.5"}
# The pool: 周建国 shares 周 and 310115 with 周子涵, 王国栋 shares 王 and 330106 with 王浩然.
EXAMINERS = [("周建国", "310115"), ("王国栋", "330106"), ("马建华", "310101"),
             ("胡国平", "310105"), ("郭丽萍", "310107"), ("何志勇", "310109"),
             ("高文静", "310112"), ("罗振宇", "310113")]  # fmt: skip
# Each shortlisted candidate's marks in seat order (a substitute marks in the seat's place).
MARKS = {
    "李雨桐": ("88", "90", "87", "92", "85", "89", "91"),
    "陈思远": ("80", "82.5", "85", "78", "84.33", "90", "76"),
    "王浩然": ("85", "83", "86", "84", "88", "82", "87"),
    "周子涵": ("75", "80", "78", "82", "79", "77", "81"),
}
# Worked out on paper: (interview = mean of the five middle marks, total = 0.6 × written +
# 0.4 × interview, both rounded half up to cents; rank by total). 陈思远: 78 + 80 + 82.5 +
# 84.33 + 85 = 409.83, / 5 = 81.966 → 81.97; 86.5 × 0.6 + 81.97 × 0.4 = 84.688 → 84.69.
EXPECTED = {
    "李雨桐": (Decimal("89.00"), Decimal("84.80"), 1),
    "陈思远": (Decimal("81.97"), Decimal("84.69"), 2),
    "王浩然": (Decimal("85.00"), Decimal("80.80"), 3),
    "周子涵": (Decimal("79.00"), Decimal("78.40"), 4),
}
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
    """HR, the supervisor, the job with its six applicants and the examiner pool."""
    hr = make_user("hr_wangmin", Role.HR, org.sh, first_name="敏", last_name="王")
    boss = make_user("zg_zhao", Role.DEPT_MANAGER, org.sh, first_name="建平", last_name="赵")
    post_job = {"title": "软件开发", "status": JobStatus.OPEN, "headcount": 1}
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
    """Quota 1 × 3; 周子涵 and 王浩然 share the third place: four go through."""
    rows = steps.make_shortlist(page, axe, post)
    expect(rows).to_have_count(4)
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
    """The downloaded 公示 PDF shows 李*桐, never the full name, in real CJK glyphs."""
    pdf = steps.download_pdf(page, folder)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = run("pdftotext", "-layout", str(pdf), "-")
    assert "李*桐" in text and "李雨桐" not in text, text[:2000]
    assert embedded_cjk_fonts(pdf), run("pdffonts", str(pdf))
    raster = folder / "raster"
    raster.mkdir()
    assert glyph_problems(pdf, "软件开发", raster) == []


def hire_refused_then_done(page: Page, post: Post, first: Result) -> None:
    """Inside the window the hire is refused and nothing changes; once the window is over
    the hire goes through and the post is filled."""
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
    steps.hire(page, post, first.pk)
    expect(steps.message(page)).to_contain_text(steps.zh("The candidate was hired."))
    assert Result.objects.get(pk=first.pk).status == ResultStatus.HIRED
    assert Application.objects.get(pk=first.application_id).stage == "hired"
    assert Post.objects.get(pk=post.pk).status == PostStatus.FILLED


def second_hire_refused(page: Page, axe: Axe, post: Post, second: Result) -> None:
    """The one place is taken: rank 2 never reached the list, has no hire button, and a
    hire asked for anyway is refused with the reason; nothing changes."""
    page.goto(f"/recruitment/posts/{post.pk}/progress/")
    places = "Headcount %(headcount)s: %(held)s places held, %(hires)s hired, %(free)s free."
    expect(page.locator("[data-places]")).to_contain_text(
        steps.zh(places, headcount=1, held=1, hires=1, free=0)
    )
    row = page.locator(f"[data-progress] tr[data-result='{second.pk}']")
    expect(row).to_have_attribute("data-status", "ranked")
    expect(row.locator("[data-hire]")).to_have_count(0)
    steps.checked(page, axe, "progress after the hire")
    steps.post_hire_form(page, second.pk)
    refusal = steps.zh("Only a candidate on the publication list (公示) can be hired.")
    expect(steps.message(page)).to_contain_text(refusal)
    assert Result.objects.get(pk=second.pk).status == ResultStatus.RANKED
    assert Result.objects.filter(post=post, status=ResultStatus.HIRED).count() == 1


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
    # 2. opening ratio: 5 qualified ≥ 1 place × 3
    steps.check_opening_ratio(page, qualified=5, required=3)
    # 3. written scores from the exam centre's file, uploaded
    steps.upload_written(page, axe, post, written_sheet(tmp_path), rows=5)
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
    # 9. 体检 and 考察 passed; the 公示 opened, masked on the page and in the PDF
    steps.pass_checks(page, axe, post, first.pk)
    steps.open_publication(page, axe, post, today)
    listed = page.locator("[data-publication]")
    expect(listed.locator(f"tr[data-result='{first.pk}']")).to_contain_text("李*桐")
    expect(listed).not_to_contain_text("李雨桐")
    publication_pdf_is_masked(page, tmp_path)
    # 10. the hire: refused inside the window, done after it; a second one refused
    hire_refused_then_done(page, post, first)
    second_hire_refused(page, axe, post, second)
    assert not axe.found, axe.report()
