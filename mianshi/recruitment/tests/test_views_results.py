"""The results pages through the test client: the ranking with the rule in words, 体检 and
考察 with 递补, the 公示 with its downloads and objections, the hire and the quota.

Pages are read in English (the language cookie) so messages compare with their source.
Results are computed by the real service where the page computes them, else created with
known ranks as in test_hiring.py; everything after goes through the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.jobs.models import Job
from mianshi.recruitment.models import (
    Objection,
    Publication,
    QuotaChange,
    Result,
    ResultStatus,
)
from mianshi.recruitment.services.exams import shortlist_make, written_enter
from mianshi.recruitment.services.hiring import quota_change, result_pass, results_advance
from mianshi.recruitment.services.publication import (
    objection_raise,
    objection_resolve,
    publication_open,
)
from mianshi.recruitment.services.results import result_decide_tie
from mianshi.recruitment.tests.scores import mark, panel, qualify
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db
S = ResultStatus
MONDAY = dt.date(2026, 12, 7)  # 7 working days: 12-07 … 12-15 (no holiday configured)
NAMES = ("张三明", "李四", "王五", "赵六", "钱七")
# Session, user, grants, units, post, the results, the read's audit entry (3 queries); the
# progress page adds the places and the quota history; the 公示 page the latest list, the
# list's post, publication and rows, and the objections; the navigation's examiner check.
QUERIES = {"results": 10, "progress": 12, "publication": 15}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, *args: int) -> str:
    return reverse(f"recruitment:{name}", args=args)


def ranked(org: Any, make_user: Any, *, headcount: int = 1, ranks: tuple[int, ...] = (1, 2, 3),
           **params: Any) -> tuple[RecruitmentWorld, list[Result]]:  # fmt: skip
    """A post with one Result per rank (total 90 − rank); equal ranks are an undecided tie."""
    world = recruitment_world(org, make_user, headcount=headcount, **params)
    results = []
    for i, rank in enumerate(ranks):
        app = world.apply(NAMES[i] if i < len(NAMES) else f"考生{i}")
        results.append(Result.objects.create(
            application=app, post=world.post, written=Decimal(80), interview=Decimal(80),
            total=Decimal(90 - rank), rank=rank, tied=ranks.count(rank) > 1,
        ))  # fmt: skip
    return world, results


def published(world: RecruitmentWorld) -> list[Result]:
    """Every place through 体检 and 考察 and on a list opened on MONDAY."""
    entered = results_advance(actor=world.hr, post=world.post).entered
    for result in entered:
        result_pass(actor=world.hr, result=result, step="medical")
        result_pass(actor=world.hr, result=result, step="background")
    publication_open(actor=world.hr, post=world.post, starts_on=MONDAY)
    return [Result.objects.get(pk=r.pk) for r in entered]


def window_over(world: RecruitmentWorld) -> None:
    """Move the list's window into the past, so that today is after it."""
    Publication.objects.filter(post=world.post).update(
        starts_on=dt.date(2020, 1, 6), ends_on=dt.date(2020, 1, 14)
    )


def window_ahead(world: RecruitmentWorld) -> dt.date:
    """Move the list's window after today (whatever day the suite runs on); its last day."""
    ends_on = timezone.localdate() + dt.timedelta(days=20)
    Publication.objects.filter(post=world.post).update(
        starts_on=ends_on - dt.timedelta(days=9), ends_on=ends_on
    )
    return ends_on


def status(result: Result) -> str:
    return Result.objects.get(pk=result.pk).status


def page(response: Any) -> str:
    return str(response.content.decode())


# --- the ranking -----------------------------------------------------------------------


def test_the_ranking_page_shows_the_rule_in_words_and_the_table(org, make_user) -> None:
    world, _results = ranked(org, make_user, weight_written="0.6", weight_interview="0.4")
    response = client_for(world.hr).get(url("results", world.post.pk))
    assert response.status_code == 200
    text = page(response)
    assert "Total = written × 60% + interview × 40%, rounded half up to two decimal places" in text
    assert text.index(NAMES[0]) < text.index(NAMES[1]) < text.index(NAMES[2])
    assert "2026" in text and "89.00" in text  # the ticket and the total


def test_the_rule_names_the_additional_test_when_it_weighs(org, make_user) -> None:
    params: dict[str, Any] = {
        "weight_written": "0.5",
        "weight_interview": "0.3",
        "weight_extra": "0.2",
    }
    world, _results = ranked(org, make_user, **params)
    text = page(client_for(world.hr).get(url("results", world.post.pk)))
    assert "written × 50% + interview × 30% + additional test × 20%" in text


