"""Benchmark: the outbox → signed webhook path with ONE real Celery worker, on the embedded
setup (SQLite database and SQLite broker in a temp data dir). Prints one JSON document.

Every phase has its own branch unit, webhook endpoint and receiver (bench/events_receiver.py:
its own process, verifying each request with the independent `standardwebhooks` package,
processing each webhook-id once and logging every arrival). Events are `candidate.updated`
with a thin payload, written through `event_emit` as a service does; the commit time is
taken by an on_commit hook registered before the outbox's.

1. throughput (the goal's figure, ≥ 500 events/s): the outbox's own rate. N events are
   committed together, as a bulk import writes them; from that commit to the last event's
   first processing at the receiver.
2. throughput_e2e: N events each in its own transaction, as fast as this process writes them;
   first commit to last processing. It is bounded by this writer, which shares the 2 cores
   with the worker and the receiver (its own rate is `emit_per_s`).
3. latency: events at a steady rate (default 100/s for 30 s), each in its own transaction;
   per event, commit → first arrival at the receiver: p50/p95/p99 (goal p99 ≤ 2 s).
4. chaos: 10,000 events at a steady rate; the receiver is SIGKILLed while a delivery is being
   sent (it may have processed it: then it comes again) and stays down a few seconds (shorter
   than the first retry, 5 s −10 % jitter, so the real schedule brings everything back without
   waiting 5 minutes); the worker is SIGKILLed once mid-work and started again. Once the worker
   is dead the bench gives back its claims at once (what the periodic sweeps do after their
   stale timeouts, 90 s / 10 min), and from then on it sends `events.sweep` and
   `webhooks.sweep` every --beat seconds, as `celery beat` would: they find the messages
   the killed worker took with it (its reserved tasks, its retries held for a countdown).
   At the end: 0 lost, 0 processed twice; redeliveries (same webhook-id again) are counted.

Figures. Before the batching (one broker message per event and consumer step, requests per
POST): 52 events/s, p99 15.1 s, chaos on 1,000 events only. With the doorbell, batches and
http.client, default sizes, load average 1.5: throughput 1,059 events/s (5,000 in 4.7 s);
one transaction each 415 events/s (this writer: 423/s); at 100/s p50 0.27 s, p95 0.86 s,
p99 1.07 s; chaos 10,000 events at 200/s all processed in 50 s, 0 lost, 0 twice. Under a
load of 3–5 (other work on the cores): 925 events/s, p99 0.375–2.2 s depending on load.

The exit status is 1 when an event was lost, processed twice, fanned out twice, or a request
failed verification (the hard correctness part); speed goals are only reported.

    python bench/events.py                  # the issue's sizes, ~3 min on a 2-core box
    python bench/events.py --chaos 1000 --seconds 5     # a quicker look
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="mianshi-bench-events-"))
os.environ["MIANSHI_DATA_DIR"] = str(TMP)
os.environ.pop("MIANSHI_SQLITE_PATH", None)
os.environ.pop("MIANSHI_BROKER_URL", None)
os.environ.pop("MIANSHI_DATABASE_URL", None)
os.environ.pop("MIANSHI_CELERY_EAGER", None)
os.environ.setdefault("MIANSHI_ENCRYPTION_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())
os.environ["MIANSHI_WEBHOOK_ALLOW"] = "127.0.0.1"  # the receiver is on this machine
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from events_receiver import ReceiverProcess  # noqa: E402

from config.celery import app as celery_app  # noqa: E402
from mianshi.accounts.models import RoleGrant, User  # noqa: E402
from mianshi.accounts.roles import Role  # noqa: E402
from mianshi.events.dispatcher import events_sweep  # noqa: E402
from mianshi.events.models import Event, Handling  # noqa: E402
from mianshi.events.services import event_emit  # noqa: E402
from mianshi.integrations.webhooks.models import DeliveryAttempt, WebhookDelivery  # noqa: E402
from mianshi.integrations.webhooks.services import deliveries_sweep, webhook_create  # noqa: E402
from mianshi.organisations.models import OrgUnit, UnitKind  # noqa: E402
from mianshi.organisations.services import orgunit_create  # noqa: E402

TASK_LINE = re.compile(r"Task (\S+)\[[^\]]+\] succeeded in ([0-9.]+)s")


class Worker:
    """One `celery worker --pool=solo` process on the bench's broker and database."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = log_dir / "worker-0.log"

    def start(self) -> None:
        self.started += 1
        self.log = self.log_dir / f"worker-{self.started}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
            "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            "--without-heartbeat", f"--hostname=bench{self.started}@%h", f"--logfile={self.log}",
        ]  # fmt: skip
        out = self.log.with_suffix(".out").open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.text():
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.with_suffix('.out').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("worker not ready")
            time.sleep(0.1)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL, no warm shutdown: its reserved and countdown messages go with it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)

    def task_stats(self) -> dict[str, dict[str, float]]:
        """Per task name: runs and mean milliseconds, from every log of this bench so far."""
        runs: dict[str, list[float]] = {}
        for log in sorted(self.log_dir.glob("worker-*.log")):
            for name, seconds in TASK_LINE.findall(log.read_text(errors="replace")):
                runs.setdefault(name, []).append(float(seconds))
        return {
            k: {"runs": len(v), "mean_ms": round(1000 * sum(v) / len(v), 2)}
            for k, v in runs.items()
        }


