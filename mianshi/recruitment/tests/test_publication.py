"""The publication list (公示, F-104): its window on the working-day calendar, objections,
the masked rows, and the PDF and spreadsheet that print them."""

from __future__ import annotations

import datetime as dt
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from openpyxl import load_workbook

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment.exports import publication_pdf, publication_xlsx
from mianshi.recruitment.models import CalendarDay, DayKind, Publication, Result, ResultStatus
from mianshi.recruitment.qualification import EducationLevel
from mianshi.recruitment.selectors_publication import HEADINGS, publication_rows
from mianshi.recruitment.services.hiring import result_pass, results_advance
from mianshi.recruitment.services.publication import (
    objection_raise,
    objection_resolve,
    publication_open,
)
from mianshi.recruitment.tests.test_hiring import MONDAY, published, ranked_world
from mianshi.recruitment.tests.world import RecruitmentWorld
from tests.e2e.pdf_check import glyph_problems

pytestmark = pytest.mark.django_db
S = ResultStatus
D = dt.date


def clear_first(world: RecruitmentWorld) -> Result:
    first = results_advance(actor=world.hr, post=world.post).entered[0]
    result_pass(actor=world.hr, result=first, step="medical")
    result_pass(actor=world.hr, result=first, step="background")
    return first


@pytest.mark.parametrize(
    ("days", "configured", "starts_on", "ends_on"),
    [
        ([], 7, D(2026, 12, 7), D(2026, 12, 15)),  # Mon: five days, the weekend, two more
        ([(D(2026, 12, 10), DayKind.HOLIDAY)], 7, D(2026, 12, 7), D(2026, 12, 16)),
        # A holiday and a 调休 Saturday worked: one day lost, one day won.
        ([(D(2026, 12, 10), DayKind.HOLIDAY), (D(2026, 12, 12), DayKind.WORKDAY)], 7,
         D(2026, 12, 7), D(2026, 12, 15)),
        ([], 7, D(2026, 12, 5), D(2026, 12, 15)),  # published on a Saturday: starts Monday
        ([], 5, D(2026, 12, 11), D(2026, 12, 17)),  # Fri + Mon–Thu
    ],
)  # fmt: skip
def test_the_window_is_counted_in_working_days_on_the_configured_calendar(
    org, make_user, days, configured, starts_on, ends_on
) -> None:
    for day, kind in days:
        CalendarDay.objects.create(day=day, kind=kind)
    world, _results = ranked_world(org, make_user)
    world.plan.parameters |= {"publication_days": configured}
    world.plan.save()
    clear_first(world)
    publication = publication_open(actor=world.hr, post=world.post, starts_on=starts_on)
    assert (publication.starts_on, publication.ends_on) == (starts_on, ends_on)


def test_only_candidates_cleared_by_the_background_review_are_published(org, make_user) -> None:
    world, (first, second, _third) = ranked_world(org, make_user, headcount=2)
    results_advance(actor=world.hr, post=world.post)
    with pytest.raises(ValidationError):
        publication_open(actor=world.hr, post=world.post, starts_on=MONDAY)
    result_pass(actor=world.hr, result=first, step="medical")
    result_pass(actor=world.hr, result=first, step="background")
    publication = publication_open(actor=world.hr, post=world.post, starts_on=MONDAY)
    assert list(publication.results.values_list("pk", flat=True)) == [first.pk]
    assert Result.objects.get(pk=second.pk).status == S.MEDICAL
    assert AuditEvent.objects.get(action="recruitment.publication.open").detail["ends_on"] == (
        "2026-12-15"
    )


def test_an_upheld_objection_fails_the_candidate_and_the_next_moves_up(org, make_user) -> None:
    world, (first, second, _third) = ranked_world(org, make_user)
    (on_list,) = published(world)
    publication = Publication.objects.get()
    objection = objection_raise(
        actor=world.hr, publication=publication, text="实名举报：工作经历不实",
        application=on_list.application,
    )  # fmt: skip
    outcome = objection_resolve(actor=world.hr, objection=objection, upheld=True, reason="查实")
    assert outcome.substitution is not None and outcome.substitution.substitute is not None
    assert outcome.substitution.substitute.pk == second.pk
    failed = Result.objects.get(pk=first.pk)
    assert failed.status == S.FAILED and "查实" in failed.status_reason
    assert Result.objects.get(pk=second.pk).status == S.MEDICAL
    with pytest.raises(ValidationError):  # decided once
        objection_resolve(actor=world.hr, objection=objection, upheld=False, reason="再议")


def test_an_objection_is_decided_by_a_named_approver_with_a_reason(org, make_user) -> None:
    world, _results = ranked_world(org, make_user)
    published(world)
    objection = objection_raise(
        actor=world.hr, publication=Publication.objects.get(), text="对名单有异议"
    )
    recruiter = make_user("recruiter", Role.HR, org.sh)
    with pytest.raises(PermissionDenied):
        objection_resolve(actor=recruiter, objection=objection, upheld=False, reason="不成立")
    with pytest.raises(ValidationError):
        objection_resolve(actor=world.hr, objection=objection, upheld=False, reason=" ")
    outcome = objection_resolve(actor=world.hr, objection=objection, upheld=True, reason="成立")
    assert outcome.substitution is None  # about the list, not a candidate: nobody leaves it
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolved_by) == (True, world.hr)


