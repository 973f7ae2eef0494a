"""Benchmark: HR page times with the demo data plus 100,000 candidates (issue 5).

    python bench/pages.py                      # seed a fresh SQLite deployment, then measure
    python bench/pages.py --reuse              # measure again on the seeded one
    python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages

Seeds with bench/seed_pages.py (migrate, load_demo, a few really analysed interviews,
then bulk: N candidates with encrypted identifiers, 1–3 applications each over the demo
jobs, tags, a few thousand finished interviews with analysis results and InterviewScore
rows, a month of audit trail and outbox history), runs collectstatic, starts gunicorn as
scripts/demo.sh does (4 workers × 2 threads, keep-alive 10 s) on a free loopback port,
logs in as hr_sh (Shanghai branch) and admin (HR admin over the whole organisation) with
requests.Session, and requests each page --requests times in turn after a warm-up
(every worker has served it); the interviewer int_sh_1 and the auditor then request their
home page the same way. Times
are client-side, request sent → whole body read. Prints one JSON object: per user and
page p50/p95/max in milliseconds, the server's CPU per request (gunicorn master and
workers from /proc; with SQLite that includes the database, with PostgreSQL it does not;
less disturbed by other work on the machine than wall time, whose 1-minute load average
is reported too), the HTTP status and the body size; a page still at 404 (a review page
not landed yet) is reported as such. Progress goes to stderr, one line per page.

The data folder (default /tmp/mianshi-bench-pages, or -pg with PostgreSQL) is wiped and
re-seeded unless --reuse; a PostgreSQL database is dropped and re-created only when its
name contains "bench". The bench talks only to the loopback server it started and stops it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MARK = "bench-pages-manifest.json"
PASSWORD = "Mianshi-Demo-2026"  # mianshi/demo/data.py
USERS = ("hr_sh", "admin")
# The other roles' home pages (issue 14): the interviewer's to-rate list, the auditor's trail.
HOME_USERS = ("int_sh_1", "auditor")
WARMUP = 8  # ≥ 4 workers × 2 threads: template compilation and scope caches are not timed
TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    args = _args()
    data_dir = args.data_dir or Path(
        "/tmp/mianshi-bench-pages" + ("-pg" if args.database_url else "")
    )
    env = _env(data_dir, args.database_url)
    manifest_path = data_dir / MARK
    if not (args.reuse and manifest_path.exists()):
        _fresh(data_dir, args.database_url)
        _run(
            [BIN / "python", ROOT / "bench/seed_pages.py", "--candidates", str(args.candidates),
             "--scored", str(args.scored), "--manifest", manifest_path],
            env,
        )  # fmt: skip
    manifest = json.loads(manifest_path.read_text())
    _run([BIN / "python", ROOT / "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    port = args.port or _free_port()
    server = _start(env, port, data_dir)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        wanted = {k: v for k, v in _pages(manifest).items() if not args.only or k in args.only}
        pages = {user: _measure(base, user, wanted, args.requests, server.pid) for user in USERS}
        homes = {k: v for k, v in wanted.items() if k.startswith("home")}
        for user in HOME_USERS if homes else ():
            pages[user] = _measure(base, user, homes, args.requests, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(_report(args, manifest, pages), ensure_ascii=False, indent=2))


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--scored", type=int, default=4000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default SQLite")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded data")
    parser.add_argument("--port", type=int)
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    args.only = {p for p in args.only.split(",") if p}
    return args


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIANSHI_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", MIANSHI_DATA_DIR=str(data_dir))
    if database_url:
        env["MIANSHI_DATABASE_URL"] = database_url
    return env


def _fresh(data_dir: Path, database_url: str) -> None:
    """An empty data folder (only ever one this bench made) and an empty database."""
    if data_dir.exists():
        if any(data_dir.iterdir()) and not (data_dir / MARK).exists():
            sys.exit(f"{data_dir} is not empty and was not made by this bench; not wiping it")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    (data_dir / MARK).write_text("{}")  # marks the folder as ours while seeding
    if database_url:
        _recreate_database(database_url)


def _recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"database {name!r}: only a database named *bench* is dropped and re-created")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run(cmd: list[Any], env: dict[str, str]) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    log = (data_dir / "gunicorn.log").open("ab")
    cmd = [
        str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "4", "--threads", "2", "--keep-alive", "10",
    ]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # still booting
            pass
        time.sleep(0.3)
    sys.exit("the server did not answer /healthz within 60 s")


def _pages(m: dict[str, Any]) -> dict[str, str]:
    job, session = m["sh_job"], m["analysed_sessions"]["销售代表"][0]
    return {
        "home": "/",  # the role home page (to-do centre), issue 14
        "home_funnel": "/home/funnel/",  # its funnel panel, fetched after the page
        "pipeline_board": f"/jobs/{job}/pipeline/",  # the job's kanban, issue 14
        "pipeline_board_filtered": f"/jobs/{job}/pipeline/?tag=校招&level=high",
        "candidates_page_1": "/candidates/",
        "candidates_name_search": "/candidates/?q=王伟",
        "candidates_phone_search": "/candidates/?q=13700054321",
        "candidates_stage_filter": "/candidates/?stage=screening",
        "candidates_filters_combined": f"/candidates/?stage=screening&job={job}&tag=校招",
        "candidates_deep_page": "/candidates/?page=1000",
        "candidate_detail": f"/candidates/{m['detail_candidate']}/",
        "review_queue": "/reviews/",
        "workbench": f"/reviews/interviews/{session}/",
        "job_ranking": f"/reviews/jobs/{job}/ranking/",
        "job_ranking_csv": f"/reviews/jobs/{job}/ranking.csv",
    }


def _login(base: str, username: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        sys.exit("no CSRF token on the login page")
    data = {"username": username, "password": PASSWORD, "next": "/"}
    data["csrfmiddlewaretoken"] = token.group(1)
    headers = {"Referer": f"{base}/accounts/login/"}
    reply = http.post(
        f"{base}/accounts/login/", data=data, headers=headers, allow_redirects=False, timeout=30
    )
    if reply.status_code != 302:
        sys.exit(f"login as {username} answered {reply.status_code}")
    return http


def _measure(base: str, user: str, pages: dict[str, str], n: int, pid: int) -> dict[str, Any]:
    http = _login(base, user)
    out = {}
    for name, url in pages.items():
        out[name] = _time(http, base + url, n, pid)
        print(f"{user:>6} {name:<28} {out[name]}", file=sys.stderr, flush=True)
    return out


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by the gunicorn master `pid` and its workers."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: ppid
            total += (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return total


def _time(http: requests.Session, url: str, n: int, pid: int) -> dict[str, Any]:
    for _ in range(WARMUP):
        reply = http.get(url, timeout=120)
    if reply.status_code != 200:
        return {"status": reply.status_code, "note": "not measured: the page does not answer 200"}
    cpu_before = _server_cpu(pid)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        reply = http.get(url, timeout=120)
        size = len(reply.content)
        samples.append((time.perf_counter() - started) * 1000)
        if reply.status_code != 200:
            return {"status": reply.status_code, "note": "failed while measuring"}
    cpu_ms = (_server_cpu(pid) - cpu_before) * 1000 / n
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(q[94], 1),
        "max_ms": round(max(samples), 1),
        # Less sensitive to other work on the machine than the wall-clock times.
        "server_cpu_ms": round(cpu_ms, 1),
        "status": 200,
        "bytes": size,
        "requests": n,
    }


def _report(args: argparse.Namespace, m: dict[str, Any], pages: dict[str, Any]) -> dict[str, Any]:
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "cpu_cores": os.cpu_count(),
        "server": "gunicorn 4 workers x 2 threads (scripts/demo.sh)",
        # Other work on the machine inflates the times: the 1-minute load average at the end.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "candidates": m["candidates"],
        "applications": m["applications"],
        "interview_scores": m["interview_scores"],
        "audit_events": m.get("audit_events"),  # a data folder seeded before the history: None
        "outbox_handlings": m.get("outbox_handlings"),
        "seed_seconds": m["seconds"],
        "seed_seconds_total": m["seconds_total"],
        "pages": pages,
    }


if __name__ == "__main__":
    main()
