"""The candidate list costs a fixed number of queries, whatever the data size (issue 5),
and the shortcuts that keep it fast at 100,000 candidates (bench/pages.py) change no
answer: the count cap, and the two query forms of an application filter.

The same pages are requested with 3 and with 60 candidates (each with two applications,
tags and a score; 60 means a second page): every page stays within 20 queries and the
count does not grow with the data — an N+1 would add queries per row.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from mianshi.accounts.roles import Role
from mianshi.candidates import selectors
from mianshi.candidates.models import ENC_CONTEXT, Application, Candidate, Tag
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.selectors import CandidateFilters, candidate_list
from mianshi.candidates.services import application_assign
from mianshi.common.crypto import blind_index, encrypt_str

pytestmark = pytest.mark.django_db

MAX_QUERIES = 21  # with the navigation's examiner check (recruitment's My panels)


def _grow(world: Any, org: Any, start: int, stop: int) -> None:
    """Candidates start..stop-1, written in bulk (the list's cost, not the services', is
    under test): two applications each (one scored, stages varying), tags on most, a
    candidate of the Shenzhen branch applying in Shanghai every fifth."""
    units = [org.sh_sales, org.sh_tech, org.sh_tech, org.sh_sales, org.sz_sales]
    people = Candidate.objects.bulk_create(
        Candidate(
            org_unit=units[i % 5],
            name=f"王{i:02d}",
            phone_enc=encrypt_str(f"139{i:08d}", context=ENC_CONTEXT["phone_enc"]),
            phone_bidx=blind_index(f"139{i:08d}", kind="phone"),
        )
        for i in range(start, stop)
    )
    school, social = (Tag.objects.get_or_create(name=n)[0] for n in ("校招", "社招"))
    Candidate.tags.through.objects.bulk_create(
        Candidate.tags.through(candidate=c, tag=school if c.pk % 3 else social) for c in people
    )
    stages = [Stage.APPLIED, Stage.SCREENING, Stage.REJECTED]
    Application.objects.bulk_create(
        Application(
            candidate=c, job=job, org_unit_id=job.org_unit_id,
            stage=stages[(c.pk + k) % 3], overall_score=Decimal(c.pk % 90) if k == 0 else None,
        )
        for c in people
        for k, job in enumerate((world.job_sh_sales, world.job_sh_tech))
    )  # fmt: skip


def _pages(world: Any, org: Any) -> dict[str, str]:
    job, unit = world.job_sh_sales.pk, org.sh_sales.pk
    return {
        "first page": "/candidates/",
        "page 2": "/candidates/?page=2",
        "name search": "/candidates/?q=王",
        "phone search": "/candidates/?q=13900000001",
        "stage filter": "/candidates/?stage=applied",
        "job filter": f"/candidates/?job={job}",
        "tag filter": "/candidates/?tag=校招",
        "branch filter": f"/candidates/?unit={unit}",
        "everything": f"/candidates/?q=王&job={job}&stage=applied&tag=校招&unit={unit}&page=2",
    }


def _counts(client: Any, pages: dict[str, str], assert_max: Any) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        with assert_max(MAX_QUERIES) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries.captured_queries)
    return counts


def _rows(client: Any, url: str) -> tuple[int, int]:
    """(candidate rows, application checkboxes) on the page."""
    html = client.get(url).content.decode()
    return len(re.findall(r"data-candidate=", html)), len(re.findall(r'name="application"', html))


@pytest.mark.parametrize("role", [Role.HR, Role.HR_ADMIN, Role.DEPT_MANAGER])
def test_list_queries_do_not_grow_with_the_data(
    world: Any, org: Any, login: Any, make_user: Any, role: Role, django_assert_max_num_queries: Any
) -> None:
    user = {
        Role.HR: world.hr_sh,
        Role.HR_ADMIN: make_user("admin_hq", Role.HR_ADMIN, org.hq),
        Role.DEPT_MANAGER: world.manager_sh_sales,
    }[role]
    client, pages = login(user), _pages(world, org)
    _grow(world, org, 0, 3)
    small = _counts(client, pages, django_assert_max_num_queries)
    _grow(world, org, 3, 60)
    large = _counts(client, pages, django_assert_max_num_queries)
    assert large == small
    # The pages did render the data they were counted on (not an empty list).
    if role == Role.DEPT_MANAGER:  # sees the sales applications only
        assert _rows(client, "/candidates/") == (50, 50)
        assert _rows(client, pages["stage filter"]) == (20, 20)
    else:
        assert _rows(client, "/candidates/") == (50, 100)
        assert _rows(client, "/candidates/?page=2") == (10, 20)
        assert _rows(client, pages["stage filter"]) == (40, 40)


def test_interviewer_list_stays_bounded(
    world: Any, org: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    """Interviewers see assigned applications only: another query shape, same bound."""
    _grow(world, org, 0, 60)
    for application in Application.objects.filter(job=world.job_sh_sales)[:55]:
        application_assign(
            actor=world.hr_sh, application=application, interviewer=world.interviewer_sh
        )
    client = login(world.interviewer_sh)
    _counts(client, _pages(world, org), django_assert_max_num_queries)
    assert _rows(client, "/candidates/") == (50, 50)
    assert _rows(client, "/candidates/?page=2") == (5, 5)


def test_dashboard_is_bounded(
    world: Any, org: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    client, counts = login(world.hr_sh), []
    for start, stop in ((0, 3), (3, 30)):  # the same page at two data sizes
        _grow(world, org, start, stop)
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    # The home page's funnel comes in its own request, bounded the same way.
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get("/home/funnel/").content.decode()
    # 30 candidates × 2 applications, stages rotating over applied/screening/rejected.
    assert re.search(r'data-stage="applied" data-now="20"', html), html
    assert re.search(r'data-stage="rejected" data-now="20"', html)


@pytest.mark.parametrize(
    "filters",
    [
        {"stage": Stage.APPLIED},
        {"job": "sales"},
        {"job": "tech", "stage": Stage.REJECTED},
        {"stage": Stage.SCREENING, "tag": "校招", "q": "王1"},
    ],
)
@pytest.mark.parametrize("username", ["hr_sh", "mgr_sh_sales", "hr_sz"])
def test_both_filter_forms_find_the_same_candidates(
    world: Any, org: Any, monkeypatch: Any, filters: dict[str, Any], username: str
) -> None:
    """Collected (IN) or walked (EXISTS), an application filter means the same thing: the
    candidates with a visible application matching it, and nothing else."""
    _grow(world, org, 0, 40)
    user = {"hr_sh": world.hr_sh, "mgr_sh_sales": world.manager_sh_sales, "hr_sz": world.hr_sz}
    jobs = {"sales": world.job_sh_sales.pk, "tech": world.job_sh_tech.pk}
    parsed = CandidateFilters(**{**filters, "job": jobs.get(filters.get("job", ""))})
    found = []
    for threshold in (1, 10**9):  # every filter broad, then every filter narrow
        monkeypatch.setattr(selectors, "BROAD_FILTER", threshold)
        found.append(list(candidate_list(user=user[username], filters=parsed).values_list("pk")))
    apps = Application.objects.all()
    if parsed.stage:
        apps = apps.filter(stage=parsed.stage)
    if parsed.job:
        apps = apps.filter(job_id=parsed.job)
    if username == "mgr_sh_sales":
        apps = apps.filter(org_unit=org.sh_sales)
    if username == "hr_sz":  # nothing of Shanghai, although a fifth are Shenzhen people
        apps = apps.none()
    people = Candidate.objects.filter(pk__in=apps.values("candidate_id"))
    if parsed.tag:
        people = people.filter(tags__name=parsed.tag)
    if parsed.q:
        people = people.filter(name__contains=parsed.q)
    expected = list(people.order_by("-id").values_list("pk"))
    assert found[0] == found[1] == expected
    assert expected or username != "hr_sh"


def test_count_stops_at_the_cap(
    world: Any, org: Any, login: Any, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    """Past the cap the list says "more than", pages on with Next, and a page far past the
    end is an empty page, not an error."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 12)
    _grow(world, org, 0, 60)
    client = login(world.hr_sh)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/candidates/?page=1").content.decode()
    assert 'data-total="12+"' in html and "More than 12 candidates" in html
    assert "Page 1</span>" in html and "page=2" in html
    assert _rows(client, "/candidates/?page=2") == (10, 20)
    monkeypatch.setattr(selectors, "COUNT_CAP", 100)
    html = client.get("/candidates/").content.decode()
    assert 'data-total="60"' in html and "Page 1 of 2" in html and "page=2" in html
    monkeypatch.setattr(selectors, "COUNT_CAP", 12)
    page = selectors.candidate_page(
        user=world.hr_sh, filters=CandidateFilters(), number=5, per_page=10
    )
    assert page.capped and page.number == 5 and len(page.rows) == 10 and page.has_next
    last = selectors.candidate_page(
        user=world.hr_sh, filters=CandidateFilters(), number=6, per_page=10
    )
    assert len(last.rows) == 10 and not last.has_next
    with django_assert_max_num_queries(MAX_QUERIES):
        far = client.get("/candidates/?page=99999999999999999999")
    assert far.status_code == 200 and "No candidates match." in far.content.decode()