def _shortlisted(org: Any, make_user: Any) -> RecruitmentWorld:
    world = recruitment_world(org, make_user)
    for n, score in enumerate(("85", "80")):
        app = qualify(world, world.apply(f"考生{n}"))
        written_enter(actor=world.hr, application=app, score=score)
    shortlist_make(actor=world.hr, post=world.post)
    return world


def test_compute_is_refused_naming_who_lacks_marks_then_ranks(org, make_user) -> None:
    world = _shortlisted(org, make_user)
    drawn = panel(world)
    mark(drawn, world.applications[0], ["80"] * 7)
    hr = client_for(world.hr)
    response = hr.post(url("results_compute", world.post.pk), follow=True)
    assert "Not every examiner of their panel has marked these applicants yet: 202600002" in page(
        response
    )
    assert not Result.objects.filter(post=world.post).exists()
    mark(drawn, world.applications[1], ["90"] * 7)
    response = hr.post(url("results_compute", world.post.pk), follow=True)
    assert "The results were computed." in page(response)
    ranks = Result.objects.filter(post=world.post).order_by("rank")
    assert [r.application_id for r in ranks] == [a.pk for a in world.applications[::-1]]


def test_only_an_approver_records_a_tie_decision(org, make_user) -> None:
    _world, (first, _second, _third) = ranked(org, make_user, ranks=(1, 1, 3))
    clerk = make_user("clerk", Role.HR, org.sh)
    data = {f"tie-{first.pk}-order": "1", f"tie-{first.pk}-reason": "抽签决定"}
    assert client_for(clerk).post(url("result_tie", first.pk), data).status_code == 403
    manager = make_user("manager", Role.DEPT_MANAGER, org.sh)
    response = client_for(manager).post(url("result_tie", first.pk), data, follow=True)
    assert "The tie decision was recorded." in page(response)
    first.refresh_from_db()
    assert (first.decision, first.decision_reason, first.decided_by) == (1, "抽签决定", manager)
    assert "抽签决定" in page(response)  # the recorded decisions, for approvers to read


@pytest.mark.parametrize(
    ("order", "reason", "error"),
    [("0", "理由", "greater than or equal to 1"), ("1", "   ", "This field is required."),
     ("x", "理由", "Enter a whole number.")],
)  # fmt: skip
def test_a_bad_tie_decision_is_shown_and_nothing_saved(
    org, make_user, order, reason, error
) -> None:
    world, (first, *_rest) = ranked(org, make_user, ranks=(1, 1))
    data = {f"tie-{first.pk}-order": order, f"tie-{first.pk}-reason": reason}
    response = client_for(world.hr).post(url("result_tie", first.pk), data)
    assert response.status_code == 400
    assert error in page(response)
    assert Result.objects.get(pk=first.pk).decision is None


def test_an_untied_result_cannot_take_a_decision(org, make_user) -> None:
    world, (first, *_rest) = ranked(org, make_user)
    data = {f"tie-{first.pk}-order": "1", f"tie-{first.pk}-reason": "理由"}
    response = client_for(world.hr).post(url("result_tie", first.pk), data)
    assert response.status_code == 400
    assert "This result is not tied" in page(response)


@pytest.mark.parametrize("size", [3, 12])
@pytest.mark.parametrize("name", ["results", "progress", "publication"])
def test_each_page_costs_the_same_queries_at_any_size(org, make_user, name, size) -> None:
    """Every candidate through to a published list, so each page shows all it can."""
    world, _results = ranked(org, make_user, headcount=size, ranks=tuple(range(1, size + 1)))
    published(world)
    hr = client_for(world.hr)
    hr.get(url(name, world.post.pk))  # warm the session and the scope cache
    with CaptureQueriesContext(connection) as queries:
        response = hr.get(url(name, world.post.pk))
    assert response.status_code == 200
    assert page(response).count("data-result=") == size
    assert len(queries) == QUERIES[name], "\n".join(q["sql"][:90] for q in queries)


# --- 体检, 考察 and 递补 ---------------------------------------------------------------------


