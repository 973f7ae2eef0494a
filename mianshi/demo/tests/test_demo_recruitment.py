"""The demo's public recruitment: a plan at 公示 that the recruitment services produced.

The expected figures are worked out by hand from demo/recruitment.py's MARKS and WRITTEN
(interview = the mean of the five marks left after dropping the highest and the lowest;
total = written × 0.6 + interview × 0.4, half up to cents)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.candidates.models import Application, Candidate
from mianshi.compliance.models import AuditEvent
from mianshi.demo import recruitment as demo
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Examiner,
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
    with pytest.raises(ValidationError, match="publication window runs until"):
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


def test_the_conflict_is_upheld_and_a_substitute_marks_in_its_place(plan: Plan) -> None:
    conflict = Conflict.objects.get(panel__post__plan=plan)
    assert (conflict.examiner.name, conflict.application.candidate.name) == demo.CONFLICT
    assert (conflict.kind, conflict.status) == (ConflictKind.SURNAME_PLACE, ConflictStatus.AVOIDED)
    assert conflict.resolved_by is not None and conflict.resolved_by.username == "admin"
    substitute = Substitute.objects.get(conflict=conflict)
    marks = Mark.objects.filter(application=conflict.application)
    assert not marks.filter(examiner=conflict.examiner).exists()
    assert marks.filter(examiner=substitute.examiner).count() == 1
    assert Mark.objects.filter(panel__post__plan=plan).count() == 4 * 7
    assert Examiner.objects.count() == len(demo.EXAMINERS)


def test_a_second_load_changes_nothing(plan: Plan) -> None:
    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert demo.load() is None
    assert _counts() == before


def test_the_summary_links_the_plan(plan: Plan) -> None:
    (line,) = demo.summary_lines("http://demo.test/")
    assert line.startswith("Public recruitment plan") and "http://demo.test/" in line
    assert str(plan.posts.get().pk) in line or str(plan.pk) in line