# --- the candidate page ----------------------------------------------------------------------


def _interview_job(world: Any, org: Any, title: str) -> Any:
    from mianshi.common.tests.support import interview_job
    from mianshi.jobs.tests.factories import make_question

    question = make_question(org.sh_sales, world.hr_sh, text="请做一个简短的自我介绍。")
    return interview_job(org.sh_sales, world.hr_sh, [question], title)


def _interviewing(world: Any, application: Application) -> None:
    """Invited (an invitation with its delivery) and the interview opened with consents: the
    rows the invite and interview panels show."""
    from mianshi.interviews.notices import NOTICE_VERSION
    from mianshi.interviews.services import ConsentInput, session_consent, session_open
    from mianshi.invitations.services import invitation_create

    invitation, _token = invitation_create(actor=world.hr_sh, application=application)
    consent = ConsentInput(True, True, True, NOTICE_VERSION)
    session_consent(session=session_open(invitation=invitation), data=consent, language="zh-hans")


def _profile_world(world: Any, org: Any, candidate: Candidate, jobs: int) -> None:
    """`jobs` more applications, each moved twice, assigned, invited and interviewing, with
    a note and a tag each."""
    from mianshi.candidates.services import application_advance, candidate_note_add
    from mianshi.candidates.tests.factories import make_application

    start = candidate.applications.count()
    for n in range(start, start + jobs):
        job = _interview_job(world, org, f"岗位{n}")
        application = make_application(world.hr_sh, candidate, job)
        application_advance(actor=world.hr_sh, application=application, to_stage=Stage.SCREENING)
        application_advance(actor=world.hr_sh, application=application, to_stage=Stage.INVITED)
        application_assign(
            actor=world.hr_sh, application=application, interviewer=world.interviewer_sh
        )
        _interviewing(world, application)
        application.overall_score = Decimal(n)
        application.save(update_fields=["overall_score"])
        candidate_note_add(actor=world.hr_sh, candidate=candidate, body=f"备注{n}")
        candidate.tags.add(Tag.objects.get_or_create(name=f"标签{n}")[0])