def test_an_objection_names_only_a_candidate_on_the_list(org, make_user) -> None:
    world, (_first, second, _third) = ranked_world(org, make_user)
    published(world)
    with pytest.raises(ValidationError):
        objection_raise(
            actor=world.hr, publication=Publication.objects.get(), text="异议",
            application=second.application,
        )  # fmt: skip


def test_the_rows_are_masked_as_the_plan_says(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    published(world)
    candidate = first.application.candidate
    (row,) = publication_rows(user=world.hr, post=world.post)
    name, gender, id_number, education, code, written, interview, total, rank = row.cells
    assert (
        name == "张*明"
        and id_number == candidate.id_number[:4] + "*" * 10 + candidate.id_number[-4:]
    )
    assert (code, written, interview, total, rank) == ("2026001", "80.00", "80.00", "89.00", "1")
    assert gender in {"Male", "Female", "男", "女"} and education
    world.plan.parameters |= {"masking": {"name": "show", "id_number": "hide"}}
    world.plan.save()
    (row,) = publication_rows(user=world.hr, post=world.post)
    assert row.cells[0] == "张三明" and len(row.cells) == 8
    assert candidate.id_number not in row.cells


def _rows_world(org: Any, make_user: Any, headcount: int) -> RecruitmentWorld:
    world, _results = ranked_world(org, make_user, headcount=headcount, ranks=(1, 2, 3)[:headcount])
    entered = results_advance(actor=world.hr, post=world.post).entered
    for result in entered:
        result_pass(actor=world.hr, result=result, step="medical")
        result_pass(actor=world.hr, result=result, step="background")
    publication_open(actor=world.hr, post=world.post, starts_on=MONDAY)
    return world


@pytest.mark.parametrize("headcount", [1, 3])
def test_the_list_is_read_in_the_same_queries_whatever_its_length(
    org, make_user, django_assert_max_num_queries, headcount
) -> None:
    world = _rows_world(org, make_user, headcount)
    with django_assert_max_num_queries(6):  # grants, units, post, publication, rows
        rows = publication_rows(user=world.hr, post=world.post)
    assert len(rows) == headcount


def test_a_user_of_another_branch_sees_and_changes_nothing(org, make_user) -> None:
    world, _results = ranked_world(org, make_user)
    published(world)
    stranger = make_user("sz_admin", Role.HR_ADMIN, org.sz)
    with pytest.raises(Http404):
        publication_rows(user=stranger, post=world.post)
    with pytest.raises(Http404):
        publication_pdf(actor=stranger, post=world.post)
    publication = Publication.objects.get()
    with pytest.raises(PermissionDenied):
        objection_raise(actor=stranger, publication=publication, text="异议")
    with pytest.raises(PermissionDenied):
        publication_open(actor=stranger, post=world.post, starts_on=MONDAY)


def _pdf_text(path: Path) -> str:
    command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_the_pdf_shows_masked_names_under_chinese_headings(org, make_user, tmp_path) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    published(world)
    candidate = first.application.candidate
    path = tmp_path / "list.pdf"
    with translation.override("zh-hans"):
        path.write_bytes(publication_pdf(actor=world.hr, post=world.post))
        headings = [str(HEADINGS[c]) for c in ("name", "id_number", "gender", "rank")]
        education = str(EducationLevel.BACHELOR.label)
    text = _pdf_text(path)
    # Rasterised, the education cell (本科) shows real glyphs, not tofu (tests.e2e.pdf_check).
    (tmp_path / "cells").mkdir()
    assert education == "本科" and glyph_problems(path, education, tmp_path / "cells") == []
    assert pdf_ok(text, candidate.name, candidate.id_number)
    assert "张*明" in text and "软件开发" in text
    assert {"身份证号", "性别", "排名"} <= set(headings)  # Chinese from the catalogues
    for heading in headings:
        assert heading in text
    assert AuditEvent.objects.get(action="recruitment.publication.export").detail["format"] == "pdf"


def pdf_ok(text: str, name: str, id_number: str) -> bool:
    """Neither the full name nor the full ID number (nor its middle) appears."""
    return name not in text and id_number not in text and id_number[4:14] not in text


def test_the_spreadsheet_holds_the_same_masked_rows(org, make_user) -> None:
    world, (first, *_rest) = ranked_world(org, make_user)
    published(world)
    book = load_workbook(BytesIO(publication_xlsx(actor=world.hr, post=world.post)))
    cells = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert "软件开发" in cells[0][0] and "2026" in cells[1][0]
    assert cells[3][:2] == [1, "张*明"]
    flat = {str(c) for row in cells for c in row}
    assert first.application.candidate.name not in flat
    assert first.application.candidate.id_number not in flat
