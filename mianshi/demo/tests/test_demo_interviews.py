"""`manage.py demo_interviews`: a demo candidate records over HTTP against a live server, a
real worker verifies, checks and analyses the answers; the analysed and rated candidate is
hired through the services (the demo's employee); running it again repeats nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from mianshi.analysis.models import AnalysisResult, RunStatus
from mianshi.candidates.models import Application
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.demo import data as demo_data
from mianshi.demo import media as demo_media
from mianshi.demo.tests.test_load_demo import assert_every_score_has_an_analysed_interview
from mianshi.employees.models import Employee, PostHireRecord
from mianshi.employees.selectors import employee_timeline
from mianshi.events.models import Event
from mianshi.interviews.models import AnswerStatus, InterviewSession, Recording, SessionState
from mianshi.invitations.models import Invitation
from mianshi.reviews.models import Rating

# Shorter than the demo's own answers (the test makes its media); the first is answered in
# two recordings, as after a reload.
CANDIDATE = (
    "林晓东",
    "male",
    [
        "A difficult customer wanted to cancel the contract. "
        "I listened, and the customer signed a new contract.",
        "I missed my sales target last year. Then I made a new plan and my result improved.",
    ],
    [1],
)


def test_an_answer_is_cut_between_whole_sentences() -> None:
    assert demo_media.parts("One. Two! Three? Four.", 2) == ["One. Two!", "Three? Four."]
    assert demo_media.parts("One. Two. Three.", 2) == ["One. Two.", "Three."]
    assert demo_media.parts("Only one sentence.", 2) == ["Only one sentence."]
    assert demo_media.parts("One. Two.", 1) == ["One. Two."]


@pytest.fixture
def small_demo(monkeypatch: Any, tmp_path_factory: Any) -> None:
    """One candidate, media cached for the whole test session."""
    cache = Path(tmp_path_factory.getbasetemp()) / "demo-media"
    cache.mkdir(exist_ok=True)
    monkeypatch.setattr(demo_data, "INTERVIEW_CANDIDATES", [CANDIDATE])
    monkeypatch.setattr(demo_media, "cache_dir", lambda: cache)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("upload_env", "whisper_models", "small_demo")
def test_demo_interviews_are_recorded_analysed_and_not_repeated(
    live_server: Any, real_workers: RealWorkers
) -> None:
    call_command("load_demo", stdout=StringIO())
    real_workers.start()
    out = StringIO()
    call_command("demo_interviews", server=live_server.url, wait=240, stdout=out)
    printed = out.getvalue()

    session = InterviewSession.objects.get(application__candidate__name="林晓东")
    assert session.state == SessionState.DONE, printed
    assert f"/reviews/interviews/{session.pk}/" in printed and "2/2 answers analysed" in printed
    answers = list(session.answers.order_by("position"))
    assert [a.status for a in answers] == [AnswerStatus.COMPLETE] * 2
    segments = Recording.objects.filter(answer=answers[0], is_current=True)
    assert sorted(segments.values_list("segment", flat=True)) == [0, 1]
    results = AnalysisResult.objects.filter(run__answer__session=session, run__is_current=True)
    assert results.count() == 2 and {r.run.status for r in results} == {RunStatus.DONE}
    first = results.get(run__answer=answers[0])
    assert "customer" in first.transcript.lower() and "contract" in first.transcript.lower()
    assert first.run.timings["segments"] == 2
    assert Rating.objects.filter(session=session, rater__username="int_sh_1").exists()
    # The product scored the analysed interview; HR offered, the manager approved, HR hired.
    application = session.application
    application.refresh_from_db()
    assert application.stage == "hired" and application.overall_score is not None
    assert "Demo hire: 林晓东 is employee SH-2027-001" in printed, printed
    _assert_the_hire_is_the_products(application)
    summary = StringIO()
    call_command("demo_summary", stdout=summary)
    assert f"/employees/{Employee.objects.get().pk}/" in summary.getvalue()
    assert_every_score_has_an_analysed_interview()

    again = StringIO()
    call_command("demo_interviews", server=live_server.url, wait=5, stdout=again)
    assert "already recorded" in again.getvalue()
    assert Application.objects.filter(candidate__name="林晓东").count() == 1
    assert Invitation.objects.filter(application__candidate__name="林晓东").count() == 1
    assert InterviewSession.objects.filter(application__candidate__name="林晓东").count() == 1
    assert Employee.objects.count() == 1 and PostHireRecord.objects.count() == 3


def _assert_the_hire_is_the_products(application: Application) -> None:
    """The employee's baseline is the engine's analysis and the rater's scores; the
    decision, the approval and the ratings went out as events."""
    employee = Employee.objects.get()
    assert employee.application == application and employee.employee_number == "SH-2027-001"
    baseline = employee.baseline
    assert baseline.final_total is not None and baseline.report_path
    analysed = [d for d in baseline.dimensions if d["ai"] is not None]
    assert analysed and all(d["human"] is not None for d in analysed)
    kinds = [e.kind for e in employee_timeline(employee=employee)]
    assert kinds.count("performance") == 3 and kinds[-1] == "hire"
    assert [r.score for r in PostHireRecord.objects.order_by("date")] == [0.75, 0.5, 1.0]
    types = set(Event.objects.values_list("type", flat=True))
    assert {"decision.made", "offer.approved", "post_hire.recorded"} <= types