class Setup:
    """The organisation the phases share: a headquarters, an HR admin, a unit per phase."""

    def __init__(self) -> None:
        call_command("migrate", verbosity=0)
        self.hq = orgunit_create(actor=None, name="总部", code="hq", kind=UnitKind.HEADQUARTERS)
        self.admin = User.objects.create_user("bench_admin", password="x")
        # Every branch before the first check: the admin's scope is computed once.
        self.units = {
            name: orgunit_create(
                actor=None, name=f"分公司 {name}", code=name, kind=UnitKind.BRANCH, parent=self.hq
            )
            for name in ("throughput", "e2e", "latency", "chaos")
        }
        RoleGrant.objects.create(user=self.admin, role=Role.HR_ADMIN, org_unit=self.hq)

    def phase(self, name: str) -> tuple[OrgUnit, ReceiverProcess, int]:
        """A branch for the phase, its running receiver and the endpoint that reaches it."""
        unit = self.units[name]
        receiver = ReceiverProcess(secret="", db=TMP / f"receiver-{name}.sqlite3")
        endpoint, secret = webhook_create(
            actor=self.admin, org_unit=unit, url=receiver.url, event_types=["candidate.updated"]
        )
        receiver.secret = secret
        return unit, receiver.start(), endpoint.pk


def emit(unit_id: int, n: int) -> tuple[str, float]:
    """One event committed in its own transaction: (webhook-id, wall-clock commit time)."""
    stamp: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.append(time.time()))  # runs before the dispatch
        event = event_emit(
            type="candidate.updated",
            data={"candidate_id": n, "changed_fields": ["tags"]},
            org_unit_id=unit_id,
        )
    return event.message_id, stamp[0]


def emit_paced(unit_id: int, count: int, *, rate: float) -> tuple[dict[str, float], float]:
    """`count` events at `rate` per second (0: as fast as possible); (commits, emit seconds)."""
    commits: dict[str, float] = {}
    started = time.monotonic()
    for n in range(count):
        if rate:
            wait = started + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        msg_id, at = emit(unit_id, n + 1)
        commits[msg_id] = at
    return commits, time.monotonic() - started


