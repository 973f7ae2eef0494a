"""The connectors' Celery entry points: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from mianshi.integrations.connectors.services.syncs import sync_send, syncs_sweep


@shared_task(name="connectors.send_sync", ignore_result=True)
def send_sync(sync_id: int) -> str:
    return sync_send(sync_id=sync_id)


@shared_task(name="connectors.sweep", ignore_result=True)
def sweep_syncs() -> int:
    return syncs_sweep()
