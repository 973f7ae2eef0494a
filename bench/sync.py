"""Benchmark: 5,000 hires sent to the fake SuccessFactors under 429 + Retry-After.

Embedded setup (SQLite in a temp data dir). Builds one org unit, a job, 5,000 candidates
with encrypted e-mails and their applications at "pending onboarding", a SuccessFactors
connector with the example template, and one pending Sync per hire (as the trigger makes
them from 5,000 `offer.approved` events). The fake SuccessFactors (real HTTP on loopback,
real OAuth handshake) knows every candidate and answers every BENCH_THROTTLE-th OData call
with 429 and `Retry-After: 1`. BENCH_WORKERS threads run the real sender (`sync_send`:
claim, map, push, settle) on whatever is due, as Celery workers fed by the sweep would.
Prints JSON: rows/s, attempts, 429s answered, and the checks — every report arrived
(5,000 report entities) and none twice (each upserted exactly once). The hires carry no
interview scores (building 5,000 analysed interviews would time the fixtures, not the
sync); the payload is otherwise the example template's. `python bench/sync.py`.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="mianshi-bench-sync-")
os.environ["MIANSHI_DATA_DIR"] = TMP
os.environ.setdefault("MIANSHI_ENCRYPTION_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app as celery_app  # noqa: E402
from mianshi.accounts.models import RoleGrant, User  # noqa: E402
from mianshi.accounts.roles import Role  # noqa: E402
from mianshi.candidates.models import ENC_CONTEXT, Application, Candidate  # noqa: E402
from mianshi.candidates.pipeline import Stage  # noqa: E402
from mianshi.common.crypto import blind_index, encrypt_str  # noqa: E402
from mianshi.integrations.connectors.adapters.successfactors.example import (  # noqa: E402
    EXAMPLE_TEMPLATE,
)
from mianshi.integrations.connectors.models import Sync, SyncStatus  # noqa: E402
from mianshi.integrations.connectors.services.connectors import (  # noqa: E402
    connector_create,
    template_create,
)
from mianshi.integrations.connectors.services.syncs import sync_send  # noqa: E402
from mianshi.integrations.connectors.tests.fake_successfactors import (  # noqa: E402
    FakeSF,
    new_private_key,
    start,
)
from mianshi.jobs.models import Job  # noqa: E402
from mianshi.organisations.models import UnitKind  # noqa: E402
from mianshi.organisations.services import orgunit_create  # noqa: E402

N = int(os.environ.get("BENCH_HIRES", "5000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THROTTLE = int(os.environ.get("BENCH_THROTTLE", "7"))
LIMIT_S = float(os.environ.get("BENCH_LIMIT_S", "1800"))
S = SyncStatus


def _hires(unit: Any, user: User) -> list[int]:
    job = Job.objects.create(org_unit=unit, title="销售代表", status="open")
    people = [
        Candidate(
            org_unit=unit, name=f"候选人{i}", created_by=user,
            email_enc=encrypt_str(f"hire{i}@example.com", context=ENC_CONTEXT["email_enc"]),
            email_bidx=blind_index(f"hire{i}@example.com", kind="email"),
        )
        for i in range(N)
    ]  # fmt: skip
    Candidate.objects.bulk_create(people, batch_size=500)
    apps = [
        Application(
            candidate=c, job=job, org_unit=unit, stage=Stage.PENDING_ONBOARDING, created_by=user
        )
        for c in Candidate.objects.order_by("pk")
    ]
    Application.objects.bulk_create(apps, batch_size=500)
    return list(Application.objects.order_by("pk").values_list("pk", flat=True))


def build(sf: FakeSF) -> tuple[int, list[int]]:
    call_command("migrate", verbosity=0)
    hq = orgunit_create(actor=None, name="总部", code="hq", kind=UnitKind.HEADQUARTERS)
    unit = orgunit_create(actor=None, name="上海分公司", code="sh", kind=UnitKind.BRANCH, parent=hq)
    admin = User.objects.create_user("bench_admin", password="x")
    RoleGrant.objects.create(user=admin, role=Role.HR_ADMIN, org_unit=unit)
    key = new_private_key()
    sf.register_client("api-key-1", key)
    data = {
        "name": "SuccessFactors", "triggers": [{"event": "offer.approved", "kind": "assessment"}],
        "settings": {"base_url": sf.url, "company_id": "ACME", "user_id": "sfapi"},
        "credentials": {"client_id": "api-key-1", "private_key": key},
    }  # fmt: skip
    connector = connector_create(
        actor=admin, org_unit_id=unit.pk, adapter="successfactors", data=data
    )
    template_create(actor=admin, connector=connector, kind="assessment", body=EXAMPLE_TEMPLATE)
    app_ids = _hires(unit, admin)
    for i in range(len(app_ids)):
        sf.add_candidate(100_000 + i, f"hire{i}@example.com", 200_000 + i)
    return connector.pk, app_ids


def enqueue(connector_id: int, app_ids: list[int]) -> None:
    """One pending sync per hire, as the trigger makes them (event ids stand in)."""
    now = timezone.now()
    rows = [
        Sync(
            connector_id=connector_id,
            kind="assessment",
            object_id=pk,
            event_id=i,
            next_attempt_at=now,
        )
        for i, pk in enumerate(app_ids, start=1)
    ]
    Sync.objects.bulk_create(rows, batch_size=500)


def _open() -> bool:
    return Sync.objects.filter(status__in=[S.PENDING, S.RUNNING]).exists()


def worker(deadline: float, outcomes: dict[str, int], lock: threading.Lock) -> None:
    """Run what is due until nothing is left; claims keep two threads off one row."""
    try:
        while time.monotonic() < deadline:
            due = Sync.objects.filter(status=S.PENDING, next_attempt_at__lte=timezone.now())
            ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:40])
            if not ids:
                if not _open():
                    return
                time.sleep(0.05)
                continue
            random.shuffle(ids)
            for pk in ids:
                outcome = sync_send(sync_id=pk)
                with lock:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.close()


def main() -> None:
    logging.disable(logging.INFO)  # a line per sync would time the terminal
    celery_app.conf.task_always_eager = True  # a retry's countdown task would find it not due
    sf, server = start()
    connector_id, app_ids = build(sf)
    enqueue(connector_id, app_ids)
    sf.throttle(every=THROTTLE, retry_after="1")
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = time.monotonic() + LIMIT_S
    threads = [
        threading.Thread(target=worker, args=(deadline, outcomes, lock)) for _ in range(WORKERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    server.shutdown()
    print(json.dumps(report(sf, elapsed, outcomes), indent=2))


def report(sf: FakeSF, elapsed: float, outcomes: dict[str, int]) -> dict[str, Any]:
    statuses = dict(Sync.objects.values_list("status").annotate(n=Count("id")))
    reports = {k: n for k, n in sf.upserts.items() if k[0] == "JobApplicationAssessmentReport"}
    attempts = Sync.objects.aggregate(max=Max("attempts"))["max"]
    retried = Sync.objects.filter(attempts__gt=1).count()
    return {
        "hires": N,
        "workers": WORKERS,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(statuses.get(S.SUCCEEDED, 0) / elapsed, 1),
        "statuses": statuses,
        "answered_429": sum(1 for _m, _p, status in sf.calls if status == 429),
        "syncs_retried": retried,
        "max_attempts": attempts,
        "sender_outcomes": outcomes,
        "all_arrived": len(reports) == N,
        "none_twice": bool(reports) and max(reports.values()) == 1,
        "db": TMP,
    }


if __name__ == "__main__":
    main()
