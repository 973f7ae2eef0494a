"""Written scores (all-or-nothing sheets, one by one, 加试) and the interview shortlist
with ties at the cutoff and 递补, through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment.models import Mark, ShortlistEntry, ShortlistStatus, WrittenScore
from mianshi.recruitment.services.exams import (
    extra_enter,
    shortlist_make,
    shortlist_withdraw,
    written_enter,
    written_import,
)
from mianshi.recruitment.tests.scores import mark, panel, qualify, sheet, ticket
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are compared in their English source form."""
    with translation.override("en"):
        yield


NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆"]


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    """Six qualified applicants and one who failed 资格审查."""
    world = recruitment_world(org, make_user, headcount=1)
    for name in NAMES:
        qualify(world, world.apply(name))
    qualify(world, world.apply("赵强"), passed=False)
    return world


def _line(world: RecruitmentWorld, n: int, score: str, absent: str = "", note: str = "") -> str:
    app = world.applications[n]
    return f"{ticket(app)},{app.candidate.name},{score},{absent},{note}"


def _scores(world: RecruitmentWorld, *scores: str) -> None:
    for n, score in enumerate(scores):
        written_enter(actor=world.hr, application=world.applications[n], score=score)


# --- the score sheet ---------------------------------------------------------------------


def test_a_clean_sheet_stores_every_score_and_audits_counts_only(world: RecruitmentWorld) -> None:
    lines = [_line(world, 0, "78.5"), _line(world, 1, "", "是"), _line(world, 2, "61", "", "无")]
    report = written_import(actor=world.hr, post=world.post, data=sheet(*lines), filename="s.csv")
    assert (report.rows, report.created, report.updated, report.absent) == (3, 3, 0, 1)
    stored = {w.application_id: (w.score, w.absent) for w in WrittenScore.objects.all()}
    first, second, third = world.applications[:3]
    assert stored == {first.pk: (Decimal("78.50"), False), second.pk: (None, True),
                      third.pk: (Decimal("61.00"), False)}  # fmt: skip
    event = AuditEvent.objects.get(action="recruitment.written.import")
    assert event.detail == {"rows": 3, "created": 3, "updated": 0, "absent": 1, "format": "csv"}
    assert "王伟" not in str(event.detail)


def test_a_second_sheet_replaces_the_scores_it_names(world: RecruitmentWorld) -> None:
    written_import(actor=world.hr, post=world.post, data=sheet(_line(world, 0, "70")),
                   filename="a.csv")  # fmt: skip
    data = sheet(_line(world, 0, "71.25"), _line(world, 1, "80"))
    report = written_import(actor=world.hr, post=world.post, data=data, filename="b.csv")
    assert (report.created, report.updated) == (1, 1)
    assert WrittenScore.objects.get(application=world.applications[0]).score == Decimal("71.25")


BAD_SHEETS = {
    "unknown ticket": (["999999,某人,80,,"], "No application has the ticket number 999999"),
    "out of range": (["{0},王伟,100.5,,"], "outside the range 0 to 100"),
    "three decimals": (["{0},王伟,80.125,,"], "more than two decimal places"),
    "duplicate": (["{0},王伟,80,,", "{0},王伟,81,,"], "appears on lines 3, 4"),
    "wrong name": (["{0},李四,80,,"], "does not match the application"),
    "not qualified": (["{6},赵强,80,,"], "did not pass the qualification check"),
}


@pytest.mark.parametrize("case", BAD_SHEETS, ids=list(BAD_SHEETS))
def test_a_bad_row_saves_nothing_at_all(world: RecruitmentWorld, case: str) -> None:
    _scores(world, "50")  # the first applicant already holds a score the sheet would replace
    rows, expected = BAD_SHEETS[case]
    tickets = [ticket(app) for app in world.applications]
    good = _line(world, 1, "88")
    data = sheet(good, *(row.format(*tickets) for row in rows))
    before = list(WrittenScore.objects.values_list("application_id", "score"))
    with pytest.raises(ValidationError) as caught:
        written_import(actor=world.hr, post=world.post, data=data, filename="s.csv")
    assert any(expected in message for message in caught.value.messages), caught.value.messages
    assert list(WrittenScore.objects.values_list("application_id", "score")) == before
    assert not AuditEvent.objects.filter(action="recruitment.written.import").exists()


