"""Benchmark: the candidate list at 100,000 candidates (SQLite, temp database).

Builds an org tree, 100,000 candidates (encrypted identifiers, blind indexes) and about
130,000 applications with bulk_create, then times the list selector and the whole page
view for an HR user and a department manager. Prints JSON: milliseconds per query
(median of several runs). Not part of the test suite: `python bench/candidates_list.py`.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="mianshi-bench-")
os.environ["MIANSHI_DATA_DIR"] = TMP
os.environ.setdefault("MIANSHI_ENCRYPTION_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from mianshi.accounts.models import RoleGrant, User  # noqa: E402
from mianshi.accounts.roles import Role  # noqa: E402
from mianshi.candidates.models import ENC_CONTEXT, Application, Candidate  # noqa: E402
from mianshi.candidates.pipeline import Stage  # noqa: E402
from mianshi.candidates.selectors import CandidateFilters, candidate_page  # noqa: E402
from mianshi.common.crypto import blind_index, encrypt_str  # noqa: E402
from mianshi.jobs.models import Job  # noqa: E402
from mianshi.organisations.models import UnitKind  # noqa: E402
from mianshi.organisations.services import orgunit_create  # noqa: E402

N = int(os.environ.get("BENCH_CANDIDATES", "100000"))
STAGES = list(Stage)


def build() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    hq = orgunit_create(actor=None, name="总部", code="hq", kind=UnitKind.HEADQUARTERS)
    branches = [
        orgunit_create(actor=None, name=f"分公司{i}", code=f"b{i}", kind=UnitKind.BRANCH, parent=hq)
        for i in range(4)
    ]
    depts = [
        orgunit_create(
            actor=None, name=f"部门{i}", code=f"d{b.pk}-{i}", kind=UnitKind.DEPARTMENT, parent=b
        )
        for b in branches
        for i in range(3)
    ]
    jobs = [
        Job.objects.create(org_unit=d, title=f"岗位{d.pk}-{j}", status="open")
        for d in depts
        for j in range(3)
    ]
    hr = User.objects.create_user("bench_hr", password="x")
    RoleGrant.objects.create(user=hr, role=Role.HR, org_unit=hq)
    mgr = User.objects.create_user("bench_mgr", password="x")
    RoleGrant.objects.create(user=mgr, role=Role.DEPT_MANAGER, org_unit=depts[0])
    started = time.perf_counter()
    batch: list[Candidate] = []
    for i in range(N):
        phone = f"138{i:08d}"
        batch.append(
            Candidate(
                org_unit=branches[i % 4],
                name=f"候选人{i}",
                phone_enc=encrypt_str(phone, context=ENC_CONTEXT["phone_enc"]),
                phone_bidx=blind_index(phone, kind="phone"),
                email_enc=encrypt_str(f"c{i}@example.com", context=ENC_CONTEXT["email_enc"]),
                email_bidx=blind_index(f"c{i}@example.com", kind="email"),
            )
        )
        if len(batch) == 5000:
            Candidate.objects.bulk_create(batch)
            batch = []
    Candidate.objects.bulk_create(batch)
    ids = list(Candidate.objects.values_list("pk", flat=True))
    apps: list[Application] = []
    for n, pk in enumerate(ids):
        for k in range(1 + (n % 3 == 0)):
            job = jobs[(n + k * 7) % len(jobs)]
            apps.append(
                Application(
                    candidate_id=pk,
                    job=job,
                    org_unit_id=job.org_unit_id,
                    stage=STAGES[(n + k) % len(STAGES)],
                )
            )
        if len(apps) >= 5000:
            Application.objects.bulk_create(apps)
            apps = []
    Application.objects.bulk_create(apps)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "hr": hr,
        "mgr": mgr,
        "job": jobs[0],
        "unit": branches[1],
        "build_s": round(time.perf_counter() - started, 1),
        "applications": Application.objects.count(),
    }


def timed(fn: Callable[[], Any], runs: int = 5) -> float:
    fn()  # warm caches (scope lookups, statement cache)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(samples), 1)


def main() -> None:
    world = build()
    hr, mgr = world["hr"], world["mgr"]
    deep = (N // 50) // 2
    cases: dict[str, CandidateFilters | tuple[CandidateFilters, int]] = {
        "first_page": CandidateFilters(),
        "deep_page": (CandidateFilters(), deep),
        "stage_filter": CandidateFilters(stage=Stage.SCREENING),
        "job_and_stage_filter": CandidateFilters(job=world["job"].pk, stage=Stage.APPLIED),
        "branch_filter": CandidateFilters(unit=world["unit"].pk),
        "exact_phone_search": CandidateFilters(q="13800012345"),
        "exact_email_search": CandidateFilters(q="c777@example.com"),
        "name_contains_search": CandidateFilters(q="候选人9999"),
    }
    results: dict[str, Any] = {
        "candidates": N,
        "applications": world["applications"],
        "build_seconds": world["build_s"],
        "selector_ms": {},
        "view_ms": {},
    }
    for user_key, user in (("hr", hr), ("dept_manager", mgr)):
        for name, case in cases.items():
            filters, page = case if isinstance(case, tuple) else (case, 1)
            results["selector_ms"][f"{user_key}.{name}"] = timed(
                partial(candidate_page, user=user, filters=filters, number=page)
            )
    client = Client()
    client.force_login(hr)
    results["view_ms"]["hr.first_page"] = timed(lambda: client.get("/candidates/"))
    results["view_ms"]["hr.deep_page"] = timed(lambda: client.get(f"/candidates/?page={deep}"))
    results["view_ms"]["hr.exact_phone_search"] = timed(
        lambda: client.get("/candidates/?q=13800012345")
    )
    results["view_ms"]["hr.stage_filter"] = timed(
        lambda: client.get("/candidates/?stage=screening")
    )
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
