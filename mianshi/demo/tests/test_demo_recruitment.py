"""The demo's public recruitment: a plan at 公示 that the recruitment services produced.

The expected figures are worked out by hand from demo/recruitment.py's MARKS and WRITTEN
(interview = the mean of the five marks left after dropping the highest and the lowest;
total = written × 0.6 + interview × 0.4, half up to cents). The panel is drawn from a
fresh seed on every load, so nothing here depends on which examiner it left off: the marks
go by seat, and every 回避 the draw can bring is checked the same way."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from mianshi.accounts.models import User
from mianshi.candidates.models import Application, Candidate
from mianshi.compliance.models import AuditEvent
from mianshi.demo import recruitment as demo
from mianshi.recruitment import arithmetic, avoidance
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
    Lot,
    Mark,
    Plan,
    PlanStatus,
    PostStatus,
    Publication,
    Result,
    ResultStatus,
    Screening,
    ShortlistEntry,
    Substitute,
    WrittenScore,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.services.hiring import recruitment_hire

pytestmark = pytest.mark.django_db

# (name, written, interview, total) in rank order.
RANKING = [
    ("李雨桐", "82.00", "89.00", "84.80"),  # 88+90+87+89+91 = 445 → 89.00
    ("陈思远", "86.50", "81.90", "84.66"),  # 80+82.5+85+78+84 = 409.5 → 81.90
    ("王浩然", "78.00", "85.00", "80.80"),  # 85+83+86+84+87 = 425 → 85.00
    ("周子涵", "78.00", "79.00", "78.40"),  # 75+80+78+79+81 = 395 → 79.00
]


@pytest.fixture
def plan() -> Plan:
    call_command("load_demo", stdout=StringIO())
    return Plan.objects.get(title=demo.TITLE)


def _counts() -> dict[str, int]:
    models = (Plan, Application, Candidate, Examiner, Screening, WrittenScore, ShortlistEntry,
              Conflict, Substitute, Mark, Result, Publication, AuditEvent)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_plan_is_at_publication_with_the_ranking_worked_by_hand(plan: Plan) -> None:
    post = plan.posts.get()
    assert (plan.status, post.status, post.code) == (PlanStatus.ANNOUNCED, PostStatus.PUBLISHED,
                                                     "2026001")  # fmt: skip
    results = Result.objects.filter(post=post).order_by("rank")
    got = [(r.application.candidate.name, str(r.written), str(r.interview), str(r.total))
           for r in results]  # fmt: skip
    assert got == RANKING
    assert [r.rank for r in results] == [1, 2, 3, 4]
    assert [r.status for r in results] == [ResultStatus.PUBLISHED] + [ResultStatus.RANKED] * 3


def test_the_hire_is_refused_while_the_publication_runs(plan: Plan) -> None:
    first = Result.objects.get(post__plan=plan, rank=1)
    today = timezone.localdate()
    assert first.publication is not None
    assert first.publication.starts_on == today < first.publication.ends_on
    with translation.override("en"), pytest.raises(ValidationError, match="window runs until"):
        recruitment_hire(actor=User.objects.get(username="hr_sh"), result=first, today=today)
    first.refresh_from_db()
    assert first.status == ResultStatus.PUBLISHED


@pytest.mark.parametrize(
    ("name", "passed", "reason"),
    [("吴静", False, "汉语言文学"), ("郑明", False, "35"), ("陈思远", True, "")],
)
def test_screening_rejects_with_the_rules_reasons(
    plan: Plan, name: str, passed: bool, reason: str
) -> None:
    screening = Screening.objects.get(post__plan=plan, application__candidate__name=name)
    assert screening.passed is passed
    failed = [r["reason"] for r in screening.results if not r["passed"]]
    assert len(failed) == (0 if passed else 1)
    assert all(reason in text for text in failed)


def test_the_shortlist_takes_the_tie_at_the_cutoff_and_leaves_the_absent_out(plan: Plan) -> None:
    entries = ShortlistEntry.objects.filter(post__plan=plan).order_by("written_rank", "pk")
    names = {e.application.candidate.name: e.written_rank for e in entries}
    assert names == {"陈思远": 1, "李雨桐": 2, "周子涵": 3, "王浩然": 3}
    absent = WrittenScore.objects.get(application__candidate__name="孙杰")
    assert (absent.absent, absent.score) == (True, None)
    assert not WrittenScore.objects.filter(application__candidate__name__in=["吴静", "郑明"])


def test_each_conflict_is_upheld_with_its_reason_and_a_substitute_marks_instead(
    plan: Plan,
) -> None:
    conflicts = Conflict.objects.filter(panel__post__plan=plan)
    assert 1 <= conflicts.count() <= len(demo.UPHOLD)
    for conflict in conflicts:
        pair = (conflict.examiner.name, conflict.application.candidate.name)
        assert (conflict.kind, conflict.status) == (ConflictKind.SURNAME_PLACE,
                                                    ConflictStatus.AVOIDED)  # fmt: skip
        assert conflict.resolution == demo.UPHOLD[pair]
        assert conflict.resolved_by is not None and conflict.resolved_by.username == "admin"
        substitute = Substitute.objects.get(conflict=conflict)
        assert not conflicts.filter(examiner=substitute.examiner,
                                    application=conflict.application).exists()  # fmt: skip
        marks = Mark.objects.filter(application=conflict.application)
        assert not marks.filter(examiner=conflict.examiner).exists()
        assert marks.filter(examiner=substitute.examiner).count() == 1
    assert Mark.objects.filter(panel__post__plan=plan).count() == 4 * 7
    panel_size = Parameters.from_dict(plan.parameters).panel_size
    # The pool the panel was drawn from; 赵磊 (int_sh_1) joins it after, for the open plan.
    drawn_from = Examiner.objects.filter(name__in=[row[0] for row in demo.EXAMINERS])
    assert drawn_from.count() == len(demo.EXAMINERS) == panel_size + 1


def _people(plan: Plan) -> tuple[list[avoidance.Person], list[avoidance.Person]]:
    """The pool and the interviewed candidates as the 回避 check sees them."""
    pool = [
        avoidance.Person(key=e.name, name=e.name, id_number=e.id_number, employer=e.employer)
        for e in Examiner.objects.order_by("pk")
    ]
    lots = Lot.objects.filter(panel__post__plan=plan).select_related("application__candidate")
    candidates = [lot.application.candidate for lot in lots]
    people = [avoidance.Person(key=c.name, name=c.name, id_number=c.id_number) for c in candidates]
    return pool, people


@pytest.mark.parametrize("left_off", [name for name, *_rest in demo.EXAMINERS])
def test_whichever_examiner_the_draw_leaves_off_a_conflict_is_found_and_can_be_replaced(
    plan: Plan, left_off: str
) -> None:
    pool, people = _people(plan)
    seated = [e for e in pool if e.key != left_off]
    found = avoidance.panel_conflicts(seated, people)
    assert found and set(found) <= set(demo.UPHOLD)
    spare = next(e for e in pool if e.key == left_off)
    for _examiner, candidate in found:  # the one left off may judge each flagged candidate
        person = next(p for p in people if p.key == candidate)
        assert not avoidance.conflicts(spare, person)


def test_the_interview_scores_are_the_trimmed_means_of_the_marks_given_by_seat(
    plan: Plan,
) -> None:
    stored: dict[str, list[Decimal]] = defaultdict(list)
    marks = Mark.objects.filter(panel__post__plan=plan).select_related("application__candidate")
    for mark in marks:
        stored[mark.application.candidate.name].append(mark.score)
    assert {name: sorted(got) for name, got in stored.items()} == {
        name: sorted(Decimal(m) for m in given) for name, given in demo.MARKS.items()
    }
    for result in Result.objects.filter(post__plan=plan):
        name = result.application.candidate.name
        assert result.interview == arithmetic.trimmed_mean(stored[name])


def test_a_second_load_changes_nothing(plan: Plan) -> None:
    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert demo.load() is None
    assert _counts() == before


def test_the_summary_links_the_plan(plan: Plan) -> None:
    (line,) = demo.summary_lines("http://demo.test/")
    assert line.startswith("Public recruitment plan") and "http://demo.test/" in line
    assert str(plan.posts.get().pk) in line or str(plan.pk) in line