def test_the_best_ranked_advance_and_a_failure_shows_the_substitute(org, make_user) -> None:
    world, (first, second, third) = ranked(org, make_user)
    hr = client_for(world.hr)
    response = hr.post(url("results_advance", world.post.pk), follow=True)
    assert "Candidates who entered the medical check: 1." in page(response)
    assert [status(r) for r in (first, second, third)] == [S.MEDICAL, S.RANKED, S.RANKED]
    hr.post(url("result_pass", first.pk), {"step": "medical"})
    assert status(first) == S.BACKGROUND
    data = {f"fail-{first.pk}-reason": "考察不合格"}
    response = hr.post(url("result_fail", first.pk), data, follow=True)
    text = page(response)
    assert "Rank 2 enters the medical check in place of rank 1." in text
    assert [status(r) for r in (first, second, third)] == [S.FAILED, S.MEDICAL, S.RANKED]
    assert "考察不合格" in text


def test_a_failure_without_a_reason_is_shown_and_nothing_saved(org, make_user) -> None:
    world, (first, *_rest) = ranked(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    response = client_for(world.hr).post(
        url("result_fail", first.pk), {f"fail-{first.pk}-reason": " "}
    )
    assert response.status_code == 400
    assert "This field is required." in page(response)
    assert status(first) == S.MEDICAL


def test_the_last_withdrawal_says_the_place_stays_empty(org, make_user) -> None:
    world, (first,) = ranked(org, make_user, ranks=(1,))
    hr = client_for(world.hr)
    hr.post(url("results_advance", world.post.pk))
    response = hr.post(url("result_withdraw", first.pk), {f"wd-{first.pk}-reason": ""}, follow=True)
    assert "No ranked candidate is left to take the place: it stays empty." in page(response)
    assert status(first) == S.WITHDRAWN


def test_passing_a_step_out_of_order_is_refused_on_the_page(org, make_user) -> None:
    world, (first, *_rest) = ranked(org, make_user)
    response = client_for(world.hr).post(
        url("result_pass", first.pk), {"step": "background"}, follow=True
    )
    assert "This candidate is not at that step" in page(response)
    assert status(first) == S.RANKED


def test_an_undecided_tie_at_the_cut_is_said_on_advance(org, make_user) -> None:
    world, results = ranked(org, make_user, ranks=(1, 1, 3))
    response = client_for(world.hr).post(url("results_advance", world.post.pk), follow=True)
    assert "Candidates tied at rank 1 need a recorded tie decision" in page(response)
    assert {status(r) for r in results} == {S.RANKED}


# --- the hire and the quota ---------------------------------------------------------------


def test_the_hire_is_refused_before_the_window_ends_and_allowed_after(org, make_user) -> None:
    world, _results = ranked(org, make_user)
    (first,) = published(world)
    ends_on = window_ahead(world)
    hr = client_for(world.hr)
    response = hr.post(url("hire", first.pk), {"back": "publication"}, follow=True)
    assert response.redirect_chain[-1][0] == url("publication", world.post.pk)
    refusal = f"The publication window runs until {ends_on.isoformat()}: hire after it ends."
    assert refusal in page(response)
    assert status(first) == S.PUBLISHED
    window_over(world)
    response = hr.post(url("hire", first.pk), follow=True)
    assert "The candidate was hired." in page(response)
    assert status(first) == S.HIRED


def test_an_open_objection_stops_the_hire(org, make_user) -> None:
    world, _results = ranked(org, make_user)
    (first,) = published(world)
    window_over(world)
    publication = Publication.objects.get(post=world.post)
    objection_raise(actor=world.hr, publication=publication, text="学历存疑")
    response = client_for(world.hr).post(url("hire", first.pk), follow=True)
    assert "An objection to the publication list is still open" in page(response)
    assert status(first) == S.PUBLISHED


def test_over_the_quota_the_candidate_goes_to_the_reserve_with_the_reason(org, make_user) -> None:
    world, _results = ranked(org, make_user, headcount=2)
    first, second = published(world)
    window_over(world)
    manager = make_user("manager", Role.DEPT_MANAGER, org.sh)
    hr = client_for(world.hr)
    hr.post(url("hire", first.pk))
    quota = {"new_headcount": "1", "reason": "编制核减"}
    assert client_for(manager).post(url("quota", world.post.pk), quota).status_code == 302
    response = hr.post(url("hire", second.pk), follow=True)
    assert "1 places are filled: kept in the reserve pool" in page(response)
    assert [status(first), status(second)] == [S.HIRED, S.RESERVE]


def test_the_quota_change_is_for_approvers_and_kept_in_the_history(org, make_user) -> None:
    world, _results = ranked(org, make_user, headcount=2)
    data = {"new_headcount": "3", "reason": "新增编制"}
    assert client_for(world.hr).get(url("progress", world.post.pk)).status_code == 200
    clerk = make_user("clerk", Role.HR, org.sh)
    assert client_for(clerk).post(url("quota", world.post.pk), data).status_code == 403
    manager = client_for(make_user("manager", Role.DEPT_MANAGER, org.sh))
    response = manager.post(url("quota", world.post.pk), data, follow=True)
    text = page(response)
    assert "The headcount was changed." in text and "新增编制" in text
    assert "Headcount 3: 0 places held, 0 hired, 3 free." in text
    assert Job.objects.get(pk=world.job.pk).headcount == 3


@pytest.mark.parametrize(
    ("headcount", "reason", "error"),
    [("2", "理由", "The headcount is already 2."), ("-1", "理由", "greater than or equal to 0"),
     ("3", "", "This field is required.")],
)  # fmt: skip
def test_a_bad_quota_change_is_shown_and_nothing_saved(
    org, make_user, headcount, reason, error
) -> None:
    world, _results = ranked(org, make_user, headcount=2)
    data = {"new_headcount": headcount, "reason": reason}
    response = client_for(world.hr).post(url("quota", world.post.pk), data)
    assert response.status_code == 400
    assert error in page(response)
    assert not QuotaChange.objects.exists()
    assert Job.objects.get(pk=world.job.pk).headcount == 2


# --- the 公示 -------------------------------------------------------------------------------


def _cleared(org: Any, make_user: Any) -> tuple[RecruitmentWorld, Result]:
    world, (first, *_rest) = ranked(org, make_user)
    results_advance(actor=world.hr, post=world.post)
    result_pass(actor=world.hr, result=first, step="medical")
    result_pass(actor=world.hr, result=first, step="background")
    return world, first


def test_the_end_date_is_shown_before_the_list_opens(org, make_user) -> None:
    world, first = _cleared(org, make_user)
    hr = client_for(world.hr)
    response = hr.get(url("publication", world.post.pk), {"starts_on": "2026-12-07"})
    assert "From 2026-12-07 the publication runs until 2026-12-15." in page(response)
    response = hr.post(
        url("publication_open", world.post.pk), {"starts_on": "2026-12-07"}, follow=True
    )
    text = page(response)
    assert "The publication runs from 2026-12-07 to 2026-12-15." in text
    assert status(first) == S.PUBLISHED
    assert (
        "张*明" in text and NAMES[0] not in text.split("data-publication")[1].split("</table>")[0]
    )


@pytest.mark.parametrize("starts_on", ["2026-13-01", "", "明天", "9999-12-31", "0001-01-01"])
def test_a_bad_start_date_is_shown_and_nothing_published(org, make_user, starts_on) -> None:
    world, first = _cleared(org, make_user)
    response = client_for(world.hr).post(
        url("publication_open", world.post.pk), {"starts_on": starts_on}
    )
    assert response.status_code == 400
    assert "errorlist" in page(response)
    assert not Publication.objects.exists() and status(first) == S.CLEARED


@pytest.mark.parametrize(
    ("fmt", "content_type", "suffix"),
    [("pdf", "application/pdf", ".pdf"),
     ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")],
)  # fmt: skip
def test_the_list_downloads_with_a_chinese_file_name(
    org, make_user, fmt, content_type, suffix
) -> None:
    world, _results = ranked(org, make_user)
    published(world)
    response = client_for(world.hr).get(url(f"publication_{fmt}", world.post.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    name = quote(f"Publication 2026001 软件开发{suffix}")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"
    magic = b"%PDF" if fmt == "pdf" else b"PK"
    assert response.content.startswith(magic)


def test_objections_are_recorded_by_hr_and_decided_by_an_approver(org, make_user) -> None:
    world, (first, second, _third) = ranked(org, make_user)
    published(world)
    hr = client_for(world.hr)
    data = {"text": "该考生学历造假", "application": str(first.application_id)}
    response = hr.post(url("objection_raise", world.post.pk), data, follow=True)
    assert "The objection was recorded." in page(response)
    objection = Objection.objects.get()
    assert objection.application_id == first.application_id
    decision = {f"obj-{objection.pk}-upheld": "yes", f"obj-{objection.pk}-reason": "查证属实"}
    clerk = client_for(make_user("clerk", Role.HR, org.sh))
    assert clerk.post(url("objection_resolve", objection.pk), decision).status_code == 403
    manager = client_for(make_user("manager", Role.DEPT_MANAGER, org.sh))
    response = manager.post(url("objection_resolve", objection.pk), decision, follow=True)
    assert "Rank 2 enters the medical check in place of rank 1." in page(response)
    assert [status(first), status(second)] == [S.FAILED, S.MEDICAL]
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolution) == (True, "查证属实")


@pytest.mark.parametrize(
    ("data", "error"),
    [({"text": ""}, "This field is required."),
     ({"text": "异议", "application": "999999"}, "Select a valid choice.")],
)  # fmt: skip
def test_a_bad_objection_is_shown_and_nothing_saved(org, make_user, data, error) -> None:
    world, _results = ranked(org, make_user)
    published(world)
    response = client_for(world.hr).post(url("objection_raise", world.post.pk), data)
    assert response.status_code == 400
    assert error in page(response)
    assert not Objection.objects.exists()


# --- scoping ----------------------------------------------------------------------------


def test_another_branch_sees_and_changes_nothing(org, make_user) -> None:
    world, (first, *_rest) = ranked(org, make_user)
    published(world)
    objection = objection_raise(
        actor=world.hr, publication=Publication.objects.get(post=world.post), text="异议"
    )
    other = client_for(make_user("sz_admin", Role.HR_ADMIN, org.sz))
    post = world.post.pk
    for name in ("results", "progress", "publication", "publication_pdf", "publication_xlsx"):
        assert other.get(url(name, post)).status_code == 404, name
    for name in (
        "results_compute",
        "results_advance",
        "quota",
        "publication_open",
        "objection_raise",
    ):
        assert (
            other.post(url(name, post), {"new_headcount": "5", "reason": "x"}).status_code == 404
        ), name
    for name in ("result_tie", "result_pass", "result_fail", "result_withdraw", "hire"):
        assert other.post(url(name, first.pk), {"step": "medical"}).status_code == 404, name
    decision = {f"obj-{objection.pk}-upheld": "yes", f"obj-{objection.pk}-reason": "x"}
    assert other.post(url("objection_resolve", objection.pk), decision).status_code == 404
    assert status(first) == S.PUBLISHED and Objection.objects.get().upheld is None


def test_an_interviewer_of_the_branch_reads_no_results(org, make_user) -> None:
    world, _results = ranked(org, make_user)
    interviewer = client_for(make_user("iv", Role.INTERVIEWER, org.sh))
    assert interviewer.get(url("results", world.post.pk)).status_code == 404


def test_a_manager_reads_the_pages_but_cannot_run_hr_steps(org, make_user) -> None:
    world, (first, *_rest) = ranked(org, make_user)
    manager = client_for(make_user("manager", Role.DEPT_MANAGER, org.sh))
    for name in ("results", "progress", "publication"):
        assert manager.get(url(name, world.post.pk)).status_code == 200, name
    assert manager.post(url("results_advance", world.post.pk)).status_code == 403
    assert manager.post(url("results_compute", world.post.pk)).status_code == 403
    assert status(first) == S.RANKED


def test_a_far_preview_date_is_an_error_on_the_page_not_a_crash(org, make_user) -> None:
    world, _first = _cleared(org, make_user)
    response = client_for(world.hr).get(
        url("publication", world.post.pk), {"starts_on": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "A date in the years 2000 to 2099." in page(response)
    assert "data-ends-on" not in page(response)


def test_every_part_of_the_pages_renders_in_chinese(org, make_user) -> None:
    """A post with a decided tie, a failure, a published list, a decided and an open
    objection and a quota change: each page in zh-Hans, every block of it rendered."""
    world, (first, second, _third) = ranked(org, make_user, headcount=2, ranks=(1, 2, 2))
    manager = make_user("manager", Role.DEPT_MANAGER, org.sh)
    result_decide_tie(actor=manager, result=second, order=1, reason="抽签")
    published(world)
    publication = Publication.objects.get(post=world.post)
    decided = objection_raise(actor=world.hr, publication=publication, text="异议一")
    objection_resolve(actor=manager, objection=decided, upheld=False, reason="不成立")
    objection_raise(actor=world.hr, publication=publication, text="异议二")
    quota_change(actor=manager, post=world.post, new_headcount=3, reason="增编")
    hr = Client()
    hr.force_login(world.hr)
    expected = {"results": "抽签", "progress": "增编", "publication": "异议二"}
    for name, text in expected.items():
        response = hr.get(url(name, world.post.pk))
        assert response.status_code == 200, name
        assert '<html lang="zh-hans">' in page(response) and text in page(response), name
    assert status(first) == S.PUBLISHED
