"""The shared review test data builds what the workbench and reports read."""

from typing import Any

from mianshi.analysis.models import AnalysisResult
from mianshi.candidates.pipeline import Stage
from mianshi.reviews.tests.factories import analysed_interview, review_world


def test_analysed_interview_has_results_and_stage(org: Any, make_user: Any) -> None:
    world = review_world(org, make_user)
    session = analysed_interview(world, scores={"communication": 8.0})
    # Every answer analysed: the score refresh moved it on from "interview done".
    assert session.application.stage == Stage.AI_SCORED
    assert AnalysisResult.objects.filter(run__answer__session=session).count() == 2
    assert session.invitation.template_version.model_snapshot["dimensions"]
