"""A REAL Celery worker process for tests: the test's database, broker, media folder and keys.

Use the `real_workers` fixture (import it into your conftest) in a
`@pytest.mark.django_db(transaction=True)` test, so the worker sees committed rows:

    def test_x(real_workers: RealWorkers) -> None:
        worker = real_workers.start()          # a solo-pool worker on this test's queue
        ...                                     # .delay() now goes to that queue
        real_workers.wait_until(lambda: ..., what="run done", timeout=60)
        worker.kill()                           # SIGKILL, mid-task, for the failure tests

Every worker of a test consumes one queue of its own (a fresh name per test), and while the
fixture is active every task sent without an explicit queue — by the test or by the worker
itself (MIANSHI_TASK_QUEUE) — is routed there and eager mode is off; so two test processes
sharing one broker (the SQLite file of the embedded setup, or Redis when scaled) never take
each other's work, nor does a demo worker on the default queue.

The worker opens the very database the test uses: the per-process SQLite test file
(MIANSHI_SQLITE_PATH) or the PostgreSQL test database (MIANSHI_DATABASE_URL). The media
folder, encryption keys, public URL and e-mail server follow the test's settings at the
moment the worker starts (so start it after overriding them); without an SMTP server its
mail lands in <tmp_path>/workers/data/outbox/. `RealWorkers.extra_env` adds variables.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

BASE_DIR = Path(settings.BASE_DIR)
READY_TIMEOUT = 90  # seconds; a cold worker imports Django and every app
T = TypeVar("T")


def database_env() -> dict[str, str]:
    """The variables that point a fresh process at the test's own database."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return {"MIANSHI_SQLITE_PATH": str(db["NAME"])}
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return {"MIANSHI_DATABASE_URL": f"postgres://{auth}{db.get('HOST') or ''}{port}/{db['NAME']}"}


def settings_env() -> dict[str, str]:
    """The test's overridden settings that the worker must share, as MIANSHI_* variables."""
    values = {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        "SECRET_KEY": settings.SECRET_KEY,
        "PUBLIC_URL": settings.PUBLIC_URL,
        "CHANNELS": ",".join(settings.CHANNELS),
        "EMAIL_FROM": settings.DEFAULT_FROM_EMAIL,
    }
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        values |= {"EMAIL_HOST": settings.EMAIL_HOST, "EMAIL_PORT": str(settings.EMAIL_PORT)}
    return {f"MIANSHI_{k}": v for k, v in values.items()}


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the test's database, broker and settings, never
    eager. The broker is named explicitly so `extra` may move MIANSHI_DATA_DIR (where the
    worker writes its outbox) without moving the broker."""
    broker = {"MIANSHI_BROKER_URL": str(settings.CELERY_BROKER_URL)}
    env = {**os.environ, **database_env(), **settings_env(), **broker, **(extra or {})}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT prints every thread's stack (see dump_stack)
    env.pop("MIANSHI_CELERY_EAGER", None)
    if "MIANSHI_SQLITE_PATH" in env:
        env.pop("MIANSHI_DATABASE_URL", None)
    return env


@dataclass
class Worker:
    """One worker process (solo pool: a task runs in the process itself, so kill() hits it)."""

    process: subprocess.Popen[bytes]
    queue: str
    log: Path

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def output(self) -> str:
        """What the process printed outside its log (start-up errors)."""
        out = self.log.with_suffix(".out")
        return out.read_text(errors="replace") if out.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker now: no warm shutdown, no ack, no cleanup (a crashed machine)."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self, *, graceful: bool = False) -> None:
        """End the worker; it never outlives the test. By default SIGKILL at once: the test
        is over, and a warm shutdown waits ~6 s on the broker's poll (a cold one as long).
        `graceful`: SIGTERM, let a running task finish (up to 30 s), then SIGKILL."""
        if not self.alive:
            return
        if graceful:
            os.killpg(self.process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        self.kill()

    def dump_stack(self) -> None:
        """A hung worker: make it print where every thread is (into .out) and end it."""
        if self.alive:
            os.kill(self.process.pid, signal.SIGABRT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the worker logged that it consumes (it is fine to send before)."""
        deadline = time.monotonic() + timeout
        while " ready." not in self.log_text():
            if not self.alive or time.monotonic() > deadline:
                raise AssertionError(f"worker not ready\n--- {self.log} ---\n{self.tail()}")
            time.sleep(0.2)

    def tail(self, chars: int = 3000) -> str:
        exited = "" if self.alive else f"(exited with {self.process.returncode})\n"
        return exited + (self.output()[-chars:] + self.log_text()[-chars:] or "(empty log)")


