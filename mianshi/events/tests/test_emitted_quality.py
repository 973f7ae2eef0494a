"""The quality check hands a usable answer up to analysis through the outbox: a passed
check writes `answer.checked`, whose analysis consumer queues the run; a failed one writes
none (real recordings, real check, Celery in-process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mianshi.analysis.models import AnalysisRun
from mianshi.events.models import Event, Handling, HandlingStatus
from mianshi.interviews.models import QualityStatus
from mianshi.interviews.tests import upload_world as uw
from mianshi.interviews.tests.conftest import upload_env, upload_settings  # noqa: F401
from mianshi.interviews.tests.test_quality import answered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_env")]


@pytest.fixture
def world(org: Any, make_user: Any) -> uw.World:
    return uw.make_world(org, make_user)


def test_a_passed_check_writes_answer_checked_and_the_analysis_is_queued(
    world: uw.World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(tmp_path / "good.webm", 6.0)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    assert answer.quality_status in (QualityStatus.OK, QualityStatus.WARN)
    (event,) = Event.objects.filter(type="answer.checked")
    assert event.data == {"answer_id": answer.pk, "session_id": answer.session_id}
    assert event.org_unit_id == answer.session.org_unit_id
    handling = Handling.objects.get(event=event, consumer="analysis.enqueue")
    assert handling.status == HandlingStatus.DONE
    assert AnalysisRun.objects.filter(answer=answer).count() == 1


def test_a_failed_check_writes_no_answer_checked(
    world: uw.World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = uw.answer_webm(tmp_path / "bad.webm", 6.0, good=False)
    answer = answered(world, django_capture_on_commit_callbacks, [data])
    assert answer.quality_status == QualityStatus.FAIL
    assert not Event.objects.filter(type="answer.checked").exists()
    assert not AnalysisRun.objects.filter(answer=answer).exists()
