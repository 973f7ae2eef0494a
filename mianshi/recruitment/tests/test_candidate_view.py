"""The candidate's status page in public recruitment (issue 15): 资格审查 passed or not with
each rule's reason and HR's override reason, one line per later step reached, nothing for a
job that is no post, and nothing about anyone else or written for HR only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from mianshi.candidates.models import Application
from mianshi.candidates.services import application_create, candidate_create
from mianshi.invitations.services import invitation_create
from mianshi.invitations.status_sections import StatusSection, Verdict, sections_for
from mianshi.jobs.models import JobStatus
from mianshi.jobs.services import job_create
from mianshi.jobs.tests.factories import make_question, make_template
from mianshi.recruitment.candidate_view import screening_section, steps_section
from mianshi.recruitment.models import Result, Screening, ShortlistEntry, ShortlistStatus
from mianshi.recruitment.services.exams import written_enter
from mianshi.recruitment.services.screening import screening_override, screening_run
from mianshi.recruitment.tests.test_hiring import published, ranked_world
from mianshi.recruitment.tests.world import RecruitmentWorld, recruitment_world

pytestmark = pytest.mark.django_db
P, F = Verdict.PASSED, Verdict.NOT_PASSED
EDUCATION_OK = "Education: Undergraduate ✓"
MAJOR_OK = "Major: 计算机科学与技术 ✓ (计算机类)"
AGE_OK = "Age: 31 (on 2026-12-31) ✓"


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    return recruitment_world(org, make_user)


def _screened(world: RecruitmentWorld, settings: Any, language: str) -> dict[str, Application]:
    """Four applicants screened with reasons in `language` (the site's language decides)."""
    settings.LANGUAGE_CODE = language
    apps = {
        "fits": world.apply("王伟"),
        "wrong_major": world.apply("李娜", major="汉语言文学"),
        "too_old": world.apply("张强", birth="19800101"),
        "no_education": world.apply("刘洋", education=""),
    }
    screening_run(actor=world.hr, post=world.post)
    return apps


def _section(app: Application) -> StatusSection:
    section = screening_section(app)
    assert section is not None
    return section


def _page(world: RecruitmentWorld, app: Application, language: str = "en") -> str:
    """The status page through its real URL, with a real invitation token."""
    unit = world.job.org_unit
    question = make_question(unit, world.hr, text="请介绍一个你负责过的软件项目。")
    template = make_template(unit, [question], world.hr, name=f"软件开发一面{app.pk}")
    _, token = invitation_create(actor=world.hr, application=app, template=template)
    response = Client().get(f"/i/{token}/status/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "verdict", "lines"),
    [
        ("fits", P, [(P, EDUCATION_OK), (P, MAJOR_OK), (P, AGE_OK)]),
        ("wrong_major", F, [(P, EDUCATION_OK), (F, "Major: 汉语言文学 ✗ not in 计算机类"),
                            (P, AGE_OK)]),
        ("too_old", F, [(P, EDUCATION_OK), (P, MAJOR_OK),
                        (F, "Age: 46 (on 2026-12-31) ✗ over 35 years of age")]),
        ("no_education", F, [(F, "Education: ✗ not entered"), (P, MAJOR_OK), (P, AGE_OK)]),
    ],
)  # fmt: skip
def test_the_verdict_comes_with_every_rules_reason(
    world: Any, settings: Any, who: str, verdict: Verdict, lines: list[tuple[Verdict, str]]
) -> None:
    app = _screened(world, settings, "en")[who]
    with translation.override("en"):
        section = _section(app)
    assert section.title == "Qualification check (资格审查)"
    assert section.verdict == verdict and section.note == ""
    assert [(line.verdict, line.text) for line in section.lines] == lines


def test_reasons_are_in_chinese_when_screened_in_chinese(world: Any, settings: Any) -> None:
    apps = _screened(world, settings, "zh-hans")
    with translation.override("zh-hans"):
        section = _section(apps["wrong_major"])
    assert section.verdict == F
    failed = [line.text for line in section.lines if line.verdict == F]
    assert failed == ["专业：汉语言文学 ✗ 不在 计算机类"]
    assert sum(line.verdict == P for line in section.lines) == 2
    assert "资格审查" in section.title


def test_hr_override_shows_its_reason_and_keeps_the_rules_reasons(
    world: Any, settings: Any
) -> None:
    app = _screened(world, settings, "en")["wrong_major"]
    reason = "所学专业“汉语言文学（计算机方向）”经主管部门认定为相近专业，予以通过。"
    row = Screening.objects.get(application=app)
    screening_override(actor=world.hr, screening=row, qualified=True, reason=reason)
    section = _section(app)
    assert (section.verdict, section.note) == (P, reason)
    assert [line.verdict for line in section.lines] == [P, F, P]  # the rules said otherwise
    page = _page(world, app)
    assert reason in page and "Explanation from the recruitment team" in page
    assert "hr_gk" not in page  # who overrode is for the audit trail, not the candidate


def test_an_override_to_fail_says_so(world: Any, settings: Any) -> None:
    app = _screened(world, settings, "en")["fits"]
    row = Screening.objects.get(application=app)
    screening_override(
        actor=world.hr, screening=row, qualified=False, reason="学历证书未通过学信网核验。"
    )
    section = _section(app)
    assert section.verdict == F and section.note == "学历证书未通过学信网核验。"
    assert all(line.verdict == P for line in section.lines)


def test_before_the_check_the_section_says_it_is_pending(world: Any) -> None:
    app = world.apply("王伟")
    with translation.override("en"):
        section = _section(app)
    assert section.verdict == Verdict.PENDING and section.note == ""
    assert [line.text for line in section.lines] == [
        "Your application will be checked against the post's requirements."
    ]
    assert steps_section(app) is None


def test_an_application_outside_public_recruitment_gets_no_section(world: Any) -> None:
    job = job_create(
        actor=world.hr, org_unit=world.org.sh_tech,
        data={"title": "测试工程师", "status": JobStatus.OPEN, "headcount": 1},
    )  # fmt: skip
    candidate = candidate_create(
        actor=world.hr, org_unit=world.org.sh, name="周八", phone="13800000001"
    )
    app = application_create(actor=world.hr, candidate=candidate, job=job)
    assert screening_section(app) is None and steps_section(app) is None
    assert sections_for(app) == []
    page = _page(world, app)
    assert "status-section" not in page and "资格审查" not in page


def test_the_page_shows_the_verdict_in_words_with_a_heading_and_a_list(
    world: Any, settings: Any
) -> None:
    apps = _screened(world, settings, "en")
    page = _page(world, apps["wrong_major"])
    assert '<h2 id="status-section-1">Qualification check (资格审查)</h2>' in page
    assert 'data-verdict="not_passed"' in page and "Result: Not passed" in page
    assert (
        '<li data-verdict="not_passed"><span class="tag">Not passed</span> Major: 汉语言文学'
        in page
    )
    assert page.count('<li data-verdict="passed"><span class="tag">Passed</span>') == 2
    for other in ("王伟", "张强", "刘洋", "46 (on"):  # nobody else's name or reason
        assert other not in page


def test_the_chinese_page_contains_the_section(world: Any, settings: Any) -> None:
    apps = _screened(world, settings, "zh-hans")
    page = _page(world, apps["wrong_major"], language="zh-hans")
    assert "您的面试状态" in page  # the page is Chinese
    assert "资格审查" in page and "专业：汉语言文学 ✗ 不在 计算机类" in page
    assert page.index("资格审查") < page.index('data-progress="0/1"')


def test_later_steps_one_line_each_without_internal_notes(world: Any, settings: Any) -> None:
    apps = _screened(world, settings, "en")
    fits, out = apps["fits"], apps["wrong_major"]
    assert steps_section(fits) is None  # no step after 资格审查 yet
    written_enter(
        actor=world.hr, application=fits, score=Decimal("78.5"), discipline="携带手机进入考场"
    )
    with translation.override("en"):
        assert _texts(fits) == [(None, "Written exam (笔试): your score has been entered.")]
    ShortlistEntry.objects.create(application=fits, post=world.post, written_rank=1,
                                  reason="内部备注：第一名")  # fmt: skip
    with translation.override("en"):
        assert _texts(fits)[1] == (P, "Interview (面试): you are on the shortlist.")
    page = _page(world, fits)
    assert "Examinations and publication (考试与公示)" in page
    for internal in ("携带手机", "内部备注", "78.5"):
        assert internal not in page
    assert steps_section(out) is None


def test_an_absent_candidate_and_a_withdrawn_shortlist_place(world: Any, settings: Any) -> None:
    fits = _screened(world, settings, "en")["fits"]
    written_enter(actor=world.hr, application=fits, absent=True)
    ShortlistEntry.objects.create(application=fits, post=world.post, written_rank=1,
                                  status=ShortlistStatus.WITHDRAWN)  # fmt: skip
    with translation.override("en"):
        assert _texts(fits) == [(None, "Written exam (笔试): recorded as absent.")]


def test_on_the_publication_list_with_its_window(org: Any, make_user: Any) -> None:
    world, results = ranked_world(org, make_user)
    on_list = published(world)[0]
    app = on_list.application
    with translation.override("en"):
        lines = _texts(app)
    assert lines == [
        (P, "Publication (公示): you are on the list published from 2026-12-07 to 2026-12-15.")
    ]
    Result.objects.filter(pk=on_list.pk).update(status="failed", status_reason="异议成立")
    assert steps_section(app) is None  # taken off the list: no longer said to be on it
    second = results[1].application
    assert steps_section(second) is None  # ranked, not on the list


def test_the_sections_cost_a_few_queries(
    world: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    fits = _screened(world, settings, "en")["fits"]
    written_enter(actor=world.hr, application=fits, score=Decimal(80))
    with django_assert_num_queries(2 + 4):  # two reads, a savepoint pair per section
        sections = sections_for(fits)
    assert [s.title for s in sections] == [
        "Qualification check (资格审查)",
        "Examinations and publication (考试与公示)",
    ]


def _texts(app: Application) -> list[tuple[Verdict | None, str]]:
    section = steps_section(app)
    assert section is not None and section.verdict is None
    return [(line.verdict, line.text) for line in section.lines]