def start_worker(*, queue: str, log: Path, env: dict[str, str], name: str) -> Worker:
    """Start `celery worker` (solo pool) consuming only `queue`, logging into `log`."""
    # Niced: in browser tests the worker's analysis must not starve the candidate's Chromium
    # (its own machine in real life); `nice` execs, so the pid stays the worker's.
    command = [
        "nice", "-n", "5", sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "--queues", queue, "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        f"--hostname={name}@%h", f"--logfile={log}",
    ]  # fmt: skip
    # What a worker prints before its logging is set up (an import error) goes to .out.
    with log.with_suffix(".out").open("wb") as out:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Worker(process=process, queue=queue, log=log)


@contextmanager
def routed_to(queue: str) -> Iterator[None]:
    """Every task sent without an explicit queue goes to `queue`, through the broker."""
    conf = app.conf
    before = conf.task_default_queue, conf.task_always_eager
    conf.task_default_queue, conf.task_always_eager = queue, False
    try:
        yield
    finally:
        conf.task_default_queue, conf.task_always_eager = before


@dataclass
class RealWorkers:
    """The workers of one test, all on the test's own queue; stopped when the test ends."""

    folder: Path
    queue: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:12]}")
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)

    def start(self, *, ready: bool = False) -> Worker:
        """A new worker process on this test's queue (`ready`: wait until it consumes)."""
        app.conf.task_always_eager = False  # even when an eager fixture was set up later
        n = len(self.workers) + 1
        log = self.folder / f"worker-{n}.log"
        name = f"{self.queue}-{n}"
        # The worker's own data folder: what it writes (e-mails of the file backend in
        # outbox/) stays in the test's folder, not in the checkout's var/.
        extra = {"MIANSHI_DATA_DIR": str(self.folder / "data"), **self.extra_env}
        # Tasks the worker itself sends (verification → quality check → analysis) go to
        # this test's queue too, not to the broker's default one where nobody listens.
        extra["MIANSHI_TASK_QUEUE"] = self.queue
        worker = start_worker(queue=self.queue, log=log, env=worker_env(extra), name=name)
        self.workers.append(worker)
        if ready:
            worker.wait_ready()
        return worker

    def wait_until(
        self, check: Callable[[], T | None], *, what: str, timeout: float = 60, every: float = 0.2
    ) -> T:
        """Poll `check` until it returns something truthy; fail with the workers' logs."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                for worker in self.workers:
                    worker.dump_stack()
                late = f"timed out after {timeout}s waiting for {what}"
                raise AssertionError(f"{late}\n{self.logs()}")
            time.sleep(every)

    def logs(self) -> str:
        return "\n".join(f"--- {w.log} ---\n{w.tail()}" for w in self.workers)

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()


@pytest.fixture
def real_workers(transactional_db: Any, tmp_path: Path) -> Iterator[RealWorkers]:
    """Real worker processes for this test (started on demand with .start()); tasks sent
    meanwhile are routed to them. Stopped before the test's database is flushed."""
    folder = tmp_path / "workers"
    folder.mkdir()
    workers = RealWorkers(folder=folder)
    with routed_to(workers.queue):
        try:
            yield workers
        finally:
            workers.stop_all()
