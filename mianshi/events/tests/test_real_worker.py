"""A real worker killed with SIGKILL in the middle of a handling: after the sweep a new
worker does it, and its work is committed exactly once."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from mianshi.common.tests.real_worker import BASE_DIR, RealWorkers, Worker, worker_env
from mianshi.compliance.models import AuditEvent
from mianshi.events.consumers import Consumer
from mianshi.events.dispatcher import STALE_AFTER
from mianshi.events.models import Handling, HandlingStatus
from mianshi.events.services import event_emit
from mianshi.events.tasks import sweep_events
from mianshi.events.tests import probe

H = HandlingStatus


def probe_worker(workers: RealWorkers) -> Worker:
    """A worker on the test's queue that also registers the probe consumer (real_worker's
    own command, with `--include`)."""
    n = len(workers.workers) + 1
    env = worker_env(
        {"MIANSHI_DATA_DIR": str(workers.folder / "data"), "MIANSHI_TASK_QUEUE": workers.queue}
    )
    log = workers.folder / f"worker-{n}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
        "--queues", workers.queue, "--include=mianshi.events.tests.probe_worker",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        f"--hostname={workers.queue}-{n}@%h", f"--logfile={log}",
    ]  # fmt: skip
    with log.with_suffix(".out").open("wb") as out:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    worker = Worker(process=process, queue=workers.queue, log=log)
    workers.workers.append(worker)
    worker.wait_ready()
    return worker


def the_handling() -> Handling | None:
    return Handling.objects.filter(consumer=probe.NAME).first()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_handling_is_swept_and_done_once(
    real_workers: RealWorkers, registry: dict[str, Consumer]
) -> None:
    registry[probe.NAME] = Consumer(probe.NAME, frozenset({probe.TYPE}), probe.probe, 10)
    first = probe_worker(real_workers)
    with transaction.atomic():
        data = {"answer_id": 1, "session_id": 1}
        event = event_emit(type=probe.TYPE, data=data, org_unit_id=None)
    running = real_workers.wait_until(
        lambda: Handling.objects.filter(consumer=probe.NAME, status=H.RUNNING).first(),
        what="the first worker to claim the handling",
    )
    first.kill()
    assert running.attempts == 1 and the_handling().status == H.RUNNING  # type: ignore[union-attr]
    # Ten minutes pass: the claim of the dead worker is stale now.
    Handling.objects.filter(pk=running.pk).update(
        claimed_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    probe_worker(real_workers)
    sweep_events.delay()
    done = real_workers.wait_until(
        lambda: Handling.objects.filter(pk=running.pk, status=H.DONE).first(),
        what="the sweep to give the handling back and the new worker to do it",
    )
    assert done.attempts == 2 and done.event_id == event.pk
    assert AuditEvent.objects.filter(action=probe.ACTION, object_id=str(event.pk)).count() == 1
