"""Background work of the analysis app: one run per task, housekeeping on the beat."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from mianshi.analysis.services import analysis_maintain, analysis_run


@shared_task(
    name="analysis.analyse_answer",
    acks_late=True,
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=5,
)
def analyse_answer(run_id: int) -> str:
    """Analyse one queued run (a duplicate or redelivered message finds it claimed)."""
    return analysis_run(run_id=run_id)


@shared_task(name="analysis.maintain_runs")
def maintain_runs() -> dict[str, int]:
    """Re-queue runs whose worker died or whose message was lost."""
    return analysis_maintain()
