"""Test data for the workbench and queue tests, on top of the shared review factories:
failed and re-run analysis runs, browser events, raters, a large interview."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.candidates.services import application_assign
from mianshi.interviews.models import Answer, InterviewSession
from mianshi.interviews.services import EventInput, session_events_record
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_job, make_model, make_question, make_template
from mianshi.reviews.services.ratings import rating_save
from mianshi.reviews.services.scores import session_scores_refresh
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview, result_fields

UNREADABLE = "The recording could not be read."  # the analysis app's own message


def answer_at(session: InterviewSession, position: int) -> Answer:
    return Answer.objects.select_related("session").get(session=session, position=position)


def fail_answer(
    session: InterviewSession, position: int, *, language: str = "zh-hans"
) -> AnalysisRun:
    """A fresh current run of the answer that failed as analysis fails an unreadable file:
    the reason stored in the deployment's language; the earlier run stays, superseded."""
    answer = answer_at(session, position)
    AnalysisRun.objects.filter(answer=answer, is_current=True).update(is_current=False)
    with translation.override(language):
        error = gettext(UNREADABLE)
    run = AnalysisRun.objects.create(
        answer=answer, attempt=answer.attempt, status=RunStatus.FAILED, error=error,
        started_at=timezone.now(), finished_at=timezone.now(), pipeline_version="test",
    )  # fmt: skip
    session_scores_refresh(session_id=session.pk)
    return run


def rerun_done(session: InterviewSession, position: int, score: float) -> AnalysisRun:
    """A newer done run of the answer (the older one kept, not current)."""
    answer = answer_at(session, position)
    AnalysisRun.objects.filter(answer=answer, is_current=True).update(is_current=False)
    codes = list(answer.template_question.snapshot.get("dimension_codes") or [])
    run = AnalysisRun.objects.create(
        answer=answer, attempt=answer.attempt, status=RunStatus.DONE, reason="re-run by HR",
        started_at=timezone.now(), finished_at=timezone.now(), pipeline_version="test",
    )  # fmt: skip
    AnalysisResult.objects.create(run=run, **result_fields(codes, {c: score for c in codes}, 0.8))
    return run


def events(session: InterviewSession, *items: tuple[str, int | None, int | None]) -> None:
    """(kind, position, offset_ms) events as the candidate's page reports them."""
    session_events_record(
        session=session,
        events=[EventInput(kind=k, position=p, offset_ms=o) for k, p, o in items],
    )


def rate(user: Any, session: InterviewSession, value: int, *, submit: bool = True) -> None:
    """A rating of every dimension the form asks for, with a reason where one is due."""
    from mianshi.reviews.selectors.scores import rating_dimensions

    codes = [d.code for d in rating_dimensions(session)]
    rating_save(
        actor=user, session=session, scores={c: value for c in codes},
        reasons={c: "看了录像，判断不同。" for c in codes}, comment="整体不错", submit=submit,
    )  # fmt: skip


def assigned_interviewer(world: ReviewWorld, session: InterviewSession) -> Any:
    application_assign(
        actor=world.hr, application=session.application, interviewer=world.interviewer
    )
    return world.interviewer


def large_world(world: ReviewWorld, questions: int = 8) -> ReviewWorld:
    """Another job of the same branch whose template asks `questions` video questions."""
    model = make_model(world.org.sh, name="大模型", actor=world.hr)
    codes = ["communication", "customer_focus", "problem_solving"]
    items = [
        make_question(
            world.org.sh, world.hr, text=f"第{i}题：请讲一个例子。", dimension_codes=[codes[i % 3]]
        )
        for i in range(questions)
    ]
    template = make_template(world.org.sh, items, world.hr, competency_model=model, name="长面试")
    job = make_job(org_unit=world.org.sh_sales, title="大客户经理")
    job = job_update(actor=world.hr, job=job, data={"interview_template": template})
    return ReviewWorld(
        org=world.org, hr=world.hr, interviewer=world.interviewer, manager=world.manager, job=job
    )


def crowded(world: ReviewWorld, make_user: Any, name: str = "王芳") -> InterviewSession:
    """A large interview: many answers and events, old runs, a failure, three raters (two
    submitted, the HR user's own draft) and an earlier application of the candidate."""
    big = large_world(world)
    earlier = analysed_interview(world, name=name)
    session = analysed_interview(big, name=name + "2")
    # The same person applying twice: the second application is of the earlier candidate.
    _move_to_candidate(session, earlier)
    for position in (1, 2, 3):
        rerun_done(session, position, 7.0)
    fail_answer(session, 4)
    items = []
    for position in range(1, 9):
        items += [
            ("tab_hidden", position, 1000 * position),
            ("mark", position, 2000),
            ("paste", position, 500),
        ]
    events(session, *items, ("offline", None, None))
    for i in range(2):
        rate(make_user(f"rater{i}", Role.DEPT_MANAGER, world.org.sh), session, 6)
    rate(world.hr, session, 5, submit=False)
    return session


def _move_to_candidate(session: InterviewSession, earlier: InterviewSession) -> None:
    from mianshi.candidates.models import Application

    Application.objects.filter(pk=session.application_id).update(
        candidate_id=earlier.application.candidate_id
    )
