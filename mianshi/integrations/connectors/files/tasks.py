"""The file import's Celery entry points: thin, by id, safe to run twice.

Registered with the worker through connectors/tasks.py (one import line), as the beat entry
"sweep-file-imports" is in config/celery.py.
"""

from __future__ import annotations

from celery import shared_task

from mianshi.integrations.connectors.files.jobs import import_job_run, import_jobs_sweep


@shared_task(name="connectors.run_import", ignore_result=True)
def run_import_job(job_id: int) -> str:
    return import_job_run(job_id=job_id)


@shared_task(name="connectors.sweep_imports", ignore_result=True)
def sweep_import_jobs() -> dict[str, int]:
    return import_jobs_sweep()
