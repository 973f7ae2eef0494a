"""Benchmark: file import and export of 100,000 candidates (SQLite, temp database).

Writes a 100,000-row CSV (valid ID numbers, unique phones, Chinese names) to a temp file,
then times, each in turn: the check alone (the dry run), the whole import as the job path
runs it (import_job_create seals and queues the upload, then import_job_run — the worker's
task body, in this process — checks and writes every row in one transaction, a batch at a
time, with an outbox event per row and one audit event), and the exports of everything as
CSV, XLSX and XML (drained as a download would be). `import.write_seconds` is the write
transaction alone: how long the database's writer lock is held. Peak RSS
(Linux VmHWM, reset before each phase) is read after each phase: memory stays flat when a
phase's peak hardly exceeds the baseline, and the check of 100,000 rows peaks no higher
than that of 10,000.

The outbox events are written in the import's transaction as always; their dispatch after
commit goes to an in-memory broker here, so the figure is the import's own cost, not the
broker's; those messages stay in this process, though, and are counted in the output
(`dispatch_messages_held_in_memory`) since they make most of the import's peak RSS.
Prints JSON. Not part of the test suite: `python bench/files.py`
(BENCH_ROWS=… for another size).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="mianshi-bench-files-")
os.environ["MIANSHI_DATA_DIR"] = TMP
os.environ.setdefault("MIANSHI_ENCRYPTION_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("MIANSHI_BLIND_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
os.environ["MIANSHI_BROKER_URL"] = "memory://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from mianshi.accounts.models import RoleGrant, User  # noqa: E402
from mianshi.accounts.roles import Role  # noqa: E402
from mianshi.candidates.models import Candidate  # noqa: E402
from mianshi.candidates.validators import _ID_CHECK, _ID_WEIGHTS  # noqa: E402
from mianshi.integrations.connectors.files import jobs  # noqa: E402
from mianshi.integrations.connectors.files.exports import file_export  # noqa: E402
from mianshi.integrations.connectors.files.imports import (  # noqa: E402
    ImportSpec,
    file_import_check,
)
from mianshi.integrations.connectors.files.models import ImportJob  # noqa: E402
from mianshi.organisations.models import UnitKind  # noqa: E402
from mianshi.organisations.services import orgunit_create  # noqa: E402

N = int(os.environ.get("BENCH_ROWS", "100000"))
# The write pass is the long part (an outbox event per row), so it can be measured on fewer
# rows; the rest of the N candidates the export reads are then inserted directly.
N_IMPORT = min(N, int(os.environ.get("BENCH_IMPORT_ROWS", str(N))))
SMALL = max(1, N // 10)


def id_number(i: int) -> str:
    """A valid ID number, unique per i (born on one of 365 days of 1990, serial i // 365)."""
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    serial = i // 336
    body = f"110105{1960 + serial // 1000:04d}{month:02d}{day:02d}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "id_number", "phone", "email", "gender", "birth_date", "tags"])
        for i in range(rows):
            writer.writerow(
                [f"候选人{i}", id_number(i), f"138{i:08d}", f"c{i}@example.cn",
                 "女" if i % 2 else "男", "1995-03-07", "校招"]
            )  # fmt: skip


def fill(unit: Any, start: int) -> None:
    """Candidates start..N-1 inserted directly (encrypted like the service does)."""
    from mianshi.candidates.models import ENC_CONTEXT
    from mianshi.common.crypto import blind_index, encrypt_str

    batch: list[Candidate] = []
    for i in range(start, N):
        values = {"id_number": id_number(i), "phone": f"138{i:08d}", "email": f"c{i}@example.cn"}
        fields: dict[str, Any] = {"org_unit": unit, "name": f"候选人{i}", "source": "import"}
        for kind, value in values.items():
            fields[f"{kind}_enc"] = encrypt_str(value, context=ENC_CONTEXT[f"{kind}_enc"])
            fields[f"{kind}_bidx"] = blind_index(value, kind=kind)
        batch.append(Candidate(**fields))
        if len(batch) == 2000:
            Candidate.objects.bulk_create(batch)
            batch = []
    Candidate.objects.bulk_create(batch)


def peak_mib() -> float:
    """The peak RSS since the last reset_peak() (Linux: VmHWM), else of the whole process."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak() -> None:
    """Linux resets the peak RSS (VmHWM) to the current RSS on "5" in clear_refs: each
    phase's peak is then its own, not the migrations' before it."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def timed(label: str, rows: int, work: Callable[[], Any], out: dict[str, Any]) -> Any:
    reset_peak()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    out[label] = {
        "rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
        "peak_rss_mib": peak_mib(),
    }  # fmt: skip
    print(json.dumps({label: out[label]}), file=sys.stderr, flush=True)
    return result


def drain(export: Any) -> int:
    if export.file is not None:
        return len(export.file.read())
    return sum(len(chunk.encode()) for chunk in export.chunks)


def queued() -> int:
    """Messages the in-memory broker holds: one outbox dispatch per imported row, after the
    commit (≈1.7 KB each). A real broker holds them outside this process, so they are part
    of the import's peak here only."""
    from kombu.transport import memory

    return sum(q.qsize() for q in getattr(memory.Channel, "queues", {}).values())


WRITE_SECONDS: list[float] = []


def _timed_write(**kwargs: Any) -> Any:
    """jobs.file_import_write, timed: the transaction that holds the writer lock."""
    started = time.perf_counter()
    try:
        return _write(**kwargs)
    finally:
        WRITE_SECONDS.append(time.perf_counter() - started)


_write = jobs.file_import_write
jobs.file_import_write = _timed_write


def import_job(user: User, unit: Any, path: Path) -> ImportJob:
    """The job path: store and queue (the message goes to the in-memory broker), then run
    the task's body here, as a worker would."""
    spec = ImportSpec(kind="candidate", fmt="csv")
    with path.open("rb") as upload:
        job = jobs.import_job_create(actor=user, spec=spec, upload=upload, unit=unit)
    outcome = jobs.import_job_run(job_id=job.pk)
    assert outcome == "done", outcome
    return ImportJob.objects.get(pk=job.pk)


def export(user: User, fmt: str) -> int:
    return drain(file_export(actor=user, kind="candidate", fmt=fmt))


def main() -> None:
    call_command("migrate", verbosity=0)
    hq = orgunit_create(actor=None, name="总部", code="hq", kind=UnitKind.HEADQUARTERS)
    unit = orgunit_create(actor=None, name="分公司", code="b1", kind=UnitKind.BRANCH, parent=hq)
    hr = User.objects.create_user("bench_hr", password="x")
    RoleGrant.objects.create(user=hr, role=Role.HR, org_unit=hq)
    small, big, part = (Path(TMP) / f"{n}.csv" for n in ("small", "big", "part"))
    write_csv(small, SMALL)
    write_csv(big, N)
    write_csv(part, N_IMPORT)
    out: dict[str, Any] = {"rows": N, "file_mib": round(big.stat().st_size / 2**20, 1)}
    reset_peak()
    out["baseline_rss_mib"] = peak_mib()
    spec = ImportSpec(kind="candidate", fmt="csv")
    with small.open("rb") as f:
        timed(
            "check_small",
            SMALL,
            lambda: file_import_check(actor=hr, spec=spec, source=f, unit=unit),
            out,
        )
    with big.open("rb") as f:
        report = timed(
            "check", N, lambda: file_import_check(actor=hr, spec=spec, source=f, unit=unit), out
        )
        assert report.ok, report.problems[:5]
    job = timed("import", N_IMPORT, lambda: import_job(hr, unit, part), out)
    assert job.created == N_IMPORT and Candidate.objects.count() == N_IMPORT
    out["import"]["write_seconds"] = round(WRITE_SECONDS[-1], 2)
    out["import"]["dispatch_messages_held_in_memory"] = queued()
    fill(unit, N_IMPORT)
    for fmt in ("csv", "xml", "xlsx"):
        size = timed(f"export_{fmt}", N, partial(export, hr, fmt), out)
        out[f"export_{fmt}"]["file_mib"] = round(size / 2**20, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