def wait_processed(receiver: ReceiverProcess, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while receiver.processed_count() < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def correctness(
    receiver: ReceiverProcess, endpoint_id: int, commits: dict[str, float]
) -> dict[str, Any]:
    """Lost, processed twice, fanned out twice, unverified: each must be 0."""
    processed = receiver.processed()
    answered = receiver.answered()
    deliveries = WebhookDelivery.objects.filter(endpoint_id=endpoint_id, replay_of=None)
    twice_fanned = deliveries.values("event_id").annotate(n=Count("id")).filter(n__gt=1).count()
    uids = [m.removeprefix("msg_") for m in commits]
    events = Event.objects.filter(uid__in=uids)
    handled_twice = (
        Handling.objects.filter(event__in=events).values("event_id", "consumer")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    accepted = answered.get(204, 0)
    return {
        "emitted": len(commits),
        "processed": len(processed),
        "lost": len(set(commits) - set(processed)),
        "processed_twice": receiver.refs_twice(),
        "handled_twice": handled_twice,
        "fanned_out_twice": twice_fanned,
        "stray": len(set(processed) - set(commits)),
        "unverified": answered.get(401, 0),
        "redeliveries": accepted - len(processed),
        "receiver_answers": answered,
        "delivery_statuses": dict(deliveries.values_list("status").annotate(n=Count("id"))),
        "failed_attempts": DeliveryAttempt.objects.filter(
            delivery__endpoint_id=endpoint_id, status_code=None
        ).count(),
    }


def hard_ok(check: dict[str, Any]) -> bool:
    keys = ("lost", "processed_twice", "handled_twice", "fanned_out_twice", "stray", "unverified")
    return all(check[k] == 0 for k in keys)


def emit_together(unit_id: int, count: int) -> tuple[dict[str, float], float]:
    """`count` events in one transaction, as a bulk import writes them: (commits, seconds)."""
    started = time.monotonic()
    ids: list[str] = []
    stamp: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.append(time.time()))  # runs before the dispatch
        for n in range(count):
            event = event_emit(
                type="candidate.updated",
                data={"candidate_id": n + 1, "changed_fields": ["tags"]},
                org_unit_id=unit_id,
            )
            ids.append(event.message_id)
    return dict.fromkeys(ids, stamp[0]), time.monotonic() - started


def throughput(setup: Setup, count: int, timeout: float, *, together: bool) -> dict[str, Any]:
    """`together`: the outbox's own rate: `count` events committed at once, from that commit
    to the last event's first processing at the receiver (the goal's figure). Otherwise
    each event in its own transaction as fast as this process writes them, first commit
    to last processing: bounded by the writer here, which shares the 2 cores."""
    unit, receiver, endpoint_id = setup.phase("throughput" if together else "e2e")
    emitted = emit_together if together else partial(emit_paced, rate=0)
    commits, emit_s = emitted(unit.pk, count)
    completed = wait_processed(receiver, count, timeout)
    processed = receiver.processed()
    window = max(processed.values(), default=0.0) - min(commits.values())
    rate = len(processed) / window if window > 0 else 0.0
    receiver.kill()
    goal = {"goal_events_per_s": 500, "goal_met": rate >= 500} if together else {}
    return {
        "events": count,
        "committed": "in one transaction" if together else "one transaction each",
        "emit_per_s": round(count / emit_s, 1),
        "seconds": round(window, 2),
        "events_per_s": round(rate, 1),
        **goal,
        "completed": completed,
        **correctness(receiver, endpoint_id, commits),
    }


def latency(setup: Setup, rate: float, seconds: float, timeout: float) -> dict[str, Any]:
    """A steady `rate`: commit → first arrival at the receiver, per event."""
    unit, receiver, endpoint_id = setup.phase("latency")
    commits, emit_s = emit_paced(unit.pk, int(rate * seconds), rate=rate)
    completed = wait_processed(receiver, len(commits), timeout)
    arrivals = receiver.first_arrivals()
    waits = [arrivals[m] - at for m, at in commits.items() if m in arrivals] or [0.0]
    receiver.kill()
    p99 = percentile(waits, 99)
    return {
        "rate_asked": rate,
        "rate_emitted": round(len(commits) / emit_s, 1),
        "events": len(commits),
        **{f"p{p}_s": round(percentile(waits, p), 3) for p in (50, 95, 99)},
        "max_s": round(max(waits), 3),
        "goal_p99_s": 2.0,
        "goal_met": p99 <= 2.0,
        "completed": completed,
        **correctness(receiver, endpoint_id, commits),
    }


def every(stop: threading.Event, seconds: float, act: Callable[[], None]) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(seconds):
            act()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def beat() -> None:
    """What `celery beat` sends: the sweeps that find what a dead worker took with it."""
    celery_app.send_task("events.sweep")
    celery_app.send_task("webhooks.sweep")


def give_back_dead_claims() -> dict[str, Any]:
    """The worker is known dead: its claims are stale now, not in 90 s / 10 min."""
    running = Handling.objects.filter(status="running").count()
    events_sweep(stale_after=timedelta(0), run=False)  # gives back only, runs nothing here
    return {"handlings_given_back": running, "deliveries": deliveries_sweep(stale=timedelta(0))}


class Chaos(threading.Thread):
    """The failures of the chaos phase, on their own clock beside the emitting loop."""

    def __init__(self, receiver: ReceiverProcess, worker: Worker, args: argparse.Namespace) -> None:
        super().__init__(daemon=True)
        self.receiver, self.worker, self.args = receiver, worker, args
        self.stop = threading.Event()
        self.t0 = time.monotonic()
        self.log: dict[str, Any] = {}

    def at(self, offset: float) -> None:
        time.sleep(max(0.0, self.t0 + offset - time.monotonic()))

    def when_busy(self, *, sending_only: bool, patience: float = 10.0) -> dict[str, int]:
        """Wait (a while) until the worker is mid-send (or mid-handling): a kill must hit work."""
        deadline = time.monotonic() + patience
        while True:
            busy = {"deliveries_sending": WebhookDelivery.objects.filter(status="sending").count()}
            if not sending_only:
                busy["handlings_running"] = Handling.objects.filter(status="running").count()
            if any(busy.values()) or time.monotonic() > deadline:
                return busy
            time.sleep(0.002)

    def run(self) -> None:
        try:
            self.at(self.args.outage_at)
            self.log["receiver_killed_during"] = self.when_busy(sending_only=True, patience=60)
            down = time.monotonic()
            self.receiver.kill()
            time.sleep(self.args.outage)
            self.receiver.start()
            self.log["receiver_killed_at_s"] = round(down - self.t0, 2)
            self.log["receiver_down_s"] = round(time.monotonic() - down, 2)
            if self.args.kill_worker_at >= 0:
                self.at(self.args.kill_worker_at)
                self.log["worker_killed_during"] = self.when_busy(sending_only=False)
                self.worker.kill()
                self.log["worker_killed_at_s"] = round(time.monotonic() - self.t0, 2)
                self.log["after_worker_kill"] = give_back_dead_claims()
                self.worker.start()
            # Only now: a sweep running 1000 handlings inline holds the solo worker for
            # seconds, and the outage above must meet deliveries, not a busy worker.
            every(self.stop, self.args.beat, beat)
        finally:
            connection.close()


def chaos(setup: Setup, worker: Worker, args: argparse.Namespace) -> dict[str, Any]:
    """Receiver killed and restarted, worker SIGKILLed once: 0 lost, 0 processed twice."""
    unit, receiver, endpoint_id = setup.phase("chaos")
    script = Chaos(receiver, worker, args)
    script.start()
    commits, emit_s = emit_paced(unit.pk, args.chaos, rate=args.chaos_rate)
    script.join()
    completed = wait_processed(receiver, len(commits), args.timeout)
    script.stop.set()
    seconds = time.monotonic() - script.t0
    receiver.kill()
    return {
        "events": len(commits),
        "rate_emitted": round(len(commits) / emit_s, 1),
        "seconds_to_all_processed": round(seconds, 1),
        "completed": completed,
        **script.log,
        **correctness(receiver, endpoint_id, commits),
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--throughput", type=int, default=5000, help="events of the throughput phase (0: skip)")
    add("--e2e", type=int, default=2000, help="events, one transaction each (0: skip)")
    add("--rate", type=float, default=100.0, help="events/s of the latency phase")
    add("--seconds", type=float, default=30.0, help="length of the latency phase (0: skip)")
    add("--chaos", type=int, default=10000, help="events of the chaos phase (0: skip)")
    add("--chaos-rate", type=float, default=200.0, help="events/s emitted in the chaos phase")
    add("--outage-at", type=float, default=8.0, help="s into chaos: receiver SIGKILLed mid-send")
    add("--outage", type=float, default=3.0, help="s the receiver stays down (< 4.5 s)")
    add(
        "--kill-worker-at", type=float, default=20.0, help="s into chaos: worker SIGKILLed (<0: no)"
    )
    add("--beat", type=float, default=10.0, help="s between the sweeps sent in the chaos phase")
    add("--timeout", type=float, default=240.0, help="s to wait for a phase's last event")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    load_before = os.getloadavg()
    setup = Setup()
    worker = Worker(TMP)
    worker.start()
    worker.wait_ready()
    report: dict[str, Any] = {
        "broker": "sqlite (WAL, synchronous=NORMAL, polled every 0.1 s: config/celery.py)",
        "load_avg_before": [round(x, 2) for x in load_before],
    }
    try:  # the worker never outlives the bench, whatever fails
        if args.throughput:
            report["throughput"] = throughput(setup, args.throughput, args.timeout, together=True)
        if args.e2e:
            report["throughput_e2e"] = throughput(setup, args.e2e, args.timeout, together=False)
        if args.seconds:
            report["latency"] = latency(setup, args.rate, args.seconds, args.timeout)
        if args.chaos:
            report["chaos"] = chaos(setup, worker, args)
    finally:
        worker.kill()
    report["worker_tasks"] = worker.task_stats()
    report["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["cpus"] = os.cpu_count()
    report["data_dir"] = str(TMP)
    names = ("throughput", "throughput_e2e", "latency", "chaos")
    phases = [report[k] for k in names if k in report]
    report["correct"] = all(hard_ok(p) for p in phases)
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["correct"] else 1)


if __name__ == "__main__":
    main()
