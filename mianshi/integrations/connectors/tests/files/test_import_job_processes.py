"""Import jobs run by real worker processes on the test's database: two racing for one job,
and one killed (SIGKILL) in the middle of its write transaction.

Each process runs the task's body (`run_import_job(job_id)`) as a Celery worker would; the
processes are plain `python -c` so these tests do not depend on the worker's task
registration (connectors/tasks.py importing files.tasks, see the lead's note).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import id_number, phone
from mianshi.common.tests.real_worker import BASE_DIR, worker_env
from mianshi.integrations.connectors.files import jobs
from mianshi.integrations.connectors.files.imports import ImportSpec
from mianshi.integrations.connectors.files.models import ImportJob, ImportStatus
from mianshi.integrations.connectors.tests.files.conftest import csv_bytes

CODE = (
    "import sys, django; django.setup()\n"
    "from mianshi.integrations.connectors.files.tasks import run_import_job\n"
    "print(run_import_job(int(sys.argv[1])), flush=True)\n"
)


def _people(n: int) -> list[list[str]]:
    return [["name", "id_number", "phone"]] + [
        [f"人{i}", id_number(birth=f"1992{1 + i // 14000:02d}{1 + i // 500 % 28:02d}"), phone()]
        for i in range(n)
    ]


def _queue(user: Any, unit: Any, rows: int) -> ImportJob:
    spec = ImportSpec(kind="candidate", fmt="csv")
    source = csv_bytes(_people(rows))
    return jobs.import_job_create(actor=user, spec=spec, upload=source, unit=unit)


def _worker(job_id: int, folder: Path) -> subprocess.Popen[str]:
    env = worker_env({"MIANSHI_DATA_DIR": str(folder)})
    return subprocess.Popen(
        [sys.executable, "-c", CODE, str(job_id)], cwd=BASE_DIR, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def _outcome(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return out.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_job_import_it_once(
    org: Any, files_world: Any, tmp_path: Path
) -> None:
    job = _queue(files_world.hr_sh, org.sh, 300)
    racers = [_worker(job.pk, tmp_path / f"w{n}") for n in (1, 2)]
    outcomes = sorted(_outcome(p) for p in racers)
    assert outcomes == ["done", "not_claimed"]
    assert Candidate.objects.count() == 300
    assert ImportJob.objects.get(pk=job.pk).claims == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_write_loses_nothing_and_a_rerun_finishes(
    org: Any, files_world: Any, tmp_path: Path
) -> None:
    rows = 4000
    job = _queue(files_world.hr_sh, org.sh, rows)
    worker = _worker(job.pk, tmp_path / "w1")
    deadline = time.monotonic() + 240
    while ImportJob.objects.get(pk=job.pk).status != ImportStatus.WRITING:
        assert worker.poll() is None, worker.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the worker never started writing"
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the write transaction: some batches are inserted
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)

    killed = ImportJob.objects.get(pk=job.pk)
    assert killed.status == ImportStatus.WRITING and killed.created == 0
    assert Candidate.objects.count() == 0  # the uncommitted write died with the process
    assert default_storage.exists(killed.file_name)

    assert jobs.import_jobs_sweep(stale_after=timedelta(0))["given_back"] == 1
    assert _outcome(_worker(job.pk, tmp_path / "w2")) == "done"
    done = ImportJob.objects.get(pk=job.pk)
    assert (done.status, done.created, done.claims) == ("done", rows, 2)
    assert Candidate.objects.count() == rows
    assert not default_storage.exists(killed.file_name)


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_uploaded_import(
    org: Any, files_world: Any, real_workers: Any, api_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    real_workers.start()
    api = api_for(files_world.hr_sh, ["candidates:write"])
    upload = SimpleUploadedFile("people.csv", csv_bytes(_people(20)).getvalue())
    answer = api.client.post(
        "/api/integrations/files/import",
        {"kind": "candidate", "unit_id": org.sh.pk, "file": upload},
    )
    assert answer.status_code == 202
    path = f"/integrations/files/imports/{answer.json()['id']}"
    done = real_workers.wait_until(
        lambda: (body := api.get(path).json())["status"] == "done" and body,
        what="the worker to import the file",
        timeout=120,
    )
    assert done["created"] == 20 and Candidate.objects.count() == 20
