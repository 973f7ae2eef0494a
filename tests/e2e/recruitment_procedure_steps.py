"""The steps of the public-recruitment acceptance test (test_recruitment_procedure.py), one
function per thing HR or the supervisor does in the browser; each waits for the page to
show that it is done. Expected messages are the product's own msgids translated to zh-Hans,
so a page in English (or an untranslated string) fails them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Locator, Page, expect

from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.jobs.models import Job
from mianshi.recruitment.models import ApplicantFacts, Conflict, Panel, Post
from mianshi.recruitment.tests.world import id_number
from tests.e2e.axe import Axe


def zh(msgid: str, **params: Any) -> str:
    """The product's message as a zh-Hans user reads it."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def checked(page: Page, axe: Axe, where: str) -> None:
    """The page is in zh-Hans; axe-core's findings are kept for the end of the test."""
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    axe(page, where)


def accept_next_dialog(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def message(page: Page) -> Locator:
    return page.locator(".messages")


# --- data made before the browser part ----------------------------------------------------


def applicant(hr: Any, unit: Any, job: Job, row: tuple[str, str, str, str], seq: int
              ) -> Application:  # fmt: skip
    """(name, region, major, ticket) applies to `job`, with the facts the rules read."""
    name, region, major, ticket = row
    candidate = candidate_create(
        actor=hr, org_unit=unit, name=name,
        id_number=id_number(region, "19960101", seq), phone=f"138{seq:08d}",
    )  # fmt: skip
    application = application_create(actor=hr, candidate=candidate, job=job)
    ApplicantFacts.objects.create(
        application=application, education="bachelor", major=major, ticket=ticket
    )
    return application


# --- plan and post -------------------------------------------------------------------------


def create_plan(page: Page, axe: Axe, title: str, unit_id: int, params: dict[str, str]) -> None:
    """A new plan with its parameters typed into the plan form."""
    page.goto("/recruitment/plans/")
    checked(page, axe, "plan list")
    page.locator("[data-new-plan]").click()
    form = page.locator("[data-plan-form]")
    form.locator("[name=title]").fill(title)
    form.locator("[name=org_unit]").select_option(str(unit_id))
    for name, value in params.items():
        form.locator(f"[name={name}]").fill(value)
    checked(page, axe, "new plan")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-add-post]")).to_be_visible()


def add_post(page: Page, axe: Axe, job: Job, code: str, majors: str) -> None:
    """The job becomes post `code`: bachelor or above, in the given major category."""
    checked(page, axe, "plan page")
    page.locator("[data-add-post]").click()
    form = page.locator("[data-post-form]")
    form.locator("[name=job]").select_option(str(job.pk))
    form.locator("[name=code]").fill(code)
    form.locator("[name=education_min]").select_option("bachelor")
    form.locator("[name=majors]").fill(majors)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-run-screening]")).to_be_visible()


def run_screening(page: Page, axe: Axe, refused: Application, reason: str) -> None:
    """资格审查: the refused applicant's row shows the failed rule in words."""
    page.locator("[data-run-screening]").click()
    row = page.locator(f"tr[data-application='{refused.pk}']")
    expect(row.locator("[data-passed=no]")).to_contain_text(reason)
    expect(row.locator("[data-verdict]")).to_have_attribute("data-verdict", "refused")
    checked(page, axe, "post page after screening")


def check_opening_ratio(page: Page, qualified: int, required: int) -> None:
    """开考比例: qualified ≥ headcount × ratio, so the post goes to the examinations."""
    accept_next_dialog(page)
    page.locator("[data-opening-check]").click()
    text = "%(qualified)s qualified for %(required)s needed: the post opens."
    expect(message(page)).to_contain_text(zh(text, qualified=qualified, required=required))
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "examining")


# --- written exam and shortlist ------------------------------------------------------------


def upload_written(page: Page, axe: Axe, post: Post, sheet: Path, rows: int) -> None:
    """The exam centre's sheet uploaded as a file; every row stored."""
    page.goto(f"/recruitment/posts/{post.pk}/written/")
    page.locator("[data-sheet-form] input[type=file]").set_input_files(str(sheet))
    page.locator("[data-sheet-form] button[type=submit]").click()
    expect(page.locator("[data-sheet-done]")).to_be_visible()
    expect(page.locator("[data-scores] tbody tr")).to_have_count(rows)
    checked(page, axe, "written exam after the import")


def make_shortlist(page: Page, axe: Axe, post: Post) -> Locator:
    """进入面试人选 made from the written scores; returns the list's rows."""
    page.goto(f"/recruitment/posts/{post.pk}/shortlist/")
    page.locator("[data-make]").click()
    expect(page.locator("[data-tie-note]")).to_be_visible()
    checked(page, axe, "shortlist")
    return page.locator("[data-shortlist] tbody tr")


# --- panel, order, 回避 ---------------------------------------------------------------------


def draw_panel(page: Page, axe: Axe, post: Post, room: str, day: dt.date) -> Panel:
    """A panel drawn by lot, then the candidates' order, then the 回避 check."""
    page.goto(f"/recruitment/posts/{post.pk}/panels/")
    form = page.locator("[data-panel-form]")
    form.locator("[name=room]").fill(room)
    form.locator("[name=interview_on]").fill(day.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-seed]")).to_be_visible()
    page.locator("[data-draw-order]").click()
    expect(page.locator("[data-order] tbody tr").first).to_be_visible()
    page.locator("[data-detect]").click()
    expect(page.locator("[data-conflicts]")).to_be_visible()
    checked(page, axe, "panel with its order and conflicts")
    return Panel.objects.get(post=post, room=room)


