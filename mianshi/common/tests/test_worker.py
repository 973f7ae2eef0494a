"""A real Celery worker process consumes `common.ping` from the configured broker.

The message is published before any worker exists, so it must sit in the broker (the
SQLite file of the embedded setup, or Redis when scaled) until the worker takes it; the
worker stores the answer in a result backend this test reads independently.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.app.backends import by_url
from celery.backends.base import Backend
from celery.result import AsyncResult, allow_join_result
from django.conf import settings

from config.celery import app
from mianshi.common.tasks import ping

WORKER_START_TIMEOUT = 90  # seconds; a cold worker imports Django and every app
BASE_DIR = Path(settings.BASE_DIR)


def result_backend_url(tmp_path: Path) -> str:
    """Redis stores results next to a Redis broker; otherwise a SQLite results file."""
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return f"db+sqlite:///{tmp_path / 'results.sqlite3'}"


def open_backend(url: str) -> Backend:
    cls, url = by_url(url, app.loader)
    return cls(app=app, url=url)


def stop(worker: subprocess.Popen[bytes]) -> None:
    """Warm shutdown, then the hard way; the worker never outlives the test."""
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=15)


@pytest.fixture
def queue_name() -> str:
    """A queue of our own, so concurrent runs on one broker never steal each other's work."""
    return f"test-ping-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "MIANSHI_RESULT_BACKEND": result_backend_url(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.pop("MIANSHI_CELERY_EAGER", None)
    return env


def start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "--queues", queue, "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        f"--logfile={log}",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.fixture
def results(worker_env: dict[str, str]) -> Iterator[Backend]:
    backend = open_backend(worker_env["MIANSHI_RESULT_BACKEND"])
    # Create the results table before the worker does, so the two never race on it.
    backend.get_task_meta(str(uuid.uuid4()))
    yield backend


def test_real_worker_consumes_ping_from_the_configured_broker(
    worker_env: dict[str, str], queue_name: str, results: Backend, tmp_path: Path
) -> None:
    token = uuid.uuid4().hex
    sent = ping.apply_async(args=[token], queue=queue_name)
    assert AsyncResult(sent.id, backend=results, app=app).state == "PENDING"

    log = tmp_path / "worker.log"
    worker = start_worker(worker_env, queue_name, log)
    try:
        # Celery's "a task is joining another" flag is one per process, not per thread: an
        # eager task still running on a server thread an earlier test left behind would
        # make this plain wait look like a join from inside a task.
        with allow_join_result():
            answer = AsyncResult(sent.id, backend=results, app=app).get(
                timeout=WORKER_START_TIMEOUT, interval=0.2
            )
    except Exception as exc:
        stop(worker)
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
        raise AssertionError(f"worker did not answer: {exc!r}\n--- worker log ---\n{tail}") from exc
    finally:
        stop(worker)

    assert answer == token
    assert f"Task common.ping[{sent.id}] received" in log.read_text(errors="replace")
