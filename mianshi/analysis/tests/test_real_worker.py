"""The analysis task in REAL Celery worker processes (separate processes, the test's database
and broker): a worker killed mid-run, one run delivered to two workers at once, a corrupt
recording. The answer is recorded through the real upload first (its candidate refused AI
analysis, so nothing ran yet); then a run is queued for the workers by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.analysis.services import analysis_maintain
from mianshi.analysis.tasks import analyse_answer
from mianshi.analysis.tests.world import check_done
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.interviews.models import Answer, InterviewSession, Recording

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("upload_env", "whisper_models"),
]


def status_of(run: AnalysisRun) -> str | None:
    return AnalysisRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()


def queued_run(answer: Answer, messages: int = 1) -> AnalysisRun:
    """A queued run of `answer` and `messages` task messages for it on the workers' queue."""
    run = AnalysisRun.objects.create(answer=answer, attempt=answer.attempt)
    for _ in range(messages):
        analyse_answer.delay(run.pk)
    return run


def test_a_worker_killed_mid_run_is_replaced_and_the_run_completes(
    unanalysed: Answer, real_workers: RealWorkers
) -> None:
    run = queued_run(unanalysed)
    first = real_workers.start()
    real_workers.wait_until(
        lambda: status_of(run) == RunStatus.RUNNING, what="the first claim", every=0.05
    )
    first.kill()
    assert status_of(run) == RunStatus.RUNNING and not AnalysisResult.objects.exists()

    counts = analysis_maintain(stale_after=dt.timedelta(0))
    assert counts == {"returned": 1, "requeued": 1, "given_up": 0}
    real_workers.start()
    real_workers.wait_until(
        lambda: status_of(run) in {RunStatus.DONE, RunStatus.FAILED}, what="the second worker"
    )
    check_done(run)
    assert run.claims == 2
    assert AnalysisResult.objects.filter(run__answer=unanalysed).count() == 1


def outcomes(real_workers: RealWorkers, task_ids: list[str]) -> list[list[str]] | None:
    """Per worker, the return values its log reports for these tasks (None until all are)."""
    found = [
        [
            line.rsplit(": ", 1)[-1].strip("'")
            for line in worker.log_text().splitlines()
            if "succeeded in" in line and any(t in line for t in task_ids)
        ]
        for worker in real_workers.workers
    ]
    return found if sum(len(f) for f in found) == len(task_ids) else None


def test_one_run_delivered_to_two_workers_at_once_gives_one_result(
    unanalysed: Answer, real_workers: RealWorkers
) -> None:
    for _ in range(2):
        real_workers.start(ready=True)
    run = AnalysisRun.objects.create(answer=unanalysed, attempt=unanalysed.attempt)
    sent = [analyse_answer.delay(run.pk).id for _ in range(2)]

    per_worker = real_workers.wait_until(
        lambda: outcomes(real_workers, sent), what="both deliveries", timeout=90
    )
    # Each worker took one copy (prefetch 1, late ack): one stored, the other found it claimed.
    assert sorted(per_worker) == [["done"], ["not_claimed"]]
    check_done(run)
    assert run.claims == 1 and AnalysisResult.objects.filter(run=run).count() == 1


def test_a_corrupt_recording_fails_readably_and_flags_the_session(
    unanalysed: Answer, real_workers: RealWorkers
) -> None:
    recording = Recording.objects.get(answer=unanalysed)
    Path(default_storage.path(recording.storage_path)).write_bytes(b"\x00garbage" * 500)
    run = queued_run(unanalysed)
    real_workers.start()
    real_workers.wait_until(
        lambda: status_of(run) == RunStatus.FAILED, what="the failed run", timeout=90
    )
    run.refresh_from_db()
    assert run.error == "无法读取录像。" and run.finished_at  # the primary UI language
    session = InterviewSession.objects.get(pk=unanalysed.session_id)
    assert session.flagged and "无法读取录像" in session.flag_reason
    assert not AnalysisResult.objects.exists()