def marks_page(page: Page, panel: Panel) -> None:
    page.goto(f"/recruitment/posts/{panel.post_id}/panels/{panel.pk}/marks/")
    expect(page.locator("[data-marks]")).to_be_visible()


def cell(page: Page, application_id: int, examiner_id: int) -> Locator:
    row = page.locator(f"tr[data-application='{application_id}']")
    return row.locator(f"td[data-examiner='{examiner_id}']")


def uphold(page: Page, conflict: Conflict, reason: str) -> None:
    """The supervisor upholds a conflict on the panel's page: a substitute is drawn."""
    row = page.locator(f"tr[data-conflict='{conflict.pk}']")
    row.locator("input[name=decision][value=upheld]").check()
    row.locator("input[name=reason]").fill(reason)
    row.locator("form[data-resolve] button[type=submit]").click()
    row = page.locator(f"tr[data-conflict='{conflict.pk}']")
    expect(row).to_have_attribute("data-status", "avoided")
    expect(row.locator("[data-substitute]")).to_be_visible()


def type_marks(page: Page, application_id: int, marks: Sequence[str]) -> Locator:
    """One candidate's row typed in seat order and saved; returns the row."""
    row = page.locator(f"tr[data-application='{application_id}']")
    inputs = row.locator("input[name^=m]")
    expect(inputs).to_have_count(len(marks))
    for n, mark in enumerate(marks):
        inputs.nth(n).fill(mark)
    row.locator("button[type=submit]").click()
    row = page.locator(f"tr[data-application='{application_id}']")
    errors = page.locator("[data-cell-error], [role=alert]")
    expect(row.locator("[data-mark]").or_(errors).first).to_be_visible()
    assert errors.count() == 0, errors.all_inner_texts()
    expect(row.locator("[data-mark]")).to_have_count(len(marks))
    return row


# --- results, 体检/考察, 公示, hire ---------------------------------------------------------


def compute_results(page: Page, axe: Axe, post: Post) -> Locator:
    """综合成绩 computed on the results page; returns the ranking's rows."""
    page.goto(f"/recruitment/posts/{post.pk}/results/")
    page.locator("[data-compute] button").click()
    expect(message(page)).to_contain_text(zh("The results were computed."))
    checked(page, axe, "results and ranking")
    return page.locator("[data-ranking] tbody tr")


def pass_checks(page: Page, axe: Axe, post: Post, result_ids: Sequence[int]) -> None:
    """The best-ranked, one per place, enter 体检; each passes it, then passes 考察."""
    page.goto(f"/recruitment/posts/{post.pk}/progress/")
    page.locator("[data-advance] button").click()
    for result_id in result_ids:
        row = page.locator(f"[data-progress] tr[data-result='{result_id}']")
        for before in ("medical", "background"):
            expect(row).to_have_attribute("data-status", before)
            row.locator("[data-pass] button").click()
            row = page.locator(f"[data-progress] tr[data-result='{result_id}']")
        expect(row).to_have_attribute("data-status", "cleared")
    checked(page, axe, "medical check and background review")


def open_publication(page: Page, axe: Axe, post: Post, starts: dt.date) -> None:
    """The 公示 from `starts`: its last day shown first, then the list opened."""
    page.goto(f"/recruitment/posts/{post.pk}/publication/")
    page.locator("[data-preview] [name=starts_on]").fill(starts.isoformat())
    page.locator("[data-preview] button").click()
    expect(page.locator("[data-ends-on]")).to_be_visible()
    accept_next_dialog(page)
    page.locator("[data-open-form] button").click()
    expect(page.locator("[data-publication]")).to_be_visible()
    checked(page, axe, "publication open")


def download_pdf(page: Page, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator("[data-pdf]").click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / "公示.pdf"
    download.save_as(path)
    return path


def hire(page: Page, post: Post, result_id: int) -> None:
    """Click 聘用 on the publication list's row (the page shows the outcome)."""
    page.goto(f"/recruitment/posts/{post.pk}/publication/")
    accept_next_dialog(page)
    page.locator(f"[data-publication] tr[data-result='{result_id}'] [data-hire] button").click()
    expect(message(page)).to_be_visible()


def change_quota(page: Page, axe: Axe, post: Post, headcount: int, reason: str) -> None:
    """A named approver changes the post's headcount (编制) on the progress page's quota
    section, with the reason; the change is listed there."""
    page.goto(f"/recruitment/posts/{post.pk}/progress/#quota")
    form = page.locator("[data-quota-form]")
    form.locator("[name=new_headcount]").fill(str(headcount))
    form.locator("[name=reason]").fill(reason)
    checked(page, axe, "quota of places, before the change")
    form.locator("button[type=submit]").click()
    expect(message(page)).to_contain_text(zh("The headcount was changed."))
    expect(page.locator("[data-quota-history] tbody tr")).to_have_count(1)


def post_hire_form(page: Page, result_id: int) -> None:
    """A hire asked for a result that has no hire button (as a stale tab or a crafted form
    would): the browser posts the page's own CSRF token to the hire URL."""
    page.evaluate(
        """id => { const f = document.createElement('form'); f.method = 'post';
          f.action = `/recruitment/results/${id}/hire/`;
          f.appendChild(document.querySelector('[name=csrfmiddlewaretoken]').cloneNode());
          document.body.appendChild(f); f.submit(); }""",
        result_id,
    )
    page.wait_for_load_state()
    expect(message(page)).to_be_visible()


def decimals(row: Locator, selector: str) -> Decimal:
    return Decimal(row.locator(selector).inner_text().strip())
