"""A stored analysis writes `analysis.completed` with its status and overall score, and the
reviews consumer of that event refreshes the interview's combined score (real recording,
real Whisper, Celery in-process)."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.analysis.models import AnalysisRun
from mianshi.analysis.tests.world import answered, check_done, english_world
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.reviews.models import InterviewScore

pytestmark = pytest.mark.usefixtures("upload_env", "whisper_models")


@pytest.mark.django_db
def test_a_stored_analysis_is_completed_with_its_score_and_refreshes_the_review(
    org: Any, make_user: Any, spoken_webm: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    answer = answered(
        english_world(org, make_user), django_capture_on_commit_callbacks, [spoken_webm]
    )
    run = AnalysisRun.objects.get(answer=answer)
    result = check_done(run)
    (event,) = Event.objects.filter(type="analysis.completed")
    session = answer.session
    assert event.data == {
        "run_id": run.pk, "answer_id": answer.pk, "session_id": session.pk,
        "application_id": session.application_id, "status": "done",
        "overall_score": result.total,
    }  # fmt: skip
    assert event.org_unit_id == session.org_unit_id
    refresh = Handling.objects.get(event=event, consumer="reviews.scores_refresh")
    assert refresh.status == HandlingStatus.DONE
    score = InterviewScore.objects.get(session=session)
    assert score.ai_total is not None
