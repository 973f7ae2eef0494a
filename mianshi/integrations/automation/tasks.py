"""Celery entry points of transition actions: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from mianshi.integrations.automation.services import run_execute, runs_sweep


@shared_task(name="automation.run_action", ignore_result=True)
def run_action(run_id: int) -> str:
    return run_execute(run_id=run_id)


@shared_task(name="automation.sweep", ignore_result=True)
def sweep_actions() -> dict[str, int]:
    return runs_sweep()