def test_every_row_error_names_its_line_and_column(world: RecruitmentWorld) -> None:
    data = sheet(_line(world, 0, "abc"), _line(world, 1, "120"), "424242,某人,80,,")
    with pytest.raises(ValidationError) as caught:
        written_import(actor=world.hr, post=world.post, data=data, filename="s.csv")
    found = [(e.params["line"], e.params["column"]) for e in caught.value.error_list if e.params]
    assert found == [(2, "笔试成绩"), (3, "笔试成绩"), (4, "准考证号")]
    assert caught.value.messages[0].startswith("Line 2, column 笔试成绩: ")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "s.csv", "The file is empty."),
        (b"hello,world\n1,2", "s.csv", "No header row"),
        (b"PK\x03\x04broken", "s.xlsx", "damaged"),
        (sheet(), "s.csv", "no scores under its header"),
        (b"anything", "s.pdf", "Excel workbook"),
    ],
)
def test_a_sheet_that_cannot_be_read_says_why(
    world: RecruitmentWorld, data: bytes, filename: str, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        written_import(actor=world.hr, post=world.post, data=data, filename=filename)
    assert expected in caught.value.messages[0]
    assert WrittenScore.objects.count() == 0


def test_another_branch_may_not_import(world: RecruitmentWorld, make_user: Any) -> None:
    other = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    with pytest.raises(PermissionDenied):
        written_import(actor=other, post=world.post, data=sheet(_line(world, 0, "80")),
                       filename="s.csv")  # fmt: skip
    with pytest.raises(PermissionDenied):
        written_enter(actor=other, application=world.applications[0], score="80")
    assert WrittenScore.objects.count() == 0


# --- one by one --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "absent", "expected"),
    [
        ("100.01", False, "outside the range"),
        ("-1", False, "outside the range"),
        ("80.001", False, "more than two decimal places"),
        ("eighty", False, "Not a number"),
        (80.5, False, "Not a number"),  # a float: scores are exact decimals
        ("80", True, "keep one"),
        (None, False, "not marked absent"),
    ],
)
def test_a_bad_single_score_is_refused(
    world: RecruitmentWorld, score: Any, absent: bool, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        written_enter(actor=world.hr, application=world.applications[0], score=score,
                      absent=absent)  # fmt: skip
    assert expected in str(caught.value)
    assert WrittenScore.objects.count() == 0


def test_a_single_score_is_stored_to_two_places_and_audited(world: RecruitmentWorld) -> None:
    row = written_enter(actor=world.hr, application=world.applications[0], score="82.5")
    row.refresh_from_db()
    assert row.score == Decimal("82.50")
    assert AuditEvent.objects.filter(action="recruitment.written.enter").count() == 1


def test_an_applicant_who_failed_screening_gets_no_score(world: RecruitmentWorld) -> None:
    with pytest.raises(ValidationError, match="qualification check"):
        written_enter(actor=world.hr, application=world.applications[6], score="90")


def test_the_additional_test_only_where_the_plan_weighs_it(
    world: RecruitmentWorld, org: Any, make_user: Any
) -> None:
    _scores(world, "80")
    with pytest.raises(ValidationError, match="does not weigh"):
        extra_enter(actor=world.hr, application=world.applications[0], score="90")
    world.plan.parameters |= {"weight_written": "0.5", "weight_interview": "0.3",
                              "weight_extra": "0.2"}  # fmt: skip
    world.plan.save()
    with pytest.raises(ValidationError, match="written score before"):
        extra_enter(actor=world.hr, application=world.applications[1], score="90")
    row = extra_enter(actor=world.hr, application=world.applications[0], score="90.5")
    assert (row.score, row.extra) == (Decimal("80"), Decimal("90.50"))


# --- the shortlist -----------------------------------------------------------------------


def test_ties_at_the_cutoff_all_go_through(world: RecruitmentWorld) -> None:
    # headcount 1 × 1:3; the third and fourth tie at 80; 55 is under the pass line of 60.
    _scores(world, "90", "85", "80", "80", "70", "55")
    entries = shortlist_make(actor=world.hr, post=world.post)
    apps = world.applications
    assert [(e.application_id, e.written_rank) for e in entries] == [
        (apps[0].pk, 1), (apps[1].pk, 2), (apps[2].pk, 3), (apps[3].pk, 3),
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="recruitment.shortlist.make")
    assert event.detail == {"count": 4, "headcount": 1, "ratio": 3, "remake": False}


def test_absentees_and_voided_scores_are_not_shortlisted(world: RecruitmentWorld) -> None:
    apps = world.applications
    written_enter(actor=world.hr, application=apps[0], score="95", discipline="违纪，取消成绩")
    written_enter(actor=world.hr, application=apps[1], absent=True)
    written_enter(actor=world.hr, application=apps[2], score="70", discipline="警告")
    written_enter(actor=world.hr, application=apps[3], score="65")
    entries = shortlist_make(actor=world.hr, post=world.post)
    assert [e.application_id for e in entries] == [apps[2].pk, apps[3].pk]


def test_nobody_above_the_pass_line_means_no_shortlist(world: RecruitmentWorld) -> None:
    _scores(world, "59.99", "30")
    with pytest.raises(ValidationError, match="pass line"):
        shortlist_make(actor=world.hr, post=world.post)
    assert ShortlistEntry.objects.count() == 0


def test_the_shortlist_is_made_once_remade_only_before_any_mark(world: RecruitmentWorld) -> None:
    _scores(world, "90", "85", "80")
    shortlist_make(actor=world.hr, post=world.post)
    with pytest.raises(ValidationError, match="already made"):
        shortlist_make(actor=world.hr, post=world.post)
    with pytest.raises(ValidationError, match="can no longer change"):
        written_enter(actor=world.hr, application=world.applications[3], score="99")
    assert len(shortlist_make(actor=world.hr, post=world.post, remake=True)) == 3
    mark(panel(world), world.applications[0], ["80"])
    with pytest.raises(ValidationError, match="Interview marks exist"):
        shortlist_make(actor=world.hr, post=world.post, remake=True)
    assert ShortlistEntry.objects.count() == 3 and Mark.objects.count() == 1


def test_withdrawals_bring_in_the_next_by_written_rank(world: RecruitmentWorld) -> None:
    _scores(world, "90", "85", "80", "62", "75", "40")
    first = shortlist_make(actor=world.hr, post=world.post)[0]
    apps = world.applications
    one = shortlist_withdraw(actor=world.hr, entry=first, reason="本人放弃")
    assert one.withdrawn.status == ShortlistStatus.WITHDRAWN
    assert one.substitute is not None and one.substitute.application_id == apps[4].pk
    assert (one.substitute.replaces_id, one.substitute.written_rank) == (first.pk, 4)
    assert one.substitute.status == ShortlistStatus.SUBSTITUTE
    two = shortlist_withdraw(actor=world.hr, entry=one.substitute, reason="本人放弃")
    assert two.substitute is not None and two.substitute.application_id == apps[3].pk
    three = shortlist_withdraw(actor=world.hr, entry=two.substitute, reason="放弃")
    assert three.substitute is None and "Nobody is left" in three.note  # 40 failed the line
    actions = AuditEvent.objects.filter(action__startswith="recruitment.shortlist.")
    assert [e.action.rsplit(".", 1)[1] for e in actions.order_by("pk")] == [
        "make", "withdraw", "substitute", "withdraw", "substitute", "withdraw",
    ]  # fmt: skip


def test_a_withdrawal_needs_a_reason_and_happens_once(world: RecruitmentWorld) -> None:
    _scores(world, "90", "85")
    entry = shortlist_make(actor=world.hr, post=world.post)[0]
    with pytest.raises(ValidationError, match="reason"):
        shortlist_withdraw(actor=world.hr, entry=entry, reason="  ")
    shortlist_withdraw(actor=world.hr, entry=entry, reason="面试缺考", substitute=False)
    with pytest.raises(ValidationError, match="already left"):
        shortlist_withdraw(actor=world.hr, entry=entry, reason="again")
    assert ShortlistEntry.objects.filter(status=ShortlistStatus.SUBSTITUTE).count() == 0


def test_another_branch_may_not_touch_the_shortlist(
    world: RecruitmentWorld, make_user: Any
) -> None:
    _scores(world, "90", "85")
    other = make_user("hr_sz", Role.HR_ADMIN, world.org.sz)
    with pytest.raises(PermissionDenied):
        shortlist_make(actor=other, post=world.post)
    entry = shortlist_make(actor=world.hr, post=world.post)[0]
    with pytest.raises(PermissionDenied):
        shortlist_withdraw(actor=other, entry=entry, reason="x")
    entry.refresh_from_db()
    assert entry.status == ShortlistStatus.SHORTLISTED