def _profile_counts(
    world: Any, org: Any, login: Any, assert_max: Any, user_of: Any, bound: int
) -> tuple[list[int], str]:
    """The page's query counts at 1 and 6 applications, and the page at 6."""
    from mianshi.candidates.tests.factories import make_candidate

    candidate = make_candidate(world.hr_sh, org.sh, name="赵六", email="zhao@example.com")
    client, counts = login(user_of(world)), []
    for jobs in (1, 5):  # 1, then 6 applications
        _profile_world(world, org, candidate, jobs)
        with assert_max(bound) as queries:
            response = client.get(f"/candidates/{candidate.pk}/")
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    html = response.content.decode()
    assert len(re.findall(r'<section class="application" id="application-', html)) == 6
    return counts, html


# The panels' fixed cost: the latest invitations and their deliveries (2); the interview
# sessions with their answers, recordings, answer events, other events and consents (6).
PANELS = 8

PERSONAS = pytest.mark.parametrize(
    "user_of", [lambda w: w.hr_sh, lambda w: w.interviewer_sh], ids=["hr", "interviewer"]
)


@PERSONAS
def test_candidate_page_queries_do_not_grow_with_applications(
    world: Any, org: Any, login: Any, monkeypatch: Any, django_assert_max_num_queries: Any,
    user_of: Any,
) -> None:  # fmt: skip
    """The profile's own reads (applications with history and interviewers, notes, tags,
    duplicates, the header's summary) cost the same for 1 and 6 applications. The invite and
    interview panels of the apps above are stubbed here (the next test counts them)."""
    from mianshi.interviews import selectors_board
    from mianshi.invitations import selectors as invitation_selectors

    monkeypatch.setattr(invitation_selectors, "latest_invitations", lambda **_: {})
    monkeypatch.setattr(selectors_board, "sessions_by_application", lambda **_: {})
    (small, large), _html = _profile_counts(
        world, org, login, django_assert_max_num_queries, user_of, MAX_QUERIES
    )
    assert small == large


@PERSONAS
def test_candidate_page_with_its_panels_costs_the_same_for_more_applications(
    world: Any, org: Any, login: Any, django_assert_max_num_queries: Any, user_of: Any
) -> None:
    """The invite and interview panels read every application's latest invitation and
    interview sessions at once: a fixed cost on top of the profile's own reads."""
    (small, large), html = _profile_counts(
        world, org, login, django_assert_max_num_queries, user_of, MAX_QUERIES + PANELS
    )
    assert small == large
    # The panels were counted with something to show: 6 invitations, 6 interviews.
    assert len(re.findall(r"data-latest-invitation=", html)) == 6
    assert len(re.findall(r'<section class="card" data-session=', html)) == 6
