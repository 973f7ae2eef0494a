"""The connectors' Celery entry points: thin, by id, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mianshi.integrations.connectors.files.tasks import run_import_job, sweep_import_jobs  # noqa: F401 (registers them)
from mianshi.integrations.connectors.services.pulls import connector_pull, pulls_due
from mianshi.integrations.connectors.services.syncs import sync_send, syncs_sweep


@shared_task(name="connectors.send_sync", ignore_result=True)
def send_sync(sync_id: int) -> str:
    return sync_send(sync_id=sync_id)


@shared_task(name="connectors.sweep", ignore_result=True)
def sweep_syncs() -> int:
    return syncs_sweep()


@shared_task(name="connectors.pull", ignore_result=True)
def pull_connector(connector_id: int) -> dict[str, Any]:
    return connector_pull(connector_id=connector_id)


@shared_task(name="connectors.pull_due", ignore_result=True)
def pull_due() -> int:
    claimed = pulls_due()
    for connector_id in claimed:
        pull_connector.delay(connector_id)
    return len(claimed)
